//! ISO-8601 times as the Truphone API takes them in filters and bodies.

use crate::calendar::{days_from_civil, DAY};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::iso8601;

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
}
