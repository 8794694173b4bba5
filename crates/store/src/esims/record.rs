//! Recording a delivered eSIM or top-up package, and finding an eSIM its owner may open.

use crate::accounts::normalise_email;
use crate::clock::now_millis;
use crate::orders::OrderRecord;
use crate::Db;
use anyhow::Context;
use providers::ProvisionedEsim;
use sqlx::Row;

/// Stores what fulfilment delivered: a new eSIM with its first package, or one more package on
/// an eSIM the traveller has, inside the caller's transaction (the one that marks the order
/// ready). Idempotent, so a re-run job records nothing twice.
pub async fn record_delivery(
    tx: &mut sqlx::AnyConnection,
    order: &OrderRecord,
    delivered: &ProvisionedEsim,
) -> anyhow::Result<()> {
    let now = now_millis();
    let iccid = delivered.iccid.as_str();
    let email = normalise_email(&order.email);
    use crate::catalogue::sql::{PLACE_JOINS, PLACE_NAME};
    let sql = format!(
        "SELECT p.data_bytes, {PLACE_NAME} AS destination FROM plans p {PLACE_JOINS} WHERE p.id = $1"
    );
    let plan = sqlx::query(&sql)
        .bind(&order.plan_id)
        .fetch_one(&mut *tx)
        .await
        .context("Failed to load the order's plan")?;
    if order.topup_iccid.is_none() {
        let code = delivered
            .activation
            .as_ref()
            .context("a new eSIM without an activation code")?;
        let destination: String = plan.try_get("destination")?;
        sqlx::query(
            "INSERT INTO esims (iccid, provider, order_id, email, account_id, label, destination, smdp_address,
               matching_id, state, next_sync_at, sync_failures, created_at)
             VALUES ($1, $2, $3, $4,
               COALESCE($5, (SELECT id FROM accounts WHERE email = $4)),
               $6, $6, $7, $8, 'PROVISIONED', $9, 0, $9)
             ON CONFLICT (iccid) DO NOTHING",
        )
        .bind(iccid)
        .bind(&order.provider)
        .bind(&order.id)
        .bind(&email)
        .bind(order.account_id.as_deref())
        .bind(&destination)
        .bind(&code.smdp_address)
        .bind(&code.matching_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("Failed to record the eSIM")?;
    }
    sqlx::query(
        "INSERT INTO esim_packages (id, iccid, order_id, product_id, name, state, limit_bytes, used_bytes,
           bought_at, alerted_percent, updated_at)
         SELECT $1, $2, $3, $4, $5, 'PENDING', $6, 0, $7, 0, $7
         WHERE EXISTS (SELECT 1 FROM esims WHERE iccid = $2)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&delivered.provider_order_id)
    .bind(iccid)
    .bind(&order.id)
    .bind(&order.provider_product_id)
    .bind(&order.plan_title)
    .bind(plan.try_get::<Option<i64>, _>("data_bytes")?)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("Failed to record the package")?;
    // The provider knows more (expiry, state) than the order did: fetch it soon.
    sqlx::query("UPDATE esims SET next_sync_at = $1 WHERE iccid = $2")
        .bind(now)
        .bind(iccid)
        .execute(&mut *tx)
        .await
        .context("Failed to schedule a refresh")?;
    Ok(())
}

/// An eSIM as its owner may act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedEsim {
    pub iccid: String,
    pub provider: String,
    pub email: String,
    pub label: String,
    pub destination: String,
    pub synced_at: Option<i64>,
}

/// The eSIM, only if it belongs to the account; someone else's ICCID and an unknown one look the same.
pub async fn owned_esim(
    db: &Db,
    account_id: &str,
    iccid: &str,
) -> anyhow::Result<Option<OwnedEsim>> {
    let row = sqlx::query(
        "SELECT iccid, provider, email, label, destination, synced_at FROM esims WHERE iccid = $1 AND account_id = $2",
    )
    .bind(iccid)
    .bind(account_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the eSIM")?;
    row.map(|row| {
        Ok(OwnedEsim {
            iccid: row.try_get("iccid")?,
            provider: row.try_get("provider")?,
            email: row.try_get("email")?,
            label: row.try_get("label")?,
            destination: row.try_get("destination")?,
            synced_at: row.try_get("synced_at")?,
        })
    })
    .transpose()
}
