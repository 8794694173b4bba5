//! Truphone wire types into Tern's units (ISO countries, binary bytes, integer money, LPA
//! parts), rejecting anything that does not make sense.

use super::{assumed, wire};
use crate::time::unix_millis;
use crate::{
    ByteConvention, EsimStatusReport, OrderKind, PackageReport, Product, ProductRef, ProviderError,
    ProvisionOutcome, ProvisionedEsim,
};
use domain::{
    ActivationCode, CountryCode, Currency, DataAllowance, EsimState, Iccid, Money, PackageState,
    PackageUsage,
};

fn malformed(message: String) -> ProviderError {
    ProviderError::MalformedResponse { message }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// One catalogue entry priced in `currency`; the error names the product and why, for the
/// sync log.
pub(crate) fn product(raw: wire::Product, currency: Currency) -> Result<Product, String> {
    let id = non_blank(raw.id.as_deref())
        .ok_or("a product without an id")?
        .to_owned();
    let fail = |why: String| format!("product {id}: {why}");
    if !assumed::sellable(&raw.active_countries) {
        return Err(fail(format!("not sold in {:?}", raw.active_countries)));
    }

    let validity_days = match (
        raw.period.as_ref().and_then(serde_json::Number::as_u64),
        raw.period_unit.as_deref().map(str::trim),
    ) {
        (Some(days), Some(unit))
            if (unit.eq_ignore_ascii_case("DAYS") || unit.eq_ignore_ascii_case("DAY"))
                && (1..=3650).contains(&days) =>
        {
            days as u32
        }
        (period, unit) => return Err(fail(format!("unusable period {period:?} {unit:?}"))),
    };

    let data = raw.data.ok_or_else(|| fail("no data allowance".into()))?;
    let amount = data.value.ok_or_else(|| fail("no data value".into()))?;
    let bytes = binary_bytes(&amount, data.unit.as_deref()).map_err(fail)?;

    let price = raw
        .pricing
        .get(currency.as_str())
        .ok_or_else(|| fail(format!("no {currency} price in {:?}", raw.pricing)))?;
    let wholesale =
        Money::from_major_str(&price.to_string(), currency).map_err(|e| fail(e.to_string()))?;
    if wholesale.minor <= 0 {
        return Err(fail(format!("non-positive price {price}")));
    }

    let coverage = raw
        .footprint
        .iter()
        .map(|code| CountryCode::parse(code))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if coverage.is_empty() {
        return Err(fail("an empty footprint".into()));
    }

    let name = non_blank(raw.name.as_deref())
        .or(non_blank(raw.description.as_deref()))
        .unwrap_or(&id)
        .to_owned();
    Ok(Product {
        product: ProductRef(id),
        name,
        coverage,
        data: DataAllowance::Limited { bytes },
        data_convention: ByteConvention::Binary,
        validity_days,
        wholesale,
        topup_class: Some(assumed::TOPUP_CLASS.to_owned()),
        networks: Vec::new(),
    })
}

/// `data.value` in `data.unit`, exactly (values may be fractional: `0.5` GB).
fn binary_bytes(amount: &serde_json::Number, unit: Option<&str>) -> Result<u64, String> {
    let unit = unit.map(str::trim).unwrap_or_default();
    let scale = assumed::DATA_UNITS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(unit))
        .map(|(_, scale)| *scale)
        .ok_or_else(|| format!("unknown data unit {unit:?}"))?;
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("unusable data value {text}"));
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("unusable data value {text}"));
    }
    let milli: u64 = format!("{whole}{fraction:0<3}")
        .parse()
        .map_err(|_| format!("unusable data value {text}"))?;
    let bytes = milli
        .checked_mul(scale)
        .ok_or_else(|| format!("data value {text} is too large"))?
        / 1000;
    if bytes == 0 {
        return Err("a zero data allowance".into());
    }
    Ok(bytes)
}

/// The host of an SM-DP+ address, without the protocol prefix older releases sent.
fn smdp_host(raw: &str) -> &str {
    let raw = raw.trim();
    raw.strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .unwrap_or(raw)
        .trim_end_matches('/')
}

/// An order as Truphone reports it (`POST /v1/order`'s 201 or `GET /v1/order/{id}`).
///
/// `asked` is the id that was polled, if any: an answer about another order is malformed, and
/// one without ids is taken to be about it. The `externalId` is the order's id for Tern.
pub(crate) fn order_outcome(
    reply: wire::Order,
    asked: Option<&str>,
    kind: &OrderKind,
) -> Result<ProvisionOutcome, ProviderError> {
    let reported = non_blank(reply.external_id.as_deref()).or(non_blank(reply.id.as_deref()));
    let id = match (reported, asked) {
        (Some(reported), Some(asked)) if reported != asked => {
            return Err(malformed(format!(
                "asked for order {asked}, Truphone answered about {reported}"
            )))
        }
        (Some(id), _) | (None, Some(id)) => id.to_owned(),
        (None, None) => return Err(malformed("an order without an id".into())),
    };
    let status = non_blank(reply.status.as_deref()).unwrap_or_default();
    match status {
        "ACCEPTED" | "FULFILLING" => Ok(ProvisionOutcome::Pending {
            provider_order_id: id,
            poll_after: assumed::POLL_AFTER,
            status: status.to_owned(),
        }),
        "COMPLETED" => {
            let output = reply
                .output
                .ok_or_else(|| malformed(format!("order {id} COMPLETED without output")))?;
            completed(id, output, kind).map(ProvisionOutcome::Ready)
        }
        "FAILED" => Err(ProviderError::Refused {
            code: "ORDER_FAILED".into(),
            message: format!("Truphone order {id} FAILED"),
        }),
        other => Err(malformed(format!(
            "order {id} has an unknown status {other:?}"
        ))),
    }
}

/// A COMPLETED order's output: for a new eSIM the activation code built from `smdpUrl` and
/// `matchingId` (never from `lpa_url`, which has carried stray characters); a top-up has none.
fn completed(
    id: String,
    output: wire::OrderOutput,
    kind: &OrderKind,
) -> Result<ProvisionedEsim, ProviderError> {
    let iccid = Iccid::parse(output.iccid.as_deref().unwrap_or_default())
        .map_err(|e| malformed(format!("order {id}: {e}")))?;
    match kind {
        OrderKind::TopUp { iccid: wanted } => {
            if *wanted != iccid {
                return Err(malformed(format!(
                    "order {id} topped up {iccid}, not {wanted}"
                )));
            }
            Ok(ProvisionedEsim {
                provider_order_id: id,
                iccid,
                activation: None,
            })
        }
        OrderKind::NewEsim => {
            let (Some(smdp), Some(matching)) = (
                non_blank(output.smdp_url.as_deref()),
                non_blank(output.matching_id.as_deref()),
            ) else {
                return Err(malformed(format!(
                    "order {id} COMPLETED without smdpUrl and matchingId"
                )));
            };
            let activation = ActivationCode::new(smdp_host(smdp), matching)
                .map_err(|e| malformed(format!("order {id}: {e}")))?;
            Ok(ProvisionedEsim {
                provider_order_id: id,
                iccid,
                activation: Some(activation),
            })
        }
    }
}

/// The install code of a SIM: `matchingId` with the SM-DP+ host from `lpa_url` (or the
/// assumed default); `None` when Truphone sends no matching id.
pub(crate) fn activation(sim: &wire::Sim) -> Result<Option<ActivationCode>, ProviderError> {
    let Some(matching) = sim.matching_id() else {
        return Ok(None);
    };
    let smdp = sim
        .lpa_url
        .as_deref()
        .and_then(|lpa| lpa.trim().strip_prefix("LPA:1$"))
        .and_then(|rest| rest.split('$').next())
        .map(smdp_host)
        .filter(|host| !host.is_empty())
        .unwrap_or(assumed::DEFAULT_SMDP_ADDRESS);
    ActivationCode::new(smdp, matching)
        .map(Some)
        .map_err(|e| malformed(format!("SIM install code: {e}")))
}

fn package_state(status: Option<&str>) -> Option<PackageState> {
    match status?.trim() {
        "PENDING" => Some(PackageState::Pending),
        "ACTIVE" => Some(PackageState::Active),
        "DEPLETED" | "EXPIRED" => Some(PackageState::Expired),
        _ => None,
    }
}

/// `GET /v1/sim/{iccid}` and the SIM's subscriptions: the profile state, ACTIVE once a
/// subscription runs, and the install code again.
pub(crate) fn esim_status(
    sim: wire::Sim,
    subscriptions: &[wire::Subscription],
    asked: &Iccid,
) -> Result<EsimStatusReport, ProviderError> {
    if let Some(text) = non_blank(sim.iccid.as_deref()) {
        let iccid = Iccid::parse(text).map_err(|e| malformed(format!("SIM: {e}")))?;
        if iccid != *asked {
            return Err(malformed(format!("asked for SIM {asked}, got {iccid}")));
        }
    }
    let profile = non_blank(sim.profile()).unwrap_or_default();
    let mut state = match profile.to_ascii_lowercase().as_str() {
        "released" => EsimState::Provisioned,
        "downloaded" | "installed" => EsimState::Installed,
        "unavailable" => EsimState::Deactivated,
        _ => {
            return Err(malformed(format!(
                "SIM {asked} has an unknown profile status {profile:?}"
            )))
        }
    };
    let states: Vec<Option<PackageState>> = subscriptions
        .iter()
        .map(|s| package_state(s.status.as_deref()))
        .collect();
    if state != EsimState::Deactivated {
        if states.contains(&Some(PackageState::Active)) {
            state = EsimState::Active;
        } else if assumed::EXPIRED_WHEN_EVERY_PLAN_ENDED
            && !states.is_empty()
            && states.iter().all(|s| *s == Some(PackageState::Expired))
        {
            state = EsimState::Expired;
        }
    }
    Ok(EsimStatusReport {
        iccid: asked.clone(),
        state,
        activation: activation(&sim)?,
    })
}

/// One subscription on the eSIM `asked` as a package with its usage.
pub(crate) fn package(
    sub: wire::Subscription,
    asked: &Iccid,
) -> Result<PackageReport, ProviderError> {
    let id = non_blank(sub.id.as_deref())
        .ok_or_else(|| malformed("a subscription without an id".into()))?
        .to_owned();
    let fail = |why: String| malformed(format!("subscription {id}: {why}"));
    if let Some(text) = non_blank(sub.iccid.as_deref()) {
        if text != asked.as_str() {
            return Err(fail(format!("listed under SIM {asked} but names {text}")));
        }
    }
    let product = sub.product.ok_or_else(|| fail("no product".into()))?;
    let product_id = non_blank(product.id.as_deref())
        .ok_or_else(|| fail("a product without an id".into()))?
        .to_owned();
    let product_name = non_blank(product.name.as_deref())
        .unwrap_or(&product_id)
        .to_owned();
    let state = package_state(sub.status.as_deref())
        .ok_or_else(|| fail(format!("unknown status {:?}", sub.status)))?;
    let limit = sub
        .initial_balance
        .as_ref()
        .ok_or_else(|| fail("no initialBalance".into()))?
        .bytes()
        .ok_or_else(|| {
            fail(format!(
                "initialBalance {:?} is not a byte count",
                sub.initial_balance
            ))
        })?;
    let used = match &sub.spent_balance {
        None => 0,
        Some(count) => count
            .bytes()
            .ok_or_else(|| fail(format!("spentBalance {count:?} is not a byte count")))?,
    };
    let time = |field: &str, value: &Option<String>| -> Result<Option<i64>, ProviderError> {
        match non_blank(value.as_deref()) {
            None => Ok(None),
            Some(text) => unix_millis(text)
                .map(Some)
                .ok_or_else(|| fail(format!("{field} {text:?} is not an ISO-8601 time"))),
        }
    };
    let created_at = time("createdDate", &sub.created_date)?;
    let activation_date = time("activationDate", &sub.activation_date)?;
    let expires_at = time("expirationDate", &sub.expiration_date)?;
    Ok(PackageReport {
        provider_order_id: assumed::package_order_id(sub.order_id.as_deref(), &id),
        iccid: asked.clone(),
        product: ProductRef(product_id),
        product_name,
        state,
        usage: PackageUsage {
            limit_bytes: Some(limit),
            used_bytes: used,
        },
        created_at,
        // A PENDING subscription's activationDate is only when it may start.
        activated_at: activation_date.filter(|_| state != PackageState::Pending),
        expires_at,
        activate_by: None,
    })
}

/// A subscription found in the history for an order placed earlier: the order id Tern was
/// given for it and the eSIM it is on.
pub(crate) fn placed(
    sub: &wire::Subscription,
    kind: &OrderKind,
) -> Result<(String, Iccid), ProviderError> {
    let id = non_blank(sub.id.as_deref())
        .ok_or_else(|| malformed("a subscription without an id".into()))?;
    let iccid = Iccid::parse(sub.iccid.as_deref().unwrap_or_default())
        .map_err(|e| malformed(format!("subscription {id}: {e}")))?;
    if let OrderKind::TopUp { iccid: wanted } = kind {
        if *wanted != iccid {
            return Err(malformed(format!(
                "the earlier top-up {id} is on {iccid}, not {wanted}"
            )));
        }
    }
    Ok((
        assumed::package_order_id(sub.order_id.as_deref(), id),
        iccid,
    ))
}

/// The page number in an `X-Next-Page` URL; `None` when there is no next page.
pub(crate) fn next_page(header: Option<&str>) -> Result<Option<u32>, ProviderError> {
    let Some(url) = non_blank(header) else {
        return Ok(None);
    };
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == assumed::PAGE_PARAM)
        .and_then(|(_, value)| value.parse().ok())
        .map(Some)
        .ok_or_else(|| malformed(format!("X-Next-Page {url:?} names no page")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn doc_product() -> serde_json::Value {
        // The example of the provider notes §2.1.
        json!({
            "id": "a3m1v000000gIAK",
            "name": "PrePaid Data 3GB 30-Day",
            "description": "PrePaid Data 3GB 30-Day",
            "period": 30,
            "period_unit": "DAYS",
            "data": { "value": 3, "unit": "GB" },
            "footprint": ["AG", "AT", "VN"],
            "activeCountries": ["ALL"],
            "pricing": { "USD": 42.0 },
            "region": "TIER1"
        })
    }

    fn map(value: serde_json::Value) -> Result<Product, String> {
        product(serde_json::from_value(value).unwrap(), Currency::USD)
    }

    #[test]
    fn maps_the_documented_product() {
        let p = map(doc_product()).unwrap();
        assert_eq!(p.product.0, "a3m1v000000gIAK");
        assert_eq!(p.name, "PrePaid Data 3GB 30-Day");
        assert_eq!(p.data, DataAllowance::Limited { bytes: 3 << 30 });
        assert_eq!(p.data_convention, ByteConvention::Binary);
        assert_eq!(p.validity_days, 30);
        assert_eq!(p.wholesale, Money::new(4200, Currency::USD));
        let coverage: Vec<&str> = p.coverage.iter().map(|c| c.as_str()).collect();
        assert_eq!(coverage, ["AG", "AT", "VN"]);
        assert_eq!(p.topup_class.as_deref(), Some("truphone"));
    }

    #[test]
    fn megabytes_fractions_and_cents_are_exact() {
        let mut raw = doc_product();
        raw["data"] = json!({ "value": 500, "unit": "MB" });
        raw["pricing"] = json!({ "USD": 12.99, "EUR": 11.5 });
        let p = map(raw).unwrap();
        assert_eq!(p.data.bytes(), Some(500 << 20));
        assert_eq!(p.wholesale.minor, 1299);
        let mut half = doc_product();
        half["data"] = json!({ "value": 0.5, "unit": "gb" });
        assert_eq!(map(half).unwrap().data.bytes(), Some(1 << 29));
    }

    #[test]
    fn bad_products_are_rejected_with_a_reason() {
        let cases: [(&str, serde_json::Value); 7] = [
            ("id", json!(null)),
            ("period_unit", json!("MONTHS")),
            ("data", json!({ "value": 3, "unit": "TB" })),
            ("data", json!({ "value": 0, "unit": "GB" })),
            ("pricing", json!({ "EUR": 40 })),
            ("pricing", json!({ "USD": 0 })),
            ("footprint", json!([])),
        ];
        for (field, value) in cases {
            let mut raw = doc_product();
            raw[field] = value.clone();
            let reason = map(raw).expect_err(field);
            assert!(!reason.is_empty(), "{field} = {value}");
        }
        let mut bad_country = doc_product();
        bad_country["footprint"] = json!(["Portugal"]);
        assert!(map(bad_country).unwrap_err().contains("a3m1v000000gIAK"));
    }

    fn order(value: serde_json::Value) -> wire::Order {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn an_accepted_order_is_pending_under_its_external_id() {
        let accepted = order(json!({
            "id": "3a6acf89-1ccf-4611-9424-453930f57ef1",
            "externalId": "3a6acf89-1ccf-4611-9424-453930f57ef1",
            "status": "ACCEPTED"
        }));
        assert_eq!(
            order_outcome(accepted, None, &OrderKind::NewEsim).unwrap(),
            ProvisionOutcome::Pending {
                provider_order_id: "3a6acf89-1ccf-4611-9424-453930f57ef1".into(),
                poll_after: Duration::from_secs(2),
                status: "ACCEPTED".into(),
            }
        );
        // The seed's shape has only externalId.
        let seed = order(json!({ "externalId": "ext-1", "status": "FULFILLING" }));
        assert!(matches!(
            order_outcome(seed, Some("ext-1"), &OrderKind::NewEsim),
            Ok(ProvisionOutcome::Pending { status, .. }) if status == "FULFILLING"
        ));
    }

    #[test]
    fn a_completed_order_builds_its_own_lpa() {
        let done = order(json!({
            "id": "b27ec0e7-ad36-45ab-8e2f-c291441a2355",
            "externalId": "b27ec0e7-ad36-45ab-8e2f-c291441a2355",
            "status": "COMPLETED",
            "output": {
                "iccid": "8944478600000205337",
                "matchingId": "5C-M1OIY-QHWKD1",
                "smdpUrl": "rsp.truphone.com",
                "lpa_url": "LPA:1$rsp.truphone.com$%5C-M1OIY-QHWKD1",
                "subscription_id": "a-5gVXH2sjvICL7U5roet1hMC35UYSCCi4Mbiszdceo="
            }
        }));
        let ProvisionOutcome::Ready(esim) = order_outcome(
            done,
            Some("b27ec0e7-ad36-45ab-8e2f-c291441a2355"),
            &OrderKind::NewEsim,
        )
        .unwrap() else {
            panic!("not ready");
        };
        assert_eq!(
            esim.provider_order_id,
            "b27ec0e7-ad36-45ab-8e2f-c291441a2355"
        );
        assert_eq!(esim.iccid.as_str(), "8944478600000205337");
        assert_eq!(
            esim.activation.unwrap().lpa(),
            "LPA:1$rsp.truphone.com$5C-M1OIY-QHWKD1"
        );
    }

    #[test]
    fn the_seed_output_and_a_prefixed_smdp_work_too() {
        let seed = order(json!({
            "externalId": "3a6acf89",
            "status": "COMPLETED",
            "output": { "iccid": "89444786000002053370", "matchingId": "M-123DSA-AS",
                        "smdpUrl": "https://rsp.truphone.com/" }
        }));
        let ProvisionOutcome::Ready(esim) = order_outcome(seed, None, &OrderKind::NewEsim).unwrap()
        else {
            panic!("not ready");
        };
        assert_eq!(
            esim.activation.unwrap().lpa(),
            "LPA:1$rsp.truphone.com$M-123DSA-AS"
        );
    }

    #[test]
    fn a_completed_top_up_has_no_activation_and_must_be_on_the_asked_esim() {
        let iccid = Iccid::parse("8944478600000205337").unwrap();
        let topup = || {
            order(json!({
                "externalId": "t-1", "status": "COMPLETED",
                "output": { "iccid": "8944478600000205337", "subscription_id": "s-2" }
            }))
        };
        let kind = OrderKind::TopUp {
            iccid: iccid.clone(),
        };
        assert_eq!(
            order_outcome(topup(), Some("t-1"), &kind).unwrap(),
            ProvisionOutcome::Ready(ProvisionedEsim {
                provider_order_id: "t-1".into(),
                iccid,
                activation: None,
            })
        );
        let elsewhere = OrderKind::TopUp {
            iccid: Iccid::parse("8944478600000999999").unwrap(),
        };
        assert!(matches!(
            order_outcome(topup(), Some("t-1"), &elsewhere),
            Err(ProviderError::MalformedResponse { .. })
        ));
    }

    #[test]
    fn failed_and_odd_orders_are_errors() {
        let failed = order(json!({ "externalId": "f-1", "status": "FAILED" }));
        let error = order_outcome(failed, Some("f-1"), &OrderKind::NewEsim).unwrap_err();
        assert!(
            matches!(&error, ProviderError::Refused { code, .. } if code == "ORDER_FAILED"),
            "{error:?}"
        );
        assert!(!error.is_retryable(), "a failed order is final");
        for odd in [
            json!({ "externalId": "x", "status": "COMPLETED" }),
            json!({ "externalId": "x", "status": "PAUSED" }),
            json!({ "externalId": "other", "status": "ACCEPTED" }),
            json!({ "externalId": "x", "status": "COMPLETED",
                    "output": { "iccid": "8944478600000205337" } }),
        ] {
            let result = order_outcome(order(odd.clone()), Some("x"), &OrderKind::NewEsim);
            assert!(
                matches!(result, Err(ProviderError::MalformedResponse { .. })),
                "{odd}"
            );
        }
        let anonymous = order(json!({ "status": "ACCEPTED" }));
        assert!(order_outcome(anonymous, None, &OrderKind::NewEsim).is_err());
    }

    fn doc_sim() -> wire::Sim {
        // The example of the provider notes §2.6.
        serde_json::from_value(json!({
            "iccid": "8944474600000063847", "matching_id": "O-17QF0-MJVBIN",
            "matchingId": "O-17QF0-MJVBIN", "status": "Released", "profileStatus": "Released",
            "eid": "89001012012341234012345678901224", "last_modified": "2019-08-02T09:09:33Z",
            "lpa_url": "LPA:1$rsp.truphone.com$O-17QF0-MJVBIN"
        }))
        .unwrap()
    }

    fn doc_subscription() -> serde_json::Value {
        // The example of the provider notes §2.7.
        json!({
            "id": "Njc1NzY1NzY1ZDIK",
            "status": "ACTIVE",
            "initialBalance": "314572800",
            "spentBalance": "104857600",
            "activationDate": "2019-08-01T09:09:33Z",
            "expirationDate": "2019-08-31T09:09:33Z",
            "createdDate": "2019-08-01T09:05:00Z",
            "product": { "id": "MzA5MjE3ODMwOTEyCg==", "name": "Prepaid data 300MB", "period": 30,
                         "period_unit": "DAYS", "plan_id": "TruphoneinternalPlan_Id" },
            "iccid": "8944474600000063847",
            "device_id": "123456789",
            "auto_renew": "false"
        })
    }

    fn sub(value: serde_json::Value) -> wire::Subscription {
        serde_json::from_value(value).unwrap()
    }

    fn doc_iccid() -> Iccid {
        Iccid::parse("8944474600000063847").unwrap()
    }

    #[test]
    fn the_documented_sim_is_ready_to_install_again() {
        let report = esim_status(doc_sim(), &[], &doc_iccid()).unwrap();
        assert_eq!(report.state, EsimState::Provisioned);
        assert_eq!(
            report.activation.unwrap().lpa(),
            "LPA:1$rsp.truphone.com$O-17QF0-MJVBIN"
        );
    }

    #[test]
    fn sim_state_follows_the_profile_and_the_subscriptions() {
        let with_profile = |word: &str, lpa: Option<&str>| -> wire::Sim {
            serde_json::from_value(json!({
                "iccid": "8944474600000063847", "matchingId": "O-1", "profile_status": word,
                "lpa_url": lpa
            }))
            .unwrap()
        };
        let active = sub(doc_subscription());
        let mut ended = doc_subscription();
        ended["status"] = json!("DEPLETED");
        let ended = sub(ended);
        let state =
            |sim, subs: &[wire::Subscription]| esim_status(sim, subs, &doc_iccid()).unwrap().state;
        assert_eq!(
            state(with_profile("Downloaded", None), &[]),
            EsimState::Installed
        );
        assert_eq!(
            state(
                with_profile("Installed", None),
                std::slice::from_ref(&active)
            ),
            EsimState::Active
        );
        assert_eq!(
            state(
                with_profile("Installed", None),
                std::slice::from_ref(&ended)
            ),
            EsimState::Expired
        );
        assert_eq!(
            state(with_profile("Unavailable", None), &[active]),
            EsimState::Deactivated
        );
        // No lpa_url: the assumed SM-DP+ fills in.
        let report = esim_status(with_profile("Installed", None), &[], &doc_iccid()).unwrap();
        assert_eq!(report.activation.unwrap().smdp_address, "rsp.truphone.com");
        assert!(matches!(
            esim_status(with_profile("Melted", None), &[], &doc_iccid()),
            Err(ProviderError::MalformedResponse { .. })
        ));
        let other: wire::Sim =
            serde_json::from_value(json!({ "iccid": "8944474600000000000", "status": "Released" }))
                .unwrap();
        assert!(esim_status(other, &[], &doc_iccid()).is_err());
    }

    #[test]
    fn the_documented_subscription_is_a_package_with_binary_usage() {
        let report = package(sub(doc_subscription()), &doc_iccid()).unwrap();
        assert_eq!(
            report.provider_order_id, "Njc1NzY1NzY1ZDIK",
            "no order_id: its own id"
        );
        assert_eq!(report.product.0, "MzA5MjE3ODMwOTEyCg==");
        assert_eq!(report.product_name, "Prepaid data 300MB");
        assert_eq!(report.state, PackageState::Active);
        assert_eq!(
            report.usage,
            PackageUsage {
                limit_bytes: Some(300 << 20),
                used_bytes: 100 << 20
            }
        );
        assert_eq!(report.usage.remaining_bytes(), Some(200 << 20));
        assert_eq!(report.created_at, Some(1_564_650_300_000));
        assert_eq!(report.activated_at, Some(1_564_650_573_000));
        assert_eq!(report.expires_at, Some(1_567_242_573_000));
    }

    #[test]
    fn subscriptions_map_their_order_id_state_and_dates() {
        let mut raw = doc_subscription();
        raw["order_id"] = json!("ext-9");
        raw["status"] = json!("PENDING");
        raw["spentBalance"] = json!(0);
        let report = package(sub(raw), &doc_iccid()).unwrap();
        assert_eq!(report.provider_order_id, "ext-9");
        assert_eq!(report.state, PackageState::Pending);
        assert_eq!(report.activated_at, None, "not started yet");
        for status in ["DEPLETED", "EXPIRED"] {
            let mut raw = doc_subscription();
            raw["status"] = json!(status);
            assert_eq!(
                package(sub(raw), &doc_iccid()).unwrap().state,
                PackageState::Expired
            );
        }
        for (field, value) in [
            ("status", json!("PAUSED")),
            ("initialBalance", json!("lots")),
            ("initialBalance", json!(null)),
            ("createdDate", json!("yesterday")),
            ("iccid", json!("8944474600000000000")),
            ("product", json!(null)),
        ] {
            let mut raw = doc_subscription();
            raw[field] = value;
            assert!(
                matches!(
                    package(sub(raw), &doc_iccid()),
                    Err(ProviderError::MalformedResponse { .. })
                ),
                "{field}"
            );
        }
    }

    #[test]
    fn an_earlier_order_is_recognised_from_its_subscription() {
        let mut raw = doc_subscription();
        raw["order_id"] = json!("ext-1");
        let found = sub(raw);
        let (id, iccid) = placed(&found, &OrderKind::NewEsim).unwrap();
        assert_eq!((id.as_str(), iccid), ("ext-1", doc_iccid()));
        let elsewhere = OrderKind::TopUp {
            iccid: Iccid::parse("8944474600000000000").unwrap(),
        };
        assert!(placed(&found, &elsewhere).is_err());
    }

    #[test]
    fn next_pages_are_read_from_the_header() {
        assert_eq!(next_page(None).unwrap(), None);
        assert_eq!(
            next_page(Some(
                "https://services.truphone.com/esim/v1/subscription?email=a%40b.c&page=3&size=20"
            ))
            .unwrap(),
            Some(3)
        );
        assert!(next_page(Some("/v1/subscription?size=20")).is_err());
    }
}
