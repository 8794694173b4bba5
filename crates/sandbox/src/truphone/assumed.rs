//! Every behaviour the Truphone notes (`shared/providers/truphone.md`) mark ASSUMED, or leave
//! open, in one place so each is easy to find and change.
//!
//! Behaviours that are not a single value:
//! - §2.7 / §3: a subscription stays PENDING until the sandbox device first uses data
//!   (`/_sandbox/esims/{iccid}/consume`, or simulated traffic), then runs for its period; a
//!   top-up bought while another plan runs waits its turn and starts when data is used after
//!   the running one ends (`lifecycle.rs`).
//! - §3: orders complete after `fulfil_after_polls` polls or `fulfil_after_secs` (1–10 s in
//!   the notes), and `fail_orders` makes orders FAILED (`orders.rs`).
//! - §3: a subscription's `createdDate` is when its order completed, so the history shows an
//!   order's subscriptions only once it is COMPLETED.
//! - §4: each POST creates a new order (no deduplication) and a repeated `X-Correlation-ID` is
//!   accepted (no strict mode).
//! - §2.11: notifications (webhooks) are not simulated; Tern polls.

/// §1 "Token response": only `access_token` and `refresh_token` are documented; the rest of
/// the Keycloak shape (`refresh_expires_in`, `token_type`, `not-before-policy`, `scope`) is
/// assumed. The refresh token's 30 minutes are documented.
pub(crate) const REFRESH_TOKEN_TTL_SECS: i64 = 1_800;

/// §1 "Token response": the assumed `scope` value.
pub(crate) const TOKEN_SCOPE: &str = "profile email";

/// §1 error model: a SIM past its 15 active subscriptions fails a TOPUP with this code (422).
pub(crate) const TOO_MANY_SUBSCRIPTIONS_CODE: &str = "INVALID_REQUEST_PARAMS";

/// §1 error model: at most this many active (PENDING or ACTIVE) subscriptions per SIM; the
/// limit is documented, what counts as "active" is assumed.
pub(crate) const MAX_ACTIVE_SUBSCRIPTIONS: usize = 15;

/// §2.2: product detail is implemented, and an unknown id answers 404 `PRODUCT_NOT_FOUND`
/// (the order call answers 422 with the same code, as documented).
pub(crate) const PRODUCT_DETAIL_NOT_FOUND_STATUS: u16 = 404;

/// §2.6/§2.7: the docs name no code for an unknown ICCID; the sandbox answers 404 with this.
pub(crate) const SIM_NOT_FOUND_CODE: &str = "SIM_NOT_FOUND";

/// §2.7: the docs name no code for an unknown subscription id; 404 with this.
pub(crate) const SUBSCRIPTION_NOT_FOUND_CODE: &str = "SUBSCRIPTION_NOT_FOUND";

/// §2.9: paths v1 does not have (cancel, refund, terminate, …) answer 404 with this code.
pub(crate) const NO_SUCH_RESOURCE_CODE: &str = "RESOURCE_NOT_FOUND";

/// §2.7 (Tern's need, not in the docs): every subscription object carries `order_id`, the
/// `externalId` of the order that bought it, so a client can match packages to its orders.
pub(crate) const SUBSCRIPTION_ORDER_ID_FIELD: &str = "order_id";

/// §2.7: the paginated history's page numbers start at 0 and pages hold 20 entries by
/// default (Spring style), at most 100.
pub(crate) const HISTORY_DEFAULT_PAGE_SIZE: usize = 20;
pub(crate) const HISTORY_MAX_PAGE_SIZE: usize = 100;

/// §2.7: `X-Next-Page` / `X-Previous-Page` carry an absolute URL (built from the request's
/// `Host`) whose query repeats the filters with the other `page`.
pub(crate) const NEXT_PAGE_HEADER: &str = "x-next-page";
pub(crate) const PREVIOUS_PAGE_HEADER: &str = "x-previous-page";

/// §2.4 / §6.3: `BULK_ACTIVATION` is rejected with 400 `INVALID_REQUEST_PARAMS`.
pub(crate) const BULK_ACTIVATION_REFUSAL: &str = "BULK_ACTIVATION is not supported here";

/// §2.4 / §6.4: a TOPUP without `customer.email` (later docs) skips the email/ICCID check; an
/// unknown ICCID then answers 404 [`SIM_NOT_FOUND_CODE`].
pub(crate) const TOPUP_WITHOUT_EMAIL_ALLOWED: bool = true;

/// §2.5: the SM-DP+ address in order output and `lpa_url`, without a protocol prefix.
pub(crate) const SMDP_ADDRESS: &str = "rsp.truphone.com";

/// §5: the currency `GET /v1/products` prices in when none is asked for (documented as EUR),
/// and the currencies the sandbox client supports (assumed).
pub(crate) const DEFAULT_CURRENCY: &str = "EUR";
pub(crate) const SUPPORTED_CURRENCIES: [&str; 2] = ["USD", "EUR"];

/// §5: EUR prices are the USD price times this, rounded to the cent (an assumed fixed rate).
pub(crate) const EUR_PER_USD: f64 = 0.92;

/// §2.6: the profile goes `Released` → `Installed` when the device first uses data.
pub(crate) const FIRST_USE_INSTALLS_PROFILE: bool = true;
