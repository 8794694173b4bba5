//! The eSIMfx adapter against the eSIMfx sandbox over real HTTP: paging, tokens, every kind of
//! fault, and eSIM care (status, packages and usage, top-ups, termination).

use domain::{EsimState, Iccid, PackageState};
use providers::esimfx::webhook::{self, WebhookEvent};
use providers::esimfx::{EsimfxClient, EsimfxConfig};
use providers::{
    Capabilities, EsimProvider, OrderKind, OrderRequest, PageCursor, ProductRef, ProviderError,
    ProvisionOutcome,
};
use sandbox::esimfx::{
    EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_KEY,
};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

async fn sandbox() -> RunningSandbox {
    EsimfxSandbox::spawn(EsimfxSandboxConfig::default())
        .await
        .expect("sandbox starts")
}

fn client(sandbox: &RunningSandbox, timeout: Duration) -> EsimfxClient {
    EsimfxClient::new(EsimfxConfig {
        base_url: sandbox.base_url.clone(),
        client_id: SANDBOX_CLIENT_ID.into(),
        client_key: SANDBOX_CLIENT_KEY.into(),
        timeout,
    })
    .unwrap()
}

async fn control(sandbox: &RunningSandbox, path: &str, body: serde_json::Value) {
    let response = reqwest::Client::new()
        .post(sandbox.url(&format!("/_sandbox/{path}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
}

async fn auth_calls(sandbox: &RunningSandbox) -> u64 {
    sandbox.sandbox.stats().auth_calls
}

#[tokio::test]
async fn paging_visits_every_product_exactly_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let (mut seen, mut pages, mut cursor) = (HashSet::new(), 0, None::<PageCursor>);
    loop {
        let page = client.list_products(cursor.take()).await.expect("page");
        pages += 1;
        assert!(page.items.len() <= 50, "page size is capped at 50");
        assert!(page.rejected.is_empty(), "{:?}", page.rejected);
        for product in page.items {
            assert!(
                seen.insert(product.product.0.clone()),
                "{} seen twice",
                product.product.0
            );
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, sandbox.sandbox.stats().products);
    assert!(pages >= seen.len() / 50, "{pages} pages");
    assert_eq!(auth_calls(&sandbox).await, 1, "one token serves every page");
}

#[tokio::test]
async fn get_product_maps_units_and_reports_unknown_ids() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let product = client
        .get_product(&ProductRef("esimfx_10G_7D_JP".into()))
        .await
        .unwrap();
    assert_eq!(product.data.bytes(), Some(10 * 1024 * 1024 * 1024));
    assert_eq!(product.validity_days, 7);
    assert_eq!(
        product
            .coverage
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["JP"]
    );
    assert_eq!(product.wholesale.currency.as_str(), "USD");
    assert!(product.topup_class.is_some() && !product.networks.is_empty());

    let missing = client
        .get_product(&ProductRef("esimfx_nothing".into()))
        .await;
    assert!(
        matches!(missing, Err(ProviderError::NotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn an_expired_token_is_renewed_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    client.list_products(None).await.unwrap();
    control(&sandbox, "expire_tokens", json!({})).await;
    client
        .list_products(None)
        .await
        .expect("renewed after a 401");
    assert_eq!(auth_calls(&sandbox).await, 2);
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_not_retried_forever() {
    let sandbox = sandbox().await;
    let client = EsimfxClient::new(EsimfxConfig {
        base_url: sandbox.base_url.clone(),
        client_id: SANDBOX_CLIENT_ID.into(),
        client_key: "wrong".into(),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    assert_eq!(
        client.list_products(None).await.unwrap_err(),
        ProviderError::Unauthorized
    );
    assert_eq!(auth_calls(&sandbox).await, 1);
}

#[tokio::test]
async fn faults_become_typed_errors() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_millis(500));
    client.list_products(None).await.unwrap();

    control(&sandbox, "faults", json!({ "fail_next": 1, "status": 503 })).await;
    let unavailable = client.list_products(None).await.unwrap_err();
    assert!(
        matches!(
            unavailable,
            ProviderError::Unavailable {
                status: Some(503),
                ..
            }
        ),
        "{unavailable:?}"
    );
    assert!(unavailable.is_retryable());

    control(&sandbox, "faults", json!({ "malformed_next": 1 })).await;
    let malformed = client.list_products(None).await.unwrap_err();
    assert!(
        matches!(malformed, ProviderError::MalformedResponse { .. }),
        "{malformed:?}"
    );

    control(&sandbox, "faults", json!({ "delay_ms": 1500 })).await;
    assert_eq!(
        client.list_products(None).await.unwrap_err(),
        ProviderError::Timeout
    );
    control(&sandbox, "faults", json!({ "delay_ms": 0 })).await;
    client.list_products(None).await.expect("healthy again");
}

#[tokio::test]
async fn an_unreachable_provider_is_unavailable() {
    let sandbox = sandbox().await;
    let base_url = sandbox.base_url.clone();
    drop(sandbox);
    let client = EsimfxClient::new(EsimfxConfig {
        base_url,
        client_id: SANDBOX_CLIENT_ID.into(),
        client_key: SANDBOX_CLIENT_KEY.into(),
        timeout: Duration::from_secs(2),
    })
    .unwrap();
    let error = client.list_products(None).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}

fn order(key: &str, product: &str, kind: OrderKind) -> OrderRequest {
    OrderRequest {
        idempotency_key: key.into(),
        product: ProductRef(product.into()),
        kind,
        customer_email: "traveller@example.com".into(),
        country: None,
        first_attempt_at: 0,
        wholesale: domain::Money::new(0, domain::Currency::USD),
        provider_order_id: None,
        payment: None,
    }
}

async fn ready(client: &EsimfxClient, request: &OrderRequest) -> providers::ProvisionedEsim {
    match client.place_order(request).await.expect("order placed") {
        ProvisionOutcome::Ready(esim) => esim,
        other => panic!("eSIMfx orders complete synchronously, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_esim_comes_with_its_activation_code_and_a_retry_buys_nothing_more() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let request = order("tern-order-1", "esimfx_10G_7D_JP", OrderKind::NewEsim);
    let first = ready(&client, &request).await;
    let code = first
        .activation
        .clone()
        .expect("a new eSIM has an activation code");
    assert!(code.lpa().starts_with("LPA:1$"));

    let again = ready(&client, &request).await;
    assert_eq!(again, first, "the same key answers with the same order");
    assert_eq!(sandbox.sandbox.stats().orders, 1, "one eSIM bought");

    let other = ready(
        &client,
        &order("tern-order-2", "esimfx_10G_7D_JP", OrderKind::NewEsim),
    )
    .await;
    assert_ne!(other.iccid, first.iccid);
}

#[tokio::test]
async fn top_ups_land_on_the_same_esim_and_incompatible_ones_are_typed() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = ready(
        &client,
        &order("new", "esimfx_1G_7D_JP", OrderKind::NewEsim),
    )
    .await;

    let topup = ready(
        &client,
        &order(
            "topup",
            "esimfx_3G_15D_JP",
            OrderKind::TopUp {
                iccid: esim.iccid.clone(),
            },
        ),
    )
    .await;
    assert_eq!(topup.iccid, esim.iccid);
    assert_eq!(topup.activation, None, "nothing to install for a top-up");

    let europe = client
        .place_order(&order(
            "wrong",
            "esimfx_1G_7D_FR",
            OrderKind::TopUp {
                iccid: esim.iccid.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(europe, ProviderError::Incompatible { .. }),
        "{europe:?}"
    );

    let unknown = Iccid::parse("89000000000000000000").unwrap();
    let missing = client
        .place_order(&order(
            "ghost",
            "esimfx_1G_7D_JP",
            OrderKind::TopUp { iccid: unknown },
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, ProviderError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_garbled_answer_to_an_order_is_safe_to_retry_with_the_same_key() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    client.list_products(None).await.unwrap();
    control(&sandbox, "faults", json!({ "malformed_next": 1 })).await;
    let request = order("garbled", "esimfx_5G_30D_JP", OrderKind::NewEsim);
    let error = client.place_order(&request).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    ready(&client, &request).await;
    assert_eq!(
        sandbox.sandbox.stats().orders,
        1,
        "the retry returned the order made behind the garbled answer"
    );
}

const GIB: u64 = 1 << 30;

/// A new eSIM bought through the adapter.
async fn new_esim(client: &EsimfxClient, key: &str, product: &str) -> providers::ProvisionedEsim {
    ready(client, &order(key, product, OrderKind::NewEsim)).await
}

async fn top_up(
    client: &EsimfxClient,
    key: &str,
    product: &str,
    iccid: &Iccid,
) -> providers::ProvisionedEsim {
    ready(
        client,
        &order(
            key,
            product,
            OrderKind::TopUp {
                iccid: iccid.clone(),
            },
        ),
    )
    .await
}

/// Plays the phone through the control API: `install`, `connect` or `consume`.
async fn device(sandbox: &RunningSandbox, iccid: &Iccid, action: &str, body: serde_json::Value) {
    control(sandbox, &format!("esims/{iccid}/{action}"), body).await;
}

#[tokio::test]
async fn esimfx_offers_everything_but_asynchronous_completion() {
    let sandbox = sandbox().await;
    assert_eq!(
        client(&sandbox, Duration::from_secs(5)).capabilities(),
        Capabilities {
            top_up: true,
            usage: true,
            terminate: true,
            qr_reissue: true,
            webhooks: true,
            async_completion: false,
            reserve_before_payment: false,
            balance: false,
        }
    );
}

#[tokio::test]
async fn esim_status_follows_the_phone_and_reissues_the_same_qr() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = new_esim(&client, "status", "esimfx_1G_7D_JP").await;

    let status = client.esim_status(&esim.iccid).await.unwrap();
    assert_eq!(status.iccid, esim.iccid);
    assert_eq!(status.state, EsimState::Provisioned);
    assert_eq!(
        status.activation, esim.activation,
        "the re-issued QR is the one sold"
    );

    device(&sandbox, &esim.iccid, "install", json!({})).await;
    let status = client.esim_status(&esim.iccid).await.unwrap();
    assert_eq!(status.state, EsimState::Installed);
    assert_eq!(
        status.activation.map(|code| code.lpa()),
        esim.activation.map(|code| code.lpa())
    );

    device(&sandbox, &esim.iccid, "connect", json!({})).await;
    assert_eq!(
        client.esim_status(&esim.iccid).await.unwrap().state,
        EsimState::Active
    );
}

#[tokio::test]
async fn packages_list_the_plan_and_its_queued_top_up_with_usage() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = new_esim(&client, "packages", "esimfx_1G_7D_JP").await;
    let addon = top_up(&client, "packages-topup", "esimfx_3G_15D_JP", &esim.iccid).await;

    let packages = client.esim_packages(&esim.iccid).await.unwrap();
    assert_eq!(packages.len(), 2, "{packages:#?}");
    assert_eq!(packages[0].provider_order_id, esim.provider_order_id);
    assert_eq!(packages[1].provider_order_id, addon.provider_order_id);
    assert_eq!(
        (packages[0].state, packages[1].state),
        (PackageState::Pending, PackageState::Pending)
    );
    assert!(packages.iter().all(|p| p.activated_at.is_none()));
    assert_eq!(packages[0].product, ProductRef("esimfx_1G_7D_JP".into()));
    assert!(!packages[0].product_name.is_empty());
    assert_eq!(packages[0].usage.limit_bytes, Some(GIB));
    assert_eq!(packages[1].usage.limit_bytes, Some(3 * GIB));
    let created = packages[0].created_at.expect("creation time");
    assert_eq!(
        packages[0].activate_by,
        Some(created + 60 * 86_400_000),
        "a package starts by itself on day 60"
    );

    device(&sandbox, &esim.iccid, "connect", json!({})).await;
    device(
        &sandbox,
        &esim.iccid,
        "consume",
        json!({ "bytes": GIB / 4 }),
    )
    .await;
    let packages = client.esim_packages(&esim.iccid).await.unwrap();
    assert_eq!(
        (packages[0].state, packages[1].state),
        (PackageState::Active, PackageState::Pending)
    );
    let running = &packages[0];
    let activated = running
        .activated_at
        .expect("started when the phone connected");
    assert_eq!(running.expires_at, Some(activated + 7 * 86_400_000));
    assert_eq!(running.usage.used_bytes, GIB / 4);
    assert_eq!(running.usage.remaining_bytes(), Some(3 * GIB / 4));
    assert_eq!(running.usage.used_percent(), Some(25));

    let one = client.package(&esim.provider_order_id).await.unwrap();
    assert_eq!(&one, running, "get_order agrees with get_esim_orders");
}

#[tokio::test]
async fn using_up_a_package_moves_on_to_the_top_up() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = new_esim(&client, "overflow", "esimfx_1G_7D_JP").await;
    let addon = top_up(&client, "overflow-topup", "esimfx_3G_15D_JP", &esim.iccid).await;
    device(&sandbox, &esim.iccid, "connect", json!({})).await;
    device(
        &sandbox,
        &esim.iccid,
        "consume",
        json!({ "bytes": GIB + 1024 }),
    )
    .await;

    let first = client.package(&esim.provider_order_id).await.unwrap();
    assert_eq!(first.state, PackageState::Expired);
    assert_eq!(first.usage.remaining_bytes(), Some(0));
    assert_eq!(first.usage.used_percent(), Some(100));
    let second = client.package(&addon.provider_order_id).await.unwrap();
    assert_eq!(second.state, PackageState::Active);
    assert_eq!(second.usage.used_bytes, 1024);
    assert_eq!(
        second.activated_at, first.expires_at,
        "the top-up starts the moment the first plan runs out"
    );
}

#[tokio::test]
async fn available_top_ups_share_the_esims_profile_and_area() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let bought = client
        .get_product(&ProductRef("esimfx_1G_7D_JP".into()))
        .await
        .unwrap();
    let esim = new_esim(&client, "topups", "esimfx_1G_7D_JP").await;

    let topups = client.available_topups(&esim.iccid).await.unwrap();
    assert!(
        topups.iter().any(|p| p.product.0 == "esimfx_3G_15D_JP"),
        "{} products",
        topups.len()
    );
    for product in &topups {
        assert_eq!(
            product.topup_class, bought.topup_class,
            "{}",
            product.product.0
        );
        assert!(
            product.coverage.iter().any(|c| bought.coverage.contains(c)),
            "{} does not cover the eSIM's area",
            product.product.0
        );
    }
    assert!(!topups.iter().any(|p| p.product.0 == "esimfx_1G_7D_FR"));

    // A product outside the list is refused as incompatible.
    let europe = client
        .place_order(&order(
            "topups-wrong",
            "esimfx_1G_7D_FR",
            OrderKind::TopUp {
                iccid: esim.iccid.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(europe, ProviderError::Incompatible { .. }),
        "{europe:?}"
    );
    assert!(!europe.is_retryable());
}

#[tokio::test]
async fn terminating_refunds_only_an_unused_package_and_only_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let balance = || sandbox.sandbox.stats().balance_cents;
    let before = balance();
    let unused = new_esim(&client, "terminate-pending", "esimfx_3G_15D_DE").await;
    assert!(balance() < before);

    let outcome = client
        .terminate_package(&unused.provider_order_id)
        .await
        .unwrap();
    assert!(outcome.refunded);
    assert_eq!(balance(), before, "the package fee came back");
    assert_eq!(
        client
            .package(&unused.provider_order_id)
            .await
            .unwrap()
            .state,
        PackageState::Terminated
    );

    let again = client
        .terminate_package(&unused.provider_order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(again, ProviderError::NotAllowed { .. }),
        "{again:?}"
    );
    assert!(!again.is_retryable());

    let used = new_esim(&client, "terminate-active", "esimfx_3G_15D_DE").await;
    device(&sandbox, &used.iccid, "connect", json!({})).await;
    let outcome = client
        .terminate_package(&used.provider_order_id)
        .await
        .unwrap();
    assert!(!outcome.refunded, "a package in use is not refunded");
    let ended = client.package(&used.provider_order_id).await.unwrap();
    assert_eq!(ended.state, PackageState::Terminated);
    assert!(ended.activated_at.is_some());
}

#[tokio::test]
async fn an_unlimited_package_has_no_byte_limit() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = new_esim(&client, "unlimited", "esimfx_UNL_7D_JP").await;
    device(&sandbox, &esim.iccid, "connect", json!({})).await;
    device(
        &sandbox,
        &esim.iccid,
        "consume",
        json!({ "bytes": 5 * GIB }),
    )
    .await;
    let package = client.package(&esim.provider_order_id).await.unwrap();
    assert_eq!(package.state, PackageState::Active);
    assert_eq!(package.usage.limit_bytes, None);
    assert_eq!(package.usage.used_bytes, 5 * GIB);
    assert_eq!(package.usage.remaining_bytes(), None);
    assert_eq!(package.usage.used_percent(), None);
}

#[tokio::test]
async fn unknown_esims_and_orders_are_not_found() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let ghost = Iccid::parse("89000000000000000000").unwrap();
    let not_found = |what: &'static str| ProviderError::NotFound { what };
    assert_eq!(
        client.esim_status(&ghost).await.unwrap_err(),
        not_found("eSIM")
    );
    assert_eq!(
        client.esim_packages(&ghost).await.unwrap_err(),
        not_found("eSIM")
    );
    assert_eq!(
        client.available_topups(&ghost).await.unwrap_err(),
        not_found("eSIM")
    );
    assert_eq!(
        client.package("no-such-order").await.unwrap_err(),
        not_found("order")
    );
    assert_eq!(
        client.terminate_package("no-such-order").await.unwrap_err(),
        not_found("order")
    );
}

#[tokio::test]
async fn care_calls_turn_faults_into_typed_errors() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = new_esim(&client, "faults", "esimfx_1G_7D_JP").await;

    control(&sandbox, "faults", json!({ "fail_next": 1, "status": 502 })).await;
    let error = client.esim_status(&esim.iccid).await.unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::Unavailable {
                status: Some(502),
                ..
            }
        ),
        "{error:?}"
    );
    control(&sandbox, "faults", json!({ "fail_next": 1, "status": 500 })).await;
    let error = client.esim_packages(&esim.iccid).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Unavailable { .. }) && error.is_retryable(),
        "{error:?}"
    );
    control(&sandbox, "faults", json!({ "fail_next": 1, "status": 503 })).await;
    let error = client
        .terminate_package(&esim.provider_order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Unavailable { .. }),
        "{error:?}"
    );
    control(&sandbox, "faults", json!({ "malformed_next": 1 })).await;
    let error = client.available_topups(&esim.iccid).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::MalformedResponse { .. }),
        "{error:?}"
    );

    // The failed terminate never reached the sandbox's state: the package is still PENDING.
    assert_eq!(
        client.package(&esim.provider_order_id).await.unwrap().state,
        PackageState::Pending
    );
}

#[tokio::test]
async fn the_sandboxs_webhook_payloads_parse() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    let esim = new_esim(&client, "hooks", "esimfx_1G_7D_JP").await;
    device(&sandbox, &esim.iccid, "connect", json!({})).await;
    device(&sandbox, &esim.iccid, "consume", json!({ "bytes": GIB })).await;

    let events: Vec<serde_json::Value> = reqwest::get(sandbox.url("/_sandbox/events"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let parsed: Vec<webhook::EsimfxWebhook> = events
        .iter()
        .map(|event| webhook::parse(event.to_string().as_bytes()).expect("parses"))
        .collect();
    let kinds: Vec<(WebhookEvent, Option<u8>)> = parsed
        .iter()
        .map(|h| (h.event.clone(), h.threshold))
        .collect();
    assert_eq!(
        kinds,
        [
            (WebhookEvent::Activation, None),
            (WebhookEvent::DataUsage, Some(50)),
            (WebhookEvent::DataUsage, Some(80)),
            (WebhookEvent::DataUsage, Some(90)),
            (WebhookEvent::DataUsage, Some(100)),
            (WebhookEvent::Expiration, None),
        ]
    );
    for (hook, raw) in parsed.iter().zip(&events) {
        assert_eq!(hook.iccid.as_ref(), Some(&esim.iccid));
        assert_eq!(
            hook.order_id.as_deref(),
            Some(esim.provider_order_id.as_str())
        );
        assert_eq!(Some(hook.dedupe_key.as_str()), raw["event_id"].as_str());
        assert_eq!(hook.limit_bytes, Some(GIB));
        assert!(hook.at.is_some());
    }
    assert_eq!(parsed[5].used_bytes, Some(GIB));
}
