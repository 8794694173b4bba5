//! The sandbox clock: wall time, optionally running faster from the moment the sandbox started,
//! plus an offset that tests move forward; and ISO-8601 formatting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;
/// Seconds in an hour.
pub(crate) const HOUR: i64 = 3_600;

/// Sandbox time in unix seconds: starts at wall time, then runs `speed` times as fast, shifted
/// by an offset that only grows.
#[derive(Debug)]
pub(crate) struct Clock {
    started_ms: i64,
    speed: u32,
    offset: AtomicI64,
}

impl Default for Clock {
    fn default() -> Self {
        Self::new(1)
    }
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
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

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
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
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_754_017_631), "2025-08-01T03:07:11Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn a_fast_clock_runs_ahead_and_a_stopped_one_waits() {
        let fast = Clock::new(3600);
        let stopped = Clock::new(0);
        let (fast_start, stopped_start) = (fast.now(), stopped.now());
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(
            fast.now() - fast_start >= 60,
            "20 ms at 3600× is over a minute"
        );
        assert_eq!(stopped.now(), stopped_start);
        stopped.advance(HOUR);
        assert_eq!(stopped.now(), stopped_start + HOUR);
    }

    #[test]
    fn advancing_moves_now() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(DAY);
        assert!(clock.now() - before >= DAY);
    }
}
