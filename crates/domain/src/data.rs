//! Data allowances in bytes; unlimited plans are their own variant, never a sentinel number.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MIB: u64 = 1024 * 1024;
pub const GIB: u64 = 1024 * MIB;

/// How much data a plan includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataAllowance {
    Limited { bytes: u64 },
    Unlimited,
}

impl DataAllowance {
    pub fn bytes(&self) -> Option<u64> {
        match self {
            DataAllowance::Limited { bytes } => Some(*bytes),
            DataAllowance::Unlimited => None,
        }
    }

    /// Whole gibibytes as a float, for ratios such as price per GB.
    pub fn gigabytes(&self) -> Option<f64> {
        self.bytes().map(|b| b as f64 / GIB as f64)
    }
}

/// Formats a byte count the way plans are labelled: "10 GB", "1.5 GB", "500 MB".
pub fn format_bytes(bytes: u64) -> String {
    // Just under a GB rounds to "1 GB", never "1024 MB".
    if bytes >= GIB - MIB / 2 {
        let tenths = (bytes * 10 + GIB / 2) / GIB;
        if tenths.is_multiple_of(10) {
            format!("{} GB", tenths / 10)
        } else {
            format!("{}.{} GB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} MB", (bytes + MIB / 2) / MIB)
    }
}

impl fmt::Display for DataAllowance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataAllowance::Limited { bytes } => f.write_str(&format_bytes(*bytes)),
            DataAllowance::Unlimited => f.write_str("Unlimited"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_binary_units() {
        assert_eq!(format_bytes(10 * GIB), "10 GB");
        assert_eq!(format_bytes(3 * GIB / 2), "1.5 GB");
        assert_eq!(format_bytes(500 * MIB), "500 MB");
        assert_eq!(format_bytes(GIB - 1), "1 GB");
        assert_eq!(format_bytes(GIB - MIB), "1023 MB");
        assert_eq!(DataAllowance::Unlimited.to_string(), "Unlimited");
    }
}
