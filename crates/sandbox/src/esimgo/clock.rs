//! The sandbox clock in milliseconds (eSIM Go times carry fractions of a second): wall time,
//! optionally running faster, plus an offset tests move forward; and RFC 3339 in both directions.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds in a second.
pub(crate) const SECOND: i64 = 1000;
/// Milliseconds in an hour.
pub(crate) const HOUR: i64 = 3600 * SECOND;
/// Milliseconds in a day.
pub(crate) const DAY: i64 = 24 * HOUR;

/// Sandbox time in unix milliseconds: starts at wall time, then runs `speed` times as fast,
/// shifted by an offset that only grows.
#[derive(Debug)]
pub(crate) struct Clock {
    started_ms: i64,
    speed: u32,
    offset_ms: AtomicI64,
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Clock {
    /// A clock running `speed` times as fast as the wall clock; 0 stands still.
    pub(crate) fn new(speed: u32) -> Self {
        Self {
            started_ms: wall_ms(),
            speed,
            offset_ms: AtomicI64::new(0),
        }
    }

    pub(crate) fn speed(&self) -> u32 {
        self.speed
    }

    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = (wall_ms() - self.started_ms).max(0);
        self.started_ms
            + elapsed.saturating_mul(i64::from(self.speed))
            + self.offset_ms.load(Ordering::Relaxed)
    }

    pub(crate) fn advance_secs(&self, seconds: i64) {
        self.offset_ms
            .fetch_add(seconds.saturating_mul(SECOND), Ordering::Relaxed);
    }
}

/// Formats unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(SECOND);
    let millis = ms.rem_euclid(SECOND);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC only, as the `createdAt` filter is written)
/// to unix milliseconds.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = text.get(from..from + len)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let at = |i: usize, allowed: &[u8]| bytes.get(i).is_some_and(|b| allowed.contains(b));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (y, mo, d) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (h, mi, s) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let rest = &text[19..];
    let (fraction, zone) = match rest.strip_prefix('.') {
        Some(after) => {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            (&after[..n], &after[n..])
        }
        None => ("", rest),
    };
    if !matches!(zone, "Z" | "z") || (rest.starts_with('.') && fraction.is_empty()) {
        return None;
    }
    let millis: i64 = format!("{:0<3}", &fraction[..fraction.len().min(3)])
        .parse()
        .ok()?;
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Some(secs * SECOND + millis)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_714_647_450_858), "2024-05-02T10:57:30.858Z");
        assert_eq!(
            parse_rfc3339("2024-05-02T10:57:30.858475018Z"),
            Some(1_714_647_450_858)
        );
        assert_eq!(
            parse_rfc3339("2024-03-01T00:00:00Z"),
            Some(1_709_251_200_000)
        );
        for ms in [0, 951_782_400_123, 4_107_542_399_999] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
    }

    #[test]
    fn refuses_what_is_not_utc_rfc3339() {
        for bad in [
            "",
            "2024-05-02",
            "2024-05-02T10:57:30",
            "2024-05-02T10:57:30+02:00",
            "2024-13-02T10:57:30Z",
            "2024-05-02T10:57:30.Z",
            "gte:2024-05-02T10:57:30Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_stopped_clock_moves_only_when_advanced() {
        let clock = Clock::new(0);
        let start = clock.now_ms();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(clock.now_ms(), start);
        clock.advance_secs(60);
        assert_eq!(clock.now_ms(), start + 60 * SECOND);
    }
}
