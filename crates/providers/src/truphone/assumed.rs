//! Every behaviour of the Truphone adapter that rests on something the provider notes
//! (`shared/providers/truphone.md`) mark ASSUMED or leave open, in one place so each is easy
//! to find and change.

use std::time::Duration;

/// §2.3: `countryCode` (where the sale happens) is mandatory, but Tern does not always know
/// the traveller's destination; this is sent then.
pub(crate) const FALLBACK_COUNTRY: &str = "GB";

/// §3: poll an accepted order every 2 s.
pub(crate) const POLL_AFTER: Duration = Duration::from_secs(2);

/// §1 "Token response": lifetimes when the token endpoint leaves `expires_in` /
/// `refresh_expires_in` out (5 and 30 minutes, as documented).
pub(crate) const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
pub(crate) const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(1_800);

/// §2.6/§2.7: no code is documented for an unknown ICCID; the sandbox answers 404 with this.
pub(crate) const SIM_NOT_FOUND_CODE: &str = "SIM_NOT_FOUND";

/// §2.6: the SM-DP+ address when a SIM is reported without `lpa_url` (order output carries
/// `smdpUrl`, the SIM resource does not).
pub(crate) const DEFAULT_SMDP_ADDRESS: &str = "rsp.truphone.com";

/// §2.7: the history's `X-Next-Page` is a URL whose query carries the next `page`; the adapter
/// repeats its own request with that page rather than trusting the URL's host.
pub(crate) const NEXT_PAGE_HEADER: &str = "x-next-page";
pub(crate) const PAGE_PARAM: &str = "page";
/// §2.7: how many subscriptions to ask for per history page, and a bound on the pages read.
pub(crate) const HISTORY_PAGE_SIZE: u32 = 100;
pub(crate) const HISTORY_MAX_PAGES: u32 = 50;

/// §4: Truphone has no idempotency key. The order's `device.id` is set to Tern's idempotency
/// key and every subscription reports the `device_id` it was ordered with, so a repeat finds
/// its order in the history. Tern's clock and Truphone's may differ, so the search starts this
/// long before Tern's first attempt (the device id match keeps it exact).
pub(crate) const HISTORY_LOOKBACK: Duration = Duration::from_secs(600);

/// §2.7 (Tern's need, not in the docs): subscriptions carry no order id, yet Tern matches
/// packages by the order id it got at purchase (`externalId`). The sandbox adds `order_id`
/// (the `externalId`) to each subscription; the adapter uses it when present, otherwise the
/// subscription's own `id`.
pub(crate) fn package_order_id(order_id: Option<&str>, subscription_id: &str) -> String {
    order_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .unwrap_or(subscription_id)
        .to_owned()
}

/// §2.1: `activeCountries` lists where a product may be sold (`["ALL"]` everywhere). Tern sells
/// online to travellers anywhere, so every product is accepted whatever it lists.
pub(crate) fn sellable(active_countries: &[String]) -> bool {
    let _ = active_countries;
    true
}

/// §2.8: any catalogue product may top up any Truphone eSIM, so every product shares one
/// top-up class.
pub(crate) const TOPUP_CLASS: &str = "truphone";

/// §2.8: the top-ups offered for an eSIM are the catalogue products whose footprint covers a
/// country of the eSIM's current product (the one its latest subscription bought).
pub(crate) fn tops_up(current_footprint: &[String], candidate_footprint: &[String]) -> bool {
    candidate_footprint
        .iter()
        .any(|code| current_footprint.contains(code))
}

/// §2.6/§2.7: the eSIM is EXPIRED once every subscription on it is DEPLETED or EXPIRED (the
/// docs give SIM profile states only).
pub(crate) const EXPIRED_WHEN_EVERY_PLAN_ENDED: bool = true;

/// §5: catalogue data comes in `GB` and, assumed, `MB`; both binary.
pub(crate) const DATA_UNITS: [(&str, u64); 2] = [("GB", 1 << 30), ("MB", 1 << 20)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_are_matched_by_order_id_when_there_is_one() {
        assert_eq!(package_order_id(Some("ext-1"), "sub-1"), "ext-1");
        assert_eq!(package_order_id(Some(" "), "sub-1"), "sub-1");
        assert_eq!(package_order_id(None, "sub-1"), "sub-1");
    }

    #[test]
    fn top_ups_share_a_country_with_the_current_plan() {
        let current = ["PT".to_owned(), "ES".to_owned()];
        assert!(tops_up(&current, &["ES".to_owned(), "FR".to_owned()]));
        assert!(!tops_up(&current, &["JP".to_owned()]));
    }
}
