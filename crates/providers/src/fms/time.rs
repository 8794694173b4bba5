//! FMS timestamps (`yyyy-MM-dd HH:mm:ss`, at the ASSUMED offset) into unix milliseconds.

use super::assumed;
use crate::time::date_time_secs;

/// Parses `yyyy-MM-dd HH:mm:ss` exactly; impossible dates and leap seconds are refused.
pub(super) fn unix_millis(input: &str) -> Option<i64> {
    let text = input.trim();
    if text.len() != 19 {
        return None;
    }
    let secs = date_time_secs(text, b" ")? - assumed::TIME_OFFSET_SECS;
    Some(secs * 1000)
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
