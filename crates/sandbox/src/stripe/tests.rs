//! The Stripe sandbox served on a port and driven over HTTP without a Stripe client: the
//! hosted checkout page, and the API's authentication, idempotency and validation answers.
//! (Tests through async-stripe live in `crates/payments/tests/stripe_sandbox.rs`.)

use super::{RunningStripeSandbox, StripeSandbox, StripeSandboxConfig, SANDBOX_SECRET_KEY};
use anyhow::Context;
use reqwest::StatusCode;
use serde_json::{json, Value};

const SESSION_FORM: &str = "mode=payment\
    &line_items%5B0%5D%5Bquantity%5D=1\
    &line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd\
    &line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=1599\
    &line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Japan+10+GB+%C2%B7+7+days+eSIM\
    &customer_email=ada%40example.com\
    &metadata%5Border_id%5D=ord_1&client_reference_id=ord_1\
    &success_url=https%3A%2F%2Ftern.test%2Fdone%3Fs%3D%7BCHECKOUT_SESSION_ID%7D\
    &cancel_url=https%3A%2F%2Ftern.test%2Fback";

struct Harness {
    stripe: RunningStripeSandbox,
    http: reqwest::Client,
}

async fn harness() -> anyhow::Result<Harness> {
    let stripe = StripeSandbox::spawn(StripeSandboxConfig::default())
        .await
        .context("Failed to spawn the Stripe sandbox")?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("Failed to build the HTTP client")?;
    Ok(Harness { stripe, http })
}

impl Harness {
    /// `POST path` form-encoded, as Stripe clients send it; returns status and JSON.
    async fn api(
        &self,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self
            .http
            .post(self.stripe.url(path))
            .bearer_auth(SANDBOX_SECRET_KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.context("API call failed")?;
        let status = response.status();
        Ok((status, response.json().await.context("not JSON")?))
    }

    async fn session(&self) -> anyhow::Result<Value> {
        let (status, session) = self.api("/v1/checkout/sessions", SESSION_FORM, &[]).await?;
        anyhow::ensure!(status == StatusCode::OK, "{status}: {session}");
        Ok(session)
    }

    async fn submit(
        &self,
        url: &str,
        card: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        let response = self.http.post(url).form(card).send().await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    async fn status_of(&self, id: &str) -> anyhow::Result<String> {
        let session: Value = self
            .http
            .get(self.stripe.url(&format!("/v1/checkout/sessions/{id}")))
            .bearer_auth(SANDBOX_SECRET_KEY)
            .send()
            .await?
            .json()
            .await?;
        Ok(format!(
            "{}/{}",
            session["status"].as_str().unwrap_or("?"),
            session["payment_status"].as_str().unwrap_or("?")
        ))
    }
}

fn card<'a>(number: &'a str, expiry: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("card_number", number),
        ("expiry", expiry),
        ("cvc", "123"),
        ("name", "Ada Lovelace"),
    ]
}

#[tokio::test]
async fn the_form_says_test_mode_and_shows_the_purchase() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.session().await?;
    let url = session["url"].as_str().context("url")?;
    let response = h.http.get(url).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await?;
    assert!(page.contains("TEST MODE — no real payment is taken"));
    assert!(page.contains("name=\"viewport\""));
    for label in ["Card number", "Expiry (MM/YY)", "CVC", "Name on card"] {
        assert!(page.contains(&format!(">{label}</label>")), "{label}");
    }
    assert!(page.contains("Japan 10 GB · 7 days eSIM"));
    assert!(page.contains("$15.99"));
    assert!(page.contains("ada@example.com"));
    assert!(
        page.contains("<a class=\"cancel\" href=\"https://tern.test/back\">Cancel and return</a>")
    );
    Ok(())
}

#[tokio::test]
async fn bad_fields_are_named_and_the_session_stays_open() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.session().await?;
    let url = session["url"].as_str().context("url")?;
    let (status, page) = h.submit(url, &card("4242 4242 4242 4241", "13/30")).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("TEST MODE"));
    assert!(page.contains("Your card number is invalid."));
    assert!(page.contains("Your card&#39;s expiration month is invalid."));
    assert!(page.contains("aria-invalid=\"true\""));
    // What was typed is kept, except the security code.
    assert!(page.contains("value=\"4242 4242 4242 4241\""));

    let (_, page) = h.submit(url, &card("4242424242424242", "01/20")).await?;
    assert!(page.contains("Your card&#39;s expiration date is in the past."));
    assert!(!page.contains("Your card number is"));
    assert_eq!(
        h.status_of(session["id"].as_str().context("id")?).await?,
        "open/unpaid"
    );
    Ok(())
}

#[tokio::test]
async fn a_declined_card_is_said_plainly_and_another_card_pays() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.session().await?;
    let id = session["id"].as_str().context("id")?;
    let url = session["url"].as_str().context("url")?;
    let (status, page) = h.submit(url, &card("4000 0000 0000 0002", "12/39")).await?;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert!(page.contains("Your card was declined."));
    assert_eq!(h.status_of(id).await?, "open/unpaid");

    let response = h
        .http
        .post(url)
        .form(&card("4242 4242 4242 4242", "12/39"))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("https://tern.test/done?s={id}").as_str()
    );
    assert_eq!(h.status_of(id).await?, "complete/paid");

    // A paid session shows a clear page instead of the form.
    let page = h.http.get(url).send().await?.text().await?;
    assert!(page.contains("Payment complete") && !page.contains("Card number"));
    let (stats, _) = (h.stripe.sandbox.stats(), ());
    assert_eq!(
        (stats.sessions_completed, stats.charges, stats.events),
        (1, 1, 1)
    );
    Ok(())
}

#[tokio::test]
async fn an_expired_session_shows_a_clear_page() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.session().await?;
    let id = session["id"].as_str().context("id")?;
    let url = session["url"].as_str().context("url")?.to_owned();
    let response = h
        .http
        .post(h.stripe.url(&format!("/_sandbox/stripe/expire/{id}")))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let page = h.http.get(&url).send().await?.text().await?;
    assert!(page.contains("Checkout session expired") && page.contains("TEST MODE"));
    assert!(!page.contains("Card number"));
    let events: Value = h
        .http
        .get(h.stripe.url("/_sandbox/stripe/events"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(events["data"][0]["type"], "checkout.session.expired");
    assert_eq!(events["data"][0]["delivery"]["status"], "no_endpoint");
    assert_eq!(
        events["data"][0]["event"]["data"]["object"]["status"],
        "expired"
    );
    Ok(())
}

#[tokio::test]
async fn the_api_refuses_missing_and_wrong_keys_like_stripe() -> anyhow::Result<()> {
    let h = harness().await?;
    let url = h.stripe.url("/v1/checkout/sessions/cs_test_x");
    let none = h.http.get(&url).send().await?;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let body: Value = none.json().await?;
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with("You did not provide an API key."));

    let wrong = h
        .http
        .get(&url)
        .bearer_auth("sk_test_someone_elses_1234")
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong.json().await?;
    assert_eq!(
        body["error"]["message"],
        "Invalid API Key provided: sk_test_**************1234"
    );

    let missing = h
        .http
        .get(&url)
        .bearer_auth(SANDBOX_SECRET_KEY)
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: Value = missing.json().await?;
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_eq!(
        body["error"]["message"],
        "No such checkout.session: 'cs_test_x'"
    );
    Ok(())
}

#[tokio::test]
async fn idempotency_keys_replay_or_refuse() -> anyhow::Result<()> {
    let h = harness().await?;
    let key = [("idempotency-key", "key-1")];
    let (first_status, first) = h.api("/v1/checkout/sessions", SESSION_FORM, &key).await?;
    let (again_status, again) = h.api("/v1/checkout/sessions", SESSION_FORM, &key).await?;
    assert_eq!(
        (first_status, again_status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(first, again);

    let other = SESSION_FORM.replace("1599", "999");
    let (status, refused) = h.api("/v1/checkout/sessions", &other, &key).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"]["type"], "idempotency_error");

    // A request that failed validation is not stored: the key can be used again.
    let (status, _) = h
        .api(
            "/v1/checkout/sessions",
            "mode=payment",
            &[("idempotency-key", "key-2")],
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = h
        .api(
            "/v1/checkout/sessions",
            SESSION_FORM,
            &[("idempotency-key", "key-2")],
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stripe.sandbox.stats().sessions, 2);
    Ok(())
}

#[tokio::test]
async fn bad_parameters_get_stripes_messages() -> anyhow::Result<()> {
    let h = harness().await?;
    let cases = [
        (
            "mode=payment&colour=blue",
            "Received unknown parameter: colour",
        ),
        ("line_items[0][quantity]=1", "Missing required param: mode."),
        (
            "mode=payment&success_url=https://x.test&line_items[0][quantity]=1\
             &line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=abc\
             &line_items[0][price_data][product_data][name]=x",
            "Invalid integer: abc",
        ),
        (
            "mode=payment&success_url=https://x.test",
            "Missing required param: line_items.",
        ),
        (
            "mode=payment&discounts[0][coupon]=X",
            "The Stripe sandbox does not model `discounts`; remove it or extend the sandbox.",
        ),
    ];
    for (body, message) in cases {
        let (status, error) = h.api("/v1/checkout/sessions", body, &[]).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error["error"]["message"], message, "{body}");
    }
    let (status, error) = h.api("/v1/refunds", "payment_intent=pi_nope", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        error["error"]["message"],
        "No such payment_intent: 'pi_nope'"
    );
    let (status, error) = h.api("/v1/nothing", "", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with("Unrecognized request URL (POST: /v1/nothing)."));
    Ok(())
}

#[tokio::test]
async fn refunds_cannot_exceed_the_payment() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.session().await?;
    let id = session["id"].as_str().context("id")?;
    let paid: Value = h
        .http
        .post(h.stripe.url(&format!("/_sandbox/stripe/sessions/{id}/pay")))
        .json(&json!({ "card": "4242 4242 4242 4242" }))
        .send()
        .await?
        .json()
        .await?;
    let pi = paid["session"]["payment_intent"]["id"]
        .as_str()
        .context("expanded payment_intent")?;
    let (status, error) = h
        .api(
            "/v1/refunds",
            &format!("payment_intent={pi}&amount=1600"),
            &[],
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["param"], "amount");
    let (status, refund) = h
        .api("/v1/refunds", &format!("payment_intent={pi}"), &[])
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (refund["amount"].as_i64(), refund["status"].as_str()),
        (Some(1599), Some("succeeded"))
    );
    let (status, error) = h
        .api("/v1/refunds", &format!("payment_intent={pi}&amount=1"), &[])
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "charge_already_refunded");
    Ok(())
}

#[tokio::test]
async fn the_control_api_validates_cards_like_the_form() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.session().await?;
    let id = session["id"].as_str().context("id")?;
    let response = h
        .http
        .post(h.stripe.url(&format!("/_sandbox/stripe/sessions/{id}/pay")))
        .json(&json!({ "card": "1234" }))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await?;
    assert_eq!(
        body["error"]["message"],
        "The card details are invalid: card_number: Your card number is incomplete."
    );
    let stats: Value = h
        .http
        .get(h.stripe.url("/_sandbox/stripe/stats"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(stats["sessions"], 1);
    assert_eq!(stats["payment_intents"], 0);
    Ok(())
}

#[test]
fn each_sandbox_signs_with_a_secret_of_its_own() {
    let first = StripeSandbox::new(StripeSandboxConfig::default());
    let second = StripeSandbox::new(StripeSandboxConfig::default());
    assert!(first.webhook_secret().starts_with("whsec_"));
    assert_ne!(first.webhook_secret(), second.webhook_secret());
    // The constant earlier versions shipped, which anyone could read and sign with.
    assert_ne!(first.webhook_secret(), "whsec_tern_sandbox");
}
