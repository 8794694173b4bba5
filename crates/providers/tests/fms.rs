//! The FMS adapter against the FMS sandbox over real HTTP: the catalogue, the pre-order →
//! payment notification → polling flow, lapsed pre-orders, releases, travellers as FMS users
//! (registration, token expiry, password rotation), eSIM care, and every kind of fault.

use domain::{Currency, EsimState, Iccid, Money, PackageState};
use providers::fms::{FmsClient, FmsConfig};
use providers::{
    ByteConvention, Capabilities, EsimProvider, OrderKind, OrderRequest, PageCursor, PaymentProof,
    ProductRef, ProviderError, ProvisionOutcome, ProvisionedEsim, Reservation,
};
use sandbox::faults::FaultUpdate;
use sandbox::fms::{FmsSandbox, FmsSandboxConfig, RunningFmsSandbox, SANDBOX_PARTNER_CODE};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SECRET: &str = "tern-fms-secret";
const TRAVELLER: &str = "traveller@example.com";
/// Japan 3GB / 30 days in the sandbox catalogue.
const JAPAN_3GB: &str = "4402";
const MIB: u64 = 1 << 20;

/// A sandbox whose clock only moves when a test advances it.
async fn frozen() -> RunningFmsSandbox {
    spawn(FmsSandboxConfig {
        clock_speed: 0,
        ..FmsSandboxConfig::default()
    })
    .await
}

async fn spawn(config: FmsSandboxConfig) -> RunningFmsSandbox {
    FmsSandbox::spawn(config).await.expect("sandbox starts")
}

fn config(sandbox: &RunningFmsSandbox) -> FmsConfig {
    FmsConfig {
        base_url: sandbox.api_base(),
        partner_code: SANDBOX_PARTNER_CODE.into(),
        password_secret: SECRET.into(),
        previous_password_secret: None,
        operator_email: "ops@tern.test".into(),
        mcc_countries: sandbox::fms::mcc_countries(),
        timeout: Duration::from_secs(5),
    }
}

fn client(sandbox: &RunningFmsSandbox) -> FmsClient {
    FmsClient::new(config(sandbox)).expect("client builds")
}

fn request(key: &str) -> OrderRequest {
    OrderRequest {
        idempotency_key: key.into(),
        product: ProductRef(JAPAN_3GB.into()),
        kind: OrderKind::NewEsim,
        customer_email: TRAVELLER.into(),
        country: None,
        first_attempt_at: 0,
        wholesale: Money::new(0, Currency::USD),
        provider_order_id: None,
        payment: None,
    }
}

/// The request once Tern holds the payment for the reservation.
fn paid(mut request: OrderRequest, reservation: &Reservation) -> OrderRequest {
    request.provider_order_id = Some(reservation.provider_order_id.clone());
    request.payment = Some(PaymentProof {
        reference: format!("pi_{}", request.idempotency_key),
        paid_at: 1_700_000_000,
    });
    request
}

async fn reserve(client: &FmsClient, request: &OrderRequest) -> Reservation {
    client
        .reserve(request)
        .await
        .expect("pre-order made")
        .expect("FMS always reserves")
}

fn pending_id(outcome: &ProvisionOutcome, status: &str) -> String {
    match outcome {
        ProvisionOutcome::Pending {
            provider_order_id,
            poll_after,
            status: word,
        } => {
            assert_eq!(word, status);
            assert_eq!(*poll_after, Duration::from_secs(2));
            provider_order_id.clone()
        }
        other => panic!("expected Pending {status}, got {other:?}"),
    }
}

fn ready(outcome: ProvisionOutcome) -> ProvisionedEsim {
    match outcome {
        ProvisionOutcome::Ready(esim) => esim,
        other => panic!("expected Ready, got {other:?}"),
    }
}

async fn control(sandbox: &RunningFmsSandbox, method: reqwest::Method, path: &str) -> Value {
    let response = reqwest::Client::new()
        .request(method, sandbox.url(path))
        .json(&json!({}))
        .send()
        .await
        .expect("control API answers");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.expect("control JSON")
}

async fn sandbox_order(sandbox: &RunningFmsSandbox, id: &str) -> Value {
    control(
        sandbox,
        reqwest::Method::GET,
        &format!("/_sandbox/orders/{id}"),
    )
    .await
}

#[tokio::test]
async fn the_catalogue_lists_every_package_once_in_iso_countries() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let page = client.list_products(None).await.expect("catalogue");
    assert!(page.rejected.is_empty(), "{:?}", page.rejected);
    assert!(page.next.is_none(), "FMS does not paginate");
    assert_eq!(page.items.len() as u64, sandbox.stats().packages);
    let mut ids: Vec<&str> = page.items.iter().map(|p| p.product.0.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), page.items.len(), "multi-country packages once");

    let japan = page
        .items
        .iter()
        .find(|p| p.product.0 == JAPAN_3GB)
        .expect("Japan 3GB");
    assert_eq!(
        japan
            .coverage
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["JP"]
    );
    assert_eq!(japan.data.bytes(), Some(3 * 1024 * MIB));
    assert_eq!(japan.data_convention, ByteConvention::Binary);
    assert_eq!(japan.validity_days, 30);
    assert_eq!(japan.wholesale.currency, Currency::USD);
    assert!(japan.wholesale.minor > 0);
    let asia = page
        .items
        .iter()
        .find(|p| p.product.0 == "101")
        .expect("Asia");
    let asia_codes: Vec<&str> = asia.coverage.iter().map(|c| c.as_str()).collect();
    assert!(
        asia_codes.contains(&"JP") && asia_codes.contains(&"KR"),
        "{asia_codes:?}"
    );

    let paged = client
        .list_products(Some(PageCursor::Number(2)))
        .await
        .unwrap_err();
    assert!(
        matches!(paged, ProviderError::Validation { .. }),
        "{paged:?}"
    );
}

#[tokio::test]
async fn packages_in_countries_tern_cannot_map_are_rejected_not_fatal() {
    let sandbox = frozen().await;
    let mut config = config(&sandbox);
    config.mcc_countries.remove(&440);
    let client = FmsClient::new(config).unwrap();
    let page = client.list_products(None).await.expect("catalogue");
    assert!(page.items.iter().all(|p| p.product.0 != JAPAN_3GB));
    assert!(
        page.rejected.iter().any(|why| why.contains("MCC 440")),
        "{:?}",
        page.rejected
    );
    assert!(
        page.items.iter().any(|p| p.product.0 == "4501"),
        "Korea still listed"
    );
}

#[tokio::test]
async fn get_product_reads_the_detail_and_names_unknown_ids() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let product = client
        .get_product(&ProductRef(JAPAN_3GB.into()))
        .await
        .unwrap();
    assert_eq!(product.name, "Japan 3GB / 30 days");
    assert_eq!(
        client
            .get_product(&ProductRef("999999".into()))
            .await
            .unwrap_err(),
        ProviderError::NotFound { what: "product" }
    );
    assert_eq!(
        sandbox.stats().logins + sandbox.stats().users_registered,
        0,
        "no token needed"
    );
}

#[tokio::test]
async fn reserve_pay_and_poll_until_the_esim_is_ready() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let before = SystemClock::now_ms();
    let reservation = reserve(&client, &request("flow")).await;
    let pay_by = reservation.pay_by.expect("FMS names a deadline");
    let hour = 3_600_000;
    assert!(
        (before + hour - 5_000..=SystemClock::now_ms() + hour + 5_000).contains(&pay_by),
        "60 minutes from now: {pay_by}"
    );
    assert_eq!(
        sandbox.stats().users_registered,
        1,
        "registered on first use"
    );

    let request = paid(request("flow"), &reservation);
    let outcome = client.place_order(&request).await.unwrap();
    let id = pending_id(&outcome, "PAYMENT_NOTIFIED");
    assert_eq!(id, reservation.provider_order_id);
    let waiting = client.order_status(&request, &id).await.unwrap();
    pending_id(&waiting, "WAITING_FOR_PAYMENT_RESULT");

    sandbox.advance_clock(2);
    let esim = ready(client.order_status(&request, &id).await.unwrap());
    assert_eq!(esim.provider_order_id, id);
    let code = esim.activation.expect("a new eSIM has its install code");
    assert!(
        code.lpa().starts_with("LPA:1$smdp.fms-sandbox.test$"),
        "{}",
        code.lpa()
    );
    let stats = sandbox.stats();
    assert_eq!((stats.esims_issued, stats.qr_emails), (1, 1));
    assert_eq!(sandbox.payment_notifications(&id), 1);
}

/// Unix milliseconds on the wall clock, for comparing deadlines.
struct SystemClock;

impl SystemClock {
    fn now_ms() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64
    }
}

#[tokio::test]
async fn the_profile_is_assigned_a_little_after_payment_in_real_time() {
    let sandbox = spawn(FmsSandboxConfig::default()).await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("real-time")).await;
    let request = paid(request("real-time"), &reservation);
    let mut outcome = client.place_order(&request).await.unwrap();
    let started = Instant::now();
    let esim = loop {
        match outcome {
            ProvisionOutcome::Ready(esim) => break esim,
            ProvisionOutcome::Pending {
                provider_order_id, ..
            } => {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "still pending after 10 s"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
                outcome = client
                    .order_status(&request, &provider_order_id)
                    .await
                    .unwrap();
            }
        }
    };
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "FMS assigns asynchronously: {:?}",
        started.elapsed()
    );
    assert!(esim.activation.is_some());
}

#[tokio::test]
async fn a_repeated_place_order_notifies_once_and_buys_one_esim() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("twice")).await;
    let request = paid(request("twice"), &reservation);
    let id = reservation.provider_order_id.clone();

    pending_id(
        &client.place_order(&request).await.unwrap(),
        "PAYMENT_NOTIFIED",
    );
    pending_id(
        &client.place_order(&request).await.unwrap(),
        "WAITING_FOR_PAYMENT_RESULT",
    );
    assert_eq!(sandbox.payment_notifications(&id), 1, "FMS is told once");

    sandbox.advance_clock(2);
    let first = ready(client.place_order(&request).await.unwrap());
    let again = ready(client.place_order(&request).await.unwrap());
    assert_eq!(again, first);
    // After a restart the adapter remembers nothing, and FMS still has the one order.
    let restarted = ready(self::client(&sandbox).place_order(&request).await.unwrap());
    assert_eq!(restarted.iccid, first.iccid);
    assert_eq!(sandbox.stats().esims_issued, 1);
    assert_eq!(sandbox.stats().orders_placed, 1);
    assert_eq!(sandbox.payment_notifications(&id), 1);
}

#[tokio::test]
async fn a_pre_order_past_its_hour_is_replaced_and_still_delivered() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("late")).await;
    let lapsed = reservation.provider_order_id.clone();
    sandbox.advance_clock(3601);
    assert_eq!(
        sandbox_order(&sandbox, &lapsed).await["order_pay_status"],
        3
    );

    let request = paid(request("late"), &reservation);
    let fresh = pending_id(&client.place_order(&request).await.unwrap(), "REORDERED");
    assert_ne!(fresh, lapsed);
    assert_eq!(sandbox.stats().orders_placed, 2);
    assert_eq!(sandbox.payment_notifications(&fresh), 1);

    sandbox.advance_clock(2);
    let esim = ready(client.order_status(&request, &fresh).await.unwrap());
    assert_eq!(esim.provider_order_id, fresh);
    // A retry that still names the lapsed pre-order follows its replacement.
    let retried = ready(client.place_order(&request).await.unwrap());
    assert_eq!(retried, esim);
    assert_eq!(sandbox.stats().orders_placed, 2, "no third pre-order");
    assert_eq!(sandbox.stats().esims_issued, 1);
}

#[tokio::test]
async fn release_gives_the_profile_back() {
    let sandbox = spawn(FmsSandboxConfig {
        clock_speed: 0,
        pool_size: Some(1),
        ..FmsSandboxConfig::default()
    })
    .await;
    let client = client(&sandbox);
    let abandoned = request("abandoned");
    let reservation = reserve(&client, &abandoned).await;
    assert_eq!(sandbox.stats().profiles_free, Some(0));

    client
        .release(&abandoned, &reservation.provider_order_id)
        .await
        .expect("released");
    let order = sandbox_order(&sandbox, &reservation.provider_order_id).await;
    assert_eq!(order["order_pay_status"], 2, "payment failed: {order}");
    assert_eq!(sandbox.stats().profiles_free, Some(1));
    client
        .release(&abandoned, &reservation.provider_order_id)
        .await
        .expect("releasing twice is harmless");
    assert_eq!(
        sandbox.payment_notifications(&reservation.provider_order_id),
        1
    );

    // The payment turned up after all: a new pre-order takes the profile and is notified.
    let late = paid(abandoned, &reservation);
    let fresh = pending_id(&client.place_order(&late).await.unwrap(), "REORDERED");
    sandbox.advance_clock(2);
    let esim = ready(client.order_status(&late, &fresh).await.unwrap());
    let refused = client.release(&late, &fresh).await.unwrap_err();
    assert!(
        matches!(refused, ProviderError::NotAllowed { .. }),
        "{refused:?}"
    );
    assert_eq!(esim.provider_order_id, fresh);
}

#[tokio::test]
async fn an_empty_profile_pool_is_refused_for_good() {
    let sandbox = spawn(FmsSandboxConfig {
        clock_speed: 0,
        pool_size: Some(0),
        ..FmsSandboxConfig::default()
    })
    .await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("empty")).await;
    let error = client
        .place_order(&paid(request("empty"), &reservation))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Refused { ref code, .. } if code == "3005"),
        "{error:?}"
    );
    assert!(!error.is_retryable(), "Tern fails over instead");
}

#[tokio::test]
async fn prices_must_match_what_tern_expects() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let price = client
        .get_product(&ProductRef(JAPAN_3GB.into()))
        .await
        .unwrap()
        .wholesale;

    let mut moved = request("moved");
    moved.wholesale = Money::new(price.minor + 100, Currency::USD);
    let error = client.reserve(&moved).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Validation { ref message } if message.contains("price changed")),
        "{error:?}"
    );
    assert_eq!(sandbox.stats().orders_placed, 0);

    let mut expected = request("expected");
    expected.wholesale = price;
    let reservation = reserve(&client, &expected).await;
    // A restarted adapter knows only what Tern sends: a wrong amount is code 10009.
    let mut wrong = paid(expected, &reservation);
    wrong.wholesale = Money::new(price.minor + 1, Currency::USD);
    let error = self::client(&sandbox)
        .place_order(&wrong)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Validation { .. }),
        "{error:?}"
    );
    assert_eq!(
        sandbox_order(&sandbox, &reservation.provider_order_id).await["order_pay_status"],
        0,
        "nothing was taken"
    );
}

#[tokio::test]
async fn every_fms_error_code_reaches_tern_typed() {
    let sandbox = frozen().await;
    let client = client(&sandbox);

    // 10008: an order FMS does not know.
    let mut ghost = request("ghost");
    ghost.provider_order_id = Some("1500000000000000000".into());
    ghost.payment = Some(PaymentProof {
        reference: "pi_ghost".into(),
        paid_at: 1_700_000_000,
    });
    assert_eq!(
        client.place_order(&ghost).await.unwrap_err(),
        ProviderError::NotFound { what: "order" }
    );

    // 1102: a payment time FMS cannot convert.
    let reservation = reserve(&client, &request("clock")).await;
    let mut bad_time = paid(request("clock"), &reservation);
    bad_time.payment.as_mut().unwrap().paid_at = -1;
    let error = client.place_order(&bad_time).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Validation { ref message } if message.contains("1102")),
        "{error:?}"
    );

    // 9999: a failure notified after the success (by an adapter that forgot the success).
    let notified = paid(request("clock"), &reservation);
    pending_id(
        &client.place_order(&notified).await.unwrap(),
        "PAYMENT_NOTIFIED",
    );
    let error = self::client(&sandbox)
        .release(&notified, &reservation.provider_order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Unavailable { ref message, .. } if message.contains("9999")),
        "{error:?}"
    );
    assert!(error.is_retryable());
    // The adapter that sent the success refuses to release it.
    let error = client
        .release(&notified, &reservation.provider_order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::NotAllowed { .. }),
        "{error:?}"
    );

    // 2: a partner code FMS does not know.
    let mut stranger = config(&sandbox);
    stranger.partner_code = "P999999".into();
    let error = FmsClient::new(stranger)
        .unwrap()
        .list_products(None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Validation { ref message } if message.contains("code 2")),
        "{error:?}"
    );
}

#[tokio::test]
async fn orders_need_a_pre_order_and_a_payment_and_top_ups_are_not_offered() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let error = client
        .place_order(&request("no-pre-order"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Validation { .. }),
        "{error:?}"
    );
    let mut unpaid = request("unpaid");
    unpaid.provider_order_id = Some("1".into());
    let error = client.place_order(&unpaid).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Validation { .. }),
        "{error:?}"
    );

    let mut top_up = request("top-up");
    top_up.kind = OrderKind::TopUp {
        iccid: Iccid::parse("89852000000000000001").unwrap(),
    };
    assert_eq!(
        client.reserve(&top_up).await.unwrap_err(),
        ProviderError::Unsupported { what: "top-ups" }
    );
    assert_eq!(
        client.capabilities(),
        Capabilities {
            top_up: false,
            usage: true,
            terminate: false,
            qr_reissue: true,
            webhooks: false,
            async_completion: true,
            reserve_before_payment: true,
            balance: false,
        }
    );
    assert_eq!(client.id().as_str(), "fms");
}

#[tokio::test]
async fn an_expired_token_means_logging_in_again_once() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("expiry")).await;
    let logins_before = sandbox.stats().logins;
    sandbox.expire_tokens();
    let request = paid(request("expiry"), &reservation);
    pending_id(
        &client.place_order(&request).await.unwrap(),
        "PAYMENT_NOTIFIED",
    );
    assert_eq!(sandbox.stats().logins, logins_before + 1, "one new login");

    // Expiry by time: three days of sandbox time.
    sandbox.advance_clock(3 * 24 * 3600 + 1);
    client
        .order_status(&request, &reservation.provider_order_id)
        .await
        .expect("logged in again after code 7");
    assert_eq!(sandbox.stats().logins, logins_before + 2);
}

#[tokio::test]
async fn travellers_are_registered_once_on_first_use() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    assert_eq!(sandbox.stats().users_registered, 0);
    reserve(&client, &request("first")).await;
    assert_eq!(sandbox.stats().users_registered, 1);

    let mut shouting = request("shouting");
    shouting.customer_email = "  TRAVELLER@Example.com ".into();
    reserve(&self::client(&sandbox), &shouting).await;
    assert_eq!(sandbox.stats().users_registered, 1, "the same traveller");
    assert_eq!(sandbox.stats().logins, 1, "logged in, not registered again");

    let mut other = request("other");
    other.customer_email = "other@example.com".into();
    reserve(&client, &other).await;
    assert_eq!(sandbox.stats().users_registered, 2);
}

#[tokio::test]
async fn a_rotated_secret_moves_travellers_to_their_new_password() {
    let sandbox = frozen().await;
    reserve(&client(&sandbox), &request("before")).await;

    let rotated = |previous: Option<&str>, secret: &str| {
        let mut config = config(&sandbox);
        config.password_secret = secret.into();
        config.previous_password_secret = previous.map(str::to_owned);
        FmsClient::new(config).unwrap()
    };
    reserve(&rotated(Some(SECRET), "rotated-secret"), &request("during")).await;
    assert_eq!(sandbox.stats().password_resets, 1);

    // From now on the new secret alone logs the traveller in.
    reserve(&rotated(None, "rotated-secret"), &request("after")).await;
    assert_eq!(sandbox.stats().password_resets, 1);
    assert_eq!(sandbox.stats().users_registered, 1);

    // A secret that matches neither password is refused, not retried.
    let error = rotated(Some("unrelated"), "wrong-secret")
        .reserve(&request("wrong"))
        .await
        .unwrap_err();
    assert_eq!(error, ProviderError::Unauthorized);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn usage_status_and_the_qr_again_after_the_sale() {
    let sandbox = spawn(FmsSandboxConfig {
        clock_speed: 0,
        assign_after_secs: 0,
        ..FmsSandboxConfig::default()
    })
    .await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("care")).await;
    let request = paid(request("care"), &reservation);
    pending_id(
        &client.place_order(&request).await.unwrap(),
        "PAYMENT_NOTIFIED",
    );
    let esim = ready(client.place_order(&request).await.unwrap());

    let fresh = client.package(&esim.provider_order_id).await.unwrap();
    assert_eq!(fresh.state, PackageState::Pending);
    assert_eq!(fresh.usage.used_bytes, 0);
    assert_eq!(fresh.usage.limit_bytes, Some(3 * 1024 * MIB));
    assert_eq!(fresh.product, ProductRef(JAPAN_3GB.into()));
    assert_eq!(fresh.activated_at, None);

    let consumed = reqwest::Client::new()
        .post(sandbox.url(&format!("/_sandbox/esims/{}/consume", esim.iccid)))
        .json(&json!({ "bytes": 100 * MIB }))
        .send()
        .await
        .unwrap();
    assert!(consumed.status().is_success());

    let packages = client.esim_packages(&esim.iccid).await.unwrap();
    assert_eq!(packages.len(), 1);
    let package = &packages[0];
    assert_eq!(
        package.provider_order_id, esim.provider_order_id,
        "Tern matches by it"
    );
    assert_eq!(package.state, PackageState::Active);
    assert_eq!(package.usage.used_bytes, 100 * MIB);
    let (started, ends) = (package.activated_at.unwrap(), package.expires_at.unwrap());
    assert_eq!(ends - started, 30 * 86_400_000);
    assert_eq!(
        client.package(&esim.provider_order_id).await.unwrap(),
        *package
    );

    let status = client.esim_status(&esim.iccid).await.unwrap();
    assert_eq!(status.state, EsimState::Active);
    assert_eq!(status.activation, esim.activation);

    let unknown = Iccid::parse("89852000000000000000").unwrap();
    assert_eq!(
        client.esim_status(&unknown).await.unwrap_err(),
        ProviderError::NotFound { what: "eSIM" }
    );
    assert_eq!(
        client.package("1500000000000000000").await.unwrap_err(),
        ProviderError::NotFound { what: "order" }
    );
}

#[tokio::test]
async fn faults_become_typed_errors() {
    let sandbox = frozen().await;
    let mut config = config(&sandbox);
    config.timeout = Duration::from_millis(500);
    let client = FmsClient::new(config).unwrap();
    let product = ProductRef(JAPAN_3GB.into());
    client.get_product(&product).await.expect("healthy");

    sandbox.set_faults(FaultUpdate {
        fail_next: Some(1),
        status: Some(503),
        ..FaultUpdate::default()
    });
    let unavailable = client.get_product(&product).await.unwrap_err();
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

    sandbox.set_faults(FaultUpdate {
        malformed_next: Some(1),
        ..FaultUpdate::default()
    });
    let malformed = client.get_product(&product).await.unwrap_err();
    assert!(
        matches!(malformed, ProviderError::MalformedResponse { .. }),
        "{malformed:?}"
    );
    assert!(malformed.is_retryable());

    sandbox.set_faults(FaultUpdate {
        delay_ms: Some(1500),
        ..FaultUpdate::default()
    });
    assert_eq!(
        client.get_product(&product).await.unwrap_err(),
        ProviderError::Timeout
    );
    sandbox.clear_faults();
    client.get_product(&product).await.expect("healthy again");
}

#[tokio::test]
async fn a_garbled_answer_mid_order_is_safe_to_retry() {
    let sandbox = frozen().await;
    let client = client(&sandbox);
    let reservation = reserve(&client, &request("garbled")).await;
    let request = paid(request("garbled"), &reservation);
    let id = reservation.provider_order_id.clone();
    sandbox.set_faults(FaultUpdate {
        malformed_next: Some(1),
        ..FaultUpdate::default()
    });
    let first = client.place_order(&request).await.unwrap_err();
    assert!(first.is_retryable(), "{first:?}");
    pending_id(
        &client.place_order(&request).await.unwrap(),
        "PAYMENT_NOTIFIED",
    );
    sandbox.advance_clock(2);
    ready(client.order_status(&request, &id).await.unwrap());
    assert_eq!(sandbox.stats().esims_issued, 1);
    assert_eq!(sandbox.payment_notifications(&id), 1);
}

#[tokio::test]
async fn an_unreachable_fms_is_retryable() {
    let sandbox = frozen().await;
    let config = config(&sandbox);
    drop(sandbox);
    let error = FmsClient::new(config)
        .unwrap()
        .list_products(None)
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}
