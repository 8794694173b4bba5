//! The order page's data, opened only with the order's secret token.

use super::record;
use super::timeline;
use crate::Db;
use domain::{OrderMilestone, OrderPage, OrderProgress, OrderStatus};

pub use domain::EsimInstall;
/// The traveller's view of an order.
pub type OrderView = OrderPage;

/// The order, if `token` is its secret; a wrong token and an unknown id look the same.
pub async fn order_view(db: &Db, order_id: &str, token: &str) -> anyhow::Result<Option<OrderView>> {
    if !super::links::opens(db, order_id, token).await? {
        return Ok(None);
    }
    let Some(order) = record::load(db, order_id).await? else {
        return Ok(None);
    };
    let history = timeline::entries(db, &order.id)
        .await?
        .into_iter()
        .filter_map(|entry| {
            entry.to.map(|status| OrderMilestone {
                at: entry.at,
                status,
            })
        })
        .collect();
    let esim = match (&order.iccid, &order.activation) {
        (Some(iccid), Some(code))
            if order.status == OrderStatus::Ready && order.topup_iccid.is_none() =>
        {
            Some(EsimInstall::new(iccid, code, crate::qr::svg(&code.lpa())?))
        }
        _ => None,
    };
    Ok(Some(OrderPage {
        order_id: order.id.clone(),
        status: order.status,
        plan_id: order.plan_id.clone(),
        plan_title: order.plan_title.clone(),
        amount: order.amount(),
        email: order.email.clone(),
        created_at: order.created_at,
        history,
        esim,
        payment_url: order
            .checkout_url
            .clone()
            .filter(|_| order.status == OrderStatus::AwaitingPayment),
        top_up_iccid: order.topup_iccid.clone(),
        progress: progress(&order),
    }))
}

/// Where a provider that completes orders in the background has got, in plain words; providers
/// are never named to travellers.
fn progress(order: &record::OrderRecord) -> Option<OrderProgress> {
    if order.status != OrderStatus::Provisioning {
        return None;
    }
    let status = order.provider_status.as_deref()?;
    let stage = match status.to_ascii_uppercase().as_str() {
        "ACCEPTED" => "The network accepted your order",
        "FULFILLING" | "PROCESSING" => "The network is preparing your eSIM",
        "PAYMENT_NOTIFIED" | "WAITING_FOR_PAYMENT_RESULT" => {
            "The network is confirming your payment"
        }
        "REORDERED" => "The network is reserving a fresh eSIM for you",
        _ => "Waiting for the network",
    };
    Some(OrderProgress {
        stage: stage.to_owned(),
        checks: order.provider_checks.max(0) as u32,
    })
}
