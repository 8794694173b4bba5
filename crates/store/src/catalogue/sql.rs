//! SQL fragments every plan query shares, so a plan reads the same on every page.

/// Joins a plan `p` to its home country `hc` and its region `r`.
pub(crate) const PLACE_JOINS: &str = "LEFT JOIN countries hc ON hc.code = p.home_country LEFT JOIN regions r ON r.slug = p.region_slug";

/// Whether plan `p` may be sold: the provider still sells it, and neither the plan nor (for a
/// single-country plan) its country was taken off sale in the admin panel.
pub(crate) const ON_SALE: &str = "(p.active = TRUE AND p.enabled = TRUE AND (p.home_country IS NULL
    OR p.home_country IN (SELECT code FROM countries WHERE enabled = TRUE)))";

/// Where a plan works, by name: its country, else its region.
pub(crate) const PLACE_NAME: &str = "COALESCE(hc.name, r.name, 'Multi-country')";

/// The size a plan advertises, in bytes ("1 GB" is 2^30 whether the provider counts 10^9 or
/// 2^30), so one offer reads the same whoever serves it; NULL is unlimited.
pub(crate) const ADVERTISED_BYTES: &str = "COALESCE(p.data_mb * 1048576, p.data_bytes)";
