//! Timestamps without a date-time crate: ISO-8601 / RFC 3339 into and out of unix milliseconds,
//! the wall clock, and the civil-date arithmetic behind them.

use std::time::{SystemTime, UNIX_EPOCH};

const DAY_SECS: i64 = 86_400;

/// Unix milliseconds now.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)`; a space instead of `T`, and a lower-case
/// `t`/`z`, are accepted. Leap seconds (`:60`) and impossible dates are refused.
pub(crate) fn unix_millis(input: &str) -> Option<i64> {
    let text = input.trim();
    let secs = date_time_secs(text, b"Tt ")?;
    let mut rest = text.get(19..)?;
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        millis = format!("{:0<3}", &fraction[..digits.min(3)]).parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.bytes().next()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits = rest[1..].replace(':', "");
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (h, m): (i64, i64) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    Some((secs - offset_secs) * 1000 + millis)
}

/// Reads the `YYYY-MM-DD?HH:MM:SS` at the start of `text`, with one of `date_time_separators`
/// between date and time, as unix seconds (the time taken as UTC). Impossible dates and leap
/// seconds are refused; whatever follows is left to the caller.
pub(crate) fn date_time_secs(text: &str, date_time_separators: &[u8]) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let part = bytes.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, digit| {
            digit
                .is_ascii_digit()
                .then(|| acc * 10 + i64::from(digit - b'0'))
        })
    };
    let sep = |at: usize, allowed: &[u8]| bytes.get(at).is_some_and(|b| allowed.contains(b));
    if !(sep(4, b"-")
        && sep(7, b"-")
        && sep(10, date_time_separators)
        && sep(13, b":")
        && sep(16, b":"))
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY_SECS + hour * 3600 + minute * 60 + second)
}

/// Formats unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn rfc3339_millis(unix_ms: i64) -> String {
    format!(
        "{}.{:03}Z",
        date_time_utc(unix_ms.div_euclid(1000)),
        unix_ms.rem_euclid(1000)
    )
}

/// Formats unix milliseconds as `YYYY-MM-DDTHH:MM:SSZ`, dropping the fraction.
pub(crate) fn rfc3339_seconds(unix_ms: i64) -> String {
    format!("{}Z", date_time_utc(unix_ms.div_euclid(1000)))
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, without a zone.
fn date_time_utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(DAY_SECS), secs.rem_euclid(DAY_SECS));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
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

#[cfg(test)]
mod tests {
    // Each provider's documented examples; they all go through the same parser.

    mod esimfx {
        use super::super::*;

        #[test]
        fn parses_the_documented_form() {
            assert_eq!(unix_millis("1970-01-01T00:00:00Z"), Some(0));
            assert_eq!(unix_millis("2025-08-01T03:07:11Z"), Some(1_754_017_631_000));
            assert_eq!(unix_millis("2000-02-29T00:00:00Z"), Some(951_782_400_000));
            assert_eq!(unix_millis("2100-02-28T23:59:59Z"), Some(4_107_542_399_000));
            assert_eq!(unix_millis("1969-12-31T23:59:59Z"), Some(-1000));
        }

        #[test]
        fn accepts_fractions_and_offsets() {
            let base = 1_754_017_631_000;
            assert_eq!(unix_millis("2025-08-01T03:07:11.5Z"), Some(base + 500));
            assert_eq!(unix_millis("2025-08-01T03:07:11.123456Z"), Some(base + 123));
            assert_eq!(unix_millis("2025-08-01 03:07:11z"), Some(base));
            assert_eq!(unix_millis("2025-08-01T05:07:11+02:00"), Some(base));
            assert_eq!(unix_millis("2025-07-31T22:07:11-0500"), Some(base));
            assert_eq!(unix_millis("2025-08-01T03:07:11+00:00"), Some(base));
        }

        #[test]
        fn refuses_nonsense() {
            for bad in [
                "",
                "2025-08-01",
                "2025-08-01T03:07:11",
                "2025-08-01T03:07:11ZZ",
                "2025-13-01T00:00:00Z",
                "2025-02-29T00:00:00Z",
                "2025-04-31T00:00:00Z",
                "2025-08-01T24:00:00Z",
                "2025-08-01T03:60:00Z",
                "2025-08-01T03:07:60Z",
                "2025/08/01T03:07:11Z",
                "2025-08-01T03:07:11.Z",
                "2025-08-01T03:07:11+2:00",
                "+025-08-01T03:07:11Z",
                "2025-08-01T03:07:11 UTC",
            ] {
                assert_eq!(unix_millis(bad), None, "{bad:?}");
            }
        }
    }

    mod esimgo {
        use super::super::*;

        #[test]
        fn parses_the_documented_forms() {
            assert_eq!(
                unix_millis("2024-05-02T10:57:30.858475018Z"),
                Some(1_714_647_450_858)
            );
            assert_eq!(unix_millis("2024-05-02T10:57:31Z"), Some(1_714_647_451_000));
            assert_eq!(
                unix_millis("2024-05-02T12:57:31+02:00"),
                Some(1_714_647_451_000)
            );
        }

        #[test]
        fn formats_what_it_parses() {
            assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
            for ms in [1_714_647_450_858, 951_782_400_000, 4_107_542_399_999] {
                assert_eq!(unix_millis(&rfc3339_millis(ms)), Some(ms));
            }
        }

        #[test]
        fn refuses_nonsense() {
            for bad in [
                "",
                "2024-05-02",
                "2024-05-02T10:57:30",
                "2024-02-30T00:00:00Z",
                "2024-05-02T24:00:00Z",
                "2024-05-02T10:57:30.Z",
                "2024-05-02T10:57:30 UTC",
            ] {
                assert_eq!(unix_millis(bad), None, "{bad:?}");
            }
        }
    }

    mod truphone {
        use super::super::*;

        #[test]
        fn documented_dates_round_trip() {
            for (text, ms) in [
                ("2019-08-01T09:09:33Z", 1_564_650_573_000),
                ("1970-01-01T00:00:00Z", 0),
                ("2000-02-29T23:59:59Z", 951_868_799_000),
            ] {
                assert_eq!(unix_millis(text), Some(ms), "{text}");
                assert_eq!(rfc3339_seconds(ms), text);
            }
            assert_eq!(rfc3339_seconds(1_564_650_573_999), "2019-08-01T09:09:33Z");
        }

        #[test]
        fn offsets_and_fractions_are_honoured() {
            assert_eq!(
                unix_millis("2019-08-01T10:09:33.25+01:00"),
                Some(1_564_650_573_250)
            );
            assert_eq!(
                unix_millis("2019-08-01T08:09:33-0100"),
                Some(1_564_650_573_000)
            );
        }

        #[test]
        fn nonsense_is_refused() {
            for bad in [
                "",
                "2019-08-01",
                "2019-08-01T09:09:33",
                "2019-02-29T00:00:00Z",
                "2019-08-01T24:00:00Z",
                "2019-08-01T09:09:33+25:00",
                "2019-08-01T09:09:33.Z",
            ] {
                assert_eq!(unix_millis(bad), None, "{bad}");
            }
        }
    }
}
