//! What a provider sells, in Tern's units: ISO countries, bytes, integer money.

use domain::{CountryCode, DataAllowance, Money};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A provider's stable identifier ("esimfx").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProviderId(pub &'static str);

impl ProviderId {
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The provider's own product id (`esimfx_10G_7D_JP`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProductRef(pub String);

/// A mobile network as the provider reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub mccmnc: Option<String>,
    pub name: String,
    pub speed: Option<String>,
}

/// One product from a provider's catalogue, mapped into Tern's units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub product: ProductRef,
    pub name: String,
    pub coverage: Vec<CountryCode>,
    pub data: DataAllowance,
    /// How the provider counts its gigabytes, so "1 GB" plans of different providers match.
    pub data_convention: ByteConvention,
    pub validity_days: u32,
    pub wholesale: Money,
    /// Products of the same class can top each other up (eSIMfx `imsi_profile`).
    pub topup_class: Option<String>,
    pub networks: Vec<NetworkInfo>,
}

/// Whether a provider's "1 GB" is 10^9 bytes (eSIM Go) or 2^30 (eSIMfx, Truphone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ByteConvention {
    Binary,
    Decimal,
}

impl ByteConvention {
    /// Bytes in one advertised megabyte.
    pub const fn megabyte(self) -> u64 {
        match self {
            ByteConvention::Binary => 1024 * 1024,
            ByteConvention::Decimal => 1_000_000,
        }
    }

    /// The advertised size in megabytes ("1 GB" is 1024 either way), for comparing plans.
    pub fn advertised_mb(self, bytes: u64) -> u64 {
        let mb = self.megabyte();
        let whole = (bytes + mb / 2) / mb;
        match self {
            // A decimal gigabyte is advertised as 1 GB, i.e. 1000 MB: count it as 1024.
            ByteConvention::Decimal if whole.is_multiple_of(1000) => whole / 1000 * 1024,
            _ => whole,
        }
    }
}

/// Where the next page starts, exactly as the provider handed it out.
#[derive(Debug, Clone, PartialEq)]
pub enum PageCursor {
    Opaque(serde_json::Value),
    /// A page number (eSIM Go's `page`).
    Number(u32),
}

/// One page of results and the cursor to the next, if any.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<PageCursor>,
    /// Entries the provider sent that failed validation, with why; kept out of `items`.
    pub rejected: Vec<String>,
}
