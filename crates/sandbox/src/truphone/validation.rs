//! `POST /v1/order` input checks that need no state, exactly as the seed lists them: the body
//! shape (400 `INVALID_HTTP_MESSAGE`) and every field rule (400 `INVALID_REQUEST_PARAMS`,
//! all problems reported at once).

use serde::Deserialize;

use super::assumed;
use super::orders::{Line, Operation};
use super::time::parse_iso8601;
use super::wire::ApiError;

#[derive(Debug, Deserialize)]
struct Body {
    input: Option<Input>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    operation_type: Option<String>,
    country_code: Option<String>,
    subscriptions: Option<Vec<SubscriptionLine>>,
    device: Option<Device>,
    customer: Option<Customer>,
    esim: Option<EsimRef>,
}

#[derive(Debug, Deserialize)]
struct SubscriptionLine {
    /// The seed's name for the product.
    id: Option<String>,
    /// Later docs' name.
    product_id: Option<String>,
    /// Deprecated name.
    #[serde(rename = "allowanceId")]
    allowance_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "activationDate")]
    activation_date: Option<String>,
    price: Option<serde_json::Number>,
    currency: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Device {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Customer {
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EsimRef {
    iccid: Option<String>,
}

/// An order that passed every stateless rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidOrder {
    pub(crate) operation: Operation,
    /// Required for NEW_ESIM; optional for a TOPUP (later docs).
    pub(crate) email: Option<String>,
    pub(crate) device_id: String,
    pub(crate) lines: Vec<Line>,
}

fn blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Checks the raw body at sandbox time `now`; `known_country` says whether an ISO code exists.
pub(crate) fn validate(
    raw: &[u8],
    now: i64,
    known_country: impl Fn(&str) -> bool,
) -> Result<ValidOrder, ApiError> {
    let body: Body = serde_json::from_slice(raw)
        .map_err(|e| ApiError::unparsable(format!("the request body could not be read: {e}")))?;
    let input = body
        .input
        .ok_or_else(|| ApiError::invalid_one("input must not be null"))?;
    let mut problems = Vec::new();

    let topup = match blank(&input.operation_type) {
        Some("NEW_ESIM") => false,
        Some("TOPUP" | "TOPUP_ACTIVATION") => true,
        Some("BULK_ACTIVATION") => {
            return Err(ApiError::invalid_one(assumed::BULK_ACTIVATION_REFUSAL))
        }
        Some(other) => {
            return Err(ApiError::invalid_one(format!(
                "unknown operationType {other}"
            )))
        }
        None => return Err(ApiError::invalid_one("operationType must not be blank")),
    };

    match blank(&input.country_code) {
        None => problems.push("countryCode must not be blank".to_owned()),
        Some(code) if !known_country(code) => {
            problems.push(format!("countryCode {code} is not a known country"))
        }
        Some(_) => {}
    }

    let email = input.customer.as_ref().and_then(|c| blank(&c.email));
    match email {
        None if !(topup && assumed::TOPUP_WITHOUT_EMAIL_ALLOWED) => {
            problems.push("customer.email must not be blank".to_owned())
        }
        Some(email) if domain::Email::parse(email).is_err() => {
            problems.push(format!("customer.email {email} is not an email address"))
        }
        _ => {}
    }

    let device_id = match &input.device {
        None => {
            problems.push("device must not be null".to_owned());
            String::new()
        }
        Some(device) => {
            let allowed: &[&str] = if topup {
                &["ios", "android"]
            } else {
                &["iot", "ios", "android"]
            };
            match blank(&device.kind) {
                Some(kind) if allowed.contains(&kind) => {}
                Some(kind) => problems.push(format!(
                    "device.type {kind} must be one of {}",
                    allowed.join(", ")
                )),
                None => problems.push("device.type must not be blank".to_owned()),
            }
            blank(&device.id).map(str::to_owned).unwrap_or_else(|| {
                problems.push("device.id must not be blank".to_owned());
                String::new()
            })
        }
    };

    let lines = match input.subscriptions.as_deref() {
        None | Some([]) => {
            problems.push("subscriptions must not be empty".to_owned());
            Vec::new()
        }
        Some(lines) => lines
            .iter()
            .enumerate()
            .filter_map(|(n, line)| check_line(n, line, now, &mut problems).transpose())
            .collect::<Result<Vec<_>, _>>()?,
    };

    let operation = if topup {
        match input.esim.as_ref().and_then(|e| blank(&e.iccid)) {
            Some(iccid) => Operation::TopUp {
                iccid: iccid.to_owned(),
            },
            None => {
                problems.push("esim.iccid is mandatory for a TOPUP".to_owned());
                Operation::NewEsim
            }
        }
    } else {
        Operation::NewEsim
    };

    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    Ok(ValidOrder {
        operation,
        email: email.map(str::to_owned),
        device_id,
        lines,
    })
}

/// One `subscriptions[n]` entry; a date that does not parse fails the whole request as
/// unparsable, other problems are collected.
fn check_line(
    n: usize,
    line: &SubscriptionLine,
    now: i64,
    problems: &mut Vec<String>,
) -> Result<Option<Line>, ApiError> {
    let product_id = blank(&line.id)
        .or_else(|| blank(&line.product_id))
        .or_else(|| blank(&line.allowance_id));
    let not_before = match blank(&line.activation_date) {
        None => None,
        Some(text) => match parse_iso8601(text) {
            None => {
                return Err(ApiError::unparsable(format!(
                    "subscriptions[{n}].activationDate {text} is not an ISO-8601 date"
                )))
            }
            Some(at) if at < now => {
                problems.push(format!(
                    "subscriptions[{n}].activationDate can not be a date in the past"
                ));
                None
            }
            Some(at) => Some(at),
        },
    };
    if let Some(kind) = blank(&line.kind) {
        if kind != "REGULAR" {
            problems.push(format!("subscriptions[{n}].type {kind} is not supported"));
        }
    }
    match (&line.price, blank(&line.currency)) {
        (Some(_), None) => problems.push(format!(
            "subscriptions[{n}].price must be sent together with currency"
        )),
        (None, Some(_)) => problems.push(format!(
            "subscriptions[{n}].currency must be sent together with price"
        )),
        (Some(price), Some(currency)) => {
            if !assumed::SUPPORTED_CURRENCIES.contains(&currency) {
                problems.push(format!(
                    "subscriptions[{n}].currency {currency} is not supported by the client"
                ));
            }
            if price.as_f64().is_none_or(|p| p < 0.0) {
                problems.push(format!("subscriptions[{n}].price must not be negative"));
            }
        }
        (None, None) => {}
    }
    match product_id {
        Some(id) => Ok(Some(Line {
            product_id: id.to_owned(),
            not_before,
        })),
        None => {
            problems.push(format!("subscriptions[{n}].id must not be blank"));
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_568_376_000; // 2019-09-13T12:00:00Z

    fn check(body: serde_json::Value) -> Result<ValidOrder, ApiError> {
        validate(body.to_string().as_bytes(), NOW, |c| c == "PT" || c == "GB")
    }

    fn seed_new() -> serde_json::Value {
        // The seed's NEW_ESIM example.
        json!({ "input": {
            "operationType": "NEW_ESIM",
            "countryCode": "PT",
            "customer": { "email": "john@doe.com", "countryOfResidence": "US" },
            "device": { "id": "123456789", "model": "iPhone", "type": "ios" },
            "subscriptions": [{ "id": "a3u3z000000PZBhAAO",
                "activationDate": "2019-09-13T12:00:00Z", "price": 10, "currency": "USD" }]
        }})
    }

    fn messages(result: Result<ValidOrder, ApiError>) -> (&'static str, Vec<String>) {
        let error = result.expect_err("rejected");
        (error.kind, error.messages)
    }

    #[test]
    fn the_seed_examples_pass() {
        let order = check(seed_new()).unwrap();
        assert_eq!(order.operation, Operation::NewEsim);
        assert_eq!(order.email.as_deref(), Some("john@doe.com"));
        assert_eq!(order.lines[0].product_id, "a3u3z000000PZBhAAO");
        assert_eq!(order.lines[0].not_before, Some(NOW));

        let mut topup = seed_new();
        topup["input"]["operationType"] = json!("TOPUP_ACTIVATION");
        topup["input"]["esim"] = json!({ "iccid": "123456789" });
        let order = check(topup).unwrap();
        assert_eq!(
            order.operation,
            Operation::TopUp {
                iccid: "123456789".into()
            }
        );
    }

    #[test]
    fn product_ids_come_under_any_of_three_names() {
        for field in ["id", "product_id", "allowanceId"] {
            let mut body = seed_new();
            body["input"]["subscriptions"] = json!([{ field: "a3mX" }]);
            assert_eq!(check(body).unwrap().lines[0].product_id, "a3mX", "{field}");
        }
    }

    #[test]
    fn every_rule_is_reported_at_once() {
        let mut body = seed_new();
        body["input"]["countryCode"] = json!("XX");
        body["input"]["customer"]["email"] = json!("not-an-email");
        body["input"]["device"]["type"] = json!("windows");
        body["input"]["subscriptions"] = json!([
            { "id": "a", "activationDate": "2019-09-13T11:59:59Z" },
            { "id": "b", "price": 10 },
            { "id": "c", "currency": "USD" },
            { "id": "d", "price": 1, "currency": "JPY" },
            { "activationDate": "2030-01-01T00:00:00Z" }
        ]);
        let (kind, problems) = messages(check(body));
        assert_eq!(kind, "INVALID_REQUEST_PARAMS");
        assert_eq!(problems.len(), 8, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("in the past")));
        assert!(problems
            .iter()
            .any(|p| p.contains("price must be sent together")));
        assert!(problems
            .iter()
            .any(|p| p.contains("currency must be sent together")));
        assert!(problems.iter().any(|p| p.contains("JPY")));
    }

    #[test]
    fn topups_need_an_iccid_and_no_iot() {
        let mut body = seed_new();
        body["input"]["operationType"] = json!("TOPUP");
        body["input"]["device"]["type"] = json!("iot");
        let (_, problems) = messages(check(body));
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("esim.iccid")));
        assert!(problems.iter().any(|p| p.contains("device.type iot")));

        let mut iot = seed_new();
        iot["input"]["device"]["type"] = json!("iot");
        assert!(check(iot).is_ok(), "iot is fine for a new eSIM");
    }

    #[test]
    fn unreadable_input_is_an_invalid_http_message() {
        for raw in [
            "{not json".to_owned(),
            json!({ "input": { "subscriptions": [{ "id": "a", "price": "ten" }] } }).to_string(),
        ] {
            let error = validate(raw.as_bytes(), NOW, |_| true).unwrap_err();
            assert_eq!(error.kind, "INVALID_HTTP_MESSAGE", "{raw}");
        }
        let mut bad_date = seed_new();
        bad_date["input"]["subscriptions"][0]["activationDate"] = json!("13/09/2019");
        assert_eq!(messages(check(bad_date)).0, "INVALID_HTTP_MESSAGE");
    }

    #[test]
    fn bulk_activation_and_unknown_operations_are_refused() {
        for op in ["BULK_ACTIVATION", "REFUND"] {
            let mut body = seed_new();
            body["input"]["operationType"] = json!(op);
            assert_eq!(messages(check(body)).0, "INVALID_REQUEST_PARAMS");
        }
        assert_eq!(messages(check(json!({}))).0, "INVALID_REQUEST_PARAMS");
    }
}
