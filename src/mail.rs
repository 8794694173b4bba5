//! Email delivery: SMTP through lettre when SMTP_URL is set, otherwise files in a local outbox folder.

mod message;
pub mod outbox;
mod smtp;

pub use outbox::OutboxMailer;
pub use smtp::SmtpMailer;
