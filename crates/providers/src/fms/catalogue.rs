//! The FMS catalogue: every country the partner sells, every package listed under each
//! (deduplicated, since a multi-country package is listed under each of its countries), and
//! one package's `detail`. None of these calls needs a token (v1.1).

use super::client::{parse, FmsClient};
use super::{assumed, mapping, wire};
use crate::{Page, Product, ProductRef, ProviderError};
use serde_json::Value;
use std::collections::HashSet;

/// `countryPackageList` `type`: countries a package covers alone.
const COUNTRIES_ALONE: u8 = 2;
/// `packageList` `type`: packages whose coverage includes the country.
const COVERAGE_INCLUDES: u8 = 1;

impl FmsClient {
    /// The whole catalogue in one page: FMS does not paginate.
    pub(super) async fn catalogue(&self) -> Result<Page<Product>, ProviderError> {
        let partner_code = &self.config.partner_code;
        let reply = self
            .post_open(
                wire::COUNTRY_LIST_PATH,
                &wire::CountryListRequest {
                    language_id: wire::LANGUAGE,
                    partner_code,
                    kind: COUNTRIES_ALONE,
                },
            )
            .await?;
        let (mccs, mut rejected) = mapping::country_mccs(parse(reply.data, "country list")?);
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        // One country at a time: a sync is a background job, and FMS publishes no rate limit.
        for mcc in mccs {
            let reply = self
                .post_open(
                    wire::PACKAGE_LIST_PATH,
                    &wire::PackageListRequest {
                        country_code: mcc,
                        language_id: wire::LANGUAGE,
                        partner_code,
                        kind: COVERAGE_INCLUDES,
                    },
                )
                .await?;
            let listed: Vec<Value> = parse(reply.data, "package list")?;
            for raw in listed {
                // Each package on its own, so one odd entry cannot hide the rest.
                let package: wire::Package = match serde_json::from_value(raw) {
                    Ok(package) => package,
                    Err(e) => {
                        rejected.push(format!("a package listed under MCC {mcc}: {e}"));
                        continue;
                    }
                };
                let Some(id) = mapping::package_ref(&package) else {
                    rejected.push(format!("a package without an id under MCC {mcc}"));
                    continue;
                };
                if !seen.insert(id.0) {
                    continue;
                }
                match mapping::product(package, &self.config.mcc_countries) {
                    Ok(product) => items.push(product),
                    Err(reason) => rejected.push(reason),
                }
            }
        }
        Ok(Page {
            items,
            next: None,
            rejected,
        })
    }

    /// `detail` for one package; an unknown id answers `data: null` (ASSUMED).
    pub(super) async fn detail(
        &self,
        product: &ProductRef,
    ) -> Result<wire::Package, ProviderError> {
        let reply = self
            .get_open(
                wire::DETAIL_PATH,
                &[(assumed::DETAIL_ID_PARAM, product.0.as_str())],
            )
            .await?;
        if reply.data.is_null() {
            return Err(ProviderError::NotFound { what: "product" });
        }
        let package: wire::Package = parse(reply.data, "package detail")?;
        match mapping::package_ref(&package) {
            Some(id) if id == *product => Ok(package),
            other => Err(ProviderError::MalformedResponse {
                message: format!("asked for package {}, got {other:?}", product.0),
            }),
        }
    }
}
