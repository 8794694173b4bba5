//! The Truphone adapter against the Truphone sandbox over real HTTP: the catalogue, orders that
//! complete after several polls, repeats that never buy twice, top-ups and usage, every
//! documented error code, local validation, tokens, and injected faults.

use domain::{CountryCode, Currency, EsimState, Iccid, Money, PackageState};
use providers::truphone::{TruphoneAuth, TruphoneClient, TruphoneConfig};
use providers::{
    EsimProvider, OrderKind, OrderRequest, PageCursor, ProductRef, ProviderError, ProvisionOutcome,
    ProvisionedEsim,
};
use sandbox::faults::FaultUpdate;
use sandbox::truphone::{
    RunningTruphoneSandbox, TruphoneSandbox, TruphoneSandboxConfig, SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
};
use std::time::{Duration, Instant};

/// A sandbox whose clock stands still: orders move only when polled.
async fn sandbox() -> RunningTruphoneSandbox {
    sandbox_with(TruphoneSandboxConfig {
        clock_speed: 0,
        ..TruphoneSandboxConfig::default()
    })
    .await
}

async fn sandbox_with(config: TruphoneSandboxConfig) -> RunningTruphoneSandbox {
    TruphoneSandbox::spawn(config)
        .await
        .expect("sandbox starts")
}

fn credentials(sandbox: &RunningTruphoneSandbox) -> TruphoneAuth {
    TruphoneAuth::ClientCredentials {
        token_url: sandbox.token_url(),
        client_id: SANDBOX_CLIENT_ID.into(),
        client_secret: SANDBOX_CLIENT_SECRET.into(),
    }
}

fn client_with(sandbox: &RunningTruphoneSandbox, timeout: Duration) -> TruphoneClient {
    TruphoneClient::new(TruphoneConfig {
        timeout,
        ..TruphoneConfig::new(sandbox.api_base(), credentials(sandbox))
    })
    .expect("client builds")
}

fn client(sandbox: &RunningTruphoneSandbox) -> TruphoneClient {
    client_with(sandbox, Duration::from_secs(5))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn order(key: &str, product: &ProductRef, kind: OrderKind, email: &str) -> OrderRequest {
    OrderRequest {
        idempotency_key: key.into(),
        product: product.clone(),
        kind,
        customer_email: email.into(),
        country: CountryCode::parse("JP").ok(),
        first_attempt_at: now_ms() - 1_000,
        wholesale: Money::new(0, Currency::USD),
        provider_order_id: None,
        payment: None,
    }
}

/// The 1 GB / 7 day plan of `country`.
async fn plan(client: &TruphoneClient, country: &str) -> ProductRef {
    let country = CountryCode::parse(country).unwrap();
    let page = client.list_products(None).await.expect("catalogue");
    page.items
        .iter()
        .find(|p| p.coverage == [country] && p.data.bytes() == Some(1 << 30))
        .map(|p| p.product.clone())
        .unwrap_or_else(|| panic!("no 1 GB plan for {country}"))
}

/// Polls until the order is ready; with a frozen sandbox clock only polls move it, so a few
/// are enough.
async fn until_ready(
    client: &TruphoneClient,
    request: &OrderRequest,
    first: ProvisionOutcome,
) -> (ProvisionedEsim, Vec<String>) {
    let mut outcome = first;
    let mut seen = Vec::new();
    for _ in 0..10 {
        match outcome {
            ProvisionOutcome::Ready(esim) => return (esim, seen),
            ProvisionOutcome::Pending {
                provider_order_id,
                status,
                ..
            } => {
                seen.push(status);
                outcome = client
                    .order_status(request, &provider_order_id)
                    .await
                    .expect("order status");
            }
        }
    }
    panic!("still pending after 10 polls: {seen:?}");
}

async fn buy(client: &TruphoneClient, request: &OrderRequest) -> ProvisionedEsim {
    let first = client.place_order(request).await.expect("order placed");
    until_ready(client, request, first).await.0
}

/// Buys a new eSIM for `email` under the idempotency key `key`, until it is ready.
async fn buy_new_esim(
    client: &TruphoneClient,
    key: &str,
    product: &ProductRef,
    email: &str,
) -> ProvisionedEsim {
    buy(client, &order(key, product, OrderKind::NewEsim, email)).await
}

fn pending_id(outcome: &ProvisionOutcome) -> String {
    match outcome {
        ProvisionOutcome::Pending {
            provider_order_id, ..
        } => provider_order_id.clone(),
        other => panic!("expected a pending order, got {other:?}"),
    }
}

#[tokio::test]
async fn the_whole_catalogue_comes_in_one_page() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let page = client.list_products(None).await.unwrap();
    assert!(page.next.is_none(), "Truphone does not page");
    assert!(page.rejected.is_empty(), "{:?}", page.rejected);
    assert_eq!(page.items.len() as u64, sandbox.stats().products);
    let jp: Vec<_> = page
        .items
        .iter()
        .filter(|p| p.coverage.len() == 1 && p.coverage[0].as_str() == "JP")
        .map(|p| (p.data.bytes(), p.validity_days))
        .collect();
    for wanted in [
        (1u64 << 30, 7),
        (3 << 30, 30),
        (5 << 30, 30),
        (10 << 30, 30),
    ] {
        assert!(jp.contains(&(Some(wanted.0), wanted.1)), "{jp:?}");
    }
    assert!(page
        .items
        .iter()
        .all(|p| p.wholesale.currency == Currency::USD && p.wholesale.minor > 0));
    assert!(matches!(
        client.list_products(Some(PageCursor::Number(2))).await,
        Err(ProviderError::Validation { .. })
    ));
    assert_eq!(sandbox.stats().token_requests, 1);
}

#[tokio::test]
async fn get_product_matches_the_listing_and_unknown_ids_are_not_found() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let page = client.list_products(None).await.unwrap();
    let listed = &page.items[0];
    let fetched = client.get_product(&listed.product).await.unwrap();
    assert_eq!(&fetched, listed);
    assert_eq!(
        client
            .get_product(&ProductRef("a3mNOTAPRODUCT".into()))
            .await,
        Err(ProviderError::NotFound { what: "product" })
    );
}

#[tokio::test]
async fn a_new_esim_is_accepted_then_fulfilling_then_ready_with_a_working_lpa() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let request = order(
        "tern-o1",
        &product,
        OrderKind::NewEsim,
        "ann@travellers.example",
    );
    let first = client.place_order(&request).await.unwrap();
    let order_id = pending_id(&first);
    assert!(matches!(
        &first,
        ProvisionOutcome::Pending { status, poll_after, .. }
            if status == "ACCEPTED" && *poll_after == Duration::from_secs(2)
    ));
    let (esim, statuses) = until_ready(&client, &request, first).await;
    assert_eq!(statuses, ["ACCEPTED", "ACCEPTED", "FULFILLING"]);
    assert_eq!(esim.provider_order_id, order_id);
    let shown = sandbox
        .esim(esim.iccid.as_str())
        .expect("the sandbox knows the eSIM");
    let activation = esim.activation.expect("a new eSIM has an install code");
    assert_eq!(activation.smdp_address, "rsp.truphone.com");
    assert_eq!(
        activation.matching_id,
        shown["matching_id"].as_str().unwrap()
    );
    assert_eq!(
        activation.lpa(),
        format!("LPA:1$rsp.truphone.com${}", activation.matching_id)
    );
    let stats = sandbox.stats();
    assert_eq!((stats.orders_placed, stats.esims_issued), (1, 1));
}

#[tokio::test]
async fn order_calls_carry_the_key_in_their_correlation_id() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let request = order(
        "tern-corr",
        &product,
        OrderKind::NewEsim,
        "cor@travellers.example",
    );
    buy(&client, &request).await;
    let ids = sandbox.correlation_ids();
    let (order_calls, others): (Vec<_>, Vec<_>) =
        ids.iter().partition(|id| id.starts_with("tern-corr."));
    // The history lookup, the POST and three polls.
    assert_eq!(order_calls.len(), 5, "{ids:?}");
    let numbers: std::collections::HashSet<_> = order_calls.iter().collect();
    assert_eq!(numbers.len(), 5, "each call has its own id");
    assert_eq!(others.len(), 1, "the catalogue call: {ids:?}");
    assert_eq!(others[0].len(), 36, "a random UUID-shaped id");
}

#[tokio::test]
async fn a_repeat_after_completion_returns_the_same_esim_without_buying_again() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let request = order(
        "tern-o2",
        &product,
        OrderKind::NewEsim,
        "bob@travellers.example",
    );
    let first = buy(&client, &request).await;
    let again = client.place_order(&request).await.unwrap();
    assert_eq!(again, ProvisionOutcome::Ready(first));
    let stats = sandbox.stats();
    assert_eq!((stats.orders_placed, stats.esims_issued), (1, 1));

    // Another key for the same traveller and plan is a new purchase.
    let other = order(
        "tern-o3",
        &product,
        OrderKind::NewEsim,
        "bob@travellers.example",
    );
    let second = buy(&client, &other).await;
    assert_ne!(second.iccid, again_iccid(&again));
    assert_eq!(sandbox.stats().esims_issued, 2);
}

fn again_iccid(outcome: &ProvisionOutcome) -> Iccid {
    match outcome {
        ProvisionOutcome::Ready(esim) => esim.iccid.clone(),
        other => panic!("not ready: {other:?}"),
    }
}

#[tokio::test]
async fn a_repeat_whose_answer_was_lost_finds_the_order_once_it_completed() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let request = order(
        "tern-lost",
        &product,
        OrderKind::NewEsim,
        "lost@travellers.example",
    );
    // The answer never reaches Tern; the order completes on Truphone's side by itself.
    pending_id(&client.place_order(&request).await.unwrap());
    sandbox.advance_clock(3);
    let ProvisionOutcome::Ready(esim) = client.place_order(&request).await.unwrap() else {
        panic!("the completed order should be found");
    };
    assert!(esim.activation.is_some());
    let stats = sandbox.stats();
    assert_eq!((stats.orders_placed, stats.esims_issued), (1, 1));
}

#[tokio::test]
async fn a_known_pending_order_is_asked_about_not_placed_again() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let mut request = order(
        "tern-o4",
        &product,
        OrderKind::NewEsim,
        "cat@travellers.example",
    );
    let id = pending_id(&client.place_order(&request).await.unwrap());
    request.provider_order_id = Some(id.clone());
    let again = client.place_order(&request).await.unwrap();
    assert_eq!(pending_id(&again), id);
    assert_eq!(sandbox.stats().orders_placed, 1);
}

#[tokio::test]
async fn top_ups_land_on_the_esim_and_packages_report_usage_under_their_order_ids() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let email = "dan@travellers.example";
    let new = buy_new_esim(&client, "tern-o5", &product, email).await;
    sandbox.consume(new.iccid.as_str(), 100 << 20).unwrap();

    let kind = OrderKind::TopUp {
        iccid: new.iccid.clone(),
    };
    let topup = buy(&client, &order("tern-o6", &product, kind.clone(), email)).await;
    assert_eq!(topup.iccid, new.iccid);
    assert_eq!(topup.activation, None, "a top-up has no install code");
    assert_ne!(topup.provider_order_id, new.provider_order_id);

    // A repeat of the top-up finds it too.
    let again = client
        .place_order(&order("tern-o6", &product, kind, email))
        .await
        .unwrap();
    assert_eq!(again, ProvisionOutcome::Ready(topup.clone()));

    let packages = client.esim_packages(&new.iccid).await.unwrap();
    assert_eq!(packages.len(), 2);
    assert_eq!(packages[0].provider_order_id, new.provider_order_id);
    assert_eq!(packages[0].state, PackageState::Active);
    assert_eq!(packages[0].usage.used_bytes, 100 << 20);
    assert_eq!(packages[0].usage.limit_bytes, Some(1 << 30));
    assert!(packages[0].activated_at.is_some() && packages[0].expires_at.is_some());
    assert_eq!(packages[1].provider_order_id, topup.provider_order_id);
    assert_eq!(
        packages[1].state,
        PackageState::Pending,
        "queued behind the first"
    );
    assert_eq!(packages[1].activated_at, None);
    assert_eq!(packages[1].product, product);
    let stats = sandbox.stats();
    assert_eq!((stats.orders_placed, stats.esims_issued), (2, 1));
}

#[tokio::test]
async fn esim_status_follows_the_profile_and_reissues_the_install_code() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let esim = buy_new_esim(&client, "tern-o7", &product, "eve@travellers.example").await;
    let fresh = client.esim_status(&esim.iccid).await.unwrap();
    assert_eq!(fresh.state, EsimState::Provisioned);
    assert_eq!(fresh.activation, esim.activation);

    sandbox.consume(esim.iccid.as_str(), 0).unwrap();
    assert_eq!(
        client.esim_status(&esim.iccid).await.unwrap().state,
        EsimState::Active
    );
    sandbox.consume(esim.iccid.as_str(), 2 << 30).unwrap();
    assert_eq!(
        client.esim_status(&esim.iccid).await.unwrap().state,
        EsimState::Expired,
        "its only plan is used up"
    );
    let unknown = Iccid::parse("89000000000000000001").unwrap();
    assert_eq!(
        client.esim_status(&unknown).await,
        Err(ProviderError::NotFound { what: "eSIM" })
    );
    assert_eq!(
        client.esim_packages(&unknown).await,
        Err(ProviderError::NotFound { what: "eSIM" })
    );
}

#[tokio::test]
async fn top_ups_offered_share_a_country_with_the_current_plan() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    let esim = buy_new_esim(&client, "tern-o8", &product, "fay@travellers.example").await;
    let offers = client.available_topups(&esim.iccid).await.unwrap();
    let jp = CountryCode::parse("JP").unwrap();
    assert!(offers.iter().all(|p| p.coverage.contains(&jp)));
    assert!(offers.iter().any(|p| p.product == product));
    assert!(
        offers.iter().any(|p| p.coverage.len() > 1),
        "regional plans too"
    );
    // The four Japan plans, the three Asia passes and the global plan.
    assert_eq!(offers.len(), 8, "{offers:#?}");
}

#[tokio::test]
async fn a_failed_order_is_a_final_refusal() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;
    sandbox.fail_next_orders(1);
    let request = order(
        "tern-o9",
        &product,
        OrderKind::NewEsim,
        "gus@travellers.example",
    );
    let id = pending_id(&client.place_order(&request).await.unwrap());
    let mut last = Ok(ProvisionOutcome::Pending {
        provider_order_id: id.clone(),
        poll_after: Duration::ZERO,
        status: String::new(),
    });
    for _ in 0..5 {
        last = client.order_status(&request, &id).await;
        if last.is_err() {
            break;
        }
    }
    let error = last.expect_err("the order fails");
    assert!(
        matches!(&error, ProviderError::Refused { code, .. } if code == "ORDER_FAILED"),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(sandbox.stats().esims_issued, 0);

    assert_eq!(
        client.order_status(&request, "no-such-order").await,
        Err(ProviderError::NotFound { what: "order" })
    );
}

#[tokio::test]
async fn documented_order_errors_arrive_typed() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = plan(&client, "JP").await;

    // PRODUCT_NOT_FOUND (422).
    let unknown = ProductRef("a3mNOTAPRODUCT".into());
    let request = order(
        "tern-e1",
        &unknown,
        OrderKind::NewEsim,
        "hal@travellers.example",
    );
    assert_eq!(
        client.place_order(&request).await,
        Err(ProviderError::NotFound { what: "product" })
    );

    // CUSTOMER_MUST_EXIST (422): a top-up for an email Truphone has never seen.
    let owner = buy_new_esim(&client, "tern-e2", &product, "ida@travellers.example").await;
    let topup = OrderKind::TopUp {
        iccid: owner.iccid.clone(),
    };
    let stranger = order(
        "tern-e3",
        &product,
        topup.clone(),
        "nobody@travellers.example",
    );
    assert!(matches!(
        client.place_order(&stranger).await,
        Err(ProviderError::Refused { code, .. }) if code == "CUSTOMER_MUST_EXIST"
    ));

    // EMAIL_AND_ICCID_DO_NOT_MATCH (422): a real customer, someone else's eSIM.
    buy_new_esim(&client, "tern-e4", &product, "jo@travellers.example").await;
    let wrong_owner = order("tern-e5", &product, topup, "jo@travellers.example");
    let error = client.place_order(&wrong_owner).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Incompatible { message } if message.starts_with("EMAIL_AND_ICCID_DO_NOT_MATCH")),
        "{error:?}"
    );

    // INVALID_REQUEST_PARAMS (400): a well-formed country code Truphone does not know.
    let mut nowhere = order(
        "tern-e6",
        &product,
        OrderKind::NewEsim,
        "kim@travellers.example",
    );
    nowhere.country = CountryCode::parse("XZ").ok();
    let error = client.place_order(&nowhere).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Validation { message } if message.starts_with("INVALID_REQUEST_PARAMS")),
        "{error:?}"
    );
    assert_eq!(sandbox.stats().orders_placed, 2, "only the two good orders");
}

#[tokio::test]
async fn local_validation_refuses_without_calling_truphone() {
    let sandbox = sandbox().await;
    let iot = TruphoneClient::new(TruphoneConfig {
        device_type: "iot".into(),
        ..TruphoneConfig::new(sandbox.api_base(), credentials(&sandbox))
    })
    .unwrap();
    let product = ProductRef("a3mANY".into());
    let iccid = Iccid::parse("8944474600000063847").unwrap();
    let topup = order(
        "tern-v1",
        &product,
        OrderKind::TopUp { iccid },
        "lu@travellers.example",
    );
    assert!(matches!(
        iot.place_order(&topup).await,
        Err(ProviderError::Validation { message }) if message.contains("device.type iot")
    ));
    let bad_email = order("tern-v2", &product, OrderKind::NewEsim, "not an email");
    assert!(matches!(
        iot.place_order(&bad_email).await,
        Err(ProviderError::Validation { message }) if message.contains("customer.email")
    ));
    let stats = sandbox.stats();
    assert_eq!((stats.api_calls, stats.token_requests), (0, 0));
}

#[tokio::test]
async fn an_internal_error_is_retryable_and_keeps_its_code() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    client.list_products(None).await.unwrap();
    sandbox.set_faults(FaultUpdate {
        fail_next: Some(1),
        status: Some(500),
        ..FaultUpdate::default()
    });
    let error = client.list_products(None).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Unavailable { status: Some(500), message } if message.starts_with("INTERNAL_ERROR")),
        "{error:?}"
    );
    assert!(error.is_retryable());
    client.list_products(None).await.expect("healthy again");
}

#[tokio::test]
async fn malformed_json_and_slow_answers_become_typed_errors() {
    let sandbox = sandbox().await;
    let client = client_with(&sandbox, Duration::from_millis(300));
    client.list_products(None).await.unwrap();

    sandbox.set_faults(FaultUpdate {
        malformed_next: Some(1),
        ..FaultUpdate::default()
    });
    let malformed = client.list_products(None).await.unwrap_err();
    assert!(
        matches!(malformed, ProviderError::MalformedResponse { .. }),
        "{malformed:?}"
    );

    sandbox.set_faults(FaultUpdate {
        delay_ms: Some(1_000),
        ..FaultUpdate::default()
    });
    assert_eq!(
        client.list_products(None).await.unwrap_err(),
        ProviderError::Timeout
    );
    sandbox.clear_faults();
    client.list_products(None).await.expect("healthy again");
}

#[tokio::test]
async fn an_expired_token_is_replaced_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    client.list_products(None).await.unwrap();
    assert_eq!(sandbox.stats().token_requests, 1);
    sandbox.expire_tokens();
    client
        .list_products(None)
        .await
        .expect("re-authenticated after a 401");
    let stats = sandbox.stats();
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.api_calls, 3, "one refused call, sent once more");
}

#[tokio::test]
async fn a_token_near_its_end_is_refreshed_before_it_is_refused() {
    let sandbox = sandbox_with(TruphoneSandboxConfig {
        token_ttl_secs: 2,
        ..TruphoneSandboxConfig::default()
    })
    .await;
    let client = client(&sandbox);
    let product = ProductRef(
        client.list_products(None).await.unwrap().items[0]
            .product
            .0
            .clone(),
    );
    // A 2 s token is renewed after 1 s: keep calling until the refresh grant was used.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut calls = 1;
    while sandbox.stats().refresh_grants == 0 {
        assert!(Instant::now() < deadline, "no refresh within 5 s");
        client
            .get_product(&product)
            .await
            .expect("every call succeeds");
        calls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = sandbox.stats();
    assert_eq!(
        stats.token_requests, 2,
        "one client-credentials grant, one refresh"
    );
    assert_eq!(stats.api_calls, calls, "no call was refused");
}

#[tokio::test]
async fn bad_credentials_are_unauthorized() {
    let sandbox = sandbox().await;
    let wrong_secret = TruphoneClient::new(TruphoneConfig::new(
        sandbox.api_base(),
        TruphoneAuth::ClientCredentials {
            token_url: sandbox.token_url(),
            client_id: SANDBOX_CLIENT_ID.into(),
            client_secret: "wrong".into(),
        },
    ))
    .unwrap();
    assert_eq!(
        wrong_secret.list_products(None).await.unwrap_err(),
        ProviderError::Unauthorized
    );
    let static_token = TruphoneClient::new(TruphoneConfig::new(
        sandbox.api_base(),
        TruphoneAuth::Token("not-a-token".into()),
    ))
    .unwrap();
    assert_eq!(
        static_token.list_products(None).await.unwrap_err(),
        ProviderError::Unauthorized
    );
    let stats = sandbox.stats();
    assert_eq!(
        stats.token_requests, 1,
        "a static token never asks for another"
    );
    assert_eq!(stats.api_calls, 1);
}

#[tokio::test]
async fn a_static_token_from_keycloak_works_on_the_connect_api_base() {
    let sandbox = sandbox().await;
    let grant: serde_json::Value = reqwest::Client::new()
        .post(sandbox.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", SANDBOX_CLIENT_ID),
            ("client_secret", SANDBOX_CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = grant["access_token"].as_str().unwrap().to_owned();
    let client = TruphoneClient::new(TruphoneConfig::new(
        sandbox.url("/connect-api"),
        TruphoneAuth::Token(token),
    ))
    .unwrap();
    assert!(!client.list_products(None).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn an_unreachable_provider_is_retryable() {
    let sandbox = sandbox().await;
    let base = sandbox.api_base();
    let auth = credentials(&sandbox);
    drop(sandbox);
    let client = TruphoneClient::new(TruphoneConfig {
        timeout: Duration::from_secs(2),
        ..TruphoneConfig::new(base, auth)
    })
    .unwrap();
    let error = client.list_products(None).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}
