//! eSIMfx wire types into Tern's units, rejecting anything that does not make sense.

use super::wire;
use crate::{
    NetworkInfo, OrderKind, PageCursor, Product, ProductRef, ProviderError, ProvisionedEsim,
};
use domain::data::{GIB, MIB};
use domain::{ActivationCode, CountryCode, Currency, DataAllowance, Iccid, Money};

/// Maps one catalogue entry; the error says which product and why, for the sync log.
pub fn product(raw: wire::Product) -> Result<Product, String> {
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
    if coverage.is_empty() {
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
}
