//! `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}` and
//! `POST /v1/checkout/sessions/{id}/expire`, in payment mode with inline `price_data`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde_json::Value;

use crate::stripe::form::{Form, Hash};
use crate::stripe::objects::{LineItem, Session, SessionStatus};
use crate::stripe::payment::Refusal;
use crate::stripe::state::{Shared, World};
use crate::stripe::wire::{self, ApiError};

/// Parameters of Stripe's create call that the sandbox honours.
const MODELLED: &[&str] = &[
    "cancel_url",
    "client_reference_id",
    "customer_email",
    "expand",
    "expires_at",
    "line_items",
    "locale",
    "metadata",
    "mode",
    "payment_intent_data",
    "payment_method_types",
    "submit_type",
    "success_url",
    "ui_mode",
];

/// Parameters Stripe accepts that the sandbox refuses rather than silently ignores.
const NOT_MODELLED: &[&str] = &[
    "after_expiration",
    "allow_promotion_codes",
    "automatic_tax",
    "billing_address_collection",
    "consent_collection",
    "currency",
    "custom_fields",
    "custom_text",
    "customer",
    "customer_creation",
    "customer_update",
    "discounts",
    "invoice_creation",
    "payment_method_collection",
    "payment_method_configuration",
    "payment_method_options",
    "phone_number_collection",
    "redirect_on_completion",
    "return_url",
    "setup_intent_data",
    "shipping_address_collection",
    "shipping_options",
    "subscription_data",
    "tax_id_collection",
];

/// How long a session stays open by default, and the bounds of `expires_at`.
const DEFAULT_LIFETIME: i64 = 24 * 3600;
const MIN_LIFETIME: i64 = 30 * 60;

fn not_modelled(param: &str) -> ApiError {
    ApiError::invalid(format!(
        "The Stripe sandbox does not model `{param}`; remove it or extend the sandbox."
    ))
    .param(param)
}

fn url(hash: &Hash<'_>, name: &str, required: bool) -> Result<Option<String>, ApiError> {
    let value = if required {
        Some(hash.required(name)?)
    } else {
        hash.string(name)?
    };
    match value {
        Some(value) if !(value.starts_with("http://") || value.starts_with("https://")) => {
            Err(ApiError::invalid("Not a valid URL")
                .code("url_invalid")
                .param(name))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

fn line_item(item: &Hash<'_>) -> Result<(LineItem, String), ApiError> {
    for key in item.keys() {
        if key != "price_data" && key != "quantity" {
            return Err(not_modelled(&format!("{}[{key}]", item.path())));
        }
    }
    let price = item.hash("price_data")?.ok_or_else(|| {
        ApiError::invalid(format!(
            "Missing required param: {}[price_data] (the sandbox has no Price objects).",
            item.path()
        ))
        .code("parameter_missing")
        .param(format!("{}[price_data]", item.path()))
    })?;
    for key in price.keys() {
        if !matches!(key, "currency" | "unit_amount" | "product_data") {
            return Err(not_modelled(&format!("{}[{key}]", price.path())));
        }
    }
    let currency = price.required("currency")?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(ApiError::invalid(format!("Invalid currency: {currency}."))
            .param(format!("{}[currency]", price.path())));
    }
    let unit_amount = price.integer("unit_amount")?.ok_or_else(|| {
        ApiError::invalid(format!(
            "Missing required param: {}[unit_amount].",
            price.path()
        ))
        .code("parameter_missing")
        .param(format!("{}[unit_amount]", price.path()))
    })?;
    if unit_amount < 0 {
        return Err(ApiError::invalid(format!(
            "Invalid non-negative integer: {}[unit_amount]",
            price.path()
        ))
        .param(format!("{}[unit_amount]", price.path())));
    }
    let product = price.hash("product_data")?.ok_or_else(|| {
        ApiError::invalid(format!(
            "Missing required param: {}[product_data] (the sandbox has no Product objects).",
            price.path()
        ))
        .code("parameter_missing")
        .param(format!("{}[product_data]", price.path()))
    })?;
    let name = product.required("name")?.to_owned();
    let quantity = item.integer("quantity")?.ok_or_else(|| {
        ApiError::invalid(format!(
            "Missing required param: {}[quantity].",
            item.path()
        ))
        .code("parameter_missing")
        .param(format!("{}[quantity]", item.path()))
    })?;
    if quantity < 1 {
        return Err(ApiError::invalid(format!(
            "Invalid positive integer: {}[quantity]",
            item.path()
        ))
        .param(format!("{}[quantity]", item.path())));
    }
    Ok((
        LineItem {
            name,
            unit_amount,
            quantity,
        },
        currency.to_owned(),
    ))
}

/// Everything in the create call except ids and times.
fn parse(form: &Form, now: i64) -> Result<Session, ApiError> {
    let root = form.root();
    if let Some(param) = root.keys().find(|key| NOT_MODELLED.contains(key)) {
        return Err(not_modelled(param));
    }
    let known: Vec<&str> = MODELLED.iter().chain(NOT_MODELLED).copied().collect();
    form.only(&known)?;
    match root.required("mode")? {
        "payment" => {}
        other => {
            return Err(ApiError::invalid(format!(
                "The Stripe sandbox only models mode=payment, not {other}."
            ))
            .param("mode"))
        }
    }
    if let Some(ui_mode) = root.string("ui_mode")?.filter(|m| *m != "hosted") {
        return Err(not_modelled(&format!("ui_mode={ui_mode}")));
    }
    if let Some(other) = root
        .values("payment_method_types")?
        .into_iter()
        .find(|t| *t != "card")
    {
        return Err(not_modelled(&format!("payment_method_types[]={other}")));
    }
    let items = root.list("line_items")?;
    if items.is_empty() {
        return Err(ApiError::invalid("Missing required param: line_items.")
            .code("parameter_missing")
            .param("line_items"));
    }
    let mut line_items = Vec::new();
    let mut currency: Option<String> = None;
    for item in &items {
        let (line, item_currency) = line_item(item)?;
        if currency.as_ref().is_some_and(|c| *c != item_currency) {
            return Err(
                ApiError::invalid("All line items must use the same currency.").param("line_items"),
            );
        }
        currency = Some(item_currency);
        line_items.push(line);
    }
    let customer_email = root.string("customer_email")?.map(str::to_owned);
    if let Some(email) = &customer_email {
        if !email.contains('@') || email.contains(char::is_whitespace) {
            return Err(ApiError::invalid(format!("Invalid email address: {email}"))
                .code("email_invalid")
                .param("customer_email"));
        }
    }
    let payment_intent_metadata = match root.hash("payment_intent_data")? {
        None => Default::default(),
        Some(data) => {
            if let Some(key) = data.keys().find(|k| *k != "metadata") {
                return Err(not_modelled(&format!("payment_intent_data[{key}]")));
            }
            data.strings("metadata")?
        }
    };
    let expires_at = root
        .integer("expires_at")?
        .unwrap_or(now + DEFAULT_LIFETIME);
    if !(now + MIN_LIFETIME..=now + DEFAULT_LIFETIME).contains(&expires_at) {
        return Err(ApiError::invalid(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout \
             Session creation.",
        )
        .param("expires_at"));
    }
    let session = Session {
        id: String::new(),
        created: now,
        expires_at,
        status: SessionStatus::Open,
        paid: false,
        currency: currency.unwrap_or_default(),
        line_items,
        customer_email,
        customer_name: None,
        client_reference_id: root.string("client_reference_id")?.map(str::to_owned),
        metadata: root.strings("metadata")?,
        payment_intent_metadata,
        success_url: url(&root, "success_url", true)?.unwrap_or_default(),
        cancel_url: url(&root, "cancel_url", false)?,
        payment_intent: None,
    };
    if session.amount_total() < 1 {
        return Err(ApiError::invalid(
            "The Checkout Session's total amount due must be greater than zero.",
        )
        .param("line_items"));
    }
    Ok(session)
}

/// The session JSON, with `payment_intent` expanded when asked.
fn render(shared: &Shared, world: &World, session: &Session, expand: &[&str]) -> Value {
    let expanded = session
        .payment_intent
        .as_ref()
        .filter(|_| expand.contains(&"payment_intent"))
        .and_then(|id| world.intents.get(id))
        .map(wire::payment_intent);
    wire::session(session, &shared.hosted_base(), expanded)
}

/// `POST /v1/checkout/sessions`.
#[tracing::instrument(skip_all)]
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let form = Form::parse(&body)?;
    let expand = form.root().values("expand")?;
    shared.with_world(|world, now| {
        let mut session = parse(&form, now)?;
        session.id = world.ids.next("cs_test_");
        let json = render(&shared, world, &session, &expand);
        world.sessions.insert(session.id.clone(), session);
        Ok(Json(json))
    })
}

/// `GET /v1/checkout/sessions/{id}`.
#[tracing::instrument(skip(shared, query))]
pub(crate) async fn retrieve(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let form = Form::parse(query.unwrap_or_default().as_bytes())?;
    let expand = form.root().values("expand")?;
    shared.with_world(|world, _| {
        let session = world
            .sessions
            .get(&id)
            .ok_or_else(|| ApiError::missing("checkout.session", &id, "session"))?;
        Ok(Json(render(&shared, world, session, &expand)))
    })
}

/// `POST /v1/checkout/sessions/{id}/expire`.
#[tracing::instrument(skip(shared))]
pub(crate) async fn expire(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, now| {
        world.expire(&id, now).map_err(|refusal| match refusal {
            Refusal::NotFound => ApiError::missing("checkout.session", &id, "session"),
            _ => {
                ApiError::invalid("Only Checkout Sessions with a status of `open` can be expired.")
            }
        })?;
        let session = &world.sessions[&id];
        Ok(Json(render(&shared, world, session, &[])))
    })
}
