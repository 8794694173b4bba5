//! `get_site_info`: the public base URL for canonical links, and whether mail stays local.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Site-wide facts every page may need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub public_url: String,
    /// Development: mail goes to the local outbox at `/dev/outbox` instead of being sent.
    pub outbox_mode: bool,
}

#[server(prefix = "/api", endpoint = "site/info")]
pub async fn get_site_info() -> Result<SiteInfo, ServerFnError> {
    let state = crate::state::app_state()?;
    Ok(SiteInfo {
        public_url: state.public_url,
        outbox_mode: state.outbox_mode,
    })
}
