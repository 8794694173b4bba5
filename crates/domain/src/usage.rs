//! What an installed eSIM and its data packages are doing: the provider's state words, plain
//! explanations for travellers, and data used against each package's allowance.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an eSIM profile is in its life (eSIMfx `esim.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EsimState {
    /// Bought, not yet installed on a phone.
    Provisioned,
    /// Installed on a phone, not yet attached to a network.
    Installed,
    /// In use on a network.
    Active,
    /// Every package on it has ended.
    Expired,
    /// Permanently deactivated (60 days after expiring).
    Blocked,
    /// A rare provider-side error state.
    Deactivated,
}

impl EsimState {
    pub const ALL: [EsimState; 6] = [
        EsimState::Provisioned,
        EsimState::Installed,
        EsimState::Active,
        EsimState::Expired,
        EsimState::Blocked,
        EsimState::Deactivated,
    ];

    /// The provider's word, as shown to travellers next to the plain words.
    pub fn as_str(&self) -> &'static str {
        match self {
            EsimState::Provisioned => "PROVISIONED",
            EsimState::Installed => "INSTALLED",
            EsimState::Active => "ACTIVE",
            EsimState::Expired => "EXPIRED",
            EsimState::Blocked => "BLOCKED",
            EsimState::Deactivated => "DEACTIVATED",
        }
    }

    /// The provider's word in any case ("Installed", "installed"); `None` for anything else.
    pub fn parse(input: &str) -> Option<Self> {
        let word = input.trim();
        Self::ALL
            .into_iter()
            .find(|state| state.as_str().eq_ignore_ascii_case(word))
    }

    /// A short explanation for travellers.
    pub fn plain_words(&self) -> &'static str {
        match self {
            EsimState::Provisioned => "Ready to install",
            EsimState::Installed => "Installed, not yet connected",
            EsimState::Active => "In use",
            EsimState::Expired => "Expired: every package has ended",
            EsimState::Blocked => "Blocked: permanently deactivated",
            EsimState::Deactivated => "Deactivated",
        }
    }
}

impl fmt::Display for EsimState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one data package on an eSIM is (eSIMfx `subscription.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PackageState {
    /// Bought, waiting for the first connection at the destination (or its turn in the queue).
    Pending,
    /// Running: its validity clock has started.
    Active,
    /// Used up or past its validity.
    Expired,
    /// Cancelled through the provider.
    Terminated,
}

impl PackageState {
    pub const ALL: [PackageState; 4] = [
        PackageState::Pending,
        PackageState::Active,
        PackageState::Expired,
        PackageState::Terminated,
    ];

    /// The provider's word.
    pub fn as_str(&self) -> &'static str {
        match self {
            PackageState::Pending => "PENDING",
            PackageState::Active => "ACTIVE",
            PackageState::Expired => "EXPIRED",
            PackageState::Terminated => "TERMINATED",
        }
    }

    /// The provider's word in any case; `None` for anything else.
    pub fn parse(input: &str) -> Option<Self> {
        let word = input.trim();
        Self::ALL
            .into_iter()
            .find(|state| state.as_str().eq_ignore_ascii_case(word))
    }

    /// A short explanation for travellers.
    pub fn plain_words(&self) -> &'static str {
        match self {
            PackageState::Pending => "Waiting to start",
            PackageState::Active => "In use",
            PackageState::Expired => "Ended",
            PackageState::Terminated => "Cancelled",
        }
    }

    /// Whether the package is over and can no longer carry data.
    pub fn is_over(&self) -> bool {
        matches!(self, PackageState::Expired | PackageState::Terminated)
    }
}

impl fmt::Display for PackageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Data used on one package against its allowance, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PackageUsage {
    /// `None` for unlimited packages.
    pub limit_bytes: Option<u64>,
    pub used_bytes: u64,
}

impl PackageUsage {
    /// Bytes left, never below zero; `None` when unlimited.
    pub fn remaining_bytes(&self) -> Option<u64> {
        self.limit_bytes
            .map(|limit| limit.saturating_sub(self.used_bytes))
    }

    /// Whole percent used, rounded down and capped at 100; `None` when unlimited. A zero
    /// allowance counts as fully used.
    pub fn used_percent(&self) -> Option<u8> {
        let limit = self.limit_bytes?;
        if limit == 0 {
            return Some(100);
        }
        let percent = u128::from(self.used_bytes) * 100 / u128::from(limit);
        Some(percent.min(100) as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::GIB;

    #[test]
    fn esim_states_read_the_providers_words_in_any_case() {
        for state in EsimState::ALL {
            assert_eq!(EsimState::parse(state.as_str()), Some(state));
            assert!(!state.plain_words().is_empty());
        }
        assert_eq!(EsimState::parse("Installed"), Some(EsimState::Installed));
        assert_eq!(EsimState::parse(" active "), Some(EsimState::Active));
        assert_eq!(EsimState::parse("ENABLED"), None);
        assert_eq!(EsimState::parse(""), None);
        assert_eq!(EsimState::Provisioned.plain_words(), "Ready to install");
    }

    #[test]
    fn package_states_read_the_providers_words_in_any_case() {
        for state in PackageState::ALL {
            assert_eq!(PackageState::parse(state.as_str()), Some(state));
        }
        assert_eq!(PackageState::parse("Pending"), Some(PackageState::Pending));
        assert_eq!(PackageState::parse("CANCELLED"), None);
        assert_eq!(PackageState::Terminated.plain_words(), "Cancelled");
        assert!(PackageState::Expired.is_over() && !PackageState::Active.is_over());
    }

    #[test]
    fn usage_counts_down_and_saturates() {
        let usage = PackageUsage {
            limit_bytes: Some(10 * GIB),
            used_bytes: 3 * GIB,
        };
        assert_eq!(usage.remaining_bytes(), Some(7 * GIB));
        assert_eq!(usage.used_percent(), Some(30));

        let almost = PackageUsage {
            limit_bytes: Some(1000),
            used_bytes: 999,
        };
        assert_eq!(almost.used_percent(), Some(99), "rounds down");

        let over = PackageUsage {
            limit_bytes: Some(GIB),
            used_bytes: 2 * GIB,
        };
        assert_eq!(over.remaining_bytes(), Some(0));
        assert_eq!(over.used_percent(), Some(100));

        let huge = PackageUsage {
            limit_bytes: Some(u64::MAX),
            used_bytes: u64::MAX,
        };
        assert_eq!(huge.used_percent(), Some(100), "no overflow");

        let zero = PackageUsage {
            limit_bytes: Some(0),
            used_bytes: 0,
        };
        assert_eq!(zero.used_percent(), Some(100));
    }

    #[test]
    fn unlimited_has_no_remainder_or_percentage() {
        let unlimited = PackageUsage {
            limit_bytes: None,
            used_bytes: 50 * GIB,
        };
        assert_eq!(unlimited.remaining_bytes(), None);
        assert_eq!(unlimited.used_percent(), None);
    }
}
