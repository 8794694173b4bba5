//! Sandbox time for the Truphone sandbox: wall time that may run faster (or stand still) plus
//! an offset tests move forward; and ISO-8601 UTC in and out.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Unix seconds: wall time at start, then `speed` times as fast, plus an offset that only grows.
#[derive(Debug)]
pub(crate) struct Clock {
    started_ms: i64,
    speed: u32,
    offset: AtomicI64,
}

impl Clock {
    /// A clock running `speed` times as fast as the wall clock; 0 stands still.
    pub(crate) fn new(speed: u32) -> Self {
        Self {
            started_ms: wall_ms(),
            speed,
            offset: AtomicI64::new(0),
        }
    }

    pub(crate) fn speed(&self) -> u32 {
        self.speed
    }

    pub(crate) fn now(&self) -> i64 {
        let elapsed_ms = (wall_ms() - self.started_ms).max(0);
        let sandbox_ms = self.started_ms + elapsed_ms.saturating_mul(i64::from(self.speed));
        sandbox_ms.div_euclid(1000) + self.offset.load(Ordering::Relaxed)
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds.max(0), Ordering::Relaxed);
    }
}

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` to unix seconds (fractions dropped).
pub(crate) fn parse_iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = text.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits = rest[1..].replace(':', "");
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = digits[..2].parse().ok()?;
            let minutes: i64 = digits[2..].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(days * DAY + hour * 3600 + minute * 60 + second - offset)
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
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_known_instants() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_568_376_000, "2019-09-13T12:00:00Z"),
        ] {
            assert_eq!(iso8601(secs), text);
            assert_eq!(parse_iso8601(text), Some(secs));
        }
        assert_eq!(
            parse_iso8601("2019-09-13T13:00:00.250+01:00"),
            Some(1_568_376_000)
        );
    }

    #[test]
    fn nonsense_is_not_a_date() {
        for bad in [
            "",
            "2019-09-13",
            "2019-13-01T00:00:00Z",
            "2019-02-29T00:00:00Z",
            "2019-09-13T12:00:00",
            "2019-09-13T12:00:00+1",
            "yesterday at noon, UTC",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_stopped_clock_only_moves_when_advanced() {
        let clock = Clock::new(0);
        let start = clock.now();
        clock.advance(90);
        assert_eq!(clock.now(), start + 90);
        clock.advance(-5);
        assert_eq!(clock.now(), start + 90, "time never goes back");
    }
}
