//! Every sandbox behaviour the eSIM Go notes (`shared/providers/esimgo.md`) mark ASSUMED or leave
//! open, in one place so each is easy to change when the real API says otherwise.

use super::time::DAY;

/// §2.1: `GET /catalogue` pages hold this many bundles unless `perPage` says otherwise.
pub(crate) const CATALOGUE_DEFAULT_PER_PAGE: usize = 50;
/// §2.1: the largest `perPage` honoured.
pub(crate) const CATALOGUE_MAX_PER_PAGE: usize = 500;
/// §2.1 and §2.6: page numbers start at 1, and the envelopes carry `pageCount`, `rows` and
/// `pageSize` beside the list.
pub(crate) const FIRST_PAGE: usize = 1;
/// §2.6: `GET /orders` pages hold this many orders unless `limit` says otherwise.
pub(crate) const ORDERS_DEFAULT_LIMIT: usize = 25;
/// §2.6: the largest `limit` honoured for `GET /orders`.
pub(crate) const ORDERS_MAX_LIMIT: usize = 200;
/// §2.6 / §3: the only order `status` a completed transaction reports.
pub(crate) const ORDER_STATUS_COMPLETED: &str = "completed";

/// §5: unlimited bundles list `dataAmount: -1` (the notes allow -1 or 0).
pub(crate) const UNLIMITED_DATA_AMOUNT: i64 = -1;
/// §2.8 / §5: an unlimited assignment reports 0 for `initialQuantity` and
/// `remainingQuantity` (the notes give no byte counts for them).
pub(crate) const UNLIMITED_QUANTITY: u64 = 0;

/// §2.5: the compatibility family of a bundle is its name's last `_` segment (the operator
/// class, `V2`) plus the region of its base countries: `V2/Europe`. A bundle fits an eSIM whose
/// first bundle had the same family, so a UK eSIM takes any European `_V2` bundle but not a
/// Japanese one. (The adapter derives Tern's `topup_class` the same way.)
pub(crate) fn family(bundle_name: &str, region: &str) -> String {
    let class = bundle_name.rsplit('_').next().unwrap_or(bundle_name);
    format!("{class}/{region}")
}

/// §2.8: `bundleState` words, written in lower case.
pub(crate) const LOWER_CASE_BUNDLE_STATES: bool = true;
/// §2.8: an assignment never used lapses this long after it was assigned ("inactive for 12 months").
pub(crate) const LAPSE_AFTER: i64 = 365 * DAY;
/// §2.8: the first data use on an eSIM starts its oldest waiting bundle even while it is still
/// `processing` (the notes say the eSIM works during processing).
pub(crate) const FIRST_USE_STARTS_PROCESSING_BUNDLES: bool = true;
/// §2.8: assignments also carry the `startTime` and `endTime` that the callback's bundle
/// object has, once known.
pub(crate) const ASSIGNMENTS_CARRY_START_AND_END: bool = true;
/// §2.8: `GET /esims/{iccid}/bundles` lists this many assignments unless `limit` says otherwise
/// (1–200); without `includeUsed` only `processing`, `queued` and `active` ones are listed.
pub(crate) const BUNDLES_DEFAULT_LIMIT: usize = 15;

/// §2.9: an unused assignment is refunded to the balance within this long after purchase.
pub(crate) const REFUND_WINDOW: i64 = 60 * DAY;

/// §3: eSIM `profileStatus` values; an eSIM is `Released` when issued and `Installed` once a
/// phone installs it (the first data use installs it too).
pub(crate) const PROFILE_RELEASED: &str = "Released";
/// See [`PROFILE_RELEASED`].
pub(crate) const PROFILE_INSTALLED: &str = "Installed";

/// §2.7: the SM-DP+ host in the sandbox's activation codes; `.test` so nothing real is contacted.
pub(crate) const SMDP_ADDRESS: &str = "rsp.esimgo-sandbox.test";
/// §2.7: `application/json` assignments are one object for one eSIM and an array for several.
pub(crate) const SINGLE_ASSIGNMENT_AS_OBJECT: bool = true;
/// §2.7: the CSV columns (the older docs' set; `RSP URL` is the SM-DP+ address).
pub(crate) const ASSIGNMENT_CSV_HEADER: &str = "\"ICCID\",\"Matching ID\",\"RSP URL\",\"Bundle\"";
/// §2.7: the CSV's name inside the ZIP; each QR is `<iccid>.png` beside it.
pub(crate) const ZIP_CSV_NAME: &str = "esims.csv";

/// The organisation's currency (§1: "usually USD").
pub(crate) const CURRENCY: &str = "USD";
/// §1: the organisation name `GET /organisation` reports.
pub(crate) const ORGANISATION_NAME: &str = "Tern Sandbox";

/// §6: injected 503s say "processing" and ask to come back after this many seconds.
pub(crate) const RETRY_AFTER_SECS: u64 = 5;

/// §2.2: an unknown bundle is a 400 with this message (the notes allow 400 or 403).
pub(crate) fn unknown_bundle(name: &str) -> String {
    format!("Bundle not found: {name}")
}

/// §6: an ICCID the organisation does not own is a 403 with this message.
pub(crate) fn unknown_iccid(iccid: &str) -> String {
    format!("ICCID not found or not accessible by this organisation: {iccid}")
}

/// Undocumented: an unknown order reference is a 404 with this message.
pub(crate) fn unknown_order(reference: &str) -> String {
    format!("Order not found: {reference}")
}

/// §7.6: a top-up onto an incompatible eSIM without `allowReassign` is a 400 with this message.
pub(crate) fn incompatible(bundle: &str, iccid: &str) -> String {
    format!("Bundle {bundle} is not compatible with eSIM {iccid}")
}

/// §2.9: revoking a bundle that has no unused assignment left is a 400 with this message.
pub(crate) fn nothing_to_revoke(bundle: &str, iccid: &str) -> String {
    format!("No unused assignment of bundle {bundle} on eSIM {iccid} can be revoked")
}

/// §2.3: a failed `validate` for a low balance is a 200 with `valid: false` and this
/// `statusMessage` (only a `transaction` answers the documented 400).
pub(crate) const VALIDATE_LOW_BALANCE: &str = "Insufficient balance for this order";

/// §2.3: buying into inventory (`assign: false`) is not modelled; such orders are a 400.
pub(crate) const NO_INVENTORY: &str = "This sandbox does not keep an inventory: set assign to true";

/// Undocumented: the answer of `PUT /esims`.
pub(crate) const UPDATED: &str = "eSIM updated";

/// §2.9: the revoke answer's `status` says whether the price went back to the balance.
pub(crate) const REVOKED_REFUNDED: &str = "Bundle revoked and refunded to balance";
/// See [`REVOKED_REFUNDED`].
pub(crate) const REVOKED: &str = "Bundle revoked without a refund";
