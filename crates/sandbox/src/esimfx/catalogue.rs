//! The product catalogue: products, lookup by either id form, and paging in a stable order.

mod generate;
mod query;

use std::collections::HashMap;

pub(crate) use query::Filter;

use super::world::{Country, Network, Region};

/// Where a product works: one country, one region, or the global set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Local(Region),
    Regional(Region),
    Global,
}

/// One sellable data plan.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    /// The v2 id, `esimfx_10G_7D_JP` style.
    pub(crate) id: String,
    /// The legacy (v1) id, a UUID derived from `id`.
    pub(crate) meta_product_id: String,
    pub(crate) name: String,
    pub(crate) duration_days: u32,
    pub(crate) amount: u32,
    pub(crate) amount_unit: &'static str,
    pub(crate) is_unlimited: bool,
    pub(crate) coverage: Vec<String>,
    pub(crate) networks: Vec<Network>,
    pub(crate) imsi_profile: &'static str,
    /// Wholesale price in US cents.
    pub(crate) price_cents: i64,
    pub(crate) scope: Scope,
}

impl Product {
    /// The subscription's data limit in bytes (binary units). Unlimited plans report 0.
    pub(crate) fn limit_bytes(&self) -> u64 {
        let unit: u64 = match self.amount_unit {
            "MB" => 1 << 20,
            _ => 1 << 30,
        };
        if self.is_unlimited {
            0
        } else {
            u64::from(self.amount) * unit
        }
    }

    pub(crate) fn overlaps(&self, coverage: &[String]) -> bool {
        self.coverage.iter().any(|c| coverage.contains(c))
    }
}

/// Products sorted by v2 id, with an index from legacy ids.
#[derive(Debug, Clone)]
pub(crate) struct Catalogue {
    products: Vec<Product>,
    /// Legacy id to v2 id. Never pruned, so cursors and old ids stay resolvable after a removal.
    by_meta: HashMap<String, String>,
}

impl Catalogue {
    /// Builds the deterministic catalogue for these countries.
    pub(crate) fn generate(countries: &[Country]) -> Self {
        let mut products = generate::products(countries);
        products.sort_by(|a, b| a.id.cmp(&b.id));
        products.dedup_by(|a, b| a.id == b.id);
        let by_meta = products
            .iter()
            .map(|p| (p.meta_product_id.clone(), p.id.clone()))
            .collect();
        Self { products, by_meta }
    }

    pub(crate) fn products(&self) -> &[Product] {
        &self.products
    }

    /// The v2 id for either id form, when the id is (or once was) in the catalogue.
    pub(crate) fn v2_id<'a>(&'a self, any_id: &'a str) -> Option<&'a str> {
        if any_id.starts_with("esimfx_") {
            Some(any_id)
        } else {
            self.by_meta.get(any_id).map(String::as_str)
        }
    }

    fn position(&self, any_id: &str) -> Option<usize> {
        let id = self.v2_id(any_id)?;
        self.products
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
    }

    /// Looks a product up by v2 or legacy id.
    pub(crate) fn get(&self, any_id: &str) -> Option<&Product> {
        self.position(any_id).map(|i| &self.products[i])
    }

    pub(crate) fn get_mut(&mut self, any_id: &str) -> Option<&mut Product> {
        self.position(any_id).map(|i| &mut self.products[i])
    }

    /// Removes a product; returns whether it was there.
    pub(crate) fn remove(&mut self, any_id: &str) -> bool {
        match self.position(any_id) {
            Some(i) => {
                self.products.remove(i);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::world;
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::generate(&world::load().0)
    }

    #[test]
    fn generation_is_deterministic_and_large() {
        let a = catalogue();
        let b = catalogue();
        assert!(a.products().len() >= 1500, "{}", a.products().len());
        let ids = |c: &Catalogue| {
            c.products()
                .iter()
                .map(|p| (p.id.clone(), p.meta_product_id.clone(), p.price_cents))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
    }

    #[test]
    fn both_id_forms_resolve() {
        let c = catalogue();
        let jp = c.get("esimfx_10G_7D_JP").expect("doc example id exists");
        assert_eq!(jp.name, "japan_10GB_7Day");
        assert_eq!(jp.imsi_profile, "Green");
        assert_eq!(jp.limit_bytes(), 10_737_418_240);
        assert_eq!(c.get(&jp.meta_product_id).map(|p| &p.id), Some(&jp.id));
        assert!(c.get("esimfx_10G_7D_XX").is_none());
    }

    #[test]
    fn prices_are_whole_cents_and_grow_with_size() {
        let c = catalogue();
        for p in c.products() {
            assert!(p.price_cents > 0, "{}", p.id);
        }
        let price = |id: &str| c.get(id).unwrap().price_cents;
        assert!(price("esimfx_1G_7D_JP") < price("esimfx_3G_15D_JP"));
        assert!(price("esimfx_3G_15D_JP") < price("esimfx_10G_30D_JP"));
        assert!(price("esimfx_10G_30D_JP") < price("esimfx_20G_30D_JP"));
        assert!((300..=900).contains(&price("esimfx_1G_7D_JP")));
    }

    #[test]
    fn removal_keeps_legacy_ids_resolvable() {
        let mut c = catalogue();
        let meta = c.get("esimfx_1G_7D_FR").unwrap().meta_product_id.clone();
        assert!(c.remove(&meta));
        assert!(c.get("esimfx_1G_7D_FR").is_none());
        assert_eq!(c.v2_id(&meta), Some("esimfx_1G_7D_FR"));
    }
}
