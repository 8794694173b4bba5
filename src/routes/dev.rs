//! `GET /dev/sandboxes`: where the in-process sandboxes listen, so local tools and browser tests
//! can drive them (move the eSIMfx clock, use data). Absent when real services are configured.

use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

#[derive(Clone, Serialize)]
pub struct DevSandboxes {
    pub esimfx: Option<String>,
    pub stripe: Option<String>,
}

pub async fn sandboxes(Extension(sandboxes): Extension<DevSandboxes>) -> Response {
    if sandboxes.esimfx.is_none() && sandboxes.stripe.is_none() {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    Json(sandboxes).into_response()
}
