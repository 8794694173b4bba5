//! What a signed-in traveller sees of their eSIMs: status, every package with its usage, install
//! details, top-up offers.

use crate::usage::{EsimState, PackageState, PackageUsage};
use crate::{EsimInstall, Money};
use serde::{Deserialize, Serialize};

/// The signed-in traveller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traveller {
    pub email: String,
}

/// What an emailed sign-in link would do, shown before the traveller confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInLinkPreview {
    /// "a…@example.com": the address it signs in, partly hidden.
    pub email_hint: String,
}

/// One eSIM on the My eSIM list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsimSummary {
    pub iccid: String,
    /// The traveller's own name for it; defaults to the destination.
    pub label: String,
    pub destination: String,
    pub state: EsimState,
    /// The package in use, else the next one waiting to start.
    pub current: Option<PackageView>,
    /// How many packages wait behind the current one.
    pub queued: u32,
    /// When the figures were last confirmed by the provider (unix ms); `None` if never.
    pub synced_at: Option<i64>,
}

/// One package (subscription) on an eSIM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageView {
    /// The provider's order id for the package.
    pub id: String,
    pub name: String,
    pub state: PackageState,
    pub usage: PackageUsage,
    /// Unix milliseconds.
    pub bought_at: Option<i64>,
    pub activated_at: Option<i64>,
    /// When it ends (or, before activation, when the unused package lapses).
    pub expires_at: Option<i64>,
    /// Whether the traveller may cancel it for a refund now, and how much they would get back.
    pub refund: Option<Money>,
    /// A top-up rather than the package the eSIM came with.
    pub is_top_up: bool,
}

/// The `/my-esims/{iccid}` page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsimDetail {
    pub summary: EsimSummary,
    pub install: EsimInstall,
    /// Newest first.
    pub packages: Vec<PackageView>,
    /// Whether this eSIM's provider sells top-ups for it.
    pub can_top_up: bool,
    /// Set when the provider could not be reached just now; the figures shown are the stored ones.
    pub refresh_error: Option<String>,
}

/// A top-up the traveller can buy for one eSIM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUpOffer {
    pub plan_id: String,
    pub title: String,
    /// `None` for unlimited.
    pub data_bytes: Option<u64>,
    pub validity_days: u32,
    pub price: Money,
}

/// The top-up page: which eSIM, and what fits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUpPage {
    pub iccid: String,
    pub label: String,
    pub destination: String,
    pub offers: Vec<TopUpOffer>,
}
