//! Times as travellers read them: UTC dates ("23 Nov 2026, 14:05 UTC"), countdowns ("Expires in
//! 3 days") and ages ("Updated 2 minutes ago"), kept current in the browser.

use leptos::prelude::*;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A unix-millisecond time as a UTC date and time: "23 Nov 2026, 14:05 UTC".
pub fn utc_date_time(unix_ms: i64) -> String {
    let days = unix_ms.div_euclid(DAY);
    let minutes = unix_ms.rem_euclid(DAY) / MINUTE;
    let (year, month, day) = civil_date(days);
    format!(
        "{day} {} {year}, {:02}:{:02} UTC",
        MONTHS[(month - 1) as usize],
        minutes / 60,
        minutes % 60
    )
}

/// The (year, month, day) of a count of days since 1970-01-01, in the proleptic Gregorian calendar.
fn civil_date(days: i64) -> (i64, u32, u32) {
    // Count from 0000-03-01 so that leap days fall at the end of each year; 400-year eras repeat.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

fn plural(count: i64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// How long until `at`, roughly: "3 days", "30 hours", "45 minutes".
fn time_until(at: i64, now: i64) -> String {
    let left = at - now;
    if left >= 2 * DAY {
        plural((left + DAY / 2) / DAY, "day")
    } else if left >= 2 * HOUR {
        plural((left + HOUR / 2) / HOUR, "hour")
    } else {
        plural(((left + MINUTE - 1) / MINUTE).max(1), "minute")
    }
}

/// "Updated 2 minutes ago", or "Not checked yet" when the provider never confirmed the figures.
pub fn freshness(synced_at: Option<i64>, now: i64) -> String {
    let Some(at) = synced_at else {
        return "Not checked yet".to_owned();
    };
    let age = now - at;
    if age < MINUTE {
        "Updated just now".to_owned()
    } else if age < HOUR {
        format!("Updated {} ago", plural(age / MINUTE, "minute"))
    } else if age < DAY {
        format!("Updated {} ago", plural(age / HOUR, "hour"))
    } else {
        format!("Updated {} ago", plural(age / DAY, "day"))
    }
}

/// "Expires in 3 days", or "Expired" once `expires_at` has passed.
pub fn expires_in(expires_at: i64, now: i64) -> String {
    if expires_at <= now {
        "Expired".to_owned()
    } else {
        format!("Expires in {}", time_until(expires_at, now))
    }
}

/// Now, in unix milliseconds, on whichever side is rendering.
pub fn now_millis() -> i64 {
    #[cfg(feature = "ssr")]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::js_sys::Date::now() as i64
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        0
    }
}

/// How often relative times are brought up to date in the browser.
#[cfg(feature = "hydrate")]
const TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// A text that may depend on the current time.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum TimeText {
    /// Does not change: "Starts when you first connect".
    Fixed(String),
    /// "Expires in 3 days", then "Expired".
    ExpiresIn(i64),
    /// "Updated 2 minutes ago"; `None` when never checked.
    Freshness(Option<i64>),
}

impl TimeText {
    pub fn at(&self, now: i64) -> String {
        match self {
            TimeText::Fixed(text) => text.clone(),
            TimeText::ExpiresIn(at) => expires_in(*at, now),
            TimeText::Freshness(synced_at) => freshness(*synced_at, now),
        }
    }
}

/// `text` as of now. On the server it is the server's clock. In the browser the server's text is
/// kept while the island hydrates, then the browser's clock takes over and ticks, so a page
/// opened offline days later does not still say "2 minutes ago".
#[island]
pub fn LiveTime(text: TimeText) -> impl IntoView {
    let (now, set_now) = signal(None::<i64>);
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| set_now.set(Some(now_millis())));
        let handle = set_interval_with_handle(move || set_now.set(Some(now_millis())), TICK);
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    move || match now.get() {
        Some(now) => text.at(now),
        // While hydrating, the server's text stays; an empty value makes sure the browser's
        // first tick replaces it.
        None if cfg!(feature = "hydrate") => String::new(),
        None => text.at(now_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_with_leap_years() {
        assert_eq!(utc_date_time(0), "1 Jan 1970, 00:00 UTC");
        assert_eq!(utc_date_time(1_795_443_900_000), "23 Nov 2026, 14:25 UTC");
        assert_eq!(utc_date_time(951_782_400_000), "29 Feb 2000, 00:00 UTC");
        assert_eq!(utc_date_time(4_107_542_400_000), "1 Mar 2100, 00:00 UTC");
        assert_eq!(utc_date_time(-DAY), "31 Dec 1969, 00:00 UTC");
    }

    #[test]
    fn ages_read_naturally() {
        let now = 1_000 * DAY;
        assert_eq!(freshness(None, now), "Not checked yet");
        assert_eq!(freshness(Some(now - 10_000), now), "Updated just now");
        assert_eq!(freshness(Some(now + 10_000), now), "Updated just now");
        assert_eq!(freshness(Some(now - MINUTE), now), "Updated 1 minute ago");
        assert_eq!(
            freshness(Some(now - 2 * MINUTE - 5), now),
            "Updated 2 minutes ago"
        );
        assert_eq!(freshness(Some(now - 3 * HOUR), now), "Updated 3 hours ago");
        assert_eq!(freshness(Some(now - 2 * DAY), now), "Updated 2 days ago");
    }

    #[test]
    fn countdowns_round_to_the_nearest_unit() {
        let now = 1_000 * DAY;
        assert_eq!(expires_in(now + 3 * DAY - 1_000, now), "Expires in 3 days");
        assert_eq!(expires_in(now + 30 * HOUR, now), "Expires in 30 hours");
        assert_eq!(expires_in(now + 45 * MINUTE, now), "Expires in 45 minutes");
        assert_eq!(expires_in(now + 1, now), "Expires in 1 minute");
        assert_eq!(expires_in(now, now), "Expired");
        assert_eq!(expires_in(now - DAY, now), "Expired");
    }
}
