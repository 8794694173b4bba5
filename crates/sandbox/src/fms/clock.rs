//! The sandbox clock: wall time, optionally faster from the moment the sandbox started, plus an
//! offset tests move forward; and FMS's `yyyy-MM-dd HH:mm:ss` times.

use super::assumed;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) const MINUTE: i64 = 60;
pub(crate) const HOUR: i64 = 3_600;
pub(crate) const DAY: i64 = 86_400;

/// Sandbox time in unix seconds.
#[derive(Debug)]
pub(crate) struct Clock {
    started_ms: i64,
    speed: u32,
    offset: AtomicI64,
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Unix seconds on the wall clock.
pub(crate) fn wall_secs() -> i64 {
    wall_ms().div_euclid(1000)
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
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }
}

/// Unix seconds as FMS writes times: `yyyy-MM-dd HH:mm:ss` at [`assumed::TIME_OFFSET_SECS`].
pub(crate) fn fms_time(secs: i64) -> String {
    let (date, time) = parts(secs);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.0, date.1, date.2, time.0, time.1, time.2
    )
}

/// `yyyyMMddHHmmss`, for order numbers.
pub(crate) fn compact_time(secs: i64) -> String {
    let (date, time) = parts(secs);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        date.0, date.1, date.2, time.0, time.1, time.2
    )
}

fn parts(secs: i64) -> ((i64, i64, i64), (i64, i64, i64)) {
    let local = secs + assumed::TIME_OFFSET_SECS;
    let rem = local.rem_euclid(DAY);
    (
        civil_from_days(local.div_euclid(DAY)),
        (rem / HOUR, rem % HOUR / MINUTE, rem % MINUTE),
    )
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

    #[test]
    fn a_stopped_clock_moves_only_when_advanced() {
        let clock = Clock::new(0);
        let start = clock.now();
        clock.advance(HOUR);
        assert_eq!(clock.now(), start + HOUR);
    }
}
