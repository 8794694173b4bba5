//! The catalogue: synced from providers into the database, read back as the pages need it.

mod cache;
mod plan_id;
mod queries;
pub(crate) mod sql;
mod sync;

pub use cache::ReadCache;
pub use queries::{
    active_plan_count, country_page, destination_index, plan_detail, popular_countries,
    region_page, regions, sitemap, Sitemap,
};
pub use sync::{sync_provider, SyncError, SyncReport};
