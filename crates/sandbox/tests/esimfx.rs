//! The eSIMfx sandbox driven over real HTTP, as the provider adapter will drive it.

mod esimfx {
    mod support;

    mod auth;
    mod catalogue;
    mod device;
    mod faults;
    mod lifecycle;
    mod orders;
    mod traffic;
    mod webhooks;
}
