//! Wall-clock time as unix milliseconds, the one time format stored in the database.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as unix milliseconds.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
