//! SQL fragments every plan query shares, so a plan reads the same on every page.

/// Joins a plan `p` to its home country `hc` and its region `r`.
pub(crate) const PLACE_JOINS: &str = "LEFT JOIN countries hc ON hc.code = p.home_country LEFT JOIN regions r ON r.slug = p.region_slug";

/// Where a plan works, by name: its country, else its region.
pub(crate) const PLACE_NAME: &str = "COALESCE(hc.name, r.name, 'Multi-country')";

/// The size a plan advertises, in bytes ("1 GB" is 2^30 whether the provider counts 10^9 or
/// 2^30), so one offer reads the same whoever serves it; NULL is unlimited.
pub(crate) const ADVERTISED_BYTES: &str = "COALESCE(p.data_mb * 1048576, p.data_bytes)";
