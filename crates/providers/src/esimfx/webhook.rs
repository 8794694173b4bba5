//! eSIMfx webhooks (esimfx.md §2.12): checking the `token` header against the portal's Secret
//! Key, and reading the payload leniently, since its shape is only assumed.

use crate::time::unix_millis;
use domain::data::{GIB, MIB};
use domain::Iccid;
use serde_json::{Map, Value};

/// The header every delivery carries the Secret Key in.
pub const TOKEN_HEADER: &str = "token";

/// Whether the presented `token` header is the configured secret, compared in constant time
/// (for a given secret length). Never true when no secret is configured or none was sent.
pub fn token_matches(expected: &str, presented: Option<&str>) -> bool {
    let Some(presented) = presented else {
        return false;
    };
    let (expected, presented) = (expected.as_bytes(), presented.as_bytes());
    if expected.is_empty() {
        return false;
    }
    // Every byte of the secret is visited whatever the input, so the time taken says nothing
    // about how much of it matched.
    let mut difference = u8::from(expected.len() != presented.len());
    for (i, byte) in expected.iter().enumerate() {
        difference |= byte ^ presented.get(i).copied().unwrap_or(!byte);
    }
    std::hint::black_box(difference) == 0
}

/// What happened, from `event_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// The eSIM reached a local network for the first time.
    Activation,
    /// A package's validity ended or all its data is used.
    Expiration,
    /// A usage threshold (e.g. 50/80/90/100 %) was reached.
    DataUsage,
    /// A type this code does not know, kept as sent.
    Other(String),
}

impl WebhookEvent {
    fn parse(raw: &str) -> Self {
        let word = raw.trim().to_ascii_uppercase().replace(['-', ' '], "_");
        match word.as_str() {
            "ACTIVATION" => WebhookEvent::Activation,
            "EXPIRATION" => WebhookEvent::Expiration,
            "DATA_USAGE" => WebhookEvent::DataUsage,
            _ => WebhookEvent::Other(raw.trim().to_owned()),
        }
    }

    /// The wire word: `ACTIVATION`, `EXPIRATION`, `DATA_USAGE`, or the unknown type as sent.
    pub fn as_str(&self) -> &str {
        match self {
            WebhookEvent::Activation => "ACTIVATION",
            WebhookEvent::Expiration => "EXPIRATION",
            WebhookEvent::DataUsage => "DATA_USAGE",
            WebhookEvent::Other(raw) => raw,
        }
    }
}

/// One delivery, normalised: bytes and unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsimfxWebhook {
    pub event: WebhookEvent,
    /// `event_id` when sent, else `type|iccid|order_id|threshold` (esimfx.md §5): the same
    /// event delivered twice has the same key.
    pub dedupe_key: String,
    pub iccid: Option<Iccid>,
    pub order_id: Option<String>,
    /// Percent, for `DATA_USAGE`.
    pub threshold: Option<u8>,
    pub used_bytes: Option<u64>,
    /// `None` when unlimited, unknown, or counted in a non-data unit.
    pub limit_bytes: Option<u64>,
    /// When it happened, unix milliseconds.
    pub at: Option<i64>,
}

/// Reads a delivery body. Unknown fields are ignored and odd optional values dropped; the
/// payload must be a JSON object with an event type and an `iccid` or `order_id`, and an
/// `iccid`, when sent, must be valid.
pub fn parse(body: &[u8]) -> Result<EsimfxWebhook, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("not a JSON webhook payload: {e}"))?;
    let Value::Object(fields) = value else {
        return Err("the webhook payload is not a JSON object".into());
    };

    let event = ["event_type", "type", "event"]
        .iter()
        .find_map(|name| text(&fields, name))
        .map(|raw| WebhookEvent::parse(&raw))
        .ok_or("the webhook payload has no event_type")?;
    let iccid = text(&fields, "iccid")
        .map(|raw| Iccid::parse(&raw).map_err(|e| format!("webhook iccid: {e}")))
        .transpose()?;
    let order_id = text(&fields, "order_id");
    if iccid.is_none() && order_id.is_none() {
        return Err("the webhook payload names neither an iccid nor an order_id".into());
    }
    let threshold = fields.get("threshold").and_then(percent);

    let scale = unit_scale(text(&fields, "amount_unit").as_deref());
    let bytes = |name: &str| {
        let scale = scale?;
        let amount = fields.get(name).and_then(non_negative)?;
        let bytes = amount * scale as f64;
        // Kept within what the database's signed 64-bit columns hold.
        (bytes < i64::MAX as f64).then(|| bytes.round() as u64)
    };
    let used_bytes = bytes("used_amount");
    // A zero limit is how unlimited packages are reported.
    let limit_bytes = bytes("upper_limit_amount").filter(|limit| *limit > 0);
    let at = fields.get("timestamp").and_then(millis);

    let dedupe_key = match text(&fields, "event_id") {
        Some(id) => id,
        None => format!(
            "{}|{}|{}|{}",
            event.as_str(),
            iccid.as_ref().map(Iccid::as_str).unwrap_or_default(),
            order_id.as_deref().unwrap_or_default(),
            threshold.map(|t| t.to_string()).unwrap_or_default(),
        ),
    };
    Ok(EsimfxWebhook {
        event,
        dedupe_key,
        iccid,
        order_id,
        threshold,
        used_bytes,
        limit_bytes,
        at,
    })
}

/// A non-empty string, or a number written as one; anything else counts as absent. So does text
/// with a NUL character, which no real identifier has and a database cannot store.
fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::String(s) => {
            Some(s.trim().to_owned()).filter(|s| !s.is_empty() && !s.contains('\0'))
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn non_negative(value: &Value) -> Option<f64> {
    let number = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (number.is_finite() && number >= 0.0).then_some(number)
}

/// `80`, `80.0`, `"80"` or `"80%"`, within 0..=100.
fn percent(value: &Value) -> Option<u8> {
    let number = match value {
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok()?,
        other => non_negative(other)?,
    };
    (0.0..=100.0)
        .contains(&number)
        .then(|| number.round() as u8)
}

/// Bytes per unit; `None` for units that are not data (unlimited plans may count days).
/// Absent means `Byte`, the documented normal.
fn unit_scale(unit: Option<&str>) -> Option<u64> {
    match unit.unwrap_or("Byte").to_ascii_uppercase().as_str() {
        "BYTE" | "BYTES" | "B" => Some(1),
        "KB" => Some(1024),
        "MB" => Some(MIB),
        "GB" => Some(GIB),
        _ => None,
    }
}

/// An ISO-8601 string, or a unix time in seconds or milliseconds.
fn millis(value: &Value) -> Option<i64> {
    match value {
        Value::String(s) => unix_millis(s),
        Value::Number(n) => {
            let n = n.as_i64()?;
            // `unsigned_abs`: `abs` of i64::MIN overflows, and the number comes from outside.
            Some(if n.unsigned_abs() >= 100_000_000_000 {
                n
            } else {
                n * 1000
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented() -> Value {
        serde_json::json!({
            "event_type": "DATA_USAGE",
            "event_id": "evt_5f0c",
            "iccid": "89440000000000000001",
            "order_id": "01b47ffa-4a74-4209-87e2-d282e2740001",
            "threshold": 80,
            "used_amount": 8589934592u64,
            "upper_limit_amount": 10737418240u64,
            "amount_unit": "Byte",
            "timestamp": "2025-10-03T10:00:00Z"
        })
    }

    fn parse_value(value: &Value) -> Result<EsimfxWebhook, String> {
        parse(value.to_string().as_bytes())
    }

    #[test]
    fn reads_the_documented_payload() {
        let hook = parse_value(&documented()).unwrap();
        assert_eq!(
            hook,
            EsimfxWebhook {
                event: WebhookEvent::DataUsage,
                dedupe_key: "evt_5f0c".into(),
                iccid: Some(Iccid::parse("89440000000000000001").unwrap()),
                order_id: Some("01b47ffa-4a74-4209-87e2-d282e2740001".into()),
                threshold: Some(80),
                used_bytes: Some(8 * GIB),
                limit_bytes: Some(10 * GIB),
                at: Some(1_759_485_600_000),
            }
        );
    }

    #[test]
    fn without_an_event_id_the_key_is_built_from_what_identifies_the_event() {
        let mut payload = documented();
        payload.as_object_mut().unwrap().remove("event_id");
        let first = parse_value(&payload).unwrap();
        assert_eq!(
            first.dedupe_key,
            "DATA_USAGE|89440000000000000001|01b47ffa-4a74-4209-87e2-d282e2740001|80"
        );
        assert_eq!(parse_value(&payload).unwrap().dedupe_key, first.dedupe_key);

        payload["threshold"] = Value::from(90);
        assert_ne!(parse_value(&payload).unwrap().dedupe_key, first.dedupe_key);

        let activation = serde_json::json!({ "event_type": "ACTIVATION", "order_id": "o-1" });
        assert_eq!(
            parse_value(&activation).unwrap().dedupe_key,
            "ACTIVATION||o-1|"
        );
    }

    #[test]
    fn unknown_types_are_kept_not_refused() {
        let mut payload = documented();
        payload["event_type"] = Value::from("PROFILE_DOWNLOADED");
        let hook = parse_value(&payload).unwrap();
        assert_eq!(hook.event, WebhookEvent::Other("PROFILE_DOWNLOADED".into()));
        assert_eq!(hook.event.as_str(), "PROFILE_DOWNLOADED");

        payload["event_type"] = Value::from("expiration");
        assert_eq!(
            parse_value(&payload).unwrap().event,
            WebhookEvent::Expiration
        );
    }

    #[test]
    fn lenient_about_optional_values() {
        let payload = serde_json::json!({
            "event_type": "DATA_USAGE",
            "iccid": "89440000000000000001",
            "threshold": "50%",
            "used_amount": "not a number",
            "upper_limit_amount": 0,
            "timestamp": 1_759_485_600,
            "extra": { "ignored": true }
        });
        let hook = parse_value(&payload).unwrap();
        assert_eq!(hook.threshold, Some(50));
        assert_eq!(hook.used_bytes, None);
        assert_eq!(hook.limit_bytes, None, "a zero limit is unlimited");
        assert_eq!(hook.at, Some(1_759_485_600_000));
        assert_eq!(hook.order_id, None);

        let days = serde_json::json!({
            "event_type": "EXPIRATION", "order_id": "o-2",
            "used_amount": 3, "upper_limit_amount": 7, "amount_unit": "Days",
            "threshold": 250
        });
        let hook = parse_value(&days).unwrap();
        assert_eq!((hook.used_bytes, hook.limit_bytes), (None, None));
        assert_eq!(hook.threshold, None);
    }

    #[test]
    fn extreme_numbers_are_absent_not_a_panic() {
        let mut payload = documented();
        payload["timestamp"] = Value::from(i64::MIN);
        payload["used_amount"] = Value::from(u64::MAX);
        payload["upper_limit_amount"] = Value::from(1e300);
        let hook = parse_value(&payload).unwrap();
        assert_eq!(hook.at, Some(i64::MIN));
        assert_eq!((hook.used_bytes, hook.limit_bytes), (None, None));
    }

    #[test]
    fn text_with_nul_counts_as_absent() {
        let mut payload = documented();
        payload["event_id"] = Value::from("evt\u{0}1");
        payload["iccid"] = Value::Null;
        payload["order_id"] = Value::from("o\u{0}");
        assert!(parse_value(&payload).is_err(), "names nothing storable");
    }

    #[test]
    fn refuses_garbage_and_payloads_that_name_nothing() {
        assert!(parse(b"{not json").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"[1,2]").is_err());
        assert!(
            parse(br#"{"iccid":"89440000000000000001"}"#).is_err(),
            "no type"
        );

        let mut neither = documented();
        let fields = neither.as_object_mut().unwrap();
        fields.remove("iccid");
        fields.remove("order_id");
        assert!(parse_value(&neither).is_err());
        neither["iccid"] = Value::from("");
        assert!(
            parse_value(&neither).is_err(),
            "an empty iccid names nothing"
        );

        let mut bad_iccid = documented();
        bad_iccid["iccid"] = Value::from("12345");
        assert!(parse_value(&bad_iccid).is_err());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(token_matches("s3cret", Some("s3cret")));
        assert!(!token_matches("s3cret", Some("s3cre")));
        assert!(!token_matches("s3cret", Some("s3cret!")));
        assert!(!token_matches("s3cret", Some("S3cret")));
        assert!(!token_matches("s3cret", Some("")));
        assert!(!token_matches("s3cret", None));
        assert!(!token_matches("", Some("")));
        assert!(!token_matches("", None));
        assert!(!token_matches("a", Some("\u{0}")));
    }
}
