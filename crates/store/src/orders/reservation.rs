//! Holding an eSIM at the provider when checkout starts, for providers that sell that way (FMS):
//! the provider is told of the payment later, and releases the eSIM if that never comes.

use super::{provider_request, record, timeline};
use crate::routing::{health, Providers};
use crate::Db;
use anyhow::Context;

/// Reserves the order's eSIM if its provider needs that before payment; does nothing otherwise.
pub async fn reserve(db: &Db, providers: &Providers, order_id: &str) -> anyhow::Result<()> {
    let order = record::load(db, order_id)
        .await?
        .context("the order to reserve is gone")?;
    let Some(provider) = providers.get(order.provider.as_str()) else {
        return Ok(());
    };
    if !provider.capabilities().reserve_before_payment {
        return Ok(());
    }
    let request = provider_request(&order, None)?;
    let reservation = health::observe(db, &order.provider, provider.reserve(&request)).await?;
    let Some(reservation) = reservation else {
        return Ok(());
    };
    store(db, &order.id, &reservation).await?;
    timeline::note(
        db,
        &order.id,
        "provider",
        &format!(
            "{} holds an eSIM for this order as {} until payment",
            order.provider, reservation.provider_order_id
        ),
    )
    .await
}

/// Keeps a reservation's id and deadline on the order.
pub async fn store(
    db: &Db,
    order_id: &str,
    reservation: &providers::Reservation,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE orders SET provider_order_id = $1, reserved_until = $2 WHERE id = $3")
        .bind(&reservation.provider_order_id)
        .bind(reservation.pay_by.unwrap_or(0))
        .bind(order_id)
        .execute(db.pool())
        .await
        .context("Failed to store the reservation")?;
    Ok(())
}
