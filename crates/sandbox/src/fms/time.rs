//! FMS's own time forms: `yyyy-MM-dd HH:mm:ss`, and `yyyyMMddHHmmss` in order numbers, both at
//! the ASSUMED offset from UTC.

use super::assumed;
use crate::calendar::date_time;

/// Unix seconds as FMS writes times: `yyyy-MM-dd HH:mm:ss` at [`assumed::TIME_OFFSET_SECS`].
pub(crate) fn fms_time(secs: i64) -> String {
    let ((y, mo, d), (h, mi, s)) = date_time(secs + assumed::TIME_OFFSET_SECS);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `yyyyMMddHHmmss`, for order numbers.
pub(crate) fn compact_time(secs: i64) -> String {
    let ((y, mo, d), (h, mi, s)) = date_time(secs + assumed::TIME_OFFSET_SECS);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_doc() {
        assert_eq!(fms_time(0), "1970-01-01 00:00:00");
        assert_eq!(fms_time(1_649_930_701), "2022-04-14 10:05:01");
        assert_eq!(compact_time(1_649_930_701), "20220414100501");
        assert_eq!(fms_time(951_868_799), "2000-02-29 23:59:59");
    }
}
