//! Placing eSIM Go orders safely although eSIM Go has no idempotency key (esimgo.md §4):
//! look for the order already placed for this request, validate, buy, read the eSIMs, tag a
//! new eSIM with the request's key (`customerRef`) so a retry finds it.
//!
//! Once a transaction is placed its reference is never lost: if its eSIMs cannot be read yet,
//! the order is answered pending with that reference, and [`EsimGoClient::known_order`] picks
//! it up again.

use reqwest::Method;

use super::assignments::{self, Installable};
use super::client::{segment, EsimGoClient};
use super::{assumed, mapping, wire};
use crate::time;
use crate::{OrderKind, OrderRequest, ProviderError, ProvisionOutcome, ProvisionedEsim};
use domain::Iccid;

fn malformed(message: String) -> ProviderError {
    ProviderError::MalformedResponse { message }
}

fn order_reference(order: &wire::Order) -> Option<String> {
    order
        .order_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// eSIM Go answers 403 for an ICCID that is not ours: name what was looked up.
fn not_found_as(what: &'static str) -> impl Fn(ProviderError) -> ProviderError {
    move |error| match error {
        ProviderError::NotFound { .. } => ProviderError::NotFound { what },
        other => other,
    }
}

/// Where a placed order stands once its eSIMs were asked for.
enum Installs {
    Ready(Vec<Installable>),
    /// Not readable yet; ask again after this long.
    Later(std::time::Duration),
}

impl EsimGoClient {
    /// `place_order`: a known order is looked up, a repeat finds the order already placed,
    /// anything else is validated and bought.
    pub(super) async fn place(
        &self,
        request: &OrderRequest,
    ) -> Result<ProvisionOutcome, ProviderError> {
        if let Some(reference) = &request.provider_order_id {
            return self.known_order(request, reference).await;
        }
        match &request.kind {
            OrderKind::NewEsim => {
                if let Some(found) = self.find_new_order(request).await? {
                    return Ok(ProvisionOutcome::Ready(found));
                }
                self.validate(request, None).await?;
                self.buy(request, None).await
            }
            OrderKind::TopUp { iccid } => {
                self.check_compatible(iccid, &request.product.0).await?;
                if let Some(found) = self.find_topup_order(request, iccid).await? {
                    return Ok(ProvisionOutcome::Ready(found));
                }
                self.validate(request, Some(iccid)).await?;
                self.buy(request, Some(iccid)).await
            }
        }
    }

    /// An order eSIM Go already has (`GET /orders/{ref}`), completed into a provisioned eSIM.
    pub(super) async fn known_order(
        &self,
        request: &OrderRequest,
        reference: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        let order: wire::Order = self
            .get(&format!("/orders/{}", segment(reference)), &[])
            .await
            .map_err(not_found_as("order"))?;
        if !mapping::order_is_for(&order, &request.product.0) {
            return Err(malformed(format!(
                "order {reference} is not for {}",
                request.product.0
            )));
        }
        self.complete(request, reference, &order).await
    }

    /// The order's eSIM, tagged when new; pending when its eSIMs cannot be read yet.
    async fn complete(
        &self,
        request: &OrderRequest,
        reference: &str,
        order: &wire::Order,
    ) -> Result<ProvisionOutcome, ProviderError> {
        if let OrderKind::TopUp { iccid } = &request.kind {
            let iccids = mapping::order_iccids(order);
            if !iccids.iter().any(|i| i == iccid.as_str()) {
                return Err(malformed(format!(
                    "top-up order {reference} landed on {iccids:?}, not {iccid}"
                )));
            }
            return Ok(ProvisionOutcome::Ready(ProvisionedEsim {
                provider_order_id: reference.to_owned(),
                iccid: iccid.clone(),
                activation: None,
            }));
        }
        // Tag before anything else can fail, so a retry finds this eSIM.
        for iccid in mapping::order_iccids(order) {
            self.tag(&iccid, &request.idempotency_key).await;
        }
        let installs = match self.installs(reference, order).await {
            Installs::Ready(installs) => installs,
            Installs::Later(poll_after) => {
                return Ok(ProvisionOutcome::Pending {
                    provider_order_id: reference.to_owned(),
                    poll_after,
                    status: "assigning".into(),
                })
            }
        };
        let [esim] = installs.as_slice() else {
            return Err(malformed(format!(
                "order {reference} holds {} eSIMs, not one",
                installs.len()
            )));
        };
        if !mapping::order_iccids(order).contains(&esim.iccid.to_string()) {
            self.tag(esim.iccid.as_str(), &request.idempotency_key)
                .await;
        }
        Ok(ProvisionOutcome::Ready(ProvisionedEsim {
            provider_order_id: reference.to_owned(),
            iccid: esim.iccid.clone(),
            activation: Some(esim.activation.clone()),
        }))
    }

    /// The eSIMs in the order's answer, else from `GET /esims/assignments/{ref}`.
    async fn installs(&self, reference: &str, order: &wire::Order) -> Installs {
        match mapping::order_installs(order) {
            Ok(installs) if !installs.is_empty() => return Installs::Ready(installs),
            Ok(_) => {}
            Err(reason) => tracing::warn!(%reference, %reason, "eSIM Go order eSIMs unusable"),
        }
        let path = format!("/esims/assignments/{}", segment(reference));
        let fetched = self.get_raw(&path, &[], "application/json").await;
        let parsed = fetched
            .and_then(|raw| assignments::parse(&raw.content_type, &raw.body).map_err(malformed));
        match parsed {
            Ok(installs) if !installs.is_empty() => Installs::Ready(installs),
            Ok(_) => Installs::Later(assumed::PENDING_POLL_AFTER),
            Err(error) => {
                tracing::warn!(%reference, %error, "eSIM Go assignments not readable yet");
                let poll_after = match error {
                    ProviderError::Busy {
                        retry_after: Some(after),
                    }
                    | ProviderError::RateLimited {
                        retry_after: Some(after),
                    } => after,
                    _ => assumed::PENDING_POLL_AFTER,
                };
                Installs::Later(poll_after)
            }
        }
    }

    /// `PUT /esims {iccid, customerRef}`. A failure is logged, never fatal: the eSIM is bought.
    async fn tag(&self, iccid: &str, key: &str) {
        let body = wire::TagEsim {
            iccid,
            customer_ref: key,
        };
        let tagged: Result<serde_json::Value, _> = self.send(Method::PUT, "/esims", &body).await;
        if let Err(error) = tagged {
            tracing::error!(%iccid, %error, "eSIM Go eSIM could not be tagged with its order key");
        }
    }

    /// `POST /orders` with `type: validate`: valid, and no dearer than Tern expects.
    async fn validate(
        &self,
        request: &OrderRequest,
        iccid: Option<&Iccid>,
    ) -> Result<(), ProviderError> {
        let order: wire::Order = self
            .send(
                Method::POST,
                "/orders",
                &order_body("validate", request, iccid),
            )
            .await
            .map_err(not_found_as("bundle"))?;
        mapping::validated(&order, request.wholesale)
    }

    /// `POST /orders` with `type: transaction`, then its eSIM.
    async fn buy(
        &self,
        request: &OrderRequest,
        iccid: Option<&Iccid>,
    ) -> Result<ProvisionOutcome, ProviderError> {
        let order: wire::Order = self
            .send(
                Method::POST,
                "/orders",
                &order_body("transaction", request, iccid),
            )
            .await
            .map_err(not_found_as("bundle"))?;
        let reference = order_reference(&order).ok_or_else(|| {
            tracing::error!(product = %request.product.0, "eSIM Go charged an order without a reference");
            malformed("a transaction without an orderReference".into())
        })?;
        tracing::info!(%reference, product = %request.product.0, "eSIM Go order placed");
        self.complete(request, &reference, &order).await
    }

    /// An incompatible bundle is refused up front.
    async fn check_compatible(&self, iccid: &Iccid, bundle: &str) -> Result<(), ProviderError> {
        if self.compatible(iccid, bundle).await? {
            Ok(())
        } else {
            Err(ProviderError::Incompatible {
                message: format!("{bundle} cannot go onto eSIM {iccid}"),
            })
        }
    }

    /// Orders placed since `since` (unix ms), newest pages first as eSIM Go lists them.
    async fn orders_since(&self, since: i64) -> Result<Vec<wire::Order>, ProviderError> {
        let created = format!("gte:{}", time::rfc3339_millis(since));
        let limit = assumed::ORDERS_PAGE_SIZE.to_string();
        let mut all = Vec::new();
        for page in assumed::FIRST_PAGE..assumed::FIRST_PAGE + assumed::ORDERS_MAX_PAGES {
            let page_text = page.to_string();
            let list: wire::OrderList = self
                .get(
                    "/orders",
                    &[
                        ("createdAt", created.as_str()),
                        ("includeIccids", "true"),
                        ("page", page_text.as_str()),
                        ("limit", limit.as_str()),
                    ],
                )
                .await?;
            let (orders, page_count) = match list {
                wire::OrderList::Envelope(envelope) => (envelope.orders, envelope.page_count),
                wire::OrderList::Bare(orders) => (orders, None),
            };
            let full = orders.len() >= assumed::ORDERS_PAGE_SIZE as usize;
            all.extend(orders);
            let more = match page_count {
                Some(count) => u64::from(page) < count,
                None => full,
            };
            if !more {
                return Ok(all);
            }
        }
        tracing::warn!(since, "eSIM Go order listing cut short while reconciling");
        Ok(all)
    }

    /// A NEW order already placed for this request: an order for the bundle since the first
    /// attempt whose eSIM carries the request's key as `customerRef`.
    async fn find_new_order(
        &self,
        request: &OrderRequest,
    ) -> Result<Option<ProvisionedEsim>, ProviderError> {
        let since = request.first_attempt_at - assumed::NEW_ORDER_LOOKBACK_MS;
        for order in self.orders_since(since).await? {
            let Some(reference) = order_reference(&order) else {
                continue;
            };
            if !mapping::order_is_for(&order, &request.product.0) {
                continue;
            }
            for iccid in mapping::order_iccids(&order) {
                let details: wire::EsimDetails = self
                    .get(&format!("/esims/{}", segment(&iccid)), &[])
                    .await?;
                if details.customer_ref.as_deref() != Some(request.idempotency_key.as_str()) {
                    continue;
                }
                let iccid = Iccid::parse(&iccid).map_err(|e| malformed(e.to_string()))?;
                let activation = match mapping::activation(&details)? {
                    Some(code) => code,
                    None => mapping::order_installs(&order)
                        .map_err(malformed)?
                        .into_iter()
                        .find(|i| i.iccid == iccid)
                        .map(|i| i.activation)
                        .ok_or_else(|| malformed(format!("eSIM {iccid} has no activation code")))?,
                };
                tracing::info!(%reference, %iccid, "eSIM Go order found for a repeated request");
                return Ok(Some(ProvisionedEsim {
                    provider_order_id: reference,
                    iccid,
                    activation: Some(activation),
                }));
            }
        }
        Ok(None)
    }

    /// A top-up already placed for this request: an order for the bundle on this eSIM since the
    /// first attempt (top-ups carry no tag of their own). The order that created the eSIM names
    /// it too, so it is told apart by being the eSIM's oldest assignment.
    async fn find_topup_order(
        &self,
        request: &OrderRequest,
        iccid: &Iccid,
    ) -> Result<Option<ProvisionedEsim>, ProviderError> {
        let since = request.first_attempt_at - assumed::TOPUP_LOOKBACK_MS;
        let candidates: Vec<String> = self
            .orders_since(since)
            .await?
            .iter()
            .filter(|order| {
                mapping::order_is_for(order, &request.product.0)
                    && mapping::order_iccids(order).contains(&iccid.to_string())
                    && order
                        .created_date
                        .as_deref()
                        .and_then(time::unix_millis)
                        .is_some_and(|at| at >= since)
            })
            .filter_map(order_reference)
            .collect();
        if candidates.is_empty() {
            return Ok(None);
        }
        let packages = mapping::packages(&self.bundles_of(iccid).await?, iccid)?;
        let origin = packages.first().map(|p| p.provider_order_id.as_str());
        let found = candidates
            .into_iter()
            .filter(|reference| Some(reference.as_str()) != origin)
            .find(|reference| packages.iter().any(|p| p.provider_order_id == *reference));
        Ok(found.map(|reference| {
            tracing::info!(%reference, %iccid, "eSIM Go top-up found for a repeated request");
            ProvisionedEsim {
                provider_order_id: reference,
                iccid: iccid.clone(),
                activation: None,
            }
        }))
    }
}

/// The `POST /orders` body for one unit of the request's bundle, new or onto `iccid`.
fn order_body<'a>(
    kind: &'static str,
    request: &'a OrderRequest,
    iccid: Option<&'a Iccid>,
) -> wire::OrderRequest<'a> {
    wire::OrderRequest {
        kind,
        assign: true,
        order: vec![wire::OrderRequestItem {
            kind: "bundle",
            item: &request.product.0,
            quantity: 1,
            iccids: iccid.map(|i| vec![i.as_str()]),
            allow_reassign: false,
        }],
    }
}
