//! Security headers on every response the shop sends (pages, server functions, static files,
//! plain routes and errors): a Content-Security-Policy that runs only the shop's own scripts
//! (each page's inline scripts carry a nonce fresh per response), no framing, no sniffing, no
//! referrer to other sites, no powerful browser features, HSTS when served over HTTPS, and
//! `no-store` on anything that shows a signed-in person's data.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use std::sync::Arc;

/// Where Stripe's hosted Checkout page lives: the buy and top-up forms post to Tern, which
/// answers with a redirect there, and `form-action` also governs that redirect.
const STRIPE_CHECKOUT_ORIGIN: &str = "https://checkout.stripe.com";

/// Paths whose answers always concern one person (their eSIMs, an order behind its secret link,
/// the admin panel, sign-in links): never kept by a browser or a shared cache.
const PRIVATE_PREFIXES: &[&str] = &[
    "/my-esims",
    "/order/",
    "/admin",
    "/auth/",
    "/sign-in",
    "/dev/",
    "/api/my_esim/",
    "/api/admin/",
    "/api/orders/",
];

/// What the policy allows beyond the shop's own origin, fixed at start.
#[derive(Clone)]
pub struct SecurityPolicy {
    inner: Arc<Inner>,
}

struct Inner {
    /// The origin of the payment page forms are redirected to.
    payment_origin: String,
    /// `Strict-Transport-Security`, when the shop's public URL is HTTPS.
    hsts: bool,
    /// cargo-leptos's live-reload socket, while `cargo leptos watch` runs.
    reload_socket: Option<String>,
}

impl SecurityPolicy {
    /// `stripe_sandbox` is the in-process Stripe sandbox's base URL when it runs (its test
    /// checkout page is served there); otherwise payments go to Stripe's own Checkout.
    pub fn new(public_url: &str, stripe_sandbox: Option<&str>, leptos: &LeptosOptions) -> Self {
        let payment_origin = stripe_sandbox
            .and_then(origin_of)
            .unwrap_or_else(|| STRIPE_CHECKOUT_ORIGIN.to_owned());
        let reload_socket = std::env::var_os("LEPTOS_WATCH").map(|_| {
            let port = leptos.reload_external_port.unwrap_or(leptos.reload_port);
            format!("ws://*:{port} wss://*:{port}")
        });
        SecurityPolicy {
            inner: Arc::new(Inner {
                payment_origin,
                hsts: public_url.starts_with("https://"),
                reload_socket,
            }),
        }
    }

    /// The policy of a page of the shop. Inline `style=` attributes are not allowed: the shop's
    /// styles all come from its stylesheet.
    fn content_security_policy(&self, nonce: &str) -> String {
        let connect = match &self.inner.reload_socket {
            Some(socket) => format!("'self' {socket}"),
            None => "'self'".to_owned(),
        };
        format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; \
             img-src 'self'; \
             font-src 'self'; \
             connect-src {connect}; \
             worker-src 'self'; \
             manifest-src 'self'; \
             frame-src 'none'; \
             object-src 'none'; \
             base-uri 'none'; \
             form-action 'self' {payment}; \
             frame-ancestors 'none'",
            payment = self.inner.payment_origin,
        )
    }

    /// The development pages (`/dev/outbox`) show each email in an `<iframe srcdoc>`, which
    /// inherits this policy: the emails' inline styles are allowed, any script is not.
    fn development_policy() -> &'static str {
        "default-src 'self'; \
         script-src 'none'; \
         style-src 'self' 'unsafe-inline'; \
         img-src 'self'; \
         frame-src 'self'; \
         object-src 'none'; \
         base-uri 'none'; \
         form-action 'self'; \
         frame-ancestors 'none'"
    }
}

/// The middleware: a fresh nonce for the request (read by the Leptos shell through
/// [`provide_request_nonce`]), then the headers on whatever answer comes back.
pub async fn apply(
    State(policy): State<SecurityPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let path = request.uri().path().to_owned();
    let signed_in = carries_session(request.headers());
    let mut response = next.run(request).await;

    let csp = if path.starts_with("/dev/") {
        SecurityPolicy::development_policy().to_owned()
    } else {
        policy.content_security_policy(&nonce)
    };
    let headers = response.headers_mut();
    set(headers, header::CONTENT_SECURITY_POLICY, &csp);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // For browsers that predate `frame-ancestors`.
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    // The order page's address holds its secret token: other sites get no referrer at all,
    // while the shop's own pages keep theirs (forms without JavaScript are sent back by it).
    // A page that sets a stricter policy itself (a sign-in link's page) keeps it.
    if !headers.contains_key(header::REFERRER_POLICY) {
        set(headers, header::REFERRER_POLICY, "same-origin");
    }
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
         microphone=(), payment=(), usb=()",
    );
    if policy.inner.hsts {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    if is_private(&path, signed_in, headers) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}

/// Leptos context: hands the request's nonce to the render, so the hydration scripts and every
/// inline script carry the one named in this response's policy.
pub fn provide_request_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

/// Whether the answer shows one person's data: a private path, or a page or server function
/// answered to someone with a session cookie (every page's header then names them).
fn is_private(path: &str, signed_in: bool, response: &HeaderMap) -> bool {
    if PRIVATE_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
    {
        return true;
    }
    let html = response
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    signed_in && (html || path.starts_with("/api/"))
}

fn carries_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|cookies| {
            store::accounts::session_from_cookies(cookies).is_some()
                || store::admin::session_from_cookies(cookies).is_some()
        })
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(public_url: &str, sandbox: Option<&str>) -> SecurityPolicy {
        SecurityPolicy::new(
            public_url,
            sandbox,
            &LeptosOptions::builder().output_name("tern").build(),
        )
    }

    #[test]
    fn forms_may_go_to_the_payment_page() {
        let real = policy("https://shop.example", None).content_security_policy("n0nce");
        assert!(
            real.contains("form-action 'self' https://checkout.stripe.com;"),
            "{real}"
        );
        assert!(real.contains("script-src 'self' 'nonce-n0nce' 'wasm-unsafe-eval';"));
        let local = policy("http://127.0.0.1:3000", Some("http://127.0.0.1:4242/"))
            .content_security_policy("n");
        assert!(
            local.contains("form-action 'self' http://127.0.0.1:4242;"),
            "{local}"
        );
    }

    #[test]
    fn hsts_only_over_https() {
        assert!(policy("https://shop.example", None).inner.hsts);
        assert!(!policy("http://127.0.0.1:3000", None).inner.hsts);
    }

    #[test]
    fn private_answers_are_recognised() {
        let html = HeaderMap::from_iter([(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )]);
        let css =
            HeaderMap::from_iter([(header::CONTENT_TYPE, HeaderValue::from_static("text/css"))]);
        assert!(is_private("/my-esims/8944", false, &html));
        assert!(is_private("/order/ord_1", false, &html));
        assert!(is_private("/admin/orders", false, &html));
        assert!(!is_private("/esim/japan", false, &html));
        assert!(is_private("/esim/japan", true, &html));
        assert!(is_private("/api/catalogue/home", true, &css));
        assert!(!is_private("/pkg/tern.css", true, &css));
    }
}
