//! eSIMfx wire types into Tern's units, rejecting anything that does not make sense.

use super::wire;
use crate::time::unix_millis;
use crate::{
    EsimStatusReport, NetworkInfo, OrderKind, PackageReport, PageCursor, Product, ProductRef,
    ProviderError, ProvisionedEsim, TerminateOutcome,
};
use domain::data::{GIB, MIB};
use domain::{
    ActivationCode, CountryCode, Currency, DataAllowance, EsimState, Iccid, Money, PackageState,
    PackageUsage,
};

/// Maps one catalogue entry; the error says which product and why, for the sync log.
pub fn product(raw: wire::Product) -> Result<Product, String> {
    product_with(raw, CoverageRule::Required)
}

/// Maps one `get_available_topups` entry. The documented example lists `"coverage": []` for
/// top-ups (they ride the eSIM's existing coverage), so an empty list is accepted here.
pub fn topup_product(raw: wire::Product) -> Result<Product, String> {
    product_with(raw, CoverageRule::MayBeEmpty)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CoverageRule {
    Required,
    MayBeEmpty,
}

fn product_with(raw: wire::Product, coverage_rule: CoverageRule) -> Result<Product, String> {
    let id = raw
        .id
        .filter(|id| !id.trim().is_empty())
        .ok_or("a product without an id")?;
    let fail = |why: String| format!("product {id}: {why}");

    let validity_days = match (
        raw.duration.as_ref().and_then(serde_json::Number::as_u64),
        raw.duration_unit.as_deref(),
    ) {
        (Some(days), Some(unit))
            if unit.eq_ignore_ascii_case("DAY") && days > 0 && days <= 3650 =>
        {
            days as u32
        }
        (duration, unit) => return Err(fail(format!("unusable duration {duration:?} {unit:?}"))),
    };

    let data = if raw.is_unlimited {
        DataAllowance::Unlimited
    } else {
        let amount = raw
            .amount
            .as_ref()
            .ok_or_else(|| fail("no data amount".into()))?;
        DataAllowance::Limited {
            bytes: bytes(amount, raw.amount_unit.as_deref()).map_err(fail)?,
        }
    };

    let currency = Currency::parse(raw.price_unit.as_deref().unwrap_or_default())
        .map_err(|e| fail(e.to_string()))?;
    let price = raw.price.ok_or_else(|| fail("no price".into()))?;
    let wholesale =
        Money::from_major_str(&price.to_string(), currency).map_err(|e| fail(e.to_string()))?;
    if wholesale.minor <= 0 {
        return Err(fail(format!("non-positive price {price}")));
    }

    let coverage = raw
        .coverage
        .iter()
        .map(|code| CountryCode::parse(code))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if coverage.is_empty() && coverage_rule == CoverageRule::Required {
        return Err(fail("no coverage".into()));
    }

    let networks = raw
        .networks
        .into_iter()
        .filter_map(|n| {
            let name = n.name.filter(|name| !name.trim().is_empty())?;
            Some(NetworkInfo {
                mccmnc: n.mccmnc,
                name,
                speed: n.speed,
            })
        })
        .collect();

    Ok(Product {
        name: raw.name.unwrap_or_else(|| id.clone()),
        product: ProductRef(id),
        coverage,
        data,
        data_convention: crate::ByteConvention::Binary,
        validity_days,
        wholesale,
        topup_class: raw.imsi_profile.filter(|p| !p.is_empty()),
        networks,
    })
}

/// A completed order: its id, the ICCID, and for a new eSIM the activation code split out of `esim_qr`.
pub fn provisioned(
    order: wire::OrderData,
    kind: &OrderKind,
) -> Result<ProvisionedEsim, ProviderError> {
    let malformed = |message: String| ProviderError::MalformedResponse { message };
    let provider_order_id = order
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| malformed("order without an id".into()))?;
    match order.status.as_deref() {
        Some("COMPLETED") => {}
        other => {
            return Err(malformed(format!(
                "order {provider_order_id} has status {other:?}, not COMPLETED"
            )))
        }
    }
    let esim = order
        .esim
        .ok_or_else(|| malformed(format!("order {provider_order_id} has no eSIM")))?;
    let iccid = Iccid::parse(esim.iccid.as_deref().unwrap_or_default())
        .map_err(|e| malformed(e.to_string()))?;
    if let OrderKind::TopUp { iccid: wanted } = kind {
        if *wanted != iccid {
            return Err(malformed(format!("top-up landed on {iccid}, not {wanted}")));
        }
        return Ok(ProvisionedEsim {
            provider_order_id,
            iccid,
            activation: None,
        });
    }
    let qr = esim
        .esim_qr
        .ok_or_else(|| malformed(format!("order {provider_order_id} has no esim_qr")))?;
    let activation = ActivationCode::parse_lpa(&qr).map_err(|e| malformed(e.to_string()))?;
    Ok(ProvisionedEsim {
        provider_order_id,
        iccid,
        activation: Some(activation),
    })
}

fn malformed(message: String) -> ProviderError {
    ProviderError::MalformedResponse { message }
}

/// `get_esim_status`: the state, and the install QR again when one is sent.
pub fn esim_status(raw: wire::Esim, asked: &Iccid) -> Result<EsimStatusReport, ProviderError> {
    let iccid = match raw.iccid.as_deref().map(str::trim) {
        None | Some("") => asked.clone(),
        Some(text) => Iccid::parse(text).map_err(|e| malformed(format!("eSIM status: {e}")))?,
    };
    if iccid != *asked {
        return Err(malformed(format!(
            "asked for the status of eSIM {asked}, got {iccid}"
        )));
    }
    let state = raw
        .status
        .as_deref()
        .and_then(EsimState::parse)
        .ok_or_else(|| {
            malformed(format!(
                "eSIM {iccid} has an unknown status {:?}",
                raw.status
            ))
        })?;
    let activation = match raw.esim_qr.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(qr) => Some(
            ActivationCode::parse_lpa(qr).map_err(|e| malformed(format!("eSIM {iccid}: {e}")))?,
        ),
    };
    Ok(EsimStatusReport {
        iccid,
        state,
        activation,
    })
}

/// One order with its subscription (`get_order`, or an element of `get_esim_orders`).
///
/// `on_esim` is the eSIM the caller asked about: an order that names another eSIM is malformed,
/// and one that names none is taken to be on it. Without it the order must name its eSIM.
pub fn package(
    raw: wire::OrderDetail,
    on_esim: Option<&Iccid>,
) -> Result<PackageReport, ProviderError> {
    let provider_order_id = raw
        .id
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| malformed("an order without an id".into()))?;
    let fail = |why: String| malformed(format!("order {provider_order_id}: {why}"));

    let iccid = match (raw.iccid.as_deref().map(str::trim), on_esim) {
        (None | Some(""), Some(asked)) => asked.clone(),
        (None | Some(""), None) => return Err(fail("no iccid".into())),
        (Some(text), asked) => {
            let iccid = Iccid::parse(text).map_err(|e| fail(e.to_string()))?;
            if let Some(asked) = asked.filter(|asked| **asked != iccid) {
                return Err(fail(format!("listed under eSIM {asked} but names {iccid}")));
            }
            iccid
        }
    };

    let product = raw.product.ok_or_else(|| fail("no product".into()))?;
    let product_id = product
        .id
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| fail("a product without an id".into()))?;
    let product_name = product
        .name
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| product_id.clone());

    let sub = raw
        .subscription
        .ok_or_else(|| fail("no subscription".into()))?;
    let state = sub
        .status
        .as_deref()
        .and_then(PackageState::parse)
        .ok_or_else(|| fail(format!("unknown subscription status {:?}", sub.status)))?;
    let usage = usage(&sub, product.is_unlimited == Some(true)).map_err(&fail)?;

    let time = |field: &str, value: &Option<String>| -> Result<Option<i64>, ProviderError> {
        match value.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => unix_millis(text)
                .map(Some)
                .ok_or_else(|| fail(format!("{field} {text:?} is not an ISO-8601 UTC time"))),
        }
    };
    let created_at = time("creation_time", &raw.creation_time)?;
    let activation_time = time("activation_time", &sub.activation_time)?;
    let expires_at = time("expiry", &sub.expiry)?;
    let activate_by = time("activate_by", &sub.activate_by)?;
    // While PENDING, `activation_time` is only a projection. A package terminated before it
    // started keeps that projection, which then lies after its end: not a real activation.
    let activated_at = activation_time
        .filter(|at| state != PackageState::Pending && expires_at.is_none_or(|end| *at <= end));

    Ok(PackageReport {
        provider_order_id,
        iccid,
        product: ProductRef(product_id),
        product_name,
        state,
        usage,
        created_at,
        activated_at,
        expires_at,
        activate_by,
    })
}

/// `upper_limit_amount` and `used_amount` in bytes. Data units (`Byte`/`B`, and the `KB`/`MB`/
/// `GB` the doc says may appear) are converted; an unlimited product, a zero limit (how the
/// sandbox reports unlimited plans) or a non-data unit such as days gives no byte limit, and a
/// non-data unit also no byte count.
fn usage(sub: &wire::Subscription, unlimited: bool) -> Result<PackageUsage, String> {
    let unit = sub.amount_unit.as_deref().map(str::trim).unwrap_or("Byte");
    let scale = match unit.to_ascii_uppercase().as_str() {
        "BYTE" | "BYTES" | "B" => Some(1),
        "KB" => Some(1024),
        "MB" => Some(MIB),
        "GB" => Some(GIB),
        _ => None,
    };
    let Some(scale) = scale else {
        return Ok(PackageUsage {
            limit_bytes: None,
            used_bytes: 0,
        });
    };
    let used = sub.used_amount.as_ref().ok_or("no used_amount")?;
    let used_bytes = scaled(used, scale).map_err(|why| format!("used_amount {why}"))?;
    let limit_bytes = if unlimited {
        None
    } else {
        let limit = sub
            .upper_limit_amount
            .as_ref()
            .ok_or("no upper_limit_amount on a limited package")?;
        Some(scaled(limit, scale).map_err(|why| format!("upper_limit_amount {why}"))?)
            .filter(|bytes| *bytes > 0)
    };
    Ok(PackageUsage {
        limit_bytes,
        used_bytes,
    })
}

/// A non-negative amount times `scale`, in whole bytes.
fn scaled(amount: &serde_json::Number, scale: u64) -> Result<u64, String> {
    if let Some(whole) = amount.as_u64() {
        return whole
            .checked_mul(scale)
            .ok_or_else(|| format!("{amount} is too large"));
    }
    match amount.as_f64() {
        Some(value)
            if value.is_finite() && value >= 0.0 && value * (scale as f64) < u64::MAX as f64 =>
        {
            Ok((value * scale as f64).round() as u64)
        }
        _ => Err(format!("{amount} is not a usable amount")),
    }
}

/// `terminate_subscription`: whether the package fee comes back.
pub fn terminated(
    raw: wire::TerminateData,
    order_id: &str,
) -> Result<TerminateOutcome, ProviderError> {
    raw.refund
        .and_then(|refund| refund.need_refund)
        .map(|refunded| TerminateOutcome { refunded })
        .ok_or_else(|| {
            malformed(format!(
                "terminating order {order_id} answered without refund.need_refund"
            ))
        })
}

/// Catalogue amounts are binary: 1 GB = 1024³ bytes.
fn bytes(amount: &serde_json::Number, unit: Option<&str>) -> Result<u64, String> {
    let scale = match unit.map(str::to_ascii_uppercase).as_deref() {
        Some("GB") => GIB,
        Some("MB") => MIB,
        other => return Err(format!("unknown data unit {other:?}")),
    };
    // Amounts may be fractional ("0.5" GB); scale through integer milli-units to stay exact.
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = format!("{:0<3}", &fraction[..fraction.len().min(3)]);
    let milli: u64 = format!("{whole}{fraction}")
        .parse()
        .map_err(|_| format!("unusable amount {text}"))?;
    if milli == 0 {
        return Err("a zero data amount on a limited plan".into());
    }
    Ok(milli * scale / 1000)
}

/// `last_evaluated_key`: a non-empty object means another page; `{}` or absent means the last.
pub fn next_cursor(key: Option<serde_json::Value>) -> Result<Option<PageCursor>, ProviderError> {
    match key {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(map)) if map.is_empty() => Ok(None),
        Some(value @ serde_json::Value::Object(_)) => Ok(Some(PageCursor::Opaque(value))),
        Some(other) => Err(ProviderError::MalformedResponse {
            message: format!("last_evaluated_key is not an object: {other}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_product() -> wire::Product {
        // The example from the provider notes §2.1.
        serde_json::from_value(serde_json::json!({
            "id": "esimfx_10G_7D_JP",
            "meta_product_id": "ca7e9da3-ca97-47cc-9d40-a77610c2aaaa",
            "name": "japan_10GB_7Day",
            "duration": 7, "duration_unit": "DAY",
            "amount": 10, "amount_unit": "GB",
            "is_unlimited": false,
            "coverage": ["JP"],
            "networks": [
                { "mccmnc": "44020", "name": "SOFTBANK", "speed": "5G" },
                { "mccmnc": "44051", "name": "KDDI au", "speed": "5G" }
            ],
            "imsi_profile": "Green", "price": 12, "price_unit": "USD"
        }))
        .unwrap()
    }

    #[test]
    fn maps_the_documented_product() {
        let product = product(doc_product()).unwrap();
        assert_eq!(product.product.0, "esimfx_10G_7D_JP");
        assert_eq!(
            product.data,
            DataAllowance::Limited {
                bytes: 10_737_418_240
            }
        );
        assert_eq!(product.validity_days, 7);
        assert_eq!(product.wholesale, Money::new(1200, Currency::USD));
        assert_eq!(product.coverage, vec![CountryCode::parse("JP").unwrap()]);
        assert_eq!(product.topup_class.as_deref(), Some("Green"));
        assert_eq!(product.networks.len(), 2);
    }

    #[test]
    fn maps_fractional_prices_and_megabytes() {
        let mut raw = doc_product();
        raw.price = Some(serde_json::from_str("4.5").unwrap());
        raw.amount = Some(serde_json::from_str("500").unwrap());
        raw.amount_unit = Some("MB".into());
        let product = product(raw).unwrap();
        assert_eq!(product.wholesale.minor, 450);
        assert_eq!(product.data, DataAllowance::Limited { bytes: 500 * MIB });
    }

    #[test]
    fn unlimited_ignores_the_byte_amount() {
        let mut raw = doc_product();
        raw.is_unlimited = true;
        raw.amount = None;
        assert_eq!(product(raw).unwrap().data, DataAllowance::Unlimited);
    }

    #[test]
    fn rejects_nonsense() {
        type Breakage = Box<dyn Fn(&mut wire::Product)>;
        let cases: Vec<Breakage> = vec![
            Box::new(|p| p.id = None),
            Box::new(|p| p.price = None),
            Box::new(|p| p.price = Some(serde_json::from_str("-1").unwrap())),
            Box::new(|p| p.price = Some(serde_json::from_str("1.234").unwrap())),
            Box::new(|p| p.price_unit = Some("dollars".into())),
            Box::new(|p| p.coverage = vec!["Japan".into()]),
            Box::new(|p| p.coverage = vec![]),
            Box::new(|p| p.duration_unit = Some("MONTH".into())),
            Box::new(|p| p.amount_unit = Some("TB?".into())),
            Box::new(|p| p.amount = Some(serde_json::from_str("0").unwrap())),
        ];
        for (i, break_it) in cases.iter().enumerate() {
            let mut raw = doc_product();
            break_it(&mut raw);
            assert!(product(raw).is_err(), "case {i} should be rejected");
        }
    }

    fn documented_order() -> wire::OrderData {
        // The create_order example from the provider notes §2.3.
        serde_json::from_value(serde_json::json!({
            "id": "01b47ffa-4a74-4209-87e2-d282e2740001",
            "status": "COMPLETED",
            "creation_time": "2025-08-01T03:07:11Z",
            "subscription": { "upper_limit_amount": 10737418240u64, "amount_unit": "Byte", "status": "PENDING" },
            "esim": { "iccid": "89440000000000000001", "esim_qr": "LPA:1$rsp.truphone.com$JQ-2D51JC-ABCDEF", "status": "PROVISIONED" }
        }))
        .unwrap()
    }

    #[test]
    fn a_completed_order_yields_the_esim_and_its_activation_code() {
        let esim = provisioned(documented_order(), &OrderKind::NewEsim).unwrap();
        assert_eq!(
            esim.provider_order_id,
            "01b47ffa-4a74-4209-87e2-d282e2740001"
        );
        assert_eq!(esim.iccid.as_str(), "89440000000000000001");
        let code = esim.activation.unwrap();
        assert_eq!(
            (code.smdp_address.as_str(), code.matching_id.as_str()),
            ("rsp.truphone.com", "JQ-2D51JC-ABCDEF")
        );
    }

    #[test]
    fn orders_missing_what_a_traveller_needs_are_malformed() {
        let mut no_qr = documented_order();
        no_qr.esim.as_mut().unwrap().esim_qr = Some("not an lpa".into());
        assert!(provisioned(no_qr, &OrderKind::NewEsim).is_err());
        let mut failed = documented_order();
        failed.status = Some("FAILED".into());
        assert!(provisioned(failed, &OrderKind::NewEsim).is_err());
        let other_esim = OrderKind::TopUp {
            iccid: Iccid::parse("89440000000000000999").unwrap(),
        };
        assert!(provisioned(documented_order(), &other_esim).is_err());
    }

    #[test]
    fn paging_cursor_follows_last_evaluated_key() {
        assert_eq!(next_cursor(Some(serde_json::json!({}))).unwrap(), None);
        assert_eq!(next_cursor(None).unwrap(), None);
        let key = serde_json::json!({ "id": "esimfx_10G_7D_JP" });
        assert_eq!(
            next_cursor(Some(key.clone())).unwrap(),
            Some(PageCursor::Opaque(key))
        );
        assert!(next_cursor(Some(serde_json::json!("x"))).is_err());
    }

    fn documented_get_order() -> serde_json::Value {
        // The get_order example from the provider notes §2.6.
        serde_json::json!({
            "id": "01b47ffa-4a74-4209-87e2-d282e2740001",
            "iccid": "89440000000000000001",
            "status": "COMPLETED",
            "creation_time": "2025-09-24T05:20:12Z",
            "product": { "id": "esimfx_10G_7D_JP", "name": "japan_10GB_7Day", "duration": 7,
                         "duration_unit": "DAY", "imsi_profile": "Green" },
            "subscription": {
                "upper_limit_amount": 10737418240u64,
                "used_amount": 1288490188u64,
                "amount_unit": "Byte",
                "activation_time": "2025-09-30T05:20:12Z",
                "expiry": "2025-10-07T05:20:12Z",
                "status": "ACTIVE",
                "activate_by": "2025-11-23T05:20:12Z"
            }
        })
    }

    fn package_from(value: serde_json::Value) -> Result<PackageReport, ProviderError> {
        package(serde_json::from_value(value).unwrap(), None)
    }

    const SEP_30_0520: i64 = 1_759_209_612_000;

    #[test]
    fn maps_the_documented_order_with_its_usage() {
        let report = package_from(documented_get_order()).unwrap();
        assert_eq!(
            report,
            PackageReport {
                provider_order_id: "01b47ffa-4a74-4209-87e2-d282e2740001".into(),
                iccid: Iccid::parse("89440000000000000001").unwrap(),
                product: ProductRef("esimfx_10G_7D_JP".into()),
                product_name: "japan_10GB_7Day".into(),
                state: PackageState::Active,
                usage: PackageUsage {
                    limit_bytes: Some(10 * GIB),
                    used_bytes: 1_288_490_188,
                },
                created_at: Some(SEP_30_0520 - 6 * 86_400_000),
                activated_at: Some(SEP_30_0520),
                expires_at: Some(SEP_30_0520 + 7 * 86_400_000),
                activate_by: Some(SEP_30_0520 + 54 * 86_400_000),
            }
        );
        assert_eq!(
            report.usage.used_percent(),
            Some(11),
            "1.2 GB is just under 12 %"
        );
    }

    #[test]
    fn only_a_started_package_has_an_activation_time() {
        let mut pending = documented_get_order();
        pending["subscription"]["status"] = "Pending".into();
        let report = package_from(pending).unwrap();
        assert_eq!(report.state, PackageState::Pending);
        assert_eq!(report.activated_at, None, "a projection, not an activation");
        assert!(report.expires_at.is_some());

        // Terminated before it ever started: the projected activation lies after the end.
        let mut cancelled = documented_get_order();
        cancelled["subscription"]["status"] = "TERMINATED".into();
        cancelled["subscription"]["expiry"] = "2025-09-25T00:00:00Z".into();
        assert_eq!(package_from(cancelled).unwrap().activated_at, None);

        let mut expired = documented_get_order();
        expired["subscription"]["status"] = "EXPIRED".into();
        assert_eq!(
            package_from(expired).unwrap().activated_at,
            Some(SEP_30_0520)
        );
    }

    #[test]
    fn unlimited_and_non_data_units_have_no_byte_limit() {
        let mut flagged = documented_get_order();
        flagged["product"]["is_unlimited"] = true.into();
        assert_eq!(package_from(flagged).unwrap().usage.limit_bytes, None);

        // The sandbox reports unlimited subscriptions as a zero byte limit.
        let mut zero = documented_get_order();
        zero["subscription"]["upper_limit_amount"] = 0.into();
        let usage = package_from(zero).unwrap().usage;
        assert_eq!(usage.limit_bytes, None);
        assert_eq!(usage.used_bytes, 1_288_490_188);

        // The doc says unlimited plans may count days.
        let mut days = documented_get_order();
        days["subscription"]["upper_limit_amount"] = 7.into();
        days["subscription"]["used_amount"] = 2.into();
        days["subscription"]["amount_unit"] = "Days".into();
        assert_eq!(
            package_from(days).unwrap().usage,
            PackageUsage {
                limit_bytes: None,
                used_bytes: 0
            }
        );

        let mut short = documented_get_order();
        short["subscription"]["amount_unit"] = "b".into();
        assert_eq!(
            package_from(short).unwrap().usage.limit_bytes,
            Some(10 * GIB)
        );

        let mut gigabytes = documented_get_order();
        gigabytes["subscription"]["upper_limit_amount"] = 10.into();
        gigabytes["subscription"]["used_amount"] = serde_json::json!(1.5);
        gigabytes["subscription"]["amount_unit"] = "GB".into();
        assert_eq!(
            package_from(gigabytes).unwrap().usage,
            PackageUsage {
                limit_bytes: Some(10 * GIB),
                used_bytes: 3 * GIB / 2
            }
        );
    }

    #[test]
    fn odd_orders_are_malformed_with_a_reason() {
        type Breakage = fn(&mut serde_json::Value);
        let cases: [(Breakage, &str); 9] = [
            (|o| o["subscription"]["status"] = "PAUSED".into(), "PAUSED"),
            (
                |o| o["subscription"] = serde_json::Value::Null,
                "no subscription",
            ),
            (|o| o["iccid"] = "12".into(), "ICCID"),
            (|o| o["iccid"] = serde_json::Value::Null, "no iccid"),
            (|o| o["id"] = "".into(), "without an id"),
            (|o| o["product"]["id"] = serde_json::Value::Null, "product"),
            (
                |o| o["subscription"]["expiry"] = "next week".into(),
                "expiry",
            ),
            (
                |o| o["subscription"]["used_amount"] = (-5).into(),
                "used_amount",
            ),
            (
                |o| o["subscription"]["used_amount"] = serde_json::Value::Null,
                "used_amount",
            ),
        ];
        for (break_it, why) in cases {
            let mut order = documented_get_order();
            break_it(&mut order);
            match package_from(order) {
                Err(ProviderError::MalformedResponse { message }) => {
                    assert!(message.contains(why), "{message:?} should mention {why}")
                }
                other => panic!("expected malformed ({why}), got {other:?}"),
            }
        }
    }

    #[test]
    fn listed_orders_must_be_on_the_esim_asked_about() {
        let asked = Iccid::parse("89440000000000000001").unwrap();
        let other = Iccid::parse("89440000000000000002").unwrap();
        let raw = || serde_json::from_value(documented_get_order()).unwrap();
        assert!(package(raw(), Some(&asked)).is_ok());
        assert!(package(raw(), Some(&other)).is_err());
        let mut unnamed = documented_get_order();
        unnamed["iccid"] = serde_json::Value::Null;
        let report = package(serde_json::from_value(unnamed).unwrap(), Some(&asked)).unwrap();
        assert_eq!(report.iccid, asked);
    }

    fn esim_from(value: serde_json::Value, asked: &str) -> Result<EsimStatusReport, ProviderError> {
        esim_status(
            serde_json::from_value(value).unwrap(),
            &Iccid::parse(asked).unwrap(),
        )
    }

    #[test]
    fn esim_status_reissues_the_qr() {
        // The get_esim_status example from the provider notes §2.7.
        let documented = serde_json::json!({
            "iccid": "89440000000000000001",
            "esim_qr": "LPA:1$rsp.truphone.com$JQ-2D1JE2-ABCDEF",
            "status": "PROVISIONED"
        });
        let report = esim_from(documented.clone(), "89440000000000000001").unwrap();
        assert_eq!(report.state, EsimState::Provisioned);
        assert_eq!(
            report.activation.unwrap().lpa(),
            "LPA:1$rsp.truphone.com$JQ-2D1JE2-ABCDEF"
        );

        let mut installed = documented.clone();
        installed["status"] = "Installed".into();
        installed["esim_qr"] = serde_json::Value::Null;
        let report = esim_from(installed, "89440000000000000001").unwrap();
        assert_eq!(
            (report.state, report.activation),
            (EsimState::Installed, None)
        );

        let mut unknown = documented.clone();
        unknown["status"] = "DOWNLOADED".into();
        assert!(esim_from(unknown, "89440000000000000001").is_err());
        let mut bad_qr = documented.clone();
        bad_qr["esim_qr"] = "not a code".into();
        assert!(esim_from(bad_qr, "89440000000000000001").is_err());
        assert!(esim_from(documented, "89440000000000000002").is_err());
    }

    #[test]
    fn state_words_serialise_as_the_provider_writes_them() {
        assert_eq!(
            serde_json::to_value(EsimState::Installed).unwrap(),
            "INSTALLED"
        );
        assert_eq!(
            serde_json::to_value(PackageState::Terminated).unwrap(),
            "TERMINATED"
        );
        assert_eq!(
            serde_json::from_value::<PackageState>("PENDING".into()).unwrap(),
            PackageState::Pending
        );
    }

    #[test]
    fn top_up_products_may_leave_coverage_empty() {
        // The get_available_topups example from the provider notes §2.5.
        let raw = || -> wire::Product {
            serde_json::from_value(serde_json::json!({
                "id": "esimfx_10G_7D_JP", "name": "Japan_10GB_7Day", "duration": 7,
                "duration_unit": "DAY", "amount": 10, "amount_unit": "GB", "coverage": [],
                "networks": [], "imsi_profile": "Green", "price": 12, "price_unit": "USD"
            }))
            .unwrap()
        };
        let product = topup_product(raw()).unwrap();
        assert!(product.coverage.is_empty());
        assert_eq!(product.topup_class.as_deref(), Some("Green"));
        assert!(
            super::product(raw()).is_err(),
            "the catalogue still needs coverage"
        );
    }

    #[test]
    fn termination_needs_the_refund_flag() {
        let parse =
            |value: serde_json::Value| terminated(serde_json::from_value(value).unwrap(), "o-1");
        assert_eq!(
            parse(
                serde_json::json!({ "id": "o-1", "subscription": { "status": "TERMINATED" },
                                      "refund": { "need_refund": true } })
            ),
            Ok(TerminateOutcome { refunded: true })
        );
        assert_eq!(
            parse(serde_json::json!({ "refund": { "need_refund": false } })),
            Ok(TerminateOutcome { refunded: false })
        );
        assert!(matches!(
            parse(serde_json::json!({ "id": "o-1" })),
            Err(ProviderError::MalformedResponse { .. })
        ));
    }
}
