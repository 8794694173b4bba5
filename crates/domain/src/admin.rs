//! What the admin panel shows: staff roles, the signed-in admin, the dashboard's figures and the
//! audit log. Staff accounts are separate from travellers' accounts.

pub mod catalogue;
pub mod customers;
pub mod routing;

use crate::Money;
use serde::{Deserialize, Serialize};

/// What an admin may do. Owners run the shop; support staff help travellers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AdminRole {
    Support,
    Owner,
}

impl AdminRole {
    pub const ALL: [AdminRole; 2] = [AdminRole::Owner, AdminRole::Support];

    /// The stored form.
    pub fn as_str(&self) -> &'static str {
        match self {
            AdminRole::Owner => "owner",
            AdminRole::Support => "support",
        }
    }

    pub fn parse(value: &str) -> Option<AdminRole> {
        AdminRole::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// What people read.
    pub fn label(&self) -> &'static str {
        match self {
            AdminRole::Owner => "Owner",
            AdminRole::Support => "Support",
        }
    }

    /// Whether this role is at least `required` (an owner can do everything support can).
    pub fn allows(&self, required: AdminRole) -> bool {
        *self >= required
    }

    /// Prices, margins, routing rules and provider choice are the owner's alone.
    pub fn can_change_prices_and_routing(&self) -> bool {
        *self == AdminRole::Owner
    }

    /// Adding and disabling staff accounts is the owner's alone.
    pub fn can_manage_team(&self) -> bool {
        *self == AdminRole::Owner
    }
}

/// The signed-in admin, as the panel's header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProfile {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: AdminRole,
}

/// One staff account on the team page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: AdminRole,
    pub created_at: i64,
    pub disabled: bool,
}

/// The dashboard: sales today and this week, orders by status, what needs a person, providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Since midnight UTC.
    pub today: SalesFigures,
    /// The last 7 days, today included.
    pub last_7_days: SalesFigures,
    /// Every status with at least one order, most common first.
    pub by_status: Vec<StatusCount>,
    pub attention: Vec<AttentionOrder>,
    pub providers: Vec<ProviderStatus>,
    /// When the figures were read (unix ms).
    pub generated_at: i64,
}

/// Paid orders in a period and what they brought in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesFigures {
    /// Orders paid in the period.
    pub orders: i64,
    /// What those orders were paid, less what was refunded of them; one entry per currency.
    pub revenue: Vec<Money>,
    /// What was refunded of those orders; one entry per currency.
    pub refunded: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    /// The stored status (`paid`, `ready`, …).
    pub status: String,
    pub count: i64,
}

/// An order a person should look at, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionOrder {
    pub id: String,
    pub email: String,
    pub plan_title: String,
    pub provider: String,
    pub status: String,
    pub amount: Money,
    pub updated_at: i64,
    pub reason: String,
}

/// One provider: its health from the calls Tern made, and its balance where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderStatus {
    pub provider: String,
    pub calls: i64,
    pub failures: i64,
    /// Failures per hundred calls; 0 without calls.
    pub error_rate_percent: u32,
    pub average_latency_ms: i64,
    pub last_success_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub healthy: bool,
    pub balance: Balance,
}

/// A provider's prepaid balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Balance {
    /// The provider has no balance (it bills another way).
    NotApplicable,
    /// It has one, but it could not be read just now.
    Unavailable,
    Known(Money),
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub admin_id: String,
    pub admin_name: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// From 1.
    pub page: u32,
    pub has_next: bool,
}

/// One order in the admin's orders list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: String,
    pub created_at: i64,
    pub email: String,
    pub plan_title: String,
    pub provider: String,
    pub status: crate::OrderStatus,
    pub amount: Money,
    /// The eSIM it delivered, or the eSIM a top-up adds data to.
    pub iccid: Option<String>,
}

/// One page of the orders matching a search, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    pub orders: Vec<OrderRow>,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
    /// Orders matching the search, on every page.
    pub total: i64,
}

/// One page of search results that knows where it stands among all of them.
pub trait Paged {
    /// (this page from 1, results per page, results on every page)
    fn position(&self) -> (u32, u32, i64);

    /// Whether a later page has more results.
    fn has_next(&self) -> bool {
        let (page, page_size, total) = self.position();
        i64::from(page) * i64::from(page_size) < total
    }

    /// How many pages the results fill (at least 1).
    fn page_count(&self) -> i64 {
        let (_, page_size, total) = self.position();
        let size = i64::from(page_size.max(1));
        ((total + size - 1) / size).max(1)
    }
}

impl Paged for OrdersPage {
    fn position(&self) -> (u32, u32, i64) {
        (self.page, self.page_size, self.total)
    }
}

/// Everything an operator needs about one order: its facts, its whole timeline, its background
/// jobs and its emails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub id: String,
    pub status: crate::OrderStatus,
    pub created_at: i64,
    pub updated_at: i64,
    /// Where the eSIM and emails go.
    pub email: String,
    /// The traveller's account, if the order belongs to one.
    pub account_email: Option<String>,
    pub plan_id: String,
    pub plan_title: String,
    pub country_code: Option<String>,
    /// What the traveller paid.
    pub amount: Money,
    /// What Tern pays the provider serving the order.
    pub wholesale: Money,
    /// `amount` less `wholesale`.
    pub margin: Money,
    /// Set when only part of the payment is to be given back.
    pub refund: Option<Money>,
    pub provider: String,
    pub provider_product_id: String,
    pub provider_order_id: Option<String>,
    /// The provider's own word for a pending order, and how often Tern asked.
    pub provider_status: Option<String>,
    pub provider_checks: i64,
    /// Providers that already failed this order for good.
    pub failed_providers: Vec<String>,
    pub failure_reason: Option<String>,
    pub checkout_session_id: Option<String>,
    pub payment_intent: Option<String>,
    pub iccid: Option<String>,
    /// Set on a top-up: the eSIM it adds data to.
    pub topup_iccid: Option<String>,
    /// An eSIM the provider delivered after a refund was asked for, and what became of it.
    pub late_esim: Option<LateEsim>,
    /// Set once an admin marked the order resolved: when, who and why.
    pub resolved: Option<Resolution>,
    /// Oldest first.
    pub timeline: Vec<OrderEvent>,
    pub jobs: Vec<OrderJob>,
    pub emails: Vec<OrderEmail>,
}

/// An eSIM delivered after its order's refund was asked for: never given to the traveller, and
/// terminated at the provider where it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateEsim {
    pub iccid: String,
    /// `terminating`, `terminated`, or `not_terminated` (a person must end it with the provider).
    pub state: String,
}

impl LateEsim {
    /// One line for the order page.
    pub fn summary(&self) -> String {
        let what = match self.state.as_str() {
            "terminating" => "arrived after the refund was asked for; being terminated at the provider",
            "terminated" => "arrived after the refund was asked for; terminated at the provider",
            _ => "arrived after the refund was asked for and could not be terminated: end it with the provider",
        };
        format!("eSIM {} {what}", self.iccid)
    }
}

/// An admin's note that an order needs nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub at: i64,
    /// The admin's name.
    pub by: String,
    pub note: String,
}

/// One line of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub at: i64,
    /// `status`, `payment`, `provider`, `routing`, `email` or `note`.
    pub kind: String,
    pub from: Option<crate::OrderStatus>,
    pub to: Option<crate::OrderStatus>,
    pub message: String,
}

/// A background job about an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderJob {
    pub kind: String,
    /// `queued`, `done` or `dead`.
    pub state: String,
    pub attempts: i64,
    /// When it runs (next), or ran last.
    pub run_at: i64,
    pub last_error: Option<String>,
}

/// An email about an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEmail {
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: i64,
    /// `None` while it waits to be sent.
    pub sent_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_can_do_what_support_can_and_more() {
        assert!(AdminRole::Owner.allows(AdminRole::Support));
        assert!(AdminRole::Owner.allows(AdminRole::Owner));
        assert!(AdminRole::Support.allows(AdminRole::Support));
        assert!(!AdminRole::Support.allows(AdminRole::Owner));
        assert!(AdminRole::Owner.can_change_prices_and_routing());
        assert!(!AdminRole::Support.can_change_prices_and_routing());
    }

    #[test]
    fn roles_round_trip() {
        for role in AdminRole::ALL {
            assert_eq!(AdminRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(AdminRole::parse("admin"), None);
    }
}
