//! The shop's emails, in plain text and simple HTML that every mail client shows.

use crate::orders::OrderRecord;

/// A rendered message body.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The content id of the install QR inside the delivery email.
pub const QR_CONTENT_ID: &str = "install-qr";

pub fn order_confirmation(order: &OrderRecord, order_link: &str) -> Rendered {
    let subject = format!("Your Tern order: {}", order.plan_title);
    let text = format!(
        "Thanks for your order!\n\n{} — {}\n\nWe have your payment and are preparing your eSIM. \
         Follow it here: {order_link}\n\nYou will get another email with your QR code as soon as it is ready.\n",
        order.plan_title,
        order.amount()
    );
    let html = wrap(&format!(
        "<h1>Thanks for your order!</h1><p><strong>{}</strong> — {}</p>\
         <p>We have your payment and are preparing your eSIM.</p>\
         <p><a href=\"{}\">Follow your order</a></p>\
         <p>You will get another email with your QR code as soon as it is ready.</p>",
        escape(&order.plan_title),
        escape(&order.amount().to_string()),
        escape(order_link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

pub use domain::install::{AFTER_INSTALL, BEFORE_INSTALL};

pub fn esim_delivery(
    order: &OrderRecord,
    lpa: &str,
    smdp: &str,
    matching_id: &str,
    order_link: &str,
) -> Rendered {
    let subject = format!("Your eSIM is ready: {}", order.plan_title);
    let numbered = |steps: &[&str]| {
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {s}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = format!(
        "Your eSIM for {} is ready.\n\nInstall it: {order_link}\n\nSM-DP+ address: {smdp}\nActivation code: {matching_id}\n\
         Full code: {lpa}\n\nBefore you install:\n{}\n\nWhen you arrive:\n{}\n",
        order.plan_title,
        numbered(&BEFORE_INSTALL),
        numbered(&AFTER_INSTALL)
    );
    let list = |steps: &[&str]| {
        steps
            .iter()
            .map(|s| format!("<li>{}</li>", escape(s)))
            .collect::<String>()
    };
    let html = wrap(&format!(
        "<h1>Your eSIM is ready</h1><p><strong>{}</strong></p>\
         <p><img src=\"cid:{QR_CONTENT_ID}\" alt=\"Install QR code\" width=\"240\" height=\"240\"></p>\
         <p>SM-DP+ address: <code>{}</code><br>Activation code: <code>{}</code></p>\
         <h2>Before you install</h2><ol>{}</ol><h2>When you arrive</h2><ol>{}</ol>\
         <p><a href=\"{}\">Open your eSIM page</a></p>",
        escape(&order.plan_title),
        escape(smdp),
        escape(matching_id),
        list(&BEFORE_INSTALL),
        list(&AFTER_INSTALL),
        escape(order_link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

pub fn refund_notice(order: &OrderRecord, reason: &str) -> Rendered {
    let subject = format!("Your Tern order was refunded: {}", order.plan_title);
    let text = format!(
        "We're sorry: we could not issue your eSIM for {} ({reason}).\n\nWe have refunded {} to your card. \
         Refunds usually appear within 5–10 days.\n",
        order.plan_title,
        order.amount()
    );
    let html = wrap(&format!(
        "<h1>We refunded your order</h1><p>We could not issue your eSIM for <strong>{}</strong> ({}).</p>\
         <p>We have refunded <strong>{}</strong> to your card. Refunds usually appear within 5–10 days.</p>",
        escape(&order.plan_title),
        escape(reason),
        escape(&order.amount().to_string())
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

pub(super) fn wrap(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;color:#14232b;max-width:560px\">{body}\
         <p style=\"color:#51646d\">Tern · eSIM data for travellers</p></body></html>"
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
