//! In-memory copies of the catalogue's reads: every destination with its price, every region, and
//! each country, region and plan page as it was asked for.
//!
//! The catalogue changes only when a sync changes it, so each copy is tagged with the catalogue's
//! generation and rebuilt after a sync bumps it; a short lifetime covers syncs run by another process.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a copy may be used without a local sync, in case another process synced.
const MAX_AGE: Duration = Duration::from_secs(60);

/// Most pages kept per kind: far more than there are destinations and sort orders, so only a
/// flood of made-up addresses could reach it (and those are never kept: see `Pages::get_or_load`).
const MAX_PAGES: usize = 4096;

/// One cached value per kind of read.
#[derive(Default)]
pub struct ReadCache {
    generation: AtomicU64,
    countries: Slot<super::queries::CountryRows>,
    regions: Slot<Vec<domain::RegionSummary>>,
    pub(super) country_pages: Pages<(String, domain::PlanSort), domain::CountryPage>,
    pub(super) region_pages: Pages<(String, domain::PlanSort), domain::RegionDetail>,
    pub(super) plans: Pages<String, domain::PlanDetail>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish()
    }
}

struct Slot<T>(Mutex<Option<(u64, Instant, Arc<T>)>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T> Slot<T> {
    fn get(&self, generation: u64) -> Option<Arc<T>> {
        let slot = self.0.lock().ok()?;
        slot.as_ref()
            .filter(|(g, at, _)| *g == generation && at.elapsed() < MAX_AGE)
            .map(|(_, _, value)| value.clone())
    }

    fn put(&self, generation: u64, value: Arc<T>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((generation, Instant::now(), value));
        }
    }
}

/// Pages by what was asked for, all of one generation.
pub(super) struct Pages<K, T>(Mutex<(u64, Instant, HashMap<K, Arc<T>>)>);

impl<K, T> Default for Pages<K, T> {
    fn default() -> Self {
        Pages(Mutex::new((0, Instant::now(), HashMap::new())))
    }
}

impl<K: Hash + Eq, T> Pages<K, T> {
    /// The page for `key`, loaded by `load` unless a copy of this generation is kept. Only pages
    /// that exist are kept, so asking for made-up addresses fills nothing.
    pub(super) async fn get_or_load<F>(
        &self,
        cache: &ReadCache,
        key: K,
        load: F,
    ) -> anyhow::Result<Option<Arc<T>>>
    where
        F: std::future::Future<Output = anyhow::Result<Option<T>>>,
    {
        let generation = cache.generation.load(Ordering::Relaxed);
        if let Ok(mut pages) = self.0.lock() {
            if pages.0 != generation || pages.1.elapsed() >= MAX_AGE {
                *pages = (generation, Instant::now(), HashMap::new());
            }
            if let Some(hit) = pages.2.get(&key) {
                return Ok(Some(hit.clone()));
            }
        }
        let Some(value) = load.await?.map(Arc::new) else {
            return Ok(None);
        };
        if let Ok(mut pages) = self.0.lock() {
            if pages.0 == generation && pages.2.len() < MAX_PAGES {
                pages.2.insert(key, value.clone());
            }
        }
        Ok(Some(value))
    }
}

impl ReadCache {
    /// Forgets every copy; called when a sync changed the catalogue.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) async fn countries<F>(
        &self,
        load: F,
    ) -> anyhow::Result<Arc<super::queries::CountryRows>>
    where
        F: std::future::Future<Output = anyhow::Result<super::queries::CountryRows>>,
    {
        let generation = self.generation.load(Ordering::Relaxed);
        if let Some(hit) = self.countries.get(generation) {
            return Ok(hit);
        }
        let value = Arc::new(load.await?);
        self.countries.put(generation, value.clone());
        Ok(value)
    }

    pub(super) async fn regions<F>(
        &self,
        load: F,
    ) -> anyhow::Result<Arc<Vec<domain::RegionSummary>>>
    where
        F: std::future::Future<Output = anyhow::Result<Vec<domain::RegionSummary>>>,
    {
        let generation = self.generation.load(Ordering::Relaxed);
        if let Some(hit) = self.regions.get(generation) {
            return Ok(hit);
        }
        let value = Arc::new(load.await?);
        self.regions.put(generation, value.clone());
        Ok(value)
    }
}
