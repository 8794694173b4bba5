//! One contract, every provider: each adapter against its own sandbox over HTTP must page its
//! catalogue, sell a new eSIM with a working LPA (polling where the provider completes later),
//! never sell two eSIMs for one order key, top up and report usage where it says it can, and
//! turn 5xx answers, timeouts, malformed bodies and expired tokens into the right outcomes.

mod contract {
    pub mod flows;
    pub mod subjects;
}

use contract::flows::{complete_order, new_esim_request, product_for, Completed};
use contract::subjects::all_subjects;
use domain::{DataAllowance, Iccid};
use providers::{OrderKind, ProviderError};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn every_catalogue_pages_to_the_end_with_valid_products() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        let (mut seen, mut cursor, mut pages) = (HashSet::new(), None, 0);
        loop {
            let page = subject
                .client
                .list_products(cursor.take())
                .await
                .unwrap_or_else(|e| panic!("{}: page {pages}: {e}", subject.name));
            pages += 1;
            for product in &page.items {
                assert!(
                    seen.insert(product.product.clone()),
                    "{}: {:?} twice",
                    subject.name,
                    product.product
                );
                assert!(
                    !product.coverage.is_empty(),
                    "{}: {:?} covers nothing",
                    subject.name,
                    product.product
                );
                assert!(
                    product.validity_days > 0,
                    "{}: {:?}",
                    subject.name,
                    product.product
                );
                assert!(
                    product.wholesale.minor > 0,
                    "{}: {:?} is free",
                    subject.name,
                    product.product
                );
                if let DataAllowance::Limited { bytes } = product.data {
                    assert!(
                        bytes > 0,
                        "{}: {:?} has no data",
                        subject.name,
                        product.product
                    );
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
            assert!(pages < 500, "{}: paging never ends", subject.name);
        }
        assert!(
            seen.len() > 50,
            "{}: only {} products",
            subject.name,
            seen.len()
        );
        let first = seen.iter().next().unwrap().clone();
        let product = subject.client.get_product(&first).await.unwrap();
        assert_eq!(product.product, first, "{}", subject.name);
    }
}

#[tokio::test]
async fn a_new_esim_arrives_with_a_working_lpa_and_polls_where_the_provider_is_asynchronous() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        let product = product_for(&subject, "JP").await;
        let request = new_esim_request(&subject, "contract-new", &product);
        let Completed {
            esim,
            first_answer_pending,
            polls,
            ..
        } = complete_order(&subject, request).await;
        let code = esim
            .activation
            .expect("a new eSIM carries its activation code");
        assert!(
            code.lpa().starts_with("LPA:1$"),
            "{}: {}",
            subject.name,
            code.lpa()
        );
        assert!(!code.matching_id.is_empty(), "{}", subject.name);
        let asynchronous = subject.client.capabilities().async_completion;
        assert_eq!(
            first_answer_pending, asynchronous,
            "{}: the first answer must be pending exactly when the provider completes later",
            subject.name
        );
        if asynchronous {
            assert!(polls >= 1, "{}: completed without polling", subject.name);
        }
    }
}

#[tokio::test]
async fn the_same_order_key_never_yields_two_esims() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        let product = product_for(&subject, "JP").await;
        let before = subject.esims_issued().await;
        let request = new_esim_request(&subject, "contract-retry", &product);
        let first = complete_order(&subject, request).await;
        // A retry after a lost answer: the same request (with any reservation, which Tern keeps
        // on the order), knowing nothing of how the first attempt ended.
        let again = complete_order(&subject, first.request.clone()).await;
        assert_eq!(
            first.esim.iccid, again.esim.iccid,
            "{}: a retry bought another eSIM",
            subject.name
        );
        assert_eq!(subject.esims_issued().await, before + 1, "{}", subject.name);
    }
}

#[tokio::test]
async fn top_ups_and_usage_work_where_the_provider_offers_them() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        let capabilities = subject.client.capabilities();
        let product = product_for(&subject, "JP").await;
        let request = new_esim_request(&subject, "contract-care", &product);
        let esim = complete_order(&subject, request.clone()).await.esim;
        if capabilities.usage {
            let packages = subject.client.esim_packages(&esim.iccid).await.unwrap();
            let package = packages
                .iter()
                .find(|p| p.provider_order_id == esim.provider_order_id)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: the bought package is not listed: {packages:?}",
                        subject.name
                    )
                });
            assert_eq!(package.iccid, esim.iccid, "{}", subject.name);
        } else {
            let error = subject.client.esim_packages(&esim.iccid).await.unwrap_err();
            assert!(
                matches!(error, ProviderError::Unsupported { .. }),
                "{}: {error:?}",
                subject.name
            );
        }
        if !capabilities.top_up {
            let error = subject
                .client
                .available_topups(&esim.iccid)
                .await
                .unwrap_err();
            assert!(
                matches!(error, ProviderError::Unsupported { .. }),
                "{}: {error:?}",
                subject.name
            );
            continue;
        }
        let offers = subject.client.available_topups(&esim.iccid).await.unwrap();
        let offer = offers
            .first()
            .unwrap_or_else(|| panic!("{}: no top-ups", subject.name));
        let mut top_up = new_esim_request(&subject, "contract-topup", &offer.product);
        top_up.kind = OrderKind::TopUp {
            iccid: esim.iccid.clone(),
        };
        // The traveller who bought the eSIM tops it up (Truphone checks the pair).
        top_up.customer_email = request.customer_email.clone();
        let added = complete_order(&subject, top_up).await.esim;
        assert_eq!(
            added.iccid, esim.iccid,
            "{}: a top-up lands on the same eSIM",
            subject.name
        );
        assert!(
            added.activation.is_none(),
            "{}: nothing to install for a top-up",
            subject.name
        );
        if capabilities.usage {
            let packages = subject.client.esim_packages(&esim.iccid).await.unwrap();
            assert!(packages.len() >= 2, "{}: {packages:?}", subject.name);
        }
    }
}

#[tokio::test]
async fn server_errors_are_retryable() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        subject
            .faults(json!({ "fail_next": 1, "status": 503 }))
            .await;
        let error = subject.client.list_products(None).await.unwrap_err();
        assert!(error.is_retryable(), "{}: {error:?}", subject.name);
        subject
            .client
            .list_products(None)
            .await
            .unwrap_or_else(|e| panic!("{}: the next call must succeed: {e}", subject.name));
    }
}

#[tokio::test]
async fn a_slow_provider_times_out() {
    for subject in all_subjects(Duration::from_millis(300)).await {
        subject.faults(json!({ "delay_ms": 1_000 })).await;
        let error = subject.client.list_products(None).await.unwrap_err();
        assert_eq!(error, ProviderError::Timeout, "{}", subject.name);
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn malformed_bodies_are_reported_not_trusted() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        subject.faults(json!({ "malformed_next": 1 })).await;
        let error = subject.client.list_products(None).await.unwrap_err();
        assert!(
            matches!(error, ProviderError::MalformedResponse { .. }),
            "{}: {error:?}",
            subject.name
        );
    }
}

#[tokio::test]
async fn expired_tokens_are_renewed_without_failing_the_call() {
    for subject in all_subjects(Duration::from_secs(10)).await {
        let product = product_for(&subject, "JP").await;
        let request = new_esim_request(&subject, "contract-token", &product);
        let esim = complete_order(&subject, request).await.esim;
        subject.expire_tokens().await;
        let iccid: Iccid = esim.iccid.clone();
        if subject.client.capabilities().qr_reissue {
            let status = subject
                .client
                .esim_status(&iccid)
                .await
                .unwrap_or_else(|e| panic!("{}: after tokens expired: {e}", subject.name));
            assert_eq!(status.iccid, iccid, "{}", subject.name);
        } else {
            subject.client.get_product(&product).await.unwrap();
        }
    }
}
