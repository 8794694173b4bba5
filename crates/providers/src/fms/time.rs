//! FMS timestamps (`yyyy-MM-dd HH:mm:ss`, at the ASSUMED offset) into unix milliseconds, and
//! the wall clock, without a date-time crate.

use super::assumed;
use std::time::{SystemTime, UNIX_EPOCH};

/// Parses `yyyy-MM-dd HH:mm:ss` exactly; impossible dates and leap seconds are refused.
pub(super) fn unix_millis(input: &str) -> Option<i64> {
    let bytes = input.trim().as_bytes();
    if bytes.len() != 19 {
        return None;
    }
    let number = |from: usize, len: usize| -> Option<i64> {
        bytes[from..from + len].iter().try_fold(0i64, |acc, digit| {
            digit
                .is_ascii_digit()
                .then(|| acc * 10 + i64::from(digit - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, sep)| bytes[*at] != *sep) {
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
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - assumed::TIME_OFFSET_SECS;
    Some(secs * 1000)
}

/// Unix milliseconds now.
pub(super) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or(0)
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

/// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based count).
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
    fn parses_the_documented_form() {
        assert_eq!(unix_millis("1970-01-01 00:00:00"), Some(0));
        // The myEsimDetail example's activeTime.
        assert_eq!(unix_millis("2022-04-15 08:00:00"), Some(1_650_009_600_000));
        assert_eq!(unix_millis("2000-02-29 23:59:59"), Some(951_868_799_000));
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "",
            "2022-04-15",
            "2022-04-15T08:00:00",
            "2022-04-15 08:00:00Z",
            "2022-02-29 00:00:00",
            "2022-13-01 00:00:00",
            "2022-04-15 24:00:00",
            "2022-04-15 08:60:00",
            "2022/04/15 08:00:00",
            "20a2-04-15 08:00:00",
        ] {
            assert_eq!(unix_millis(bad), None, "{bad:?}");
        }
    }
}
