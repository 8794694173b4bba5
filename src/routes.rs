//! The HTTP routes: Leptos pages and server functions, static files, and a few plain endpoints.

mod auth;
mod checkout;
mod dev;
mod form_input;
mod health;
mod install_pack;
mod outbox;
mod provider_webhooks;
mod security_headers;
mod seo;
mod server_fn_errors;
mod session;
mod static_cache;
mod webhooks;

pub use dev::DevSandboxes;
pub use install_pack::instructions as install_instructions;
pub use provider_webhooks::ProviderWebhooks;

use app::state::AppState;
use app::{shell, App};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// The app's routes, worked out once per process. Leptos suppresses resource loading
/// process-wide while it generates them, so generating them again while another instance
/// (a test's, say) is rendering could leave that render waiting forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The largest form or server-function call accepted: every form Tern has fits in a few hundred
/// bytes, so this only stops someone sending megabytes.
const FORM_BODY_LIMIT: usize = 16 * 1024;
/// The largest webhook accepted: a Stripe event carries a whole checkout session.
const WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

/// Every page path the app serves, with its parameters (`/admin/orders/:id`), so tests can cover
/// each one.
pub fn page_paths() -> Vec<String> {
    route_list()
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

pub fn router(
    state: AppState,
    provider_webhooks: ProviderWebhooks,
    dev_sandboxes: Option<DevSandboxes>,
    stripe_sandbox: Option<&str>,
    leptos_options: LeptosOptions,
) -> Router {
    let routes = route_list();
    app::assets::init(&leptos_options);
    let hashed_names = leptos_options.hash_files;
    let security =
        security_headers::SecurityPolicy::new(&state.public_url, stripe_sandbox, &leptos_options);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            security_headers::provide_request_nonce();
        }
    };
    let render = {
        let options = leptos_options.clone();
        move || shell(options.clone())
    };
    let webhooks = Router::new()
        .route("/webhooks/stripe", post(webhooks::stripe))
        .route("/webhooks/esimfx", post(provider_webhooks::esimfx))
        .layer(axum::Extension(provider_webhooks))
        .layer(RequestBodyLimitLayer::new(WEBHOOK_BODY_LIMIT))
        .with_state(state.clone());
    let plain = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/auth/verify", post(auth::confirm))
        .route("/auth/sign-out", post(auth::sign_out))
        .route(
            "/my-esims/{iccid}/install-pack",
            get(install_pack::download),
        )
        .route("/checkout", post(checkout::start))
        .with_state(state.clone());
    // Development routes are not mounted at all unless every service is a sandbox.
    let plain = match dev_sandboxes {
        Some(sandboxes) => plain.merge(
            Router::new()
                .route("/dev/sandboxes", get(dev::sandboxes))
                .route("/dev/routing", post(dev::set_routing))
                .route("/dev/outbox", get(outbox::list))
                .route("/dev/outbox/{email_id}/qr.png", get(outbox::qr))
                .layer(axum::Extension(sandboxes))
                .with_state(state.clone()),
        ),
        None => plain,
    };
    Router::new()
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .with_state(leptos_options)
        .merge(plain)
        .layer(axum::middleware::from_fn(form_input::refuse_nul))
        .layer(RequestBodyLimitLayer::new(FORM_BODY_LIMIT))
        .merge(webhooks)
        .layer(axum::middleware::from_fn(server_fn_errors::classify))
        .layer(axum::middleware::from_fn_with_state(
            static_cache::HashedNames(hashed_names),
            static_cache::apply,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            security,
            security_headers::apply,
        ))
        .layer(TraceLayer::new_for_http())
}
