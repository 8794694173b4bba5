//! Catalogue queries: the `countries` / `region` filters and DynamoDB-style paging.

use super::{Catalogue, Product, Scope};
use crate::esimfx::world::Region;

/// Which products a listing returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    All,
    /// Products whose coverage includes any of these ISO codes.
    Countries(Vec<String>),
    /// Local plans of the region's countries plus the region's own plans.
    Region(Region),
    /// Only the global plans.
    Global,
}

fn present(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl Filter {
    /// Builds the filter from the request fields; `region` wins when both are present.
    pub(crate) fn parse(countries: Option<&str>, region: Option<&str>) -> Result<Self, String> {
        if let Some(region) = present(region) {
            return parse_region(region);
        }
        let Some(countries) = present(countries) else {
            return Ok(Filter::All);
        };
        let mut codes = Vec::new();
        for code in countries
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(format!(
                    "`{code}` is not an ISO 3166-1 alpha-2 country code"
                ));
            }
            codes.push(code.to_ascii_uppercase());
        }
        Ok(if codes.is_empty() {
            Filter::All
        } else {
            Filter::Countries(codes)
        })
    }

    pub(crate) fn matches(&self, product: &Product) -> bool {
        match self {
            Filter::All => true,
            Filter::Countries(codes) => product.overlaps(codes),
            Filter::Region(region) => matches!(
                product.scope,
                Scope::Local(r) | Scope::Regional(r) if r == *region
            ),
            Filter::Global => product.scope == Scope::Global,
        }
    }
}

/// Region names as the API accepts them, case-insensitively; `-` and `_` count as spaces.
pub(crate) const REGION_NAMES: [&str; 8] = [
    "Europe",
    "Asia",
    "North America",
    "Latin America",
    "Middle East",
    "Africa",
    "Oceania",
    "Global",
];

fn parse_region(raw: &str) -> Result<Filter, String> {
    let normalised = raw
        .to_ascii_lowercase()
        .replace(['-', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Ok(match normalised.as_str() {
        "europe" => Filter::Region(Region::Europe),
        "asia" => Filter::Region(Region::Asia),
        "north america" => Filter::Region(Region::NorthAmerica),
        "latin america" => Filter::Region(Region::LatinAmerica),
        "middle east" => Filter::Region(Region::MiddleEast),
        "africa" => Filter::Region(Region::Africa),
        "oceania" => Filter::Region(Region::Oceania),
        "global" => Filter::Global,
        _ => {
            return Err(format!(
                "unknown region `{raw}`; expected one of {}",
                REGION_NAMES.join(", ")
            ))
        }
    })
}

/// One page of a listing.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub(crate) products: Vec<&'a Product>,
    /// The last product on the page when more remain, for `last_evaluated_key`.
    pub(crate) more_after: Option<&'a Product>,
}

impl Catalogue {
    /// Products matching `filter` whose v2 id sorts after `after`, at most `size` of them.
    pub(crate) fn page(&self, filter: &Filter, after: Option<&str>, size: usize) -> Page<'_> {
        let start = after.map_or(0, |after| {
            self.products.partition_point(|p| p.id.as_str() <= after)
        });
        let mut matching = self.products[start..].iter().filter(|p| filter.matches(p));
        let products: Vec<&Product> = matching.by_ref().take(size).collect();
        let more_after = match matching.next() {
            Some(_) => products.last().copied(),
            None => None,
        };
        Page {
            products,
            more_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::esimfx::world;

    #[test]
    fn region_wins_and_names_are_lenient() {
        assert_eq!(
            Filter::parse(Some("JP"), Some("north_america")),
            Ok(Filter::Region(Region::NorthAmerica))
        );
        assert_eq!(Filter::parse(None, Some("  GLOBAL ")), Ok(Filter::Global));
        assert_eq!(
            Filter::parse(Some("jp, us"), Some("")),
            Ok(Filter::Countries(vec!["JP".into(), "US".into()]))
        );
        assert!(Filter::parse(None, Some("Atlantis")).is_err());
        assert!(Filter::parse(Some("JPN"), None).is_err());
        assert_eq!(Filter::parse(Some(" , "), None), Ok(Filter::All));
    }

    #[test]
    fn paging_walks_everything_once() {
        let catalogue = Catalogue::generate(&world::load().0);
        let filter = Filter::Countries(vec!["JP".into()]);
        let mut after: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let page = catalogue.page(&filter, after.as_deref(), 3);
            seen.extend(page.products.iter().map(|p| p.id.clone()));
            match page.more_after {
                Some(last) => after = Some(last.id.clone()),
                None => break,
            }
        }
        let expected: Vec<String> = catalogue
            .products()
            .iter()
            .filter(|p| filter.matches(p))
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(seen, expected);
        assert!(seen.contains(&"esimfx_10G_7D_JP".to_owned()));
        assert!(seen.contains(&"esimfx_10G_30D_ASIA".to_owned()));
        assert!(seen.contains(&"esimfx_10G_30D_GLOBAL".to_owned()));
    }
}
