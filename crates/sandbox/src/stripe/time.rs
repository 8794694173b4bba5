//! Wall-clock time in unix seconds, and the calendar month that card expiry dates compare to.

use crate::calendar::{civil_from_days, DAY};

/// Seconds since the epoch; Stripe timestamps and webhook signatures use the real clock.
pub(crate) fn now() -> i64 {
    crate::clock::wall_secs()
}

/// The UTC `(year, month)` of a unix time.
pub(crate) fn year_month(secs: i64) -> (i32, u32) {
    let (year, month, _) = civil_from_days(secs.div_euclid(DAY));
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
