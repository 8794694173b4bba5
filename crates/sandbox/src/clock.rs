//! The sandbox clock every provider sandbox keeps: wall time, optionally running faster from
//! the moment the sandbox started (or frozen), plus an offset that tests move forward.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Sandbox time: starts at wall time, then runs `speed` times as fast, shifted by an offset
/// that only grows.
#[derive(Debug)]
pub(crate) struct Clock {
    started_ms: i64,
    speed: u32,
    offset_ms: AtomicI64,
}

impl Clock {
    /// A clock running `speed` times as fast as the wall clock; 0 stands still.
    pub(crate) fn new(speed: u32) -> Self {
        Self {
            started_ms: wall_ms(),
            speed,
            offset_ms: AtomicI64::new(0),
        }
    }

    pub(crate) fn speed(&self) -> u32 {
        self.speed
    }

    /// Sandbox time in unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = (wall_ms() - self.started_ms).max(0);
        self.started_ms
            + elapsed.saturating_mul(i64::from(self.speed))
            + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sandbox time in unix seconds.
    pub(crate) fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward; a negative amount is ignored, as time never goes back.
    pub(crate) fn advance(&self, seconds: i64) {
        self.offset_ms
            .fetch_add(seconds.max(0).saturating_mul(1000), Ordering::Relaxed);
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new(1)
    }
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Unix seconds on the wall clock.
pub(crate) fn wall_secs() -> i64 {
    wall_ms().div_euclid(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DAY, HOUR};

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

    #[test]
    fn a_stopped_clock_moves_only_when_advanced() {
        let clock = Clock::new(0);
        let start = clock.now_ms();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(clock.now_ms(), start);
        clock.advance(60);
        assert_eq!(clock.now_ms(), start + 60_000);
    }

    #[test]
    fn time_never_goes_back() {
        let clock = Clock::new(0);
        let start = clock.now();
        clock.advance(90);
        assert_eq!(clock.now(), start + 90);
        clock.advance(-5);
        assert_eq!(clock.now(), start + 90, "time never goes back");
    }
}
