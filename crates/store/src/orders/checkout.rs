//! Starting a checkout: validate, price from the database, create the order, open a payment session.

use super::timeline;
use crate::clock::now_millis;
use crate::routing::Providers;
use crate::{ids, Db};
use anyhow::Context;
use domain::{Email, InvalidEmail, Money, OrderStatus};
use payments::{CheckoutRequest, PaymentGateway};
use sqlx::Row;

/// What the traveller asked to buy; the price is never taken from the browser.
#[derive(Debug, Clone)]
pub struct StartCheckout {
    pub plan_id: String,
    pub email: String,
    /// Absolute base URL for the links the payment page returns to.
    pub public_url: String,
    /// The signed-in traveller, if any.
    pub account_id: Option<String>,
    /// The eSIM (ICCID) this adds data to; `None` buys a new eSIM. Checked by the caller
    /// (see `esims::start_top_up`).
    pub top_up: Option<String>,
}

/// Where to send the traveller to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutStarted {
    pub order_id: String,
    pub payment_url: String,
}

/// Why a checkout could not start; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("{0}")]
    InvalidEmail(#[from] InvalidEmail),
    #[error("This plan is no longer available. Please choose another one.")]
    PlanUnavailable,
    #[error("We cannot reserve this eSIM right now, so nothing was charged. Please try again in a few minutes.")]
    ProviderUnavailable,
    #[error("Payments are not reachable right now, so nothing was charged. Please try again in a few minutes.")]
    PaymentUnavailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

struct PricedPlan {
    id: String,
    title: String,
    provider: String,
    product_id: String,
    price: Money,
    wholesale_minor: i64,
    country: Option<String>,
    offer_key: Option<String>,
}

#[tracing::instrument(skip(db, gateway, providers), fields(plan = %input.plan_id))]
pub async fn start_checkout(
    db: &Db,
    gateway: &dyn PaymentGateway,
    providers: &Providers,
    input: StartCheckout,
) -> Result<CheckoutStarted, CheckoutError> {
    let email = Email::parse(&input.email)?;
    // A new eSIM goes to whichever provider the routing rules choose now; a top-up only ever to
    // the provider of the eSIM, whose plan the caller has checked.
    let (plan_id, routing) = match &input.top_up {
        Some(_) => (input.plan_id.clone(), None),
        None => {
            let route = crate::routing::route_plan(db, &input.plan_id)
                .await?
                .ok_or(CheckoutError::PlanUnavailable)?;
            (route.chosen().plan_id.clone(), Some(route.describe()))
        }
    };
    let plan = priced_plan(db, &plan_id)
        .await?
        .ok_or(CheckoutError::PlanUnavailable)?;

    let order_id = ids::new_id("ord");
    let now = now_millis();
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin the order")?;
    sqlx::query(
        "INSERT INTO orders (id, access_token, email, plan_id, plan_title, provider, provider_product_id, kind,
           topup_iccid, currency, amount_minor, wholesale_minor, status, created_at, updated_at, account_id,
           country_code, offer_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $13, $14, $8, $9, $10, $11, $12, $12,
           COALESCE($15, (SELECT id FROM accounts WHERE email = $16)), $17, $18)",
    )
    .bind(&order_id)
    // The old link column keeps the id: links live in `order_links`.
    .bind(&order_id)
    .bind(email.as_str())
    .bind(&plan.id)
    .bind(&plan.title)
    .bind(&plan.provider)
    .bind(&plan.product_id)
    .bind(plan.price.currency.as_str())
    .bind(plan.price.minor)
    .bind(plan.wholesale_minor)
    .bind(OrderStatus::AwaitingPayment.as_str())
    .bind(now)
    .bind(if input.top_up.is_some() { "topup" } else { "new" })
    .bind(input.top_up.as_deref())
    .bind(input.account_id.as_deref())
    .bind(crate::accounts::normalise_email(email.as_str()))
    .bind(plan.country.as_deref())
    .bind(plan.offer_key.as_deref())
    .execute(&mut *tx)
    .await
    .context("Failed to create the order")?;
    // The link the traveller comes back to from the payment page.
    let token = super::links::issue(&mut *tx, &order_id).await?;
    let created = format!("Order created for {} at {}", plan.title, plan.price);
    timeline::record(
        &mut *tx,
        &order_id,
        "status",
        None,
        Some(OrderStatus::AwaitingPayment),
        &created,
    )
    .await?;
    if let Some(routing) = &routing {
        timeline::record(&mut *tx, &order_id, "routing", None, None, routing).await?;
    }
    tx.commit().await.context("Failed to commit the order")?;
    if let Err(error) = super::reservation::reserve(db, providers, &order_id).await {
        tracing::warn!(order = %order_id, ?error, "could not reserve the eSIM before payment");
        super::record::transition(
            db,
            &order_id,
            OrderStatus::AwaitingPayment,
            OrderStatus::Cancelled,
            Default::default(),
            &format!("The provider could not hold an eSIM ({error:#}); nothing charged"),
        )
        .await?;
        return Err(CheckoutError::ProviderUnavailable);
    }

    let base = input.public_url.trim_end_matches('/');
    let request = CheckoutRequest {
        order_id: order_id.clone(),
        idempotency_key: format!("tern-checkout-{order_id}"),
        customer_email: email.to_string(),
        line_item_name: match &input.top_up {
            Some(_) => format!("{} top-up", plan.title),
            None => format!("{} eSIM", plan.title),
        },
        amount: plan.price,
        success_url: format!(
            "{base}/order/{order_id}?token={token}&session_id={{CHECKOUT_SESSION_ID}}"
        ),
        cancel_url: match &input.top_up {
            Some(iccid) => format!("{base}/my-esims/{iccid}/top-up?cancelled=1"),
            None => format!("{base}/plan/{}?cancelled=1", input.plan_id),
        },
    };
    let session = match gateway.create_checkout(&request).await {
        Ok(session) => session,
        Err(error) => {
            tracing::error!(order = %order_id, ?error, "could not open a checkout session");
            super::record::transition(
                db,
                &order_id,
                OrderStatus::AwaitingPayment,
                OrderStatus::Cancelled,
                Default::default(),
                "Payment provider unreachable; nothing charged",
            )
            .await?;
            return Err(CheckoutError::PaymentUnavailable);
        }
    };
    sqlx::query("UPDATE orders SET checkout_session_id = $1, checkout_url = $2 WHERE id = $3")
        .bind(&session.id)
        .bind(&session.url)
        .bind(&order_id)
        .execute(db.pool())
        .await
        .context("Failed to store the checkout session")?;
    timeline::note(
        db,
        &order_id,
        "payment",
        &format!("Checkout session {} opened", session.id),
    )
    .await?;
    Ok(CheckoutStarted {
        order_id,
        payment_url: session.url,
    })
}

async fn priced_plan(db: &Db, plan_id: &str) -> anyhow::Result<Option<PricedPlan>> {
    use crate::catalogue::sql::{ADVERTISED_BYTES, ON_SALE, PLACE_JOINS, PLACE_NAME};
    let sql = format!(
        "SELECT p.id, p.provider, p.provider_product_id, p.currency, p.retail_minor, p.wholesale_minor,
                {ADVERTISED_BYTES} AS data_bytes, p.validity_days, p.home_country, p.offer_key,
                {PLACE_NAME} AS place
         FROM plans p {PLACE_JOINS}
         WHERE p.id = $1 AND {ON_SALE}"
    );
    let row = sqlx::query(&sql)
        .bind(plan_id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to price the plan")?;
    let Some(row) = row else { return Ok(None) };
    let data = match row.try_get::<Option<i64>, _>("data_bytes")? {
        Some(bytes) => domain::data::format_bytes(bytes as u64),
        None => "Unlimited".to_owned(),
    };
    let place: String = row.try_get("place")?;
    Ok(Some(PricedPlan {
        id: row.try_get("id")?,
        country: row.try_get("home_country")?,
        offer_key: row.try_get("offer_key")?,
        title: format!(
            "{place} {data} · {} days",
            row.try_get::<i64, _>("validity_days")?
        ),
        provider: row.try_get("provider")?,
        product_id: row.try_get("provider_product_id")?,
        price: Money::new(
            row.try_get("retail_minor")?,
            domain::Currency::parse(&row.try_get::<String, _>("currency")?)?,
        ),
        wholesale_minor: row.try_get("wholesale_minor")?,
    }))
}
