//! Every adapter behaviour that rests on what the eSIM Go notes (`shared/providers/esimgo.md`)
//! mark ASSUMED or leave open, in one place so each is easy to change.

use domain::{EsimState, PackageState};

/// §1 / §5: prices and balances are in the organisation currency; catalogue answers that do
/// not name one are taken to be in US dollars.
pub(crate) const DEFAULT_CURRENCY: &str = "USD";

/// §2.1: page numbers start at 1.
pub(crate) const FIRST_PAGE: u32 = 1;
/// §2.1: bundles asked for per catalogue page.
pub(crate) const CATALOGUE_PAGE_SIZE: u32 = 50;
/// §2.6: orders asked for per `GET /orders` page while reconciling.
pub(crate) const ORDERS_PAGE_SIZE: u32 = 50;
/// §2.6: the most order pages read while reconciling, so a runaway listing cannot stall an order.
pub(crate) const ORDERS_MAX_PAGES: u32 = 20;
/// §2.8: assignments asked for per `GET /esims/{iccid}/bundles` (the documented maximum).
pub(crate) const BUNDLES_LIMIT: &str = "200";

/// §4: how far before Tern's first attempt a NEW order is looked for, for clock drift between
/// Tern and eSIM Go. Safe to be generous: a NEW order is only claimed by its `customerRef`.
pub(crate) const NEW_ORDER_LOOKBACK_MS: i64 = 10 * 60 * 1000;
/// §4: the same for top-ups, which carry no tag and are matched on bundle, eSIM and time only;
/// kept at zero so an earlier identical top-up is never taken for this one.
pub(crate) const TOPUP_LOOKBACK_MS: i64 = 0;

/// §3: when a transaction is placed but its eSIMs cannot be read yet ("if the response is
/// missing or arrives late"), the order is answered pending and asked about again this soon,
/// unless eSIM Go's `Retry-After` says otherwise.
pub(crate) const PENDING_POLL_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// §2.5: Tern's `topup_class` for a bundle is its name's last `_` segment (the operator class,
/// `V2`) plus the one region all its base countries share: `V2/Europe`. Bundles spanning
/// regions get none; `GET /esims/{iccid}/compatible/{bundle}` stays the final word.
pub(crate) fn topup_class(bundle_name: &str, regions: &[&str]) -> Option<String> {
    let (_, class) = bundle_name.rsplit_once('_')?;
    let first = regions.first()?.trim();
    if class.is_empty() || first.is_empty() || regions.iter().any(|r| r.trim() != first) {
        return None;
    }
    Some(format!("{class}/{first}"))
}

/// §2.5: compatibility is taken to be the same for every bundle of one `topup_class`, so
/// `available_topups` asks `GET /esims/{iccid}/compatible/{bundle}` once per class (bundles
/// without a class are asked about one by one). Without this an eSIM on a regional bundle
/// would cost hundreds of calls.
pub(crate) const COMPATIBILITY_UNIFORM_WITHIN_CLASS: bool = true;

/// Products list no networks, only `speed`: one placeholder network per bundle carries the
/// fastest generation so plan pages can still say "5G".
pub(crate) const PLACEHOLDER_NETWORK: &str = "Local partner networks";

/// §3: `profileStatus` to Tern's eSIM state. The notes see `Released` and `Installed`; the rest
/// of the set is assumed.
pub(crate) fn esim_state(profile_status: &str) -> Option<EsimState> {
    match profile_status.trim().to_ascii_lowercase().as_str() {
        "released" | "downloaded" => Some(EsimState::Provisioned),
        "installed" | "enabled" | "disabled" => Some(EsimState::Installed),
        "deleted" => Some(EsimState::Deactivated),
        _ => None,
    }
}

/// §2.8: `bundleState` to Tern's package state, compared case-insensitively (the case the API
/// writes is assumed). Depleted counts as over: no data is left.
pub(crate) fn package_state(bundle_state: &str) -> Option<PackageState> {
    match bundle_state.trim().to_ascii_lowercase().as_str() {
        "processing" | "queued" => Some(PackageState::Pending),
        "active" => Some(PackageState::Active),
        "depleted" | "expired" | "lapsed" => Some(PackageState::Expired),
        "revoked" => Some(PackageState::Terminated),
        _ => None,
    }
}

/// §2.9: an unstarted, unused assignment is refunded within this long after it was bought.
pub(crate) const REFUND_WINDOW_MS: i64 = 60 * 86_400_000;

/// §2.9: the revoke answer is only `{ "status": "<message>" }`. A message that speaks of a
/// refund is believed ("refunded to balance" yes; "not refunded", "no refund", "without a
/// refund" no); any other leaves the decision to the refund rule.
pub(crate) fn refund_in_status(status: &str) -> Option<bool> {
    let lower = status.to_ascii_lowercase();
    if !lower.contains("refund") {
        return None;
    }
    let denied = [
        "not refund",
        "no refund",
        "without a refund",
        "without refund",
        "non-refund",
    ];
    Some(!denied.iter().any(|d| lower.contains(d)))
}

/// §2.8: assignments are read for a `startTime` and `endTime` like the callback's bundle
/// object has; without them a package reports no activation or end time.
pub(crate) const ASSIGNMENT_START_FIELD: &str = "startTime";
/// See [`ASSIGNMENT_START_FIELD`].
pub(crate) const ASSIGNMENT_END_FIELD: &str = "endTime";

/// §2.3: a `validate` answered `valid: false` whose `statusMessage` mentions this is a low
/// balance; any other is a validation failure.
pub(crate) const LOW_BALANCE_HINT: &str = "balance";

/// §1 / §6: a 403 whose message is this (or empty) is a refused API key; other 403 messages
/// name something the organisation cannot reach.
pub(crate) const FORBIDDEN_MESSAGE: &str = "forbidden";

/// §2.7: `application/zip` assignments hold their CSV uncompressed ("stored"); a deflated
/// entry is reported as malformed, because the `zip` build shared with the workspace reads
/// stored entries only.
pub(crate) const ZIP_STORED_ONLY: bool = true;

/// §1: `GET /organisation` is the OpenAPI's flat object; an `organisations[]` wrapper (seen in
/// older answers) is read too, taking its first entry.
pub(crate) const ORGANISATION_MAY_BE_WRAPPED: bool = true;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_up_class_is_the_name_suffix_and_the_shared_region() {
        assert_eq!(
            topup_class("esim_1GB_7D_GB_V2", &["Europe"]).as_deref(),
            Some("V2/Europe")
        );
        assert_eq!(
            topup_class("esim_1GB_7D_IM_U", &["Europe", "Europe"]).as_deref(),
            Some("U/Europe")
        );
        assert_eq!(topup_class("esim_1GB_7D_X_V2", &["Europe", "Asia"]), None);
        assert_eq!(topup_class("plain", &["Europe"]), None);
        assert_eq!(topup_class("esim_1GB_7D_GB_V2", &[]), None);
    }

    #[test]
    fn states_map_case_insensitively() {
        assert_eq!(esim_state("Released"), Some(EsimState::Provisioned));
        assert_eq!(esim_state("INSTALLED"), Some(EsimState::Installed));
        assert_eq!(esim_state("Deleted"), Some(EsimState::Deactivated));
        assert_eq!(esim_state("Lost"), None);
        assert_eq!(package_state("Queued"), Some(PackageState::Pending));
        assert_eq!(package_state("processing"), Some(PackageState::Pending));
        assert_eq!(package_state("ACTIVE"), Some(PackageState::Active));
        for (status, refunded) in [
            ("Bundle revoked and refunded to balance", Some(true)),
            ("Bundle revoked, not refunded", Some(false)),
            ("Revoked without a refund", Some(false)),
            ("Bundle revoked", None),
        ] {
            assert_eq!(refund_in_status(status), refunded, "{status}");
        }
        for over in ["depleted", "Expired", "lapsed"] {
            assert_eq!(package_state(over), Some(PackageState::Expired), "{over}");
        }
        assert_eq!(package_state("revoked"), Some(PackageState::Terminated));
        assert_eq!(package_state("paused"), None);
    }
}
