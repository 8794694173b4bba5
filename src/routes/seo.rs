//! `/robots.txt` and `/sitemap.xml` for search engines.

use app::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
        state.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

#[tracing::instrument(skip_all)]
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let entries = match store::catalogue::sitemap(&state.db).await {
        Ok(entries) => entries,
        Err(error) => {
            tracing::error!(?error, "sitemap failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let base = &state.public_url;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let paths = std::iter::once("/".to_owned())
        .chain(entries.countries.iter().map(|slug| format!("/esim/{slug}")))
        .chain(
            entries
                .regions
                .iter()
                .map(|slug| format!("/esim/region/{slug}")),
        )
        .chain(entries.plans.iter().map(|id| format!("/plan/{id}")));
    for path in paths {
        // Slugs and ids are ASCII letters, digits and dashes, so no XML escaping is needed.
        let _ = writeln!(xml, "  <url><loc>{base}{path}</loc></url>");
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}
