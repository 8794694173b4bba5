//! Wall-clock time in unix seconds, and the calendar month that card expiry dates compare to.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch; Stripe timestamps and webhook signatures use the real clock.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The UTC `(year, month)` of a unix time.
pub(crate) fn year_month(secs: i64) -> (i32, u32) {
    // Howard Hinnant's days-to-civil algorithm.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_month_of_known_instants() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(951_782_400), (2000, 2));
        assert_eq!(year_month(1_754_017_631), (2025, 8));
        assert_eq!(year_month(1_767_225_599), (2025, 12));
        assert_eq!(year_month(1_767_225_600), (2026, 1));
    }
}
