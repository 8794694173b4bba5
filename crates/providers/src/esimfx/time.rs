//! eSIMfx timestamps (ISO-8601, UTC, `2025-10-07T05:20:12Z`) into unix milliseconds, without a
//! date-time crate.

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)`; a space instead of `T`, and a lower-case
/// `t`/`z`, are accepted. Leap seconds (`:60`) and impossible dates are refused.
pub(crate) fn unix_millis(input: &str) -> Option<i64> {
    let text = input.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return None;
    }
    let number = |from: usize, len: usize| -> Option<i64> {
        let part = bytes.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter()
            .try_fold(0i64, |acc, d| Some(acc * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, allowed: &[u8]| bytes.get(at).is_some_and(|b| allowed.contains(b));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }

    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits = rest[1..].replace(':', "");
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (h, m) = (
                digits[..2].parse::<i64>().ok()?,
                digits[2..].parse::<i64>().ok()?,
            );
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };

    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(secs * 1000 + millis)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (the usual era-based count).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

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
