//! eSIM care after the sale: what a provider can do for an eSIM already sold (status, QR
//! re-issue, packages and usage, top-ups, termination), and the reports it answers with.

use crate::ProductRef;
use domain::{ActivationCode, EsimState, Iccid, PackageState, PackageUsage};

/// Which optional parts of [`crate::EsimProvider`] an adapter offers; everything off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// More data can be added to an existing eSIM ([`crate::EsimProvider::available_topups`]).
    pub top_up: bool,
    /// Per-package usage can be read ([`crate::EsimProvider::esim_packages`]).
    pub usage: bool,
    /// Packages can be terminated, sometimes with a refund.
    pub terminate: bool,
    /// The install QR can be fetched again ([`crate::EsimProvider::esim_status`]).
    pub qr_reissue: bool,
    /// The provider pushes usage and lifecycle events to a webhook.
    pub webhooks: bool,
    /// Orders may complete later rather than in the create call.
    pub async_completion: bool,
    /// Stock is reserved when checkout starts and the provider is told of the payment
    /// ([`crate::EsimProvider::reserve`]; FMS).
    pub reserve_before_payment: bool,
    /// The reseller's prepaid balance can be read ([`crate::EsimProvider::balance`]).
    pub balance: bool,
}

/// One eSIM as the provider sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsimStatusReport {
    pub iccid: Iccid,
    pub state: EsimState,
    /// The install QR again, when the provider hands it out.
    pub activation: Option<ActivationCode>,
}

/// One data package (a provider order) on an eSIM, with its usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageReport {
    pub provider_order_id: String,
    pub iccid: Iccid,
    pub product: ProductRef,
    pub product_name: String,
    pub state: PackageState,
    pub usage: PackageUsage,
    /// Unix milliseconds.
    pub created_at: Option<i64>,
    /// Unix milliseconds; only once the package has really started.
    pub activated_at: Option<i64>,
    /// Unix milliseconds: when it ends or ended; before activation, when the unused package lapses.
    pub expires_at: Option<i64>,
    /// Unix milliseconds: the latest the package starts by itself.
    pub activate_by: Option<i64>,
}

/// What terminating a package led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminateOutcome {
    /// The provider refunds the package fee to the reseller (an unused package, in time).
    pub refunded: bool,
}
