//! Per-client request rates on the routes that start payments, send email or check passwords.
//! Each group has its own budget, so signing in never spends a client's checkouts; the budgets
//! live in the application (one set per running instance), counted with GCRA from `governor`.

use super::client::{client_address, rate_key, TrustedProxies};
use super::too_many;
use app::api::admin::SignInAdmin;
use app::api::my_esim::{RequestSignIn, StartTopUp};
use app::api::orders::StartCheckout;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use leptos::server_fn::ServerFn;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How many of each a client may start per minute; a full minute's worth may come at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSettings {
    /// `POST /checkout` and `start_checkout` together; top-ups (`start_top_up`) have a budget of
    /// the same size of their own.
    pub checkouts_per_minute: NonZeroU32,
    /// Emailed sign-in links (`request_sign_in`).
    pub sign_ins_per_minute: NonZeroU32,
    /// Admin password sign-ins (`sign_in_admin`).
    pub admin_sign_ins_per_minute: NonZeroU32,
}

impl Default for RateSettings {
    fn default() -> Self {
        RateSettings {
            checkouts_per_minute: NonZeroU32::new(10).expect("not zero"),
            sign_ins_per_minute: NonZeroU32::new(5).expect("not zero"),
            admin_sign_ins_per_minute: NonZeroU32::new(10).expect("not zero"),
        }
    }
}

/// The routes with a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Checkout,
    TopUp,
    SignIn,
    AdminSignIn,
}

impl Group {
    /// Which budget a request spends, if any. Only a POST starts anything on these paths.
    fn of(method: &Method, path: &str) -> Option<Group> {
        if method != Method::POST {
            None
        } else if path == "/checkout" || path == StartCheckout::PATH {
            Some(Group::Checkout)
        } else if path == StartTopUp::PATH {
            Some(Group::TopUp)
        } else if path == RequestSignIn::PATH {
            Some(Group::SignIn)
        } else if path == SignInAdmin::PATH {
            Some(Group::AdminSignIn)
        } else {
            None
        }
    }
}

/// Every group's budgets, per client, and who the client is.
#[derive(Clone)]
pub struct RateLimits(Arc<Budgets>);

struct Budgets {
    checkout: DefaultKeyedRateLimiter<IpAddr>,
    top_up: DefaultKeyedRateLimiter<IpAddr>,
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    admin_sign_in: DefaultKeyedRateLimiter<IpAddr>,
    proxies: TrustedProxies,
    checks: AtomicU64,
}

/// Clients whose budget is full again are forgotten this often (in checks), so the tables stay
/// as small as the number of recent clients.
const FORGET_EVERY: u64 = 1024;

impl RateLimits {
    pub fn new(settings: RateSettings, proxies: TrustedProxies) -> RateLimits {
        let per_minute = |count| -> DefaultKeyedRateLimiter<IpAddr> {
            DefaultKeyedRateLimiter::keyed(Quota::per_minute(count))
        };
        RateLimits(Arc::new(Budgets {
            checkout: per_minute(settings.checkouts_per_minute),
            top_up: per_minute(settings.checkouts_per_minute),
            sign_in: per_minute(settings.sign_ins_per_minute),
            admin_sign_in: per_minute(settings.admin_sign_ins_per_minute),
            proxies,
            checks: AtomicU64::new(0),
        }))
    }

    /// Spends one of `client`'s `group` budget, or answers how long until one is free.
    fn spend(&self, group: Group, client: IpAddr) -> Result<(), Duration> {
        let budgets = &self.0;
        let limiter = match group {
            Group::Checkout => &budgets.checkout,
            Group::TopUp => &budgets.top_up,
            Group::SignIn => &budgets.sign_in,
            Group::AdminSignIn => &budgets.admin_sign_in,
        };
        if budgets.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            for limiter in [
                &budgets.checkout,
                &budgets.top_up,
                &budgets.sign_in,
                &budgets.admin_sign_in,
            ] {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        limiter
            .check_key(&rate_key(client))
            .map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
    }
}

/// Middleware: a request over its client's budget is answered 429 with `Retry-After` and never
/// reaches its handler.
pub async fn enforce(State(limits): State<RateLimits>, request: Request, next: Next) -> Response {
    let Some(group) = Group::of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    // The server loop always sets the peer; a router served some other way shares one budget.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let client = client_address(peer, request.headers(), &limits.0.proxies);
    match limits.spend(group, client) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::warn!(?group, %client, "rate limited");
            too_many::response(&request, wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32) -> RateLimits {
        let count = NonZeroU32::new(per_minute).unwrap();
        RateLimits::new(
            RateSettings {
                checkouts_per_minute: count,
                sign_ins_per_minute: count,
                admin_sign_ins_per_minute: count,
            },
            TrustedProxies::default(),
        )
    }

    #[test]
    fn each_group_and_each_client_has_its_own_budget() {
        let limits = limits(2);
        let (one, two): (IpAddr, IpAddr) =
            ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        assert!(limits.spend(Group::Checkout, one).is_ok());
        assert!(limits.spend(Group::Checkout, one).is_ok());
        let wait = limits.spend(Group::Checkout, one).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert!(limits.spend(Group::TopUp, one).is_ok());
        assert!(limits.spend(Group::SignIn, one).is_ok());
        assert!(limits.spend(Group::AdminSignIn, one).is_ok());
        assert!(limits.spend(Group::Checkout, two).is_ok());
    }

    #[test]
    fn only_posts_to_the_guarded_paths_spend() {
        assert_eq!(Group::of(&Method::POST, "/checkout"), Some(Group::Checkout));
        assert_eq!(
            Group::of(&Method::POST, "/api/orders/start_checkout"),
            Some(Group::Checkout)
        );
        assert_eq!(
            Group::of(&Method::POST, "/api/my_esim/start_top_up"),
            Some(Group::TopUp)
        );
        assert_eq!(
            Group::of(&Method::POST, "/api/my_esim/request_sign_in"),
            Some(Group::SignIn)
        );
        assert_eq!(
            Group::of(&Method::POST, "/api/admin/sign_in_admin"),
            Some(Group::AdminSignIn)
        );
        assert_eq!(Group::of(&Method::GET, "/checkout"), None);
        assert_eq!(Group::of(&Method::POST, "/api/orders/get"), None);
    }
}
