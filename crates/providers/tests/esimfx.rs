//! The eSIMfx adapter against the eSIMfx sandbox over real HTTP: paging, tokens, and every kind of fault.

use domain::Iccid;
use providers::esimfx::{EsimfxClient, EsimfxConfig};
use providers::{
    EsimProvider, OrderKind, OrderRequest, PageCursor, ProductRef, ProviderError, ProvisionOutcome,
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
