//! `POST /checkout`: the buy form without JavaScript. Starts the checkout and sends the traveller to pay,
//! or back to the plan with the error and what they typed.

use app::state::AppState;
use axum::extract::State;
use axum::response::Redirect;
use axum::Form;
use serde::Deserialize;
use store::orders::{CheckoutError, StartCheckout};

#[derive(Deserialize)]
pub struct BuyForm {
    plan_id: String,
    #[serde(default)]
    email: String,
}

#[tracing::instrument(skip_all, fields(plan = %form.plan_id))]
pub async fn start(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(form): Form<BuyForm>,
) -> Redirect {
    let account = super::session::account(&state, &headers).await;
    let input = StartCheckout {
        plan_id: form.plan_id.clone(),
        email: form.email.clone(),
        public_url: state.public_url.clone(),
        account_id: account.map(|a| a.id),
        top_up: None,
    };
    match store::orders::start_checkout(&state.db, state.payments.as_ref(), &state.providers, input)
        .await
    {
        Ok(started) => Redirect::to(&started.payment_url),
        Err(error) => {
            if let CheckoutError::Unexpected(inner) = &error {
                tracing::error!(error = ?inner, "checkout failed");
            }
            let code = match error {
                CheckoutError::InvalidEmail(_) => "email",
                CheckoutError::PlanUnavailable => "unavailable",
                CheckoutError::ProviderUnavailable => "provider",
                CheckoutError::PaymentUnavailable | CheckoutError::Unexpected(_) => "payments",
            };
            let plan = urlencode(&form.plan_id);
            Redirect::to(&format!(
                "/plan/{plan}?error={code}&email={}#buy",
                urlencode(&form.email)
            ))
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
