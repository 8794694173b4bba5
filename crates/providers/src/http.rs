//! The HTTP client every adapter reaches its provider with.

use std::time::Duration;

use crate::ProviderError;

/// The longest a connection may take to open, however generous the call timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A client whose calls give up after `timeout`, that names Tern in `User-Agent`.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(MAX_CONNECT_TIMEOUT))
        .user_agent(concat!("tern/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ProviderError::Unavailable {
            status: None,
            message: format!("cannot build HTTP client: {e}"),
        })
}
