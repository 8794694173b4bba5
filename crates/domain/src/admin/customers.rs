//! Customers as the admin panel shows them: travellers known by their email address (from an
//! order or an account), found by part of the email, an ICCID or an order id, and one customer in
//! full with every eSIM, package and order.

use super::OrderRow;
use crate::usage::{EsimState, PackageState, PackageUsage};
use crate::Money;
use serde::{Deserialize, Serialize};

/// A traveller's account: when it was made and when they last signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccount {
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
}

/// One customer in the customers list, and the figures of the detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    /// Lower-cased.
    pub email: String,
    /// `None` for a guest who only ever ordered.
    pub account: Option<CustomerAccount>,
    /// Every order, whatever became of it.
    pub orders: i64,
    /// Orders that were paid (the money was taken, even if some was given back later).
    pub paid_orders: i64,
    /// What was taken less what was refunded; one entry per currency, empty before any payment.
    pub spent: Vec<Money>,
    pub esims: i64,
    pub last_order_at: Option<i64>,
    /// The latest order, account creation or sign-in (unix ms); the list's order.
    pub last_active_at: i64,
}

/// One page of the customers matching a search, most recently active first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomersPage {
    pub customers: Vec<CustomerRow>,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
    /// Customers matching the search, on every page.
    pub total: i64,
}

impl super::Paged for CustomersPage {
    fn position(&self) -> (u32, u32, i64) {
        (self.page, self.page_size, self.total)
    }
}

/// One customer in full: the figures, every eSIM with its packages, every order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub summary: CustomerRow,
    /// Newest first.
    pub esims: Vec<CustomerEsim>,
    /// Newest first.
    pub orders: Vec<OrderRow>,
}

/// One of a customer's eSIMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerEsim {
    pub iccid: String,
    pub provider: String,
    /// The traveller's own name for it (the destination unless they renamed it).
    pub label: String,
    pub destination: String,
    pub state: EsimState,
    /// The order that bought it.
    pub order_id: String,
    pub created_at: i64,
    /// When the provider last confirmed the figures; `None` if never.
    pub synced_at: Option<i64>,
    /// Newest first.
    pub packages: Vec<CustomerPackage>,
}

/// One data package on a customer's eSIM, as the provider last reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPackage {
    /// The provider's order id for the package.
    pub id: String,
    pub name: String,
    pub state: PackageState,
    pub usage: PackageUsage,
    pub bought_at: Option<i64>,
    pub activated_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// The Tern order that paid for it; `None` for a package added elsewhere.
    pub order_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::Paged;

    #[test]
    fn pages_count_whole_pages() {
        let page = |page, total| CustomersPage {
            customers: Vec::new(),
            page,
            page_size: 25,
            total,
        };
        assert_eq!((page(1, 0).page_count(), page(1, 0).has_next()), (1, false));
        assert_eq!(
            (page(1, 25).page_count(), page(1, 25).has_next()),
            (1, false)
        );
        assert_eq!(
            (page(1, 26).page_count(), page(1, 26).has_next()),
            (2, true)
        );
        assert!(!page(2, 26).has_next());
    }
}
