//! Every FMS behaviour the provider notes (`shared/providers/fms.md`) mark ASSUMED, in one
//! place so each is easy to change once the real API is seen. Each item names its section.
//!
//! Assumptions with nothing to tune, relied on by the code around them:
//! - §2.0: `passwordReset` takes `{email, passwd, partnerCode}` and the token of a login made
//!   with the old password (`session`).
//! - §2.1: `countryPackageList` sent without a `countryCode` lists every country (`catalogue`).
//! - §2.4: `/payment/webhook` is called without a token, like any payment callback (`ordering`).
//! - §2.4 and §4: repeating the same successful notification is an idempotent replay, so after
//!   a restart (when the adapter has forgotten that it already notified) sending it again is
//!   safe (`ordering`).
//! - §2.5: `qrCode` is the LPA string; `smdpAddress` + `activationCode` are preferred (`mapping`).
//! - §5: errors come with HTTP 200 and the code in the body; another status is a transport
//!   fault: 5xx Unavailable, a gateway's 401/403 Unauthorized (`client`).

use serde_json::Value;

/// §1 "Base URL": FMS publishes none; the test Swagger suggests a `/fms` context path, so the
/// configured base URL is taken to end in it and every documented path is appended to it.
pub(super) const BASE_URL_HINT: &str = "https://<host>/fms";

/// §1 "Token transport": the token comes back in this response header (and in `data.token`)
/// and goes out in the same request header.
pub(super) const TOKEN_HEADER: &str = "x-access-token";

/// §2.0: `emailLogin` answers this code when no user has the email; the adapter then registers
/// the traveller.
pub(super) const USER_NOT_FOUND: i64 = 10010;

/// §2.0: `emailLogin` answers this code when the password is wrong; the adapter then tries the
/// previous secret and syncs the new password (seed 000 "Update password flow").
pub(super) const WRONG_PASSWORD: i64 = 10011;

/// §2.0: `emailRegister` answers this code when the email is already registered (another
/// Tern server got there first); the adapter then logs in.
pub(super) const USER_EXISTS: i64 = 10012;

/// §2.0: `verifyCode` is documented as unused, so any value does.
pub(super) const VERIFY_CODE: u32 = 0;

/// §2.2: `detail` is a GET taking `?id=`; an unknown id answers code 0 with `data: null`.
pub(super) const DETAIL_ID_PARAM: &str = "id";

/// §2.2 and §2.6: `packageFlow`, `usedFlow` and `surplusFlow` are megabytes of 2^20 bytes.
pub(super) const BYTES_PER_MB: u64 = 1 << 20;

/// §2.2: `coverCountrys` is one MCC (a number, or a string of digits) for a one-country package,
/// or a comma-separated list of MCCs for a multi-country one.
pub(super) fn cover_mccs(value: &Value) -> Result<Vec<u16>, String> {
    let text = match value {
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.clone(),
        Value::Null => return Err("no coverCountrys".into()),
        other => {
            return Err(format!(
                "coverCountrys {other} is neither a number nor a list"
            ))
        }
    };
    let mccs = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<u16>()
                .ok()
                .filter(|mcc| (200..=999).contains(mcc))
                .ok_or_else(|| format!("coverCountrys has {part:?}, not an MCC"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if mccs.is_empty() {
        return Err("coverCountrys is empty".into());
    }
    Ok(mccs)
}

/// §2.2 and §6: prices (`price`, `money`, `payAmount`) are decimal major units, and Tern buys in
/// this currency (`payCurrency` is documented as USD).
pub(super) const CURRENCY: &str = "USD";

/// §2.3: `money` is the `currencyInfos[].price` for one `period` (`periodNum` = `period`).
pub(super) const PERIOD_MULTIPLE: u32 = 1;

/// §2.3: the pre-order's answer carries its id in `data.id` and its deadline in
/// `data.expireTime`; without a deadline the documented window (seed 000, 60 minutes) applies.
pub(super) const PAYMENT_WINDOW_MS: i64 = 60 * 60 * 1000;

/// §2.4: `dateTime` is Unix epoch seconds.
pub(super) fn date_time(paid_at_unix_secs: i64) -> i64 {
    paid_at_unix_secs
}

/// §2.4: what `paypalId` carries when Tern tells FMS of a failure with no payment at hand
/// (an abandoned checkout): the order's idempotency key, so FMS logs still point at Tern's order.
pub(super) fn paypal_id_without_payment(idempotency_key: &str) -> &str {
    idempotency_key
}

/// §2.6: `myEsimDetail` answers for any order of the partner, whoever's token is sent, so
/// after-sale lookups that name no traveller sign in as the configured operator account.
pub(super) fn care_account(operator_email: &str) -> &str {
    operator_email
}

/// §2.6: `myEsimDetail` also accepts `{"iccid": …}` and then describes the eSIM's latest order.
pub(super) const ESIM_DETAIL_BY_ICCID: &str = "iccid";

/// §2.6: `myEsimDetail` names the package by its catalogue `id` in `packageId`.
pub(super) const ESIM_DETAIL_PACKAGE_FIELD: &str = "packageId";

/// §2.6: the `status` of `myEsimDetail`: 0 assigned but never used, 1 in use, 2 ended (used up
/// or past `expireTime`).
pub(super) fn package_state(status: i64) -> Option<domain::PackageState> {
    use domain::PackageState;
    match status {
        0 => Some(PackageState::Pending),
        1 => Some(PackageState::Active),
        2 => Some(PackageState::Expired),
        _ => None,
    }
}

/// §2.6: the eSIM's state follows its latest package (FMS has no separate eSIM state).
pub(super) fn esim_state(status: i64) -> Option<domain::EsimState> {
    use domain::EsimState;
    match status {
        0 => Some(EsimState::Provisioned),
        1 => Some(EsimState::Active),
        2 => Some(EsimState::Expired),
        _ => None,
    }
}

/// §6: times other than `dateTime` are `yyyy-MM-dd HH:mm:ss` at this offset from UTC.
pub(super) const TIME_OFFSET_SECS: i64 = 0;
