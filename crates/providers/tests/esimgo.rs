//! The eSIM Go adapter against the eSIM Go sandbox over real HTTP: paging, ordering and its
//! reconciliation, assignments in every format, top-ups, usage, termination, balance, faults.

use std::collections::HashSet;
use std::time::Duration;

use domain::{Currency, DataAllowance, EsimState, Iccid, Money, PackageState};
use providers::esimgo::{EsimGoClient, EsimGoConfig, PROVIDER_ID};
use providers::{
    ByteConvention, Capabilities, EsimProvider, OrderKind, OrderRequest, PageCursor, ProductRef,
    ProviderError, ProvisionOutcome, ProvisionedEsim,
};
use sandbox::esimgo::{
    AssignmentFormat, EsimGoSandbox, EsimGoSandboxConfig, RunningEsimGoSandbox, SANDBOX_API_KEY,
};
use sandbox::faults::FaultUpdate;
use serde_json::{json, Value};

const GB: u64 = 1_000_000_000;

async fn sandbox_with(config: EsimGoSandboxConfig) -> RunningEsimGoSandbox {
    EsimGoSandbox::spawn(config).await.expect("sandbox starts")
}

async fn sandbox() -> RunningEsimGoSandbox {
    sandbox_with(EsimGoSandboxConfig::default()).await
}

fn client_with(sandbox: &RunningEsimGoSandbox, key: &str, timeout: Duration) -> EsimGoClient {
    EsimGoClient::new(EsimGoConfig {
        base_url: sandbox.api_base(),
        api_key: key.into(),
        timeout,
    })
    .expect("client builds")
}

fn client(sandbox: &RunningEsimGoSandbox) -> EsimGoClient {
    client_with(sandbox, SANDBOX_API_KEY, Duration::from_secs(10))
}

fn order(key: &str, product: &str, kind: OrderKind) -> OrderRequest {
    OrderRequest {
        idempotency_key: key.into(),
        product: ProductRef(product.into()),
        kind,
        customer_email: "traveller@example.com".into(),
        country: None,
        first_attempt_at: 0,
        wholesale: Money::new(0, Currency::USD),
        provider_order_id: None,
        payment: None,
    }
}

fn top_up(key: &str, product: &str, iccid: &Iccid) -> OrderRequest {
    order(
        key,
        product,
        OrderKind::TopUp {
            iccid: iccid.clone(),
        },
    )
}

async fn ready(client: &EsimGoClient, request: &OrderRequest) -> ProvisionedEsim {
    match client.place_order(request).await.expect("order placed") {
        ProvisionOutcome::Ready(esim) => esim,
        other => panic!("expected a ready eSIM, got {other:?}"),
    }
}

async fn new_esim(client: &EsimGoClient, key: &str, product: &str) -> ProvisionedEsim {
    ready(client, &order(key, product, OrderKind::NewEsim)).await
}

/// `GET /_sandbox/esims/{iccid}`.
async fn summary(sandbox: &RunningEsimGoSandbox, iccid: &Iccid) -> Value {
    reqwest::get(sandbox.url(&format!("/_sandbox/esims/{iccid}")))
        .await
        .expect("sandbox answers")
        .json()
        .await
        .expect("JSON")
}

/// `POST /_sandbox/esims/{iccid}/consume {bytes}`.
async fn consume(sandbox: &RunningEsimGoSandbox, iccid: &Iccid, bytes: u64) {
    let status = reqwest::Client::new()
        .post(sandbox.url(&format!("/_sandbox/esims/{iccid}/consume")))
        .json(&json!({ "bytes": bytes }))
        .send()
        .await
        .expect("sandbox answers")
        .status();
    assert!(status.is_success(), "{status}");
}

fn faults(fail_next: u32, status: u16) -> FaultUpdate {
    FaultUpdate {
        fail_next: Some(fail_next),
        status: Some(status),
        ..FaultUpdate::default()
    }
}

#[tokio::test]
async fn paging_visits_every_bundle_exactly_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (mut seen, mut pages, mut cursor) = (HashSet::new(), 0, None::<PageCursor>);
    loop {
        let page = client.list_products(cursor.take()).await.expect("page");
        pages += 1;
        assert!(page.items.len() <= 50);
        assert!(page.rejected.is_empty(), "{:?}", page.rejected);
        for product in page.items {
            assert_eq!(product.data_convention, ByteConvention::Decimal);
            assert!(
                seen.insert(product.product.0.clone()),
                "{} twice",
                product.product.0
            );
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, sandbox.stats().bundles);
    assert!(pages > 10, "{pages} pages");
    assert!(seen.contains("esim_1GB_7D_GB_V2") && seen.contains("esim_UL_7D_JP_V2"));
    assert_eq!(sandbox.stats().api_calls, pages as u64, "one call per page");
}

#[tokio::test]
async fn get_product_maps_decimal_units_and_reports_unknown_bundles() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let product = client
        .get_product(&ProductRef("esim_1GB_7D_GB_V2".into()))
        .await
        .unwrap();
    assert_eq!(product.name, "eSIM, 1GB, 7 Days, United Kingdom, V2");
    assert_eq!(product.data, DataAllowance::Limited { bytes: GB });
    assert_eq!(product.validity_days, 7);
    assert_eq!(product.wholesale.currency, Currency::USD);
    assert!(product.wholesale.minor > 0);
    assert_eq!(product.topup_class.as_deref(), Some("V2/Europe"));
    assert_eq!(
        product
            .coverage
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["GB"]
    );
    let unlimited = client
        .get_product(&ProductRef("esim_UL_7D_JP_V2".into()))
        .await
        .unwrap();
    assert_eq!(unlimited.data, DataAllowance::Unlimited);

    let missing = client
        .get_product(&ProductRef("esim_1GB_7D_XX_V9".into()))
        .await;
    assert_eq!(
        missing.unwrap_err(),
        ProviderError::NotFound { what: "bundle" }
    );
}

#[tokio::test]
async fn a_new_esim_comes_with_a_working_lpa_and_is_tagged_with_its_key() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let before = sandbox.stats().balance_cents;
    let esim = new_esim(&client, "tern-order-1", "esim_1GB_7D_GB_V2").await;
    let code = esim
        .activation
        .clone()
        .expect("a new eSIM has an activation code");
    assert_eq!(code.smdp_address, "rsp.esimgo-sandbox.test");
    assert!(code.lpa().starts_with("LPA:1$rsp.esimgo-sandbox.test$"));
    assert!(!esim.provider_order_id.is_empty());

    let held = summary(&sandbox, &esim.iccid).await;
    assert_eq!(held["customerRef"], "tern-order-1");
    assert_eq!(
        held["packages"][0]["reference"],
        esim.provider_order_id.as_str()
    );
    let price = client
        .get_product(&ProductRef("esim_1GB_7D_GB_V2".into()))
        .await
        .unwrap()
        .wholesale
        .minor;
    assert_eq!(
        sandbox.stats().balance_cents,
        before - price,
        "paid from the balance"
    );

    let status = client.esim_status(&esim.iccid).await.unwrap();
    assert_eq!(status.state, EsimState::Provisioned);
    assert_eq!(
        status.activation, esim.activation,
        "the QR is re-issued as sold"
    );
}

#[tokio::test]
async fn the_same_request_twice_buys_one_esim() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let request = order("tern-order-7", "esim_3GB_30D_FR_V2", OrderKind::NewEsim);
    let first = ready(&client, &request).await;
    let again = ready(&client, &request).await;
    assert_eq!(again, first, "the repeat finds the order already placed");
    let stats = sandbox.stats();
    assert_eq!((stats.esims_issued, stats.orders_placed), (1, 1));

    // Another key for the same bundle is another eSIM, and the first is still found.
    let other = new_esim(&client, "tern-order-8", "esim_3GB_30D_FR_V2").await;
    assert_ne!(other.iccid, first.iccid);
    assert_eq!(ready(&client, &request).await, first);
    assert_eq!(sandbox.stats().esims_issued, 2);
}

#[tokio::test]
async fn a_failed_order_call_buys_nothing_and_the_retry_buys_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let request = order("tern-order-9", "esim_1GB_7D_DE_V2", OrderKind::NewEsim);
    sandbox.set_faults(faults(1, 500));
    let error = client.place_order(&request).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(sandbox.stats().orders_placed, 0);
    ready(&client, &request).await;
    ready(&client, &request).await;
    assert_eq!(sandbox.stats().esims_issued, 1);
}

#[tokio::test]
async fn esims_missing_from_the_order_are_read_from_assignments_in_every_format() {
    for format in [
        None,
        Some(AssignmentFormat::Json),
        Some(AssignmentFormat::JsonSpacedKeys),
        Some(AssignmentFormat::Csv),
        Some(AssignmentFormat::Zip),
    ] {
        let sandbox = sandbox_with(EsimGoSandboxConfig {
            omit_order_esims: true,
            assignments_format: format,
            ..EsimGoSandboxConfig::default()
        })
        .await;
        let client = client(&sandbox);
        let esim = new_esim(&client, "assigned", "esim_5GB_30D_JP_V2").await;
        let status = client.esim_status(&esim.iccid).await.unwrap();
        assert_eq!(status.activation, esim.activation, "{format:?}");
        assert!(esim.activation.is_some(), "{format:?}");
        assert_eq!(
            summary(&sandbox, &esim.iccid).await["customerRef"],
            "assigned"
        );
    }
}

#[tokio::test]
async fn late_assignments_leave_the_order_pending_until_they_arrive() {
    let sandbox = sandbox_with(EsimGoSandboxConfig {
        omit_order_esims: true,
        assignments_ready_after_secs: 60,
        clock_speed: 0,
        ..EsimGoSandboxConfig::default()
    })
    .await;
    let client = client(&sandbox);
    let mut request = order("late", "esim_1GB_7D_JP_V2", OrderKind::NewEsim);
    let (reference, poll_after) = match client.place_order(&request).await.unwrap() {
        ProvisionOutcome::Pending {
            provider_order_id,
            poll_after,
            ..
        } => (provider_order_id, poll_after),
        other => panic!("expected pending, got {other:?}"),
    };
    assert_eq!(poll_after, Duration::from_secs(5), "eSIM Go's Retry-After");
    request.provider_order_id = Some(reference.clone());
    assert!(matches!(
        client.order_status(&request, &reference).await.unwrap(),
        ProvisionOutcome::Pending { .. }
    ));

    sandbox.advance_clock(60);
    let done = match client.order_status(&request, &reference).await.unwrap() {
        ProvisionOutcome::Ready(esim) => esim,
        other => panic!("expected ready, got {other:?}"),
    };
    assert_eq!(done.provider_order_id, reference);
    assert!(done.activation.is_some());
    // A plain repeat (no reference) finds the tagged eSIM rather than buying again.
    request.provider_order_id = None;
    assert_eq!(ready(&client, &request).await, done);
    assert_eq!(sandbox.stats().esims_issued, 1);
}

#[tokio::test]
async fn top_ups_land_on_the_esim_once_and_incompatible_ones_are_typed() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let esim = new_esim(&client, "base", "esim_1GB_7D_GB_V2").await;
    let request = top_up("topup-1", "esim_3GB_30D_GB_V2", &esim.iccid);
    let topup = ready(&client, &request).await;
    assert_eq!(topup.iccid, esim.iccid);
    assert_eq!(topup.activation, None);
    assert_ne!(topup.provider_order_id, esim.provider_order_id);
    assert_eq!(
        ready(&client, &request).await,
        topup,
        "a repeat buys nothing"
    );
    let stats = sandbox.stats();
    assert_eq!((stats.orders_placed, stats.esims_issued), (2, 1));

    // A regional bundle of the same family fits too.
    ready(
        &client,
        &top_up("topup-2", "esim_5GB_30D_REU_V2", &esim.iccid),
    )
    .await;

    let japan = client
        .place_order(&top_up("topup-3", "esim_1GB_7D_JP_V2", &esim.iccid))
        .await
        .unwrap_err();
    assert!(
        matches!(japan, ProviderError::Incompatible { .. }),
        "{japan:?}"
    );
    assert!(!japan.is_retryable());

    let ghost = Iccid::parse("89000000000000000000").unwrap();
    let missing = client
        .place_order(&top_up("topup-4", "esim_1GB_7D_GB_V2", &ghost))
        .await
        .unwrap_err();
    assert_eq!(missing, ProviderError::NotFound { what: "eSIM" });
    assert_eq!(sandbox.stats().orders_placed, 3);
}

#[tokio::test]
async fn a_top_up_of_the_bundle_the_esim_came_with_is_not_taken_for_its_first_order() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let esim = new_esim(&client, "same", "esim_1GB_7D_GB_V2").await;
    let request = top_up("same-topup", "esim_1GB_7D_GB_V2", &esim.iccid);
    let topup = ready(&client, &request).await;
    assert_ne!(topup.provider_order_id, esim.provider_order_id);
    assert_eq!(sandbox.stats().orders_placed, 2, "the top-up was bought");
    assert_eq!(ready(&client, &request).await, topup);
    assert_eq!(sandbox.stats().orders_placed, 2, "and only once");
    assert_eq!(client.esim_packages(&esim.iccid).await.unwrap().len(), 2);
}

#[tokio::test]
async fn packages_report_usage_and_queue_in_order() {
    let sandbox = sandbox_with(EsimGoSandboxConfig {
        clock_speed: 0,
        ..EsimGoSandboxConfig::default()
    })
    .await;
    let client = client(&sandbox);
    let esim = new_esim(&client, "usage", "esim_1GB_7D_GB_V2").await;
    let addon = ready(
        &client,
        &top_up("usage-topup", "esim_3GB_30D_GB_V2", &esim.iccid),
    )
    .await;

    let packages = client.esim_packages(&esim.iccid).await.unwrap();
    assert_eq!(packages.len(), 2, "{packages:#?}");
    assert_eq!(packages[0].provider_order_id, esim.provider_order_id);
    assert_eq!(packages[1].provider_order_id, addon.provider_order_id);
    assert!(packages.iter().all(|p| p.state == PackageState::Pending));
    assert_eq!(packages[0].usage.limit_bytes, Some(GB));
    assert_eq!(packages[1].usage.limit_bytes, Some(3 * GB));
    assert!(packages[0].created_at.is_some());

    // Processing → queued after the activation delay: still waiting for its first use.
    sandbox.advance_clock(5);
    assert_eq!(
        summary(&sandbox, &esim.iccid).await["packages"][0]["state"],
        "Queued"
    );
    assert_eq!(
        client.esim_packages(&esim.iccid).await.unwrap()[0].state,
        PackageState::Pending
    );

    consume(&sandbox, &esim.iccid, GB / 4).await;
    let packages = client.esim_packages(&esim.iccid).await.unwrap();
    assert_eq!(
        (packages[0].state, packages[1].state),
        (PackageState::Active, PackageState::Pending)
    );
    let running = &packages[0];
    assert_eq!(running.usage.used_bytes, GB / 4);
    assert_eq!(running.usage.used_percent(), Some(25));
    let started = running.activated_at.expect("started on first use");
    assert_eq!(running.expires_at, Some(started + 7 * 86_400_000));
    assert_eq!(
        client.esim_status(&esim.iccid).await.unwrap().state,
        EsimState::Active
    );
    let one = client.package(&esim.provider_order_id).await.unwrap();
    assert_eq!(&one, running);

    // Using the first bundle up moves straight on to the top-up.
    consume(&sandbox, &esim.iccid, GB).await;
    let first = client.package(&esim.provider_order_id).await.unwrap();
    let second = client.package(&addon.provider_order_id).await.unwrap();
    assert_eq!(first.state, PackageState::Expired, "depleted");
    assert_eq!(first.usage.remaining_bytes(), Some(0));
    assert_eq!(second.state, PackageState::Active);
    assert_eq!(second.usage.used_bytes, GB / 4);

    // Once every bundle has run its course the eSIM is expired.
    sandbox.advance_clock(31 * 86_400);
    assert_eq!(
        client.esim_status(&esim.iccid).await.unwrap().state,
        EsimState::Expired
    );
}

#[tokio::test]
async fn available_top_ups_are_the_compatible_bundles_for_the_esims_countries() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let esim = new_esim(&client, "topups", "esim_1GB_7D_GB_V2").await;
    let topups = client.available_topups(&esim.iccid).await.unwrap();
    let names: Vec<&str> = topups.iter().map(|p| p.product.0.as_str()).collect();
    for expected in [
        "esim_3GB_30D_GB_V2",
        "esim_UL_7D_GB_V2",
        "esim_10GB_30D_REU_V2",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(topups
        .iter()
        .all(|p| p.topup_class.as_deref() == Some("V2/Europe")));
    assert!(topups
        .iter()
        .all(|p| p.coverage.iter().any(|c| c.as_str() == "GB")));
    assert!(!names.iter().any(|n| n.ends_with("_JP_V2")));

    // A regional eSIM can take any European bundle, found without a call per bundle.
    let regional = new_esim(&client, "regional", "esim_5GB_30D_REU_V2").await;
    let calls = sandbox.stats().api_calls;
    let topups = client.available_topups(&regional.iccid).await.unwrap();
    let names: Vec<&str> = topups.iter().map(|p| p.product.0.as_str()).collect();
    assert!(names.contains(&"esim_1GB_7D_FR_V2") && names.contains(&"esim_10GB_30D_DE_V2"));
    assert!(topups.len() > 100, "{}", topups.len());
    assert!(!names
        .iter()
        .any(|n| n.ends_with("_JP_V2") || n.contains("_RAS_")));
    let used = sandbox.stats().api_calls - calls;
    assert!(used < 20, "{used} calls for {} top-ups", topups.len());
}

#[tokio::test]
async fn terminating_refunds_an_unused_package_once_and_refuses_a_started_one() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let before = sandbox.stats().balance_cents;
    let unused = new_esim(&client, "terminate", "esim_3GB_30D_DE_V2").await;
    assert!(sandbox.stats().balance_cents < before);
    let outcome = client
        .terminate_package(&unused.provider_order_id)
        .await
        .unwrap();
    assert!(outcome.refunded);
    assert_eq!(sandbox.stats().balance_cents, before, "the price came back");
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

    let used = new_esim(&client, "terminate-used", "esim_3GB_30D_DE_V2").await;
    consume(&sandbox, &used.iccid, 1000).await;
    let refused = client
        .terminate_package(&used.provider_order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ProviderError::NotAllowed { .. }),
        "{refused:?}"
    );
    assert!(!refused.is_retryable());
    assert_eq!(
        client.package(&used.provider_order_id).await.unwrap().state,
        PackageState::Active
    );

    // Unused but past the refund window: revoked, not refunded.
    let late = new_esim(&client, "terminate-late", "esim_3GB_30D_DE_V2").await;
    sandbox.advance_clock(61 * 86_400);
    let balance = sandbox.stats().balance_cents;
    let outcome = client
        .terminate_package(&late.provider_order_id)
        .await
        .unwrap();
    assert!(!outcome.refunded);
    assert_eq!(sandbox.stats().balance_cents, balance);
    assert_eq!(
        client.package(&late.provider_order_id).await.unwrap().state,
        PackageState::Terminated
    );
}

#[tokio::test]
async fn balance_and_money_errors() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    sandbox.set_balance_cents(12_345);
    assert_eq!(
        client.balance().await.unwrap(),
        Money::new(12_345, Currency::USD)
    );

    let mut dear = order("dear", "esim_10GB_30D_JP_V2", OrderKind::NewEsim);
    dear.wholesale = Money::new(1, Currency::USD);
    let changed = client.place_order(&dear).await.unwrap_err();
    assert!(
        matches!(&changed, ProviderError::Validation { message } if message.contains("price changed")),
        "{changed:?}"
    );

    sandbox.set_balance_cents(10);
    let broke = client
        .place_order(&order("broke", "esim_10GB_30D_JP_V2", OrderKind::NewEsim))
        .await
        .unwrap_err();
    assert_eq!(broke, ProviderError::InsufficientBalance);
    assert_eq!(sandbox.stats().orders_placed, 0);
}

#[tokio::test]
async fn a_wrong_api_key_is_unauthorized() {
    let sandbox = sandbox().await;
    let client = client_with(&sandbox, "not-the-key", Duration::from_secs(5));
    assert_eq!(
        client.list_products(None).await.unwrap_err(),
        ProviderError::Unauthorized
    );
    assert_eq!(
        client.balance().await.unwrap_err(),
        ProviderError::Unauthorized
    );
    // No tokens: expiring them changes nothing for a good key.
    sandbox.expire_tokens();
    self::client(&sandbox)
        .list_products(None)
        .await
        .expect("still fine");
}

#[tokio::test]
async fn faults_become_typed_errors() {
    let sandbox = sandbox().await;
    let client = client_with(&sandbox, SANDBOX_API_KEY, Duration::from_millis(500));

    sandbox.set_faults(faults(1, 500));
    let error = client.list_products(None).await.unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::Unavailable {
                status: Some(500),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());

    sandbox.set_faults(faults(1, 503));
    let busy = client.balance().await.unwrap_err();
    assert_eq!(
        busy,
        ProviderError::Busy {
            retry_after: Some(Duration::from_secs(5))
        }
    );
    assert!(busy.is_retryable());

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
        delay_ms: Some(1500),
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
async fn unknown_esims_and_orders_are_not_found() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
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
async fn esim_go_offers_care_and_balance_but_not_webhooks() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    assert_eq!(client.id(), PROVIDER_ID);
    assert_eq!(PROVIDER_ID.as_str(), "esimgo");
    assert_eq!(
        client.capabilities(),
        Capabilities {
            top_up: true,
            usage: true,
            terminate: true,
            qr_reissue: true,
            webhooks: false,
            async_completion: false,
            reserve_before_payment: false,
            balance: true,
        }
    );
}
