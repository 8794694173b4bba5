//! How long browsers and caches keep the site's files. The stylesheet, script and WebAssembly are
//! named after their content when the build hashes them, so they never change under their name:
//! kept a year, never revalidated. Other public files keep their name across releases, so they are
//! kept a day (the icon) or checked every time (the service worker and its helper, which must see
//! a new release at once).

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const A_DAY: HeaderValue = HeaderValue::from_static("public, max-age=86400");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// Whether the build names the site's files after their content (`hash-files`).
#[derive(Clone, Copy)]
pub struct HashedNames(pub bool);

pub async fn apply(State(hashed): State<HashedNames>, request: Request, next: Next) -> Response {
    let policy = (request.method() == Method::GET || request.method() == Method::HEAD)
        .then(|| policy_for(request.uri().path(), hashed.0))
        .flatten();
    let mut response = next.run(request).await;
    if let Some(policy) = policy {
        let status = response.status();
        if (status == StatusCode::OK || status == StatusCode::NOT_MODIFIED)
            && !response.headers().contains_key(header::CACHE_CONTROL)
        {
            response.headers_mut().insert(header::CACHE_CONTROL, policy);
        }
    }
    response
}

fn policy_for(path: &str, hashed: bool) -> Option<HeaderValue> {
    if let Some(file) = path.strip_prefix("/pkg/") {
        return Some(if hashed && is_content_named(file) {
            IMMUTABLE
        } else {
            REVALIDATE
        });
    }
    match path {
        "/favicon.svg" => Some(A_DAY),
        "/sw.js" | "/offline.js" => Some(REVALIDATE),
        _ => None,
    }
}

/// `tern.0a1b2c….css`: a name, a hash of hex or base64url characters, an extension.
fn is_content_named(file: &str) -> bool {
    let mut parts = file.split('.');
    let (Some(_name), Some(hash), Some(_extension), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    hash.len() >= 8
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_named_files_are_kept_for_a_year() {
        assert_eq!(
            policy_for("/pkg/tern.Xk3v9Qa_01bC.css", true),
            Some(IMMUTABLE)
        );
        assert_eq!(
            policy_for("/pkg/tern.Xk3v9Qa_01bC.wasm", true),
            Some(IMMUTABLE)
        );
        // Without hashing the same name carries every release.
        assert_eq!(policy_for("/pkg/tern.css", true), Some(REVALIDATE));
        assert_eq!(
            policy_for("/pkg/tern.Xk3v9Qa_01bC.css", false),
            Some(REVALIDATE)
        );
        assert_eq!(policy_for("/sw.js", true), Some(REVALIDATE));
        assert_eq!(policy_for("/favicon.svg", true), Some(A_DAY));
        assert_eq!(policy_for("/esim/japan", true), None);
    }
}
