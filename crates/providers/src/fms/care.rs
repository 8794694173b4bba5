//! After the sale: one package with its usage, and the eSIM's state and install code, all
//! read from `myEsimDetail` as the operator account (ASSUMED to see every order of the partner).

use super::client::{parse, FmsClient};
use super::mapping::{self, Lookup};
use super::{assumed, wire};
use crate::{EsimStatusReport, PackageReport, ProviderError};
use domain::Iccid;

impl FmsClient {
    fn care_email(&self) -> &str {
        assumed::care_account(&self.config.operator_email)
    }

    pub(super) async fn package_report(
        &self,
        order_id: &str,
    ) -> Result<PackageReport, ProviderError> {
        let data = self
            .post_as(
                self.care_email(),
                wire::ESIM_DETAIL_PATH,
                &wire::OrderIdRequest { order_id },
            )
            .await?;
        mapping::package(parse(data, "eSIM detail")?, Lookup::Order(order_id))
    }

    /// `myEsimDetail` by ICCID (ASSUMED): the eSIM's latest order.
    async fn latest_order(&self, iccid: &Iccid) -> Result<wire::EsimDetail, ProviderError> {
        let mut body = serde_json::Map::new();
        body.insert(
            assumed::ESIM_DETAIL_BY_ICCID.to_owned(),
            iccid.as_str().into(),
        );
        let data = self
            .post_as(self.care_email(), wire::ESIM_DETAIL_PATH, &body)
            .await
            .map_err(|error| match ProviderError::from(error) {
                ProviderError::NotFound { .. } => ProviderError::NotFound { what: "eSIM" },
                other => other,
            })?;
        parse(data, "eSIM detail")
    }

    pub(super) async fn esim_report(
        &self,
        iccid: &Iccid,
    ) -> Result<EsimStatusReport, ProviderError> {
        mapping::esim_status(self.latest_order(iccid).await?, iccid)
    }

    /// FMS sells one package per eSIM (top-ups are not offered), so the latest order is the list.
    pub(super) async fn esim_package_list(
        &self,
        iccid: &Iccid,
    ) -> Result<Vec<PackageReport>, ProviderError> {
        let report = mapping::package(self.latest_order(iccid).await?, Lookup::Esim(iccid))?;
        Ok(vec![report])
    }
}
