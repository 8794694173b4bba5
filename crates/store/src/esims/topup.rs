//! Top-ups a traveller can buy for one eSIM: only what its provider says fits it, priced from
//! Tern's catalogue.

use super::record::owned_esim;
use crate::Db;
use anyhow::Context;
use domain::my_esim::{TopUpOffer, TopUpPage};
use domain::{Currency, Iccid, Money};
use providers::{EsimProvider, ProviderError};
use sqlx::Row;

/// Why no offers can be shown; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum TopUpError {
    #[error("eSIM not found.")]
    NotFound,
    #[error("This eSIM cannot be topped up.")]
    NotSupported,
    #[error("We could not reach the network operator to check which top-ups fit this eSIM. Please try again in a few minutes.")]
    Provider(ProviderError),
    #[error("That top-up does not fit this eSIM. Please choose one from the list.")]
    Incompatible,
    #[error("{0}")]
    Checkout(crate::orders::CheckoutError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for TopUpError {
    fn from(error: sqlx::Error) -> Self {
        TopUpError::Unexpected(error.into())
    }
}

/// The compatible top-ups (`get_available_topups`), cheapest first; only the owner may ask.
pub async fn top_up_offers(
    db: &Db,
    provider: &dyn EsimProvider,
    account_id: &str,
    iccid: &str,
) -> Result<TopUpPage, TopUpError> {
    let esim = owned_esim(db, account_id, iccid)
        .await?
        .ok_or(TopUpError::NotFound)?;
    if !provider.capabilities().top_up {
        return Err(TopUpError::NotSupported);
    }
    let parsed = Iccid::parse(iccid).map_err(|_| TopUpError::NotFound)?;
    let compatible = provider
        .available_topups(&parsed)
        .await
        .map_err(TopUpError::Provider)?;
    use crate::catalogue::sql::{ADVERTISED_BYTES, ON_SALE, PLACE_JOINS, PLACE_NAME};
    let sql = format!(
        "SELECT p.id, {ADVERTISED_BYTES} AS data_bytes, p.validity_days, p.retail_minor, p.currency,
                {PLACE_NAME} AS coverage
         FROM plans p {PLACE_JOINS}
         WHERE p.provider = $1 AND p.provider_product_id = $2 AND {ON_SALE}"
    );
    let mut offers = Vec::with_capacity(compatible.len());
    for product in compatible {
        let row = sqlx::query(&sql)
            .bind(&esim.provider)
            .bind(&product.product.0)
            .fetch_optional(db.pool())
            .await
            .context("Failed to price a top-up")?;
        // A product Tern does not sell (disabled, or not yet synced) is not offered.
        let Some(row) = row else { continue };
        let data_bytes = row
            .try_get::<Option<i64>, _>("data_bytes")?
            .map(|b| b as u64);
        let validity_days = row.try_get::<i64, _>("validity_days")? as u32;
        let data = data_bytes.map_or("Unlimited".to_owned(), domain::data::format_bytes);
        // Regional add-ons fit too; naming where each works tells them apart.
        let coverage: String = row.try_get("coverage")?;
        offers.push(TopUpOffer {
            plan_id: row.try_get("id")?,
            title: format!("{coverage} · {data} · {validity_days} days"),
            data_bytes,
            validity_days,
            price: Money::new(
                row.try_get("retail_minor")?,
                Currency::parse(&row.try_get::<String, _>("currency")?).context("plan currency")?,
            ),
        });
    }
    offers.sort_by_key(|o| (o.price.minor, o.validity_days));
    Ok(TopUpPage {
        iccid: esim.iccid,
        label: esim.label,
        destination: esim.destination,
        offers,
    })
}

/// Which top-up the traveller picked, and where the payment page sends them back.
#[derive(Debug, Clone, Copy)]
pub struct TopUpChoice<'a> {
    pub iccid: &'a str,
    pub plan_id: &'a str,
    pub public_url: &'a str,
}

/// Opens a checkout for a top-up after checking, live with the provider, that the plan fits the
/// eSIM and that the account owns it.
pub async fn start_top_up(
    db: &Db,
    provider: &dyn EsimProvider,
    gateway: &dyn payments::PaymentGateway,
    providers: &crate::routing::Providers,
    account: &crate::accounts::Account,
    choice: TopUpChoice<'_>,
) -> Result<crate::orders::CheckoutStarted, TopUpError> {
    let TopUpChoice {
        iccid,
        plan_id,
        public_url,
    } = choice;
    let page = top_up_offers(db, provider, &account.id, iccid).await?;
    if !page.offers.iter().any(|offer| offer.plan_id == plan_id) {
        return Err(TopUpError::Incompatible);
    }
    let input = crate::orders::StartCheckout {
        plan_id: plan_id.to_owned(),
        email: account.email.clone(),
        public_url: public_url.to_owned(),
        account_id: Some(account.id.clone()),
        top_up: Some(iccid.to_owned()),
    };
    crate::orders::start_checkout(db, gateway, providers, input)
        .await
        .map_err(TopUpError::Checkout)
}
