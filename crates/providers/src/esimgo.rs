//! The eSIM Go API v2.4 (seed 001, `shared/providers/esimgo.md`): a paged catalogue of
//! bundles, synchronous orders paid from a prepaid balance (made safe to repeat by looking for
//! the order already placed), and eSIM care (status and QR, packages with usage, compatible
//! top-ups, revoking with a refund).

mod assignments;
mod assumed;
mod client;
mod csv;
mod error;
mod mapping;
mod ordering;
mod wire;

pub use client::{EsimGoClient, EsimGoConfig};

use async_trait::async_trait;
use domain::{Iccid, Money};

use crate::{
    Capabilities, EsimProvider, EsimStatusReport, OrderRequest, PackageReport, Page, PageCursor,
    Product, ProductRef, ProviderError, ProviderId, ProvisionOutcome, TerminateOutcome,
};
use client::segment;

/// Stored with every plan and order eSIM Go serves.
pub const PROVIDER_ID: ProviderId = ProviderId("esimgo");

/// What eSIM Go offers besides selling. Its callbacks are not consumed by Tern yet, and orders
/// complete in the create call.
const CAPABILITIES: Capabilities = Capabilities {
    top_up: true,
    usage: true,
    terminate: true,
    qr_reissue: true,
    webhooks: false,
    async_completion: false,
    reserve_before_payment: false,
    balance: true,
};

/// eSIM Go answers 403 or 404 for anything unknown: name what was looked up.
fn not_found_as(what: &'static str) -> impl Fn(ProviderError) -> ProviderError {
    move |error| match error {
        ProviderError::NotFound { .. } => ProviderError::NotFound { what },
        other => other,
    }
}

impl EsimGoClient {
    /// Every bundle assignment on the eSIM, used ones included.
    async fn bundles_of(&self, iccid: &Iccid) -> Result<wire::EsimBundles, ProviderError> {
        self.get(
            &format!("/esims/{}/bundles", segment(iccid.as_str())),
            &[("includeUsed", "true"), ("limit", assumed::BUNDLES_LIMIT)],
        )
        .await
        .map_err(not_found_as("eSIM"))
    }

    /// `GET /esims/{iccid}/compatible/{bundle}`.
    async fn compatible(&self, iccid: &Iccid, bundle: &str) -> Result<bool, ProviderError> {
        let answer: wire::Compatible = self
            .get(
                &format!(
                    "/esims/{}/compatible/{}",
                    segment(iccid.as_str()),
                    segment(bundle)
                ),
                &[],
            )
            .await
            .map_err(not_found_as("eSIM"))?;
        answer
            .compatible
            .ok_or_else(|| ProviderError::MalformedResponse {
                message: "a compatibility answer without `compatible`".into(),
            })
    }

    /// The order that bought a package: its bundle and the eSIM it went onto.
    async fn order_target(&self, reference: &str) -> Result<(String, Iccid), ProviderError> {
        let order: wire::Order = self
            .get(&format!("/orders/{}", segment(reference)), &[])
            .await
            .map_err(not_found_as("order"))?;
        let malformed = |why: &str| ProviderError::MalformedResponse {
            message: format!("order {reference} {why}"),
        };
        let bundle = order
            .order
            .first()
            .and_then(|line| line.item.clone())
            .ok_or_else(|| malformed("names no bundle"))?;
        let iccid = match mapping::order_iccids(&order).as_slice() {
            [one] => Iccid::parse(one).map_err(|e| malformed(&e.to_string()))?,
            other => return Err(malformed(&format!("names {} eSIMs, not one", other.len()))),
        };
        Ok((bundle, iccid))
    }

    /// One catalogue page with optional filters.
    async fn catalogue_page(
        &self,
        page: u32,
        countries: Option<&str>,
    ) -> Result<Page<Product>, ProviderError> {
        let page_text = page.to_string();
        let per_page = assumed::CATALOGUE_PAGE_SIZE.to_string();
        let mut query = vec![("page", page_text.as_str()), ("perPage", per_page.as_str())];
        if let Some(countries) = countries {
            query.push(("countries", countries));
        }
        let answer: wire::CataloguePage = self.get("/catalogue", &query).await?;
        let (bundles, page_count, currency) = match answer {
            wire::CataloguePage::Envelope(envelope) => {
                let count = envelope.page_count.or_else(|| {
                    let (rows, size) = (envelope.rows?, envelope.page_size.filter(|s| *s > 0)?);
                    Some(rows.div_ceil(size))
                });
                (envelope.bundles, count, envelope.currency)
            }
            wire::CataloguePage::Bare(bundles) => (bundles, None, None),
        };
        let currency = currency.unwrap_or_else(|| assumed::DEFAULT_CURRENCY.to_owned());
        let count = bundles.len();
        let mut result = Page {
            items: Vec::with_capacity(count),
            next: mapping::next_page(page, page_count, count, assumed::CATALOGUE_PAGE_SIZE),
            rejected: Vec::new(),
        };
        for raw in bundles {
            match mapping::product(raw, &currency) {
                Ok(product) => result.items.push(product),
                Err(reason) => result.rejected.push(reason),
            }
        }
        Ok(result)
    }
}

#[async_trait]
impl EsimProvider for EsimGoClient {
    fn id(&self) -> ProviderId {
        PROVIDER_ID
    }

    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn list_products(
        &self,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Product>, ProviderError> {
        let page = match cursor {
            None => assumed::FIRST_PAGE,
            Some(PageCursor::Number(page)) if page >= assumed::FIRST_PAGE => page,
            Some(other) => {
                return Err(ProviderError::Validation {
                    message: format!("eSIM Go pages by number, not {other:?}"),
                })
            }
        };
        self.catalogue_page(page, None).await
    }

    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn get_product(&self, product: &ProductRef) -> Result<Product, ProviderError> {
        let raw: serde_json::Value = self
            .get(&format!("/catalogue/bundle/{}", segment(&product.0)), &[])
            .await
            .map_err(not_found_as("bundle"))?;
        mapping::product(raw, assumed::DEFAULT_CURRENCY)
            .map_err(|message| ProviderError::MalformedResponse { message })
    }

    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn place_order(&self, request: &OrderRequest) -> Result<ProvisionOutcome, ProviderError> {
        self.place(request).await
    }

    /// Only asked after [`ProvisionOutcome::Pending`]: a transaction whose eSIMs were not
    /// readable yet.
    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn order_status(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        self.known_order(request, provider_order_id).await
    }

    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn balance(&self) -> Result<Money, ProviderError> {
        let raw: wire::Organisation = self.get("/organisation", &[]).await?;
        mapping::balance(raw)
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    /// `GET /esims/{iccid}` for the profile and the QR; its bundles decide ACTIVE and EXPIRED.
    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn esim_status(&self, iccid: &Iccid) -> Result<EsimStatusReport, ProviderError> {
        let details: wire::EsimDetails = self
            .get(&format!("/esims/{}", segment(iccid.as_str())), &[])
            .await
            .map_err(not_found_as("eSIM"))?;
        if let Some(named) = details
            .iccid
            .as_deref()
            .filter(|i| i.trim() != iccid.as_str())
        {
            return Err(ProviderError::MalformedResponse {
                message: format!("asked for eSIM {iccid}, got {named}"),
            });
        }
        let packages = mapping::packages(&self.bundles_of(iccid).await?, iccid)?;
        Ok(EsimStatusReport {
            iccid: iccid.clone(),
            state: mapping::esim_state(&details, &packages)?,
            activation: mapping::activation(&details)?,
        })
    }

    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn esim_packages(&self, iccid: &Iccid) -> Result<Vec<PackageReport>, ProviderError> {
        mapping::packages(&self.bundles_of(iccid).await?, iccid)
    }

    /// The package an order bought: the order names the eSIM, whose assignments carry the
    /// order's reference.
    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn package(&self, provider_order_id: &str) -> Result<PackageReport, ProviderError> {
        let (_, iccid) = self.order_target(provider_order_id).await?;
        self.esim_packages(&iccid)
            .await?
            .into_iter()
            .find(|p| p.provider_order_id == provider_order_id)
            .ok_or(ProviderError::NotFound { what: "order" })
    }

    /// Catalogue bundles covering the eSIM's countries that eSIM Go confirms compatible; entries
    /// that do not map are logged and left out.
    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn available_topups(&self, iccid: &Iccid) -> Result<Vec<Product>, ProviderError> {
        let bundles = self.bundles_of(iccid).await?;
        let mut countries: Vec<String> = Vec::new();
        let mut names: Vec<&str> = bundles
            .bundles
            .iter()
            .filter_map(|b| b.name.as_deref())
            .collect();
        names.dedup();
        for name in names {
            let bought = self.get_product(&ProductRef(name.to_owned())).await;
            match bought {
                Ok(product) => {
                    for country in product.coverage {
                        let code = country.as_str().to_owned();
                        if !countries.contains(&code) {
                            countries.push(code);
                        }
                    }
                }
                // A bundle since withdrawn from the catalogue says nothing about coverage.
                Err(ProviderError::NotFound { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let filter = countries.join(",");
        let mut candidates = Vec::new();
        let mut page = assumed::FIRST_PAGE;
        loop {
            let found = self.catalogue_page(page, Some(&filter)).await?;
            for reason in &found.rejected {
                tracing::warn!(%reason, "eSIM Go top-up candidate left out");
            }
            candidates.extend(found.items);
            match found.next {
                Some(PageCursor::Number(next)) => page = next,
                _ => break,
            }
        }
        let mut topups = Vec::new();
        let mut by_class: Vec<(String, bool)> = Vec::new();
        for product in candidates {
            let class = product
                .topup_class
                .clone()
                .filter(|_| assumed::COMPATIBILITY_UNIFORM_WITHIN_CLASS);
            let known = class
                .as_ref()
                .and_then(|c| by_class.iter().find(|(k, _)| k == c).map(|(_, ok)| *ok));
            let compatible = match known {
                Some(answer) => answer,
                None => {
                    let answer = self.compatible(iccid, &product.product.0).await?;
                    if let Some(class) = class {
                        by_class.push((class, answer));
                    }
                    answer
                }
            };
            if compatible {
                topups.push(product);
            }
        }
        Ok(topups)
    }

    /// Revokes exactly the assignment the order bought. Refunded when it was unstarted, unused
    /// and within the refund window; a started or ended package is [`ProviderError::NotAllowed`].
    #[tracing::instrument(skip(self), fields(provider = "esimgo"))]
    async fn terminate_package(
        &self,
        provider_order_id: &str,
    ) -> Result<TerminateOutcome, ProviderError> {
        let (bundle, iccid) = self.order_target(provider_order_id).await?;
        let listed = self.bundles_of(&iccid).await?;
        let (raw, package) = listed
            .bundles
            .iter()
            .flat_map(|b| b.assignments.iter().map(move |a| (a, b)))
            .filter(|(a, _)| a.assignment_reference.as_deref() == Some(provider_order_id))
            .map(|(a, b)| mapping::package(a, b, &iccid).map(|p| (a, p)))
            .next()
            .ok_or(ProviderError::NotFound { what: "order" })??;
        if package.state != domain::PackageState::Pending || package.usage.used_bytes > 0 {
            return Err(ProviderError::NotAllowed {
                message: format!(
                    "package {provider_order_id} is {} and can no longer be revoked",
                    package.state
                ),
            });
        }
        let id = match raw.id.as_ref() {
            Some(serde_json::Value::String(id)) => id.clone(),
            Some(serde_json::Value::Number(id)) => id.to_string(),
            _ => {
                return Err(ProviderError::MalformedResponse {
                    message: format!("assignment {provider_order_id} has no id"),
                })
            }
        };
        let path = format!(
            "/esims/{}/bundles/{}/assignments/{}",
            segment(iccid.as_str()),
            segment(&bundle),
            segment(&id)
        );
        let answer: wire::Revoked = self
            .delete(
                &path,
                &[("type", "transaction"), ("refundToBalance", "true")],
            )
            .await
            .map_err(|error| match error {
                // Started or revoked meanwhile.
                ProviderError::Validation { message } => ProviderError::NotAllowed { message },
                other => other,
            })?;
        let said = answer.status.as_deref().and_then(assumed::refund_in_status);
        let refunded = said.unwrap_or_else(|| {
            let now = crate::time::now_millis();
            package
                .created_at
                .is_some_and(|bought| now - bought <= assumed::REFUND_WINDOW_MS)
        });
        Ok(TerminateOutcome { refunded })
    }
}
