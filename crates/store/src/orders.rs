//! Orders: checkout, payment confirmation, durable fulfilment, refunds, and the views travellers see.

mod checkout;
mod fulfilment;
pub mod links;
mod payment;
mod provider_request;
mod provision;
pub(crate) mod record;
mod refund_request;
mod reservation;
mod timeline;
mod view;

pub use checkout::{start_checkout, CheckoutError, CheckoutStarted, StartCheckout};
pub use fulfilment::{begin_refund, run_job, FulfilmentContext, JobKind};
pub use payment::{confirm_checkout, handle_payment_event, EventOutcome};
pub use provider_request::provider_request;
pub use record::{load, LateEsim, OrderRecord, RefundRequest};
pub use refund_request::{request as request_refund, Requested};
pub use timeline::{entries as timeline_entries, note, TimelineEntry};
pub use view::{order_view, EsimInstall, OrderView};
