//! The order state machine: which status may follow which, so every transition is checked in one place.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an order is in its life.
///
/// ```text
/// awaiting_payment ─▶ paid ─▶ provisioning ─▶ ready
///        │              │           │
///        ├─▶ expired     └───────────┴─▶ failed ─▶ refunding ─▶ refunded
///        └─▶ cancelled
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    AwaitingPayment,
    Paid,
    Provisioning,
    Ready,
    Failed,
    Refunding,
    Refunded,
    Expired,
    Cancelled,
}

/// A transition the state machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order cannot go from {from} to {to}")]
pub struct InvalidTransition {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Provisioning,
        OrderStatus::Ready,
        OrderStatus::Failed,
        OrderStatus::Refunding,
        OrderStatus::Refunded,
        OrderStatus::Expired,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Provisioning => "provisioning",
            OrderStatus::Ready => "ready",
            OrderStatus::Failed => "failed",
            OrderStatus::Refunding => "refunding",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Expired => "expired",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether `next` may follow `self`.
    pub fn can_become(&self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (AwaitingPayment, Paid | Expired | Cancelled)
                | (Paid, Provisioning | Failed)
                // A retry after a retryable provider error goes back through provisioning.
                | (Provisioning, Ready | Failed | Provisioning)
                | (Failed, Refunding | Provisioning)
                // The traveller cancelled a package they never used.
                | (Ready, Refunding)
                | (Refunding, Refunded)
        )
    }

    /// Checks a transition, naming both ends when it is not allowed.
    pub fn transition(&self, next: OrderStatus) -> Result<OrderStatus, InvalidTransition> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(InvalidTransition {
                from: *self,
                to: next,
            })
        }
    }

    /// No further change is expected.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            OrderStatus::Ready
                | OrderStatus::Refunded
                | OrderStatus::Expired
                | OrderStatus::Cancelled
        )
    }

    /// Money has been taken and the order has not ended: it must reach an eSIM or a refund.
    pub fn holds_payment(&self) -> bool {
        matches!(
            self,
            OrderStatus::Paid
                | OrderStatus::Provisioning
                | OrderStatus::Failed
                | OrderStatus::Refunding
        )
    }

    /// What the traveller reads.
    pub fn label(&self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "Waiting for payment",
            OrderStatus::Paid => "Payment received",
            OrderStatus::Provisioning => "Preparing your eSIM",
            OrderStatus::Ready => "Your eSIM is ready",
            OrderStatus::Failed => "We could not issue your eSIM",
            OrderStatus::Refunding => "Refunding your payment",
            OrderStatus::Refunded => "Refunded",
            OrderStatus::Expired => "Checkout expired",
            OrderStatus::Cancelled => "Cancelled",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_happy_path_is_allowed() {
        let mut status = AwaitingPayment;
        for next in [Paid, Provisioning, Ready] {
            status = status.transition(next).unwrap();
        }
        assert!(status.is_final());
    }

    #[test]
    fn a_failed_order_ends_in_a_refund_or_a_retry() {
        assert!(Provisioning.can_become(Failed));
        assert!(Failed.can_become(Refunding));
        assert!(Refunding.can_become(Refunded));
        assert!(Failed.can_become(Provisioning));
    }

    #[test]
    fn paid_orders_cannot_silently_vanish() {
        for status in OrderStatus::ALL
            .into_iter()
            .filter(OrderStatus::holds_payment)
        {
            for next in [Expired, Cancelled, AwaitingPayment] {
                assert!(!status.can_become(next), "{status} -> {next}");
            }
        }
    }

    #[test]
    fn final_states_do_not_move() {
        for status in OrderStatus::ALL.into_iter().filter(OrderStatus::is_final) {
            for next in OrderStatus::ALL {
                // A delivered order moves again only if the traveller cancels the unused package.
                let cancelled = status == OrderStatus::Ready && next == OrderStatus::Refunding;
                assert_eq!(status.can_become(next), cancelled, "{status} -> {next}");
            }
        }
    }

    #[test]
    fn every_status_round_trips_through_its_name() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }

    #[test]
    fn skipping_payment_is_refused() {
        assert_eq!(
            AwaitingPayment.transition(Ready),
            Err(InvalidTransition {
                from: AwaitingPayment,
                to: Ready
            })
        );
        assert!(!AwaitingPayment.can_become(Provisioning));
    }
}

/// What the order page shows a traveller (who opened it with the secret link).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPage {
    pub order_id: String,
    pub status: OrderStatus,
    pub plan_id: String,
    pub plan_title: String,
    pub amount: crate::Money,
    pub email: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Traveller-facing milestones, oldest first.
    pub history: Vec<OrderMilestone>,
    /// Present once the eSIM is ready.
    pub esim: Option<EsimInstall>,
    /// Where to finish paying, while the order awaits payment.
    pub payment_url: Option<String>,
    /// For a top-up: the ICCID of the eSIM it adds data to.
    pub top_up_iccid: Option<String>,
    /// While the network completes the order in the background: where it is.
    pub progress: Option<OrderProgress>,
}

impl OrderPage {
    /// What the traveller sees change as the order moves: its status and the stage in words. The
    /// page is shown again when this changes, not for every check of the network.
    pub fn moment(&self) -> String {
        let stage = self
            .progress
            .as_ref()
            .map(|p| p.stage.as_str())
            .unwrap_or("");
        format!("{:?}: {stage}", self.status)
    }
}

/// How far the network has got with an order it completes in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderProgress {
    /// Plain words: "The network is preparing your eSIM".
    pub stage: String,
    /// How many times Tern has asked so far.
    pub checks: u32,
}

/// One status change, as the traveller reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderMilestone {
    pub at: i64,
    pub status: OrderStatus,
}

/// Everything needed to install an eSIM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsimInstall {
    pub iccid: String,
    pub smdp_address: String,
    pub matching_id: String,
    /// `LPA:1$<SM-DP+>$<matching id>`
    pub lpa: String,
    /// The QR code as an SVG document, rendered on the server.
    pub qr_svg: String,
}

impl EsimInstall {
    /// The install details of `code`, with its QR already rendered as `qr_svg`.
    pub fn new(iccid: &str, code: &crate::ActivationCode, qr_svg: String) -> Self {
        EsimInstall {
            iccid: iccid.to_owned(),
            smdp_address: code.smdp_address.clone(),
            matching_id: code.matching_id.clone(),
            lpa: code.lpa(),
            qr_svg,
        }
    }

    /// iOS 17.4+ one-tap install link.
    pub fn ios_link(&self) -> String {
        format!(
            "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata={}",
            self.lpa
        )
    }

    /// Android 10+ one-tap install link.
    pub fn android_link(&self) -> String {
        format!(
            "https://esimsetup.android.com/esim_qrcode_provisioning?carddata={}",
            self.lpa
        )
    }
}
