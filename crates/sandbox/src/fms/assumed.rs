//! Every FMS behaviour the provider notes (`shared/providers/fms.md`) mark ASSUMED, as this
//! sandbox plays it, in one place so each is easy to change. Each item names its section.
//!
//! Assumptions with nothing to tune, relied on by the code around them:
//! - §2.0: `emailVerificationCode` takes `{email, partnerCode}`; `verifyCode` is never checked
//!   and registering needs no code sent first (`users`).
//! - §2.0: `passwordReset` takes `{email, passwd, partnerCode}` and the token of that same user
//!   (`users`).
//! - §2.3: the pre-order answers `{id, orderNo, money, currency, packageCode, orderPayStatus,
//!   createTime, expireTime}` and holds a profile when one is free (`orders`).
//! - §2.4: `/payment/webhook` needs no token; `paypalId` is optional; a failed payment's amount
//!   is not checked; a failure sets `orderPayStatus` 2 and releases the profile, for good
//!   (`orders`).
//! - §2.6: `myEsimDetail` answers for any order of the partner, whoever's token is sent, and
//!   only for paid orders (10008 before) (`orders`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Number, Value};

/// §1 "Base URL": the context path every route hangs off.
pub(crate) const CONTEXT_PATH: &str = "/fms";

/// §1 "Token transport": the token comes back in this response header and in `data.token`,
/// and goes out in the same request header (`Authorization: Bearer` is accepted too, §7.2).
pub(crate) const TOKEN_HEADER: &str = "x-access-token";

/// §2.0: `emailLogin` for an email no user has.
pub(crate) const USER_NOT_FOUND: i64 = 10010;
/// §2.0: `emailLogin` with the wrong password.
pub(crate) const WRONG_PASSWORD: i64 = 10011;
/// §2.0: `emailRegister` for an email already registered.
pub(crate) const USER_EXISTS: i64 = 10012;

/// §2.0 and §6: `passwd` is an MD5 hex digest (either case; stored lower case).
pub(crate) fn md5_hex(passwd: &str) -> Option<String> {
    (passwd.len() == 32 && passwd.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| passwd.to_ascii_lowercase())
}

/// §2.0: only customers (`userType` 4) are registered through the API.
pub(crate) const CUSTOMER: i64 = 4;

/// §2.0: emails are compared case-insensitively.
pub(crate) fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// §2.2: `detail` is a GET taking this query parameter; an unknown id answers `data: null`.
pub(crate) const DETAIL_ID_PARAM: &str = "id";

/// §2.2: `coverCountrys` is the MCC (a number) of a one-country package, and a comma-separated
/// string of MCCs for a multi-country one.
pub(crate) fn cover_countrys(mccs: &[u16]) -> Value {
    match mccs {
        [one] => json!(one),
        many => json!(many
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(",")),
    }
}

/// §2.2 and §2.6: `packageFlow`, `usedFlow` and `surplusFlow` are megabytes of 2^20 bytes.
pub(crate) const BYTES_PER_MB: u64 = 1 << 20;

/// §2.6: used and left data as MB with two decimals, rounded down.
pub(crate) fn megabytes(bytes: u64) -> Value {
    let hundredths = u128::from(bytes) * 100 / u128::from(BYTES_PER_MB);
    decimal(hundredths as i64, 2)
}

/// §2.2 and §6: prices, `money` and `payAmount` are decimal major units (US dollars).
pub(crate) fn price(cents: i64) -> Value {
    decimal(cents, 2)
}

/// A JSON number from an integer and a count of decimals, built from its decimal text.
fn decimal(scaled: i64, decimals: u32) -> Value {
    let scale = 10i64.pow(decimals);
    let text = format!(
        "{}.{:0width$}",
        scaled / scale,
        scaled % scale,
        width = decimals as usize
    );
    text.parse::<Number>().map_or(Value::Null, Value::Number)
}

/// §2.2 and §6: a price in major units read exactly into cents; more than two decimals, a
/// negative or a non-number is refused.
pub(crate) fn cents(value: &Value) -> Option<i64> {
    let text = match value {
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.trim().to_owned(),
        _ => return None,
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return None;
    }
    format!("{whole}{fraction:0<2}").parse().ok()
}

/// §2.2: `minOrderPeriod` and `maxOrderPeriod` bound `periodNum`, which is the package's
/// `period` (one period per pre-order).
pub(crate) fn order_periods(period_days: u32) -> (u32, u32) {
    (period_days, period_days)
}

/// §2.6: the package's catalogue `id`, named `packageId` in `myEsimDetail` (and in `detail`,
/// where the same value is given as text).
pub(crate) const PACKAGE_ID_FIELD: &str = "packageId";

/// §2.4: `dateTime` is Unix epoch seconds (a number or a string of digits); anything else is
/// code 1102.
pub(crate) fn date_time(value: &Value) -> Option<i64> {
    let secs = match value {
        Value::Number(number) => number.as_i64()?,
        Value::String(text) => text.trim().parse().ok()?,
        _ => return None,
    };
    (secs > 0).then_some(secs)
}

/// §2.4: the `type`s of a payment notification; the flow page's `payment_succeed` is a typo
/// of `succeeded`, accepted as the same.
pub(crate) fn payment_succeeded(kind: &str) -> Option<bool> {
    match kind {
        "payment_intent.succeeded" | "payment_intent.payment_succeed" => Some(true),
        "payment_intent.payment_failed" => Some(false),
        _ => None,
    }
}

/// §4: a repeat of the notification already taken (same type, and for a success the same
/// amount) is an idempotent replay answered 0; any other second notification is 9999.
pub(crate) fn same_notification(first: (bool, i64), again: (bool, i64)) -> bool {
    match (first, again) {
        ((true, amount), (true, again)) => amount == again,
        ((false, _), (false, _)) => true,
        _ => false,
    }
}

/// §2.5: `qrCode` is the LPA string, on this SM-DP+ host (`.test`, so nothing real is contacted).
pub(crate) const SMDP_ADDRESS: &str = "smdp.fms-sandbox.test";

/// §2.6: `myEsimDetail` also accepts `{"iccid": …}` and then describes the eSIM's latest order.
pub(crate) const ESIM_DETAIL_BY_ICCID: &str = "iccid";

/// §2.6: the package `status` of `myEsimDetail`: 0 assigned but never used, 1 in use,
/// 2 ended (used up or past `expireTime`).
pub(crate) fn package_status(started: bool, ended: bool) -> i64 {
    match (started, ended) {
        (_, true) => 2,
        (true, false) => 1,
        (false, false) => 0,
    }
}

/// §6: times other than `dateTime` are `yyyy-MM-dd HH:mm:ss` at this offset from UTC.
pub(crate) const TIME_OFFSET_SECS: i64 = 0;

/// §5: every FMS answer, error or not, is HTTP 200 with the code in the body.
pub(crate) const ENVELOPE_STATUS: StatusCode = StatusCode::OK;

/// §5: a failure below the application (what fault injection plays) looks like Spring Boot's
/// default error body, with no FMS envelope.
pub(crate) fn spring_error(status: StatusCode) -> Response {
    let body = json!({
        "timestamp": super::time::fms_time(crate::clock::wall_secs()),
        "status": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "path": "",
    });
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_decimals() {
        assert_eq!(price(990), json!(9.9));
        assert_eq!(price(1200).to_string(), "12.0");
        assert_eq!(megabytes(100 * BYTES_PER_MB), json!(100.0));
        assert_eq!(megabytes(BYTES_PER_MB / 3), json!(0.33));
        assert_eq!(cents(&json!(9.9)), Some(990));
        assert_eq!(cents(&json!("12.00")), Some(1200));
        assert_eq!(cents(&json!(12)), Some(1200));
        for bad in [
            json!(9.999),
            json!(-1),
            json!("1e3"),
            json!(null),
            json!(".5"),
        ] {
            assert_eq!(cents(&bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times_are_epoch_seconds() {
        assert_eq!(date_time(&json!(1_649_901_960)), Some(1_649_901_960));
        assert_eq!(date_time(&json!("1649901960")), Some(1_649_901_960));
        for bad in [
            json!("2022-04-14 10:00:00"),
            json!(-5),
            json!(1.5),
            json!(null),
        ] {
            assert_eq!(date_time(&bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_same_result_is_a_replay() {
        assert!(same_notification((true, 990), (true, 990)));
        assert!(!same_notification((true, 990), (true, 1000)));
        assert!(!same_notification((true, 990), (false, 990)));
        assert!(same_notification((false, 990), (false, 0)));
    }

    #[test]
    fn cover_is_a_number_or_a_list() {
        assert_eq!(cover_countrys(&[440]), json!(440));
        assert_eq!(cover_countrys(&[440, 450]), json!("440,450"));
    }
}
