//! Integration tests: the real application on port 0, its own database, the eSIMfx sandbox over HTTP.

mod admin;
mod admin_access;
mod admin_catalogue;
mod admin_customers;
mod admin_order_actions;
mod admin_orders;
mod admin_routing;
mod admin_team;
mod catalogue_pages;
mod catalogue_sync;
mod checkout;
mod environment;
mod health;
mod islands;
mod limits;
mod mail;
mod malformed_input;
mod my_esim;
mod refund_race;
mod retention;
mod routing;
mod secrets_at_rest;
mod security;
mod sign_in_links;
mod support;
mod traveller_access;
