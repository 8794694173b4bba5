//! Outgoing email: the `Mailer` port, and the messages the shop sends.

mod my_esim_templates;
pub mod outbox;
pub mod queue;
pub mod redact;
mod templates;

pub use my_esim_templates::{
    package_refunded, sign_in_link, top_up_added, usage_alert, UsageAlert,
};

pub use templates::{
    escape as templates_escape, esim_delivery, order_confirmation, refund_notice, Rendered,
    AFTER_INSTALL, BEFORE_INSTALL, QR_CONTENT_ID,
};

use async_trait::async_trait;

/// One message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Inline images referenced from the HTML as `cid:<content_id>`.
    pub inline_images: Vec<InlineImage>,
}

/// A PNG shown inside the message (the install QR code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineImage {
    pub content_id: String,
    pub png: Vec<u8>,
}

/// Why a message was not sent; the send is retried later.
#[derive(Debug, thiserror::Error)]
#[error("sending email failed: {0}")]
pub struct MailError(pub String);

/// Delivers email: over SMTP, or into a local outbox folder in development.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError>;
}
