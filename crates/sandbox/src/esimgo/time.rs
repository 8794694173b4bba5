//! eSIM Go times, which carry fractions of a second: unix milliseconds, and RFC 3339 in both
//! directions.

use crate::calendar::{self, days_from_civil};

/// Milliseconds in a second.
pub(crate) const SECOND: i64 = 1000;
/// Milliseconds in an hour.
pub(crate) const HOUR: i64 = 3600 * SECOND;
/// Milliseconds in a day.
pub(crate) const DAY: i64 = 24 * HOUR;

/// Formats unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn rfc3339(ms: i64) -> String {
    calendar::iso8601_millis(ms)
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
    let secs = days_from_civil(y, mo, d) * calendar::DAY + h * 3600 + mi * 60 + s;
    Some(secs * SECOND + millis)
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
}
