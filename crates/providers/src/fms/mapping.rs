//! FMS wire types into Tern's units (MCCs to ISO countries, MB to bytes, decimal prices to
//! integer money), rejecting anything that does not make sense.

use super::time::unix_millis;
use super::{assumed, wire};
use crate::{
    ByteConvention, EsimStatusReport, PackageReport, Product, ProductRef, ProviderError,
    ProvisionedEsim, Reservation,
};
use domain::{ActivationCode, CountryCode, Currency, DataAllowance, Iccid, Money, PackageUsage};
use serde_json::{Number, Value};
use std::collections::HashMap;

/// Tern's MCC → ISO country table; FMS names countries by MCC only.
pub type MccTable = HashMap<u16, CountryCode>;

fn malformed(message: String) -> ProviderError {
    ProviderError::MalformedResponse { message }
}

/// The MCCs `countryPackageList` lists, deduplicated in FMS's order; entries without a usable
/// `countryCode` are reported rather than fatal.
pub fn country_mccs(countries: Vec<wire::Country>) -> (Vec<u16>, Vec<String>) {
    let (mut mccs, mut problems) = (Vec::new(), Vec::new());
    for country in countries {
        let mcc = country
            .country_code
            .as_ref()
            .and_then(wire::id_text)
            .and_then(|text| text.parse::<u16>().ok());
        match mcc {
            Some(mcc) if !mccs.contains(&mcc) => mccs.push(mcc),
            Some(_) => {}
            None => problems.push(format!(
                "country {:?} has no usable countryCode ({:?})",
                country.iso_country_name, country.country_code
            )),
        }
    }
    (mccs, problems)
}

/// The package's `id` as Tern's product reference, if it has a usable one.
pub fn package_ref(raw: &wire::Package) -> Option<ProductRef> {
    raw.id.as_ref().and_then(wire::id_text).map(ProductRef)
}

/// Maps one catalogue entry; the error says which package and why, for the sync log.
pub fn product(raw: wire::Package, mccs: &MccTable) -> Result<Product, String> {
    let id = package_ref(&raw).ok_or("a package without an id")?;
    let fail = |why: String| format!("package {}: {why}", id.0);

    let mut coverage = Vec::new();
    let cover = raw.cover_countrys.clone().unwrap_or(Value::Null);
    for mcc in assumed::cover_mccs(&cover).map_err(fail)? {
        let country = mccs
            .get(&mcc)
            .ok_or_else(|| fail(format!("MCC {mcc} is not in Tern's country table")))?;
        if !coverage.contains(country) {
            coverage.push(*country);
        }
    }

    let flow = raw
        .package_flow
        .as_ref()
        .ok_or_else(|| fail("no packageFlow".into()))?;
    let bytes = megabytes(flow).map_err(|why| fail(format!("packageFlow {why}")))?;
    if bytes == 0 {
        return Err(fail("a zero packageFlow".into()));
    }

    Ok(Product {
        name: raw
            .package_show_name
            .clone()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| id.0.clone()),
        coverage,
        data: DataAllowance::Limited { bytes },
        data_convention: ByteConvention::Binary,
        validity_days: validity_days(&raw).map_err(fail)?,
        wholesale: usd_price(&raw.currency_infos).map_err(fail)?.0,
        topup_class: None,
        networks: Vec::new(),
        product: id,
    })
}

/// Validity in days from `period` and `periodUnit` (only `DAY` is documented).
fn validity_days(raw: &wire::Package) -> Result<u32, String> {
    match (
        raw.period.as_ref().and_then(Number::as_u64),
        raw.period_unit.as_deref().map(str::trim),
    ) {
        (Some(days @ 1..=3650), Some(unit)) if unit.eq_ignore_ascii_case("DAY") => Ok(days as u32),
        (period, unit) => Err(format!("unusable period {period:?} {unit:?}")),
    }
}

/// The USD entry of `currencyInfos`: its price (major units, exactly) and its `currencyId`.
fn usd_price(infos: &[wire::CurrencyInfo]) -> Result<(Money, Value), String> {
    let info = infos
        .iter()
        .find(|info| {
            info.currency_abbr
                .as_deref()
                .is_some_and(|abbr| abbr.trim().eq_ignore_ascii_case(assumed::CURRENCY))
        })
        .ok_or_else(|| format!("no {} price", assumed::CURRENCY))?;
    let price = info
        .price
        .as_ref()
        .ok_or("a currency entry without a price")?;
    let money = Money::from_major_str(&price.to_string(), Currency::USD)
        .map_err(|e| format!("price: {e}"))?;
    if money.minor <= 0 {
        return Err(format!("non-positive price {price}"));
    }
    let currency_id = info
        .currency_id
        .clone()
        .filter(|id| wire::id_text(id).is_some())
        .ok_or("a price without a currencyId")?;
    Ok((money, currency_id))
}

/// Megabytes (possibly fractional) in bytes of [`assumed::BYTES_PER_MB`], exactly to the
/// micro-megabyte: floats never touch the amount.
fn megabytes(amount: &Number) -> Result<u64, String> {
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
        return Err(format!("{text} is not a usable amount"));
    }
    let micro: u128 = format!("{whole}{:0<6}", &fraction[..fraction.len().min(6)])
        .parse()
        .map_err(|_| format!("{text} is too large"))?;
    let bytes = (micro * u128::from(assumed::BYTES_PER_MB) + 500_000) / 1_000_000;
    u64::try_from(bytes).map_err(|_| format!("{text} is too large"))
}

/// What a pre-order needs from `detail` (notes §2.3's field sources).
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// The package `id`, echoed exactly as FMS sent it.
    pub id: Value,
    pub package_code: String,
    pub currency_id: Value,
    /// The USD price of one period: the pre-order's `money`.
    pub price: Money,
    pub period: u32,
}

pub fn offer(raw: wire::Package) -> Result<Offer, ProviderError> {
    let id = raw
        .id
        .clone()
        .filter(|id| wire::id_text(id).is_some())
        .ok_or_else(|| malformed("a package without an id".into()))?;
    let fail = |why: String| malformed(format!("package {id}: {why}"));
    let package_code = raw
        .package_code
        .clone()
        .filter(|code| !code.trim().is_empty())
        .ok_or_else(|| fail("no packageCode".into()))?;
    let (price, currency_id) = usd_price(&raw.currency_infos).map_err(fail)?;
    let period = validity_days(&raw).map_err(fail)?;
    Ok(Offer {
        id,
        package_code,
        currency_id,
        price: Money::new(
            price.minor * i64::from(assumed::PERIOD_MULTIPLE),
            price.currency,
        ),
        period,
    })
}

/// Money as the JSON number FMS expects (major units), built from its decimal string.
pub fn money_number(money: Money) -> Result<Number, ProviderError> {
    money
        .major_string()
        .parse::<Number>()
        .map_err(|e| ProviderError::Validation {
            message: format!("cannot send {money} to FMS: {e}"),
        })
}

/// `preOrderPackage`'s answer: the order id the payment must reference, its deadline (the
/// documented 60-minute window when FMS names none) and the money FMS recorded, if it says.
pub fn reservation(
    raw: wire::PreOrder,
    now_ms: i64,
) -> Result<(Reservation, Option<Money>), ProviderError> {
    let id = raw
        .id
        .as_ref()
        .and_then(wire::id_text)
        .ok_or_else(|| malformed("a pre-order without an id".into()))?;
    let pay_by = match raw.expire_time.as_deref().map(str::trim) {
        None | Some("") => now_ms + assumed::PAYMENT_WINDOW_MS,
        Some(text) => unix_millis(text).ok_or_else(|| {
            malformed(format!("pre-order {id}: expireTime {text:?} is not a time"))
        })?,
    };
    let money = match raw.money {
        None => None,
        Some(number) => Some(
            Money::from_major_str(&number.to_string(), Currency::USD)
                .map_err(|e| malformed(format!("pre-order {id}: money {e}")))?,
        ),
    };
    Ok((
        Reservation {
            provider_order_id: id,
            pay_by: Some(pay_by),
        },
        money,
    ))
}

/// `orderPayStatus` (notes §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayStatus {
    /// 0: waiting for the payment result.
    Waiting,
    /// 1: paid; the profile is assigned.
    Paid,
    /// 2: payment failed; the profile is released.
    Failed,
    /// 3: cancelled, also after the payment window.
    Cancelled,
}

pub fn pay_status(raw: wire::OrderStatus, asked: &str) -> Result<PayStatus, ProviderError> {
    if let Some(id) = raw.order_id.as_ref().and_then(wire::id_text) {
        if id != asked {
            return Err(malformed(format!(
                "asked for the status of order {asked}, got {id}"
            )));
        }
    }
    match raw.order_pay_status {
        Some(0) => Ok(PayStatus::Waiting),
        Some(1) => Ok(PayStatus::Paid),
        Some(2) => Ok(PayStatus::Failed),
        Some(3) => Ok(PayStatus::Cancelled),
        other => Err(malformed(format!(
            "order {asked} has orderPayStatus {other:?}"
        ))),
    }
}

/// The install code: `smdpAddress` + `activationCode` when both are there (an
/// `activationCode` that is a whole LPA string is accepted too), else the LPA in `qrCode`.
fn activation(raw: &wire::EsimDetail) -> Result<Option<ActivationCode>, String> {
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let code = match (text(&raw.smdp_address), text(&raw.activation_code)) {
        (_, Some(code)) if code.starts_with("LPA:") => ActivationCode::parse_lpa(&code),
        (Some(smdp), Some(code)) => ActivationCode::new(&smdp, &code),
        _ => match text(&raw.qr_code) {
            Some(qr) => ActivationCode::parse_lpa(&qr),
            None => return Ok(None),
        },
    };
    code.map(Some).map_err(|e| e.to_string())
}

/// The eSIM's ICCID; the error names what is wrong.
fn iccid(raw: &wire::EsimDetail) -> Result<Iccid, String> {
    let text = raw.iccid.as_deref().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err("no iccid".into());
    }
    Iccid::parse(text).map_err(|e| e.to_string())
}

/// The order a detail describes, checked against the one asked about.
fn order_id(raw: &wire::EsimDetail, asked: Option<&str>) -> Result<String, ProviderError> {
    match (raw.order_id.as_ref().and_then(wire::id_text), asked) {
        (Some(id), Some(asked)) if id != asked => {
            Err(malformed(format!("asked for order {asked}, got {id}")))
        }
        (Some(id), _) => Ok(id),
        (None, Some(asked)) => Ok(asked.to_owned()),
        (None, None) => Err(malformed("an eSIM detail without an orderId".into())),
    }
}

/// A paid order's eSIM (after `orderPayStatus` 1): its ICCID and install code.
pub fn provisioned(
    raw: wire::EsimDetail,
    asked_order: &str,
) -> Result<ProvisionedEsim, ProviderError> {
    let provider_order_id = order_id(&raw, Some(asked_order))?;
    let fail = |why: String| malformed(format!("order {provider_order_id}: {why}"));
    let iccid = iccid(&raw).map_err(fail)?;
    let activation = activation(&raw)
        .map_err(fail)?
        .ok_or_else(|| fail("no activation code".into()))?;
    Ok(ProvisionedEsim {
        provider_order_id,
        iccid,
        activation: Some(activation),
    })
}

/// What a `myEsimDetail` call asked about.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    Order(&'a str),
    Esim(&'a Iccid),
}

/// The package an order bought, with its usage (notes §2.6, §2.7).
pub fn package(raw: wire::EsimDetail, asked: Lookup<'_>) -> Result<PackageReport, ProviderError> {
    let provider_order_id = order_id(
        &raw,
        match asked {
            Lookup::Order(id) => Some(id),
            Lookup::Esim(_) => None,
        },
    )?;
    let fail = |why: String| malformed(format!("order {provider_order_id}: {why}"));
    let iccid = iccid(&raw).map_err(fail)?;
    if let Lookup::Esim(wanted) = asked {
        if *wanted != iccid {
            return Err(fail(format!("asked about eSIM {wanted}, got {iccid}")));
        }
    }
    let product = raw
        .rest
        .get(assumed::ESIM_DETAIL_PACKAGE_FIELD)
        .and_then(wire::id_text)
        .map(ProductRef)
        .ok_or_else(|| fail(format!("no {}", assumed::ESIM_DETAIL_PACKAGE_FIELD)))?;
    let product_name = [&raw.package_show_name, &raw.package_code]
        .into_iter()
        .flatten()
        .find(|name| !name.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| product.0.clone());
    let state = raw
        .status
        .and_then(assumed::package_state)
        .ok_or_else(|| fail(format!("unknown status {:?}", raw.status)))?;
    let usage = usage(&raw).map_err(fail)?;
    let time = |field: &str, value: &Option<String>| -> Result<Option<i64>, ProviderError> {
        match value.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => unix_millis(text)
                .map(Some)
                .ok_or_else(|| fail(format!("{field} {text:?} is not a time"))),
        }
    };
    let created_at = time("createTime", &raw.create_time)?;
    // A package that never started has no real activation, whatever the field says.
    let activated_at =
        time("activeTime", &raw.active_time)?.filter(|_| state != domain::PackageState::Pending);
    let expires_at = time("expireTime", &raw.expire_time)?;
    Ok(PackageReport {
        provider_order_id,
        iccid,
        product,
        product_name,
        state,
        usage,
        created_at,
        activated_at,
        expires_at,
        activate_by: None,
    })
}

/// `usedFlow` against `packageFlow` (or `usedFlow + surplusFlow` when that is missing), in bytes.
fn usage(raw: &wire::EsimDetail) -> Result<PackageUsage, String> {
    let mb = |field: &str, value: &Option<Number>| -> Result<Option<u64>, String> {
        value
            .as_ref()
            .map(|number| megabytes(number).map_err(|why| format!("{field} {why}")))
            .transpose()
    };
    let used = mb("usedFlow", &raw.used_flow)?.ok_or("no usedFlow")?;
    let limit = match mb("packageFlow", &raw.package_flow)? {
        Some(limit) => limit,
        None => {
            let left = mb("surplusFlow", &raw.surplus_flow)?
                .ok_or("neither packageFlow nor surplusFlow")?;
            used + left
        }
    };
    Ok(PackageUsage {
        limit_bytes: Some(limit),
        used_bytes: used,
    })
}

/// The eSIM's state (from its latest package) and its install code again.
pub fn esim_status(
    raw: wire::EsimDetail,
    asked: &Iccid,
) -> Result<EsimStatusReport, ProviderError> {
    let fail = |why: String| malformed(format!("eSIM {asked}: {why}"));
    let iccid = iccid(&raw).map_err(fail)?;
    if iccid != *asked {
        return Err(fail(format!("the detail names eSIM {iccid}")));
    }
    let state = raw
        .status
        .and_then(assumed::esim_state)
        .ok_or_else(|| fail(format!("unknown status {:?}", raw.status)))?;
    Ok(EsimStatusReport {
        activation: activation(&raw).map_err(fail)?,
        iccid,
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::data::{GIB, MIB};
    use domain::{EsimState, PackageState};
    use serde_json::json;

    fn table() -> MccTable {
        [
            (440, "JP"),
            (450, "KR"),
            (460, "CN"),
            (310, "US"),
            (311, "US"),
        ]
        .into_iter()
        .map(|(mcc, iso)| (mcc, CountryCode::parse(iso).unwrap()))
        .collect()
    }

    /// The `detail` example from the provider notes §2.2.
    fn documented_detail() -> Value {
        json!({
            "id": 3011, "packageId": "PKG-JP-7D-3G", "packageCode": "JP_3GB_7D",
            "packageShowName": "Japan 3GB / 7 days", "packageShortDesc": "Asia",
            "packageDesc": "Japan, 4G/5G, hotspot allowed", "logo": "https://x/jp.png",
            "coverCountrys": 440, "packageType": 2, "buyType": 2, "priceType": 2,
            "packageFlow": 3072, "surplusFlow": "3072", "period": 7, "periodUnit": "DAY",
            "minOrderPeriod": 1, "maxOrderPeriod": 1, "currencyIds": "1",
            "currencyInfos": [{ "currencyId": 1, "currencyAbbr": "USD", "currencyName": "US Dollar",
                "currencySymbol": "$", "digitsNum": "2", "price": 9.9, "unit": "USD" }],
            "configFlag": "0", "saleCount": "120", "updateTime": "2022-04-14 10:00:00"
        })
    }

    fn package_from(value: Value) -> wire::Package {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn maps_the_documented_package() {
        let product = product(package_from(documented_detail()), &table()).unwrap();
        assert_eq!(product.product, ProductRef("3011".into()));
        assert_eq!(product.name, "Japan 3GB / 7 days");
        assert_eq!(product.coverage, vec![CountryCode::parse("JP").unwrap()]);
        assert_eq!(product.data, DataAllowance::Limited { bytes: 3 * GIB });
        assert_eq!(product.data_convention, ByteConvention::Binary);
        assert_eq!(product.validity_days, 7);
        assert_eq!(product.wholesale, Money::new(990, Currency::USD));
    }

    #[test]
    fn multi_country_packages_list_their_mccs() {
        let mut raw = documented_detail();
        raw["coverCountrys"] = "440, 450,460,310,311".into();
        let product = product(package_from(raw), &table()).unwrap();
        let codes: Vec<&str> = product.coverage.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            ["JP", "KR", "CN", "US"],
            "two US MCCs give one country"
        );

        let mut string_single = documented_detail();
        string_single["coverCountrys"] = "440".into();
        assert!(super::product(package_from(string_single), &table()).is_ok());
    }

    #[test]
    fn odd_packages_are_rejected_with_a_reason() {
        type Breakage = fn(&mut Value);
        let cases: [(Breakage, &str); 12] = [
            (|p| p["coverCountrys"] = 208.into(), "MCC 208"),
            (|p| p["coverCountrys"] = "440,abc".into(), "not an MCC"),
            (|p| p["coverCountrys"] = Value::Null, "coverCountrys"),
            (|p| p["packageFlow"] = 0.into(), "zero packageFlow"),
            (|p| p["packageFlow"] = json!(-5), "packageFlow"),
            (|p| p["periodUnit"] = "MONTH".into(), "period"),
            (|p| p["period"] = 0.into(), "period"),
            (
                |p| p["currencyInfos"][0]["currencyAbbr"] = "EUR".into(),
                "no USD price",
            ),
            (|p| p["currencyInfos"][0]["price"] = json!(9.999), "price"),
            (
                |p| p["currencyInfos"][0]["price"] = 0.into(),
                "non-positive",
            ),
            (|p| p["currencyInfos"] = json!([]), "no USD price"),
            (|p| p["id"] = Value::Null, "without an id"),
        ];
        for (break_it, why) in cases {
            let mut raw = documented_detail();
            break_it(&mut raw);
            let reason = product(package_from(raw), &table()).unwrap_err();
            assert!(reason.contains(why), "{reason:?} should mention {why}");
        }
    }

    #[test]
    fn fractional_megabytes_are_exact() {
        let number = |text: &str| text.parse::<Number>().unwrap();
        assert_eq!(megabytes(&number("512")), Ok(512 * MIB));
        assert_eq!(megabytes(&number("0.5")), Ok(MIB / 2));
        assert_eq!(megabytes(&number("1.25")), Ok(MIB + MIB / 4));
        assert!(megabytes(&number("-1")).is_err());
    }

    #[test]
    fn the_offer_carries_what_a_pre_order_needs() {
        let offer = offer(package_from(documented_detail())).unwrap();
        assert_eq!(offer.id, json!(3011));
        assert_eq!(offer.package_code, "JP_3GB_7D");
        assert_eq!(offer.currency_id, json!(1));
        assert_eq!(offer.price, Money::new(990, Currency::USD));
        assert_eq!(offer.period, 7);
        assert_eq!(money_number(offer.price).unwrap().to_string(), "9.9");
        assert_eq!(
            money_number(Money::new(1200, Currency::USD))
                .unwrap()
                .to_string(),
            "12.0"
        );

        let mut no_code = documented_detail();
        no_code["packageCode"] = Value::Null;
        assert!(matches!(
            super::offer(package_from(no_code)),
            Err(ProviderError::MalformedResponse { .. })
        ));
    }

    #[test]
    fn the_documented_pre_order_becomes_a_reservation() {
        let raw = json!({ "id": "1516172930125713408", "orderNo": "FMS20220414100501123",
            "money": 9.9, "currency": "USD", "packageCode": "JP_3GB_7D", "orderPayStatus": 0,
            "createTime": "2022-04-14 10:05:01", "expireTime": "2022-04-14 11:05:01" });
        let (reservation, money) =
            reservation(serde_json::from_value(raw.clone()).unwrap(), 0).unwrap();
        assert_eq!(reservation.provider_order_id, "1516172930125713408");
        assert_eq!(reservation.pay_by, Some(1_649_934_301_000));
        assert_eq!(money, Some(Money::new(990, Currency::USD)));

        // A numeric id and no deadline: the documented 60 minutes from now.
        let bare = json!({ "id": 1516172930125713408u64 });
        let (reservation, money) =
            super::reservation(serde_json::from_value(bare).unwrap(), 1_000).unwrap();
        assert_eq!(reservation.provider_order_id, "1516172930125713408");
        assert_eq!(reservation.pay_by, Some(1_000 + 3_600_000));
        assert_eq!(money, None);

        for broken in [
            json!({}),
            json!({ "id": "" }),
            json!({ "id": "1", "expireTime": "soon" }),
        ] {
            assert!(super::reservation(serde_json::from_value(broken).unwrap(), 0).is_err());
        }
    }

    #[test]
    fn every_pay_status_is_typed() {
        let status = |value: Value| pay_status(serde_json::from_value(value).unwrap(), "42");
        assert_eq!(
            status(json!({ "orderId": "42", "orderPayStatus": 0 })),
            Ok(PayStatus::Waiting)
        );
        assert_eq!(
            status(json!({ "orderId": "42", "orderPayStatus": 1,
                "qrCode": "LPA:1$smdp.io.linksfield.net$C7A0-19F2-ABCD-1234" })),
            Ok(PayStatus::Paid)
        );
        assert_eq!(
            status(json!({ "orderPayStatus": 2 })),
            Ok(PayStatus::Failed)
        );
        assert_eq!(
            status(json!({ "orderId": 42, "orderPayStatus": 3 })),
            Ok(PayStatus::Cancelled)
        );
        assert!(status(json!({ "orderId": "42", "orderPayStatus": 4 })).is_err());
        assert!(status(json!({ "orderId": "42" })).is_err());
        assert!(status(json!({ "orderId": "43", "orderPayStatus": 1 })).is_err());
    }

    /// The `myEsimDetail` example from the provider notes §2.6, plus the ASSUMED package id.
    fn documented_esim_detail() -> Value {
        json!({ "orderId": "1516172930125713408", "iccid": "8985200000000000001",
            "qrCode": "LPA:1$smdp.io.linksfield.net$C7A0-19F2-ABCD-1234",
            "smdpAddress": "smdp.io.linksfield.net", "activationCode": "C7A0-19F2-ABCD-1234",
            "packageId": 3011, "packageCode": "JP_3GB_7D", "packageShowName": "Japan 3GB / 7 days",
            "packageFlow": 3072, "usedFlow": 512, "surplusFlow": 2560,
            "status": 1, "activeTime": "2022-04-15 08:00:00", "expireTime": "2022-04-22 08:00:00" })
    }

    fn detail_from(value: Value) -> wire::EsimDetail {
        serde_json::from_value(value).unwrap()
    }

    const APR_15_0800: i64 = 1_650_009_600_000;

    #[test]
    fn a_paid_order_yields_its_esim() {
        let esim =
            provisioned(detail_from(documented_esim_detail()), "1516172930125713408").unwrap();
        assert_eq!(esim.iccid.as_str(), "8985200000000000001");
        assert_eq!(
            esim.activation.unwrap().lpa(),
            "LPA:1$smdp.io.linksfield.net$C7A0-19F2-ABCD-1234"
        );

        // Only the LPA string: split it.
        let mut qr_only = documented_esim_detail();
        qr_only["smdpAddress"] = Value::Null;
        qr_only["activationCode"] = Value::Null;
        let esim = provisioned(detail_from(qr_only), "1516172930125713408").unwrap();
        assert_eq!(esim.activation.unwrap().matching_id, "C7A0-19F2-ABCD-1234");

        // Parts only, with an image URL as the QR.
        let mut parts = documented_esim_detail();
        parts["qrCode"] = "https://fms.example/qr/1.png".into();
        assert!(provisioned(detail_from(parts), "1516172930125713408").is_ok());

        let mut nothing = documented_esim_detail();
        for field in ["qrCode", "smdpAddress", "activationCode"] {
            nothing[field] = Value::Null;
        }
        assert!(provisioned(detail_from(nothing), "1516172930125713408").is_err());
        assert!(provisioned(detail_from(documented_esim_detail()), "99").is_err());
        let mut bad_iccid = documented_esim_detail();
        bad_iccid["iccid"] = "123".into();
        assert!(provisioned(detail_from(bad_iccid), "1516172930125713408").is_err());
    }

    #[test]
    fn the_documented_detail_is_a_package_with_usage() {
        let report = package(
            detail_from(documented_esim_detail()),
            Lookup::Order("1516172930125713408"),
        )
        .unwrap();
        assert_eq!(
            report,
            PackageReport {
                provider_order_id: "1516172930125713408".into(),
                iccid: Iccid::parse("8985200000000000001").unwrap(),
                product: ProductRef("3011".into()),
                product_name: "Japan 3GB / 7 days".into(),
                state: PackageState::Active,
                usage: PackageUsage {
                    limit_bytes: Some(3 * GIB),
                    used_bytes: 512 * MIB,
                },
                created_at: None,
                activated_at: Some(APR_15_0800),
                expires_at: Some(APR_15_0800 + 7 * 86_400_000),
                activate_by: None,
            }
        );
        assert_eq!(report.usage.used_percent(), Some(16));
    }

    #[test]
    fn package_states_and_odd_details() {
        let mut fresh = documented_esim_detail();
        fresh["status"] = 0.into();
        let report = package(detail_from(fresh), Lookup::Order("1516172930125713408")).unwrap();
        assert_eq!(report.state, PackageState::Pending);
        assert_eq!(report.activated_at, None);

        let mut ended = documented_esim_detail();
        ended["status"] = 2.into();
        ended["packageFlow"] = Value::Null;
        let report = package(detail_from(ended), Lookup::Order("1516172930125713408")).unwrap();
        assert_eq!(report.state, PackageState::Expired);
        assert_eq!(report.usage.limit_bytes, Some(3 * GIB), "used + surplus");

        type Breakage = fn(&mut Value);
        let cases: [(Breakage, &str); 6] = [
            (|d| d["status"] = 9.into(), "status"),
            (|d| d["packageId"] = Value::Null, "packageId"),
            (|d| d["usedFlow"] = Value::Null, "usedFlow"),
            (
                |d| d["expireTime"] = "2022-04-22T08:00:00Z".into(),
                "expireTime",
            ),
            (|d| d["iccid"] = Value::Null, "no iccid"),
            (|d| d["orderId"] = "7".into(), "asked for order"),
        ];
        for (break_it, why) in cases {
            let mut raw = documented_esim_detail();
            break_it(&mut raw);
            match package(detail_from(raw), Lookup::Order("1516172930125713408")) {
                Err(ProviderError::MalformedResponse { message }) => {
                    assert!(message.contains(why), "{message:?} should mention {why}")
                }
                other => panic!("expected malformed ({why}), got {other:?}"),
            }
        }
    }

    #[test]
    fn an_esim_lookup_must_describe_that_esim() {
        let asked = Iccid::parse("8985200000000000001").unwrap();
        let other = Iccid::parse("8985200000000000002").unwrap();
        let report = package(detail_from(documented_esim_detail()), Lookup::Esim(&asked)).unwrap();
        assert_eq!(report.provider_order_id, "1516172930125713408");
        assert!(package(detail_from(documented_esim_detail()), Lookup::Esim(&other)).is_err());
        let mut anonymous = documented_esim_detail();
        anonymous["orderId"] = Value::Null;
        assert!(package(detail_from(anonymous), Lookup::Esim(&asked)).is_err());

        let status = esim_status(detail_from(documented_esim_detail()), &asked).unwrap();
        assert_eq!(status.state, EsimState::Active);
        assert!(status.activation.is_some());
        let mut fresh = documented_esim_detail();
        fresh["status"] = 0.into();
        fresh["qrCode"] = Value::Null;
        fresh["smdpAddress"] = Value::Null;
        fresh["activationCode"] = Value::Null;
        let status = esim_status(detail_from(fresh), &asked).unwrap();
        assert_eq!(
            (status.state, status.activation),
            (EsimState::Provisioned, None)
        );
        assert!(esim_status(detail_from(documented_esim_detail()), &other).is_err());
    }

    #[test]
    fn countries_give_their_mccs_once() {
        let raw: Vec<wire::Country> = serde_json::from_value(json!([
            { "countryCode": 440, "isoCountryName": "Japan", "iso2": "JP", "logo": "x" },
            { "countryCode": "450", "isoCountryName": "Korea" },
            { "countryCode": 440, "isoCountryName": "Japan" },
            { "countryCode": null, "isoCountryName": "Nowhere" },
            { "countryCode": "abc", "isoCountryName": "Letters" }
        ]))
        .unwrap();
        let (mccs, problems) = country_mccs(raw);
        assert_eq!(mccs, [440, 450]);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
