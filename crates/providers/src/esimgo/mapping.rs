//! eSIM Go wire types into Tern's units (decimal bytes, integer money, ISO countries),
//! rejecting anything that does not make sense.

use domain::{
    ActivationCode, CountryCode, Currency, DataAllowance, EsimState, Iccid, Money, PackageState,
    PackageUsage,
};
use serde_json::{Number, Value};

use super::assignments::Installable;
use super::{assumed, wire};
use crate::time;
use crate::{
    ByteConvention, NetworkInfo, PackageReport, PageCursor, Product, ProductRef, ProviderError,
};

fn malformed(message: String) -> ProviderError {
    ProviderError::MalformedResponse { message }
}

/// A decimal amount in major units, exactly (`1.36` → 136 cents).
pub(crate) fn money(amount: &Number, currency: &str) -> Result<Money, String> {
    let currency = Currency::parse(currency).map_err(|e| e.to_string())?;
    Money::from_major_str(&amount.to_string(), currency).map_err(|e| e.to_string())
}

/// One catalogue bundle; the error names the bundle and says why, for the sync log.
pub(crate) fn product(raw: Value, currency: &str) -> Result<Product, String> {
    let hint = raw
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("a bundle")
        .to_owned();
    let bundle: wire::Bundle =
        serde_json::from_value(raw).map_err(|e| format!("{hint}: unreadable ({e})"))?;
    let name = bundle
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or("a bundle without a name")?
        .to_owned();
    let fail = |why: String| format!("bundle {name}: {why}");

    let validity_days = bundle
        .duration
        .as_ref()
        .and_then(Number::as_u64)
        .filter(|d| (1..=3650).contains(d))
        .ok_or_else(|| fail(format!("unusable duration {:?}", bundle.duration)))?
        as u32;

    let data = if bundle.unlimited {
        DataAllowance::Unlimited
    } else {
        let amount = bundle
            .data_amount
            .as_ref()
            .ok_or_else(|| fail("no dataAmount".into()))?;
        DataAllowance::Limited {
            bytes: megabytes_to_bytes(amount).map_err(&fail)?,
        }
    };

    let price = bundle
        .price
        .as_ref()
        .ok_or_else(|| fail("no price".into()))?;
    let currency = bundle.currency.as_deref().unwrap_or(currency);
    let wholesale = money(price, currency).map_err(&fail)?;
    if wholesale.minor <= 0 {
        return Err(fail(format!("non-positive price {price}")));
    }

    let mut coverage = Vec::with_capacity(bundle.countries.len());
    for country in &bundle.countries {
        let iso = country.iso.as_deref().unwrap_or_default();
        let code = CountryCode::parse(iso).map_err(|e| fail(e.to_string()))?;
        if !coverage.contains(&code) {
            coverage.push(code);
        }
    }
    if coverage.is_empty() {
        return Err(fail("no countries".into()));
    }
    let regions: Vec<&str> = bundle
        .countries
        .iter()
        .filter_map(|c| c.region.as_deref())
        .collect();
    let topup_class = if regions.len() == bundle.countries.len() {
        assumed::topup_class(&name, &regions)
    } else {
        None
    };

    let fastest = bundle
        .speed
        .unwrap_or_default()
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .max_by_key(|s| generation(s));
    let networks = fastest
        .map(|speed| NetworkInfo {
            mccmnc: None,
            name: assumed::PLACEHOLDER_NETWORK.to_owned(),
            speed: Some(speed),
        })
        .into_iter()
        .collect();

    Ok(Product {
        name: bundle
            .description
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| name.clone()),
        product: ProductRef(name),
        coverage,
        data,
        data_convention: ByteConvention::Decimal,
        validity_days,
        wholesale,
        topup_class,
        networks,
    })
}

/// Orders "3G" < "4G" < "LTE" < "5G" for picking the fastest.
fn generation(speed: &str) -> u32 {
    let upper = speed.trim().to_ascii_uppercase();
    if upper == "LTE" {
        return 45;
    }
    upper
        .trim_end_matches('G')
        .parse::<u32>()
        .map_or(0, |g| g * 10)
}

/// `dataAmount` in decimal megabytes ("1000" is 1 GB), possibly fractional, exactly.
fn megabytes_to_bytes(amount: &Number) -> Result<u64, String> {
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 6
        || whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("unusable dataAmount {text}"));
    }
    let bytes: u64 = format!("{whole}{fraction:0<6}")
        .parse()
        .map_err(|_| format!("dataAmount {text} is too large"))?;
    if bytes == 0 {
        return Err("a zero dataAmount on a limited bundle".into());
    }
    Ok(bytes)
}

/// The cursor after catalogue page `page`: from `pageCount` when the answer has it, else
/// another page only when this one came back full.
pub(crate) fn next_page(
    page: u32,
    page_count: Option<u64>,
    items: usize,
    per_page: u32,
) -> Option<PageCursor> {
    let more = match page_count {
        Some(count) => u64::from(page) < count && items > 0,
        None => items >= per_page as usize && items > 0,
    };
    more.then(|| PageCursor::Number(page + 1))
}

/// A byte count: a non-negative whole number (a fraction is rounded).
fn bytes(amount: &Number) -> Option<u64> {
    amount.as_u64().or_else(|| {
        amount
            .as_f64()
            .filter(|v| v.is_finite() && *v >= 0.0 && *v < u64::MAX as f64)
            .map(|v| v.round() as u64)
    })
}

fn optional_time(field: &str, value: Option<&str>) -> Result<Option<i64>, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => time::unix_millis(text)
            .map(Some)
            .ok_or_else(|| format!("{field} {text:?} is not an RFC 3339 time")),
    }
}

/// One assignment of `bundle` on `iccid` as a package; `provider_order_id` is the
/// `assignmentReference`, which is the reference of the order that bought it.
pub(crate) fn package(
    raw: &wire::Assignment,
    bundle: &wire::EsimBundle,
    iccid: &Iccid,
) -> Result<PackageReport, ProviderError> {
    let reference = raw
        .assignment_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| malformed(format!("an assignment on eSIM {iccid} has no reference")))?
        .to_owned();
    let fail = |why: String| malformed(format!("assignment {reference} on eSIM {iccid}: {why}"));
    let name = bundle
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| fail("its bundle has no name".into()))?
        .to_owned();
    let state = raw
        .bundle_state
        .as_deref()
        .and_then(assumed::package_state)
        .ok_or_else(|| fail(format!("unknown bundleState {:?}", raw.bundle_state)))?;

    let initial = raw.initial_quantity.as_ref().map(bytes);
    let remaining = raw.remaining_quantity.as_ref().map(bytes);
    let usage = match (raw.unlimited, initial, remaining) {
        (_, Some(None), _) | (_, _, Some(None)) => {
            return Err(fail(
                "initialQuantity or remainingQuantity is not a byte count".into(),
            ))
        }
        (true, initial, remaining) => PackageUsage {
            limit_bytes: None,
            used_bytes: initial
                .flatten()
                .zip(remaining.flatten())
                .map_or(0, |(i, r)| i.saturating_sub(r)),
        },
        (false, Some(Some(initial)), Some(Some(remaining))) => {
            if remaining > initial {
                return Err(fail(format!(
                    "remainingQuantity {remaining} exceeds initialQuantity {initial}"
                )));
            }
            PackageUsage {
                limit_bytes: Some(initial),
                used_bytes: initial - remaining,
            }
        }
        (false, _, _) => return Err(fail("no initialQuantity or remainingQuantity".into())),
    };

    let created_at =
        optional_time("assignmentDateTime", raw.assignment_date_time.as_deref()).map_err(&fail)?;
    let started =
        optional_time(assumed::ASSIGNMENT_START_FIELD, raw.start_time.as_deref()).map_err(&fail)?;
    let expires_at =
        optional_time(assumed::ASSIGNMENT_END_FIELD, raw.end_time.as_deref()).map_err(&fail)?;
    Ok(PackageReport {
        provider_order_id: reference,
        iccid: iccid.clone(),
        product: ProductRef(name.clone()),
        product_name: bundle
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(name),
        state,
        usage,
        created_at,
        activated_at: started.filter(|_| state != PackageState::Pending),
        expires_at,
        activate_by: None,
    })
}

/// Every assignment on the eSIM, oldest first.
pub(crate) fn packages(
    raw: &wire::EsimBundles,
    iccid: &Iccid,
) -> Result<Vec<PackageReport>, ProviderError> {
    let mut packages = raw
        .bundles
        .iter()
        .flat_map(|bundle| bundle.assignments.iter().map(move |a| (a, bundle)))
        .map(|(assignment, bundle)| package(assignment, bundle, iccid))
        .collect::<Result<Vec<_>, _>>()?;
    packages.sort_by_key(|p| p.created_at.unwrap_or(i64::MAX));
    Ok(packages)
}

/// The eSIM's state: a running package makes it ACTIVE; every package over makes it EXPIRED;
/// otherwise its profile status decides.
pub(crate) fn esim_state(
    details: &wire::EsimDetails,
    packages: &[PackageReport],
) -> Result<EsimState, ProviderError> {
    let profile = details.profile_status.as_deref().unwrap_or_default();
    let from_profile = assumed::esim_state(profile)
        .ok_or_else(|| malformed(format!("unknown profileStatus {profile:?}")))?;
    if from_profile == EsimState::Deactivated {
        return Ok(from_profile);
    }
    if packages.iter().any(|p| p.state == PackageState::Active) {
        return Ok(EsimState::Active);
    }
    if !packages.is_empty() && packages.iter().all(|p| p.state.is_over()) {
        return Ok(EsimState::Expired);
    }
    Ok(from_profile)
}

/// The activation code in `GET /esims/{iccid}`, when both parts are there.
pub(crate) fn activation(
    details: &wire::EsimDetails,
) -> Result<Option<ActivationCode>, ProviderError> {
    match (
        details.smdp_address.as_deref(),
        details.matching_id.as_deref(),
    ) {
        (Some(smdp), Some(matching)) if !smdp.trim().is_empty() && !matching.trim().is_empty() => {
            ActivationCode::new(smdp, matching)
                .map(Some)
                .map_err(|e| malformed(e.to_string()))
        }
        _ => Ok(None),
    }
}

/// The eSIMs an order's lines carry in `esims[]` (absent when eSIM Go answered early).
pub(crate) fn order_installs(order: &wire::Order) -> Result<Vec<Installable>, String> {
    order
        .order
        .iter()
        .flat_map(|line| &line.esims)
        .map(|esim| {
            let iccid = Iccid::parse(esim.iccid.as_deref().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            let activation = ActivationCode::new(
                esim.smdp_address.as_deref().unwrap_or_default(),
                esim.matching_id.as_deref().unwrap_or_default(),
            )
            .map_err(|e| format!("eSIM {iccid}: {e}"))?;
            Ok(Installable { iccid, activation })
        })
        .collect()
}

/// Every ICCID an order names, in `iccids[]` or `esims[]`.
pub(crate) fn order_iccids(order: &wire::Order) -> Vec<String> {
    let mut iccids: Vec<String> = Vec::new();
    for line in &order.order {
        let named = line
            .iccids
            .iter()
            .cloned()
            .chain(line.esims.iter().filter_map(|e| e.iccid.clone()));
        for iccid in named {
            if !iccids.contains(&iccid) {
                iccids.push(iccid);
            }
        }
    }
    iccids
}

/// Whether the order bought `bundle` (and nothing else).
pub(crate) fn order_is_for(order: &wire::Order, bundle: &str) -> bool {
    !order.order.is_empty()
        && order
            .order
            .iter()
            .all(|l| l.item.as_deref() == Some(bundle))
}

/// A `validate` answer: it must be `valid`, and no dearer than Tern expects when it says
/// (`expected.minor > 0`).
pub(crate) fn validated(order: &wire::Order, expected: Money) -> Result<(), ProviderError> {
    if order.valid != Some(true) {
        let message = order
            .status_message
            .clone()
            .unwrap_or_else(|| "eSIM Go did not validate the order".into());
        return Err(
            if message
                .to_ascii_lowercase()
                .contains(assumed::LOW_BALANCE_HINT)
            {
                ProviderError::InsufficientBalance
            } else {
                ProviderError::Validation { message }
            },
        );
    }
    if expected.minor <= 0 {
        return Ok(());
    }
    let total = order
        .total
        .as_ref()
        .ok_or_else(|| malformed("a validation without a total".into()))?;
    let currency = order
        .currency
        .as_deref()
        .unwrap_or(assumed::DEFAULT_CURRENCY);
    let total = money(total, currency).map_err(|e| malformed(format!("validation total: {e}")))?;
    if total.currency != expected.currency || total.minor > expected.minor {
        return Err(ProviderError::Validation {
            message: format!(
                "price changed: eSIM Go asks {} {}, Tern expected {} {}",
                total.major_string(),
                total.currency,
                expected.major_string(),
                expected.currency
            ),
        });
    }
    Ok(())
}

/// `GET /organisation`: the balance, cut to the currency's decimals (never rounded up).
pub(crate) fn balance(raw: wire::Organisation) -> Result<Money, ProviderError> {
    let org = match (raw.balance.is_some(), raw.organisations.into_iter().next()) {
        (false, Some(first)) if assumed::ORGANISATION_MAY_BE_WRAPPED => first,
        _ => wire::Organisation {
            balance: raw.balance,
            currency: raw.currency,
            organisations: Vec::new(),
        },
    };
    let amount = org
        .balance
        .ok_or_else(|| malformed("the organisation has no balance".into()))?;
    let currency_code = org.currency.as_deref().unwrap_or(assumed::DEFAULT_CURRENCY);
    let currency = Currency::parse(currency_code).map_err(|e| malformed(e.to_string()))?;
    let text = amount.to_string();
    let decimals = currency.exponent() as usize;
    let cut = match text.split_once('.') {
        Some((whole, fraction)) if fraction.len() > decimals => {
            format!("{whole}.{}", &fraction[..decimals])
        }
        _ => text.clone(),
    };
    Money::from_major_str(cut.trim_end_matches('.'), currency)
        .map_err(|e| malformed(format!("balance {text}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn documented_bundle() -> Value {
        // The catalogue example from the provider notes §2.1.
        json!({
            "name": "esim_1GB_7D_GB_V2",
            "description": "eSIM, 1GB, 7 Days, United Kingdom, V2",
            "groups": ["Standard Fixed"],
            "countries": [ { "name": "United Kingdom", "region": "Europe", "iso": "GB" } ],
            "dataAmount": 1000,
            "duration": 7,
            "speed": ["3G", "4G", "5G"],
            "autostart": true,
            "unlimited": false,
            "roamingEnabled": [],
            "price": 1.36,
            "billingType": "FixedCost"
        })
    }

    #[test]
    fn maps_the_documented_bundle() {
        let product = product(documented_bundle(), "USD").unwrap();
        assert_eq!(product.product.0, "esim_1GB_7D_GB_V2");
        assert_eq!(product.name, "eSIM, 1GB, 7 Days, United Kingdom, V2");
        assert_eq!(
            product.data,
            DataAllowance::Limited {
                bytes: 1_000_000_000
            }
        );
        assert_eq!(product.data_convention, ByteConvention::Decimal);
        assert_eq!(product.validity_days, 7);
        assert_eq!(product.wholesale, Money::new(136, Currency::USD));
        assert_eq!(product.coverage, vec![CountryCode::parse("GB").unwrap()]);
        assert_eq!(product.topup_class.as_deref(), Some("V2/Europe"));
        assert_eq!(product.networks.len(), 1);
        assert_eq!(product.networks[0].speed.as_deref(), Some("5G"));
    }

    #[test]
    fn unlimited_bundles_and_fractional_megabytes() {
        let mut unlimited = documented_bundle();
        unlimited["unlimited"] = true.into();
        unlimited["dataAmount"] = (-1).into();
        assert_eq!(
            product(unlimited, "USD").unwrap().data,
            DataAllowance::Unlimited
        );
        let mut half = documented_bundle();
        half["dataAmount"] = json!(500.5);
        assert_eq!(
            product(half, "USD").unwrap().data,
            DataAllowance::Limited { bytes: 500_500_000 }
        );
        let mut euros = documented_bundle();
        euros["currency"] = "EUR".into();
        assert_eq!(
            product(euros, "USD").unwrap().wholesale.currency,
            Currency::EUR
        );
        assert_eq!(
            product(documented_bundle(), "GBP")
                .unwrap()
                .wholesale
                .currency,
            Currency::GBP,
            "the envelope's currency applies when the bundle names none"
        );
    }

    #[test]
    fn rejects_nonsense_with_the_bundle_named() {
        type Breakage = fn(&mut Value);
        let cases: [Breakage; 11] = [
            |b| b["name"] = Value::Null,
            |b| b["price"] = Value::Null,
            |b| b["price"] = json!(-1),
            |b| b["price"] = json!(1.234),
            |b| b["price"] = json!("1.36"),
            |b| b["countries"] = json!([]),
            |b| b["countries"] = json!([{ "iso": "United Kingdom" }]),
            |b| b["duration"] = json!(0),
            |b| b["dataAmount"] = json!(0),
            |b| b["dataAmount"] = json!(-1),
            |b| b["dataAmount"] = Value::Null,
        ];
        for (i, break_it) in cases.iter().enumerate() {
            let mut raw = documented_bundle();
            break_it(&mut raw);
            let error = product(raw, "USD").expect_err(&format!("case {i} should be rejected"));
            assert!(error.contains("esim_1GB_7D_GB_V2") || i == 0, "{error}");
        }
    }

    #[test]
    fn paging_uses_page_count_or_a_short_page() {
        assert_eq!(next_page(1, Some(12), 50, 50), Some(PageCursor::Number(2)));
        assert_eq!(next_page(12, Some(12), 24, 50), None);
        assert_eq!(next_page(3, Some(12), 0, 50), None, "an empty page ends it");
        assert_eq!(next_page(1, None, 50, 50), Some(PageCursor::Number(2)));
        assert_eq!(next_page(2, None, 49, 50), None);
        assert_eq!(next_page(2, None, 0, 50), None);
    }

    fn documented_bundles() -> wire::EsimBundles {
        // The usage example from the provider notes §2.8.
        serde_json::from_value(json!({
            "bundles": [{
                "name": "esim_1GB_7D_GB_V2",
                "description": "eSIM, 1GB, 7 Days, United Kingdom, V2",
                "assignments": [{
                    "id": "243",
                    "callTypeGroup": "data",
                    "initialQuantity": 1000000000u64,
                    "remainingQuantity": 734003200u64,
                    "assignmentDateTime": "2024-05-02T10:57:31Z",
                    "assignmentReference": "de54db6c-5efc-46e4-986b-3eb7f175c5b3",
                    "bundleState": "active",
                    "unlimited": false
                }]
            }]
        }))
        .unwrap()
    }

    fn iccid() -> Iccid {
        Iccid::parse("8943108165005471086").unwrap()
    }

    #[test]
    fn maps_the_documented_usage() {
        let packages = packages(&documented_bundles(), &iccid()).unwrap();
        assert_eq!(
            packages,
            vec![PackageReport {
                provider_order_id: "de54db6c-5efc-46e4-986b-3eb7f175c5b3".into(),
                iccid: iccid(),
                product: ProductRef("esim_1GB_7D_GB_V2".into()),
                product_name: "eSIM, 1GB, 7 Days, United Kingdom, V2".into(),
                state: PackageState::Active,
                usage: PackageUsage {
                    limit_bytes: Some(1_000_000_000),
                    used_bytes: 265_996_800,
                },
                created_at: Some(1_714_647_451_000),
                activated_at: None,
                expires_at: None,
                activate_by: None,
            }]
        );
    }

    #[test]
    fn start_and_end_times_are_read_and_a_waiting_package_has_no_start() {
        let mut raw = documented_bundles();
        let a = &mut raw.bundles[0].assignments[0];
        a.start_time = Some("2024-05-02T11:00:00Z".into());
        a.end_time = Some("2024-05-09T11:00:00Z".into());
        let report = packages(&raw, &iccid()).unwrap().remove(0);
        assert_eq!(report.activated_at, Some(1_714_647_600_000));
        assert_eq!(report.expires_at, Some(1_714_647_600_000 + 7 * 86_400_000));
        raw.bundles[0].assignments[0].bundle_state = Some("Queued".into());
        let report = packages(&raw, &iccid()).unwrap().remove(0);
        assert_eq!(
            (report.state, report.activated_at),
            (PackageState::Pending, None)
        );
    }

    #[test]
    fn unlimited_assignments_have_no_limit_and_odd_ones_are_malformed() {
        let mut raw = documented_bundles();
        let a = &mut raw.bundles[0].assignments[0];
        a.unlimited = true;
        a.initial_quantity = Some(0.into());
        a.remaining_quantity = Some(0.into());
        let usage = packages(&raw, &iccid()).unwrap()[0].usage;
        assert_eq!(
            usage,
            PackageUsage {
                limit_bytes: None,
                used_bytes: 0
            }
        );

        type Breakage = fn(&mut wire::Assignment);
        let cases: [(Breakage, &str); 5] = [
            (|a| a.bundle_state = Some("paused".into()), "bundleState"),
            (|a| a.assignment_reference = None, "no reference"),
            (
                |a| a.remaining_quantity = Some(2_000_000_000u64.into()),
                "exceeds",
            ),
            (|a| a.initial_quantity = None, "initialQuantity"),
            (
                |a| a.assignment_date_time = Some("yesterday".into()),
                "assignmentDateTime",
            ),
        ];
        for (break_it, why) in cases {
            let mut raw = documented_bundles();
            break_it(&mut raw.bundles[0].assignments[0]);
            match packages(&raw, &iccid()) {
                Err(ProviderError::MalformedResponse { message }) => {
                    assert!(message.contains(why), "{message:?} should mention {why}")
                }
                other => panic!("expected malformed ({why}), got {other:?}"),
            }
        }
    }

    fn details(profile: &str) -> wire::EsimDetails {
        serde_json::from_value(json!({
            "iccid": "8943108165005471086", "pin": "1234", "puk": "12345678",
            "matchingId": "JQ-1Z351U-1U6E44B", "smdpAddress": "rsp.truphone.com",
            "profileStatus": profile, "firstInstalledDateTime": 1714647450000u64,
            "customerRef": "order-42"
        }))
        .unwrap()
    }

    #[test]
    fn esim_state_follows_bundles_then_the_profile() {
        let active = packages(&documented_bundles(), &iccid()).unwrap();
        assert_eq!(
            esim_state(&details("Installed"), &active).unwrap(),
            EsimState::Active
        );
        assert_eq!(
            esim_state(&details("Installed"), &[]).unwrap(),
            EsimState::Installed
        );
        assert_eq!(
            esim_state(&details("Released"), &[]).unwrap(),
            EsimState::Provisioned
        );
        let mut over = active.clone();
        over[0].state = PackageState::Expired;
        assert_eq!(
            esim_state(&details("Installed"), &over).unwrap(),
            EsimState::Expired
        );
        assert_eq!(
            esim_state(&details("Deleted"), &active).unwrap(),
            EsimState::Deactivated
        );
        assert!(esim_state(&details("Misplaced"), &[]).is_err());
        assert_eq!(
            activation(&details("Released")).unwrap().unwrap().lpa(),
            "LPA:1$rsp.truphone.com$JQ-1Z351U-1U6E44B"
        );
    }

    fn documented_transaction() -> wire::Order {
        // The transaction example from the provider notes §2.3.
        serde_json::from_value(json!({
            "order": [{
                "esims": [{ "iccid": "8943108165005471086", "matchingId": "JQ-1Z351U-1U6E44B",
                            "smdpAddress": "rsp.truphone.com" }],
                "type": "bundle", "item": "esim_1GB_7D_GB_V2",
                "iccids": ["8943108165005471086"], "quantity": 1, "subTotal": 1.36,
                "pricePerUnit": 1.36, "allowReassign": false
            }],
            "total": 1.36, "currency": "USD", "status": "completed",
            "statusMessage": "Order completed: 1 eSIMs assigned",
            "orderReference": "de54db6c-5efc-46e4-986b-3eb7f175c5b3",
            "createdDate": "2024-05-02T10:57:30.858475018Z", "assigned": true
        }))
        .unwrap()
    }

    #[test]
    fn a_transaction_carries_its_esims() {
        let order = documented_transaction();
        let installs = order_installs(&order).unwrap();
        assert_eq!(installs.len(), 1);
        assert_eq!(
            installs[0].activation.lpa(),
            "LPA:1$rsp.truphone.com$JQ-1Z351U-1U6E44B"
        );
        assert_eq!(order_iccids(&order), ["8943108165005471086"]);
        assert!(order_is_for(&order, "esim_1GB_7D_GB_V2"));
        assert!(!order_is_for(&order, "esim_1GB_7D_FR_V2"));
    }

    #[test]
    fn validation_checks_validity_and_price() {
        // The validate example from the provider notes §2.3.
        let valid: wire::Order = serde_json::from_value(json!({
            "order": [{ "type": "bundle", "item": "esim_1GB_7D_GB_V2", "quantity": 1,
                        "subTotal": 1.36, "pricePerUnit": 1.36, "allowReassign": false }],
            "total": 1.36, "valid": true, "currency": "USD",
            "createdDate": "2024-05-02T10:57:20Z", "assigned": false
        }))
        .unwrap();
        let usd = |minor| Money::new(minor, Currency::USD);
        assert_eq!(validated(&valid, usd(136)), Ok(()));
        assert_eq!(
            validated(&valid, usd(0)),
            Ok(()),
            "no expectation, no check"
        );
        assert!(matches!(
            validated(&valid, usd(135)),
            Err(ProviderError::Validation { message }) if message.contains("price changed")
        ));
        let low: wire::Order = serde_json::from_value(
            json!({ "valid": false, "statusMessage": "Insufficient balance for this order" }),
        )
        .unwrap();
        assert_eq!(
            validated(&low, usd(136)),
            Err(ProviderError::InsufficientBalance)
        );
        let other: wire::Order =
            serde_json::from_value(json!({ "valid": false, "statusMessage": "No" })).unwrap();
        assert!(matches!(
            validated(&other, usd(136)),
            Err(ProviderError::Validation { .. })
        ));
    }

    #[test]
    fn balance_is_flat_or_wrapped_and_never_rounded_up() {
        let flat: wire::Organisation = serde_json::from_value(
            json!({ "name": "Tern", "currency": "USD", "balance": 1234.56 }),
        )
        .unwrap();
        assert_eq!(balance(flat).unwrap(), Money::new(123_456, Currency::USD));
        let wrapped: wire::Organisation = serde_json::from_value(
            json!({ "organisations": [{ "currency": "EUR", "balance": 10.999 }] }),
        )
        .unwrap();
        assert_eq!(balance(wrapped).unwrap(), Money::new(1099, Currency::EUR));
        let whole: wire::Organisation = serde_json::from_value(json!({ "balance": 50 })).unwrap();
        assert_eq!(balance(whole).unwrap(), Money::new(5000, Currency::USD));
        let none: wire::Organisation = serde_json::from_value(json!({ "name": "x" })).unwrap();
        assert!(balance(none).is_err());
    }
}
