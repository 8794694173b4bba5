//! `/dev/outbox`: the emails the shop has sent, readable in the browser, each sent one as the
//! outbox mailer wrote it, links included. Mounted only while every service is a sandbox, so no
//! real traveller's sign-in link or QR code is ever listed.

use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use store::mail::templates_escape as escape;

pub async fn list(State(state): State<AppState>) -> Response {
    let emails = match store::mail::outbox::recent(&state.db, 50).await {
        Ok(emails) => emails,
        Err(error) => {
            tracing::error!(?error, "outbox listing failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let mut body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Outbox · Tern development</title><link rel=\"stylesheet\" href=\"{}\"></head><body><main>\
         <h1>Outbox</h1><p class=\"muted\">Development only: with no SMTP_URL set, email is kept here instead of being sent.</p>",
        app::assets::stylesheet_href()
    );
    if emails.is_empty() {
        body.push_str("<p>No email yet.</p>");
    }
    for email in emails {
        // A sent message as written, links included; the database keeps it without them.
        let (text_body, html_body) =
            match crate::mail::outbox::written(&state.outbox_dir, &email.id).await {
                Some(written) => (written.text, written.html),
                None => (email.text_body, email.html_body),
            };
        let html = html_body.replace(
            "cid:install-qr",
            &format!("/dev/outbox/{}/qr.png", email.id),
        );
        body.push_str(&format!(
            "<article class=\"notice\"><h2>{subject}</h2><p>To <strong>{to}</strong> · {kind} · {sent}</p>\
             <details><summary>Plain text</summary><pre>{text}</pre></details>\
             <iframe title=\"{subject}\" srcdoc=\"{html}\" style=\"width:100%;height:420px;border:1px solid #d8e1e5\"></iframe></article>",
            subject = escape(&email.subject),
            to = escape(&email.recipient),
            kind = escape(&email.kind),
            sent = if email.sent { "sent" } else { "queued" },
            text = escape(&text_body),
            html = escape(&html),
        ));
    }
    body.push_str("</main></body></html>");
    Html(body).into_response()
}

/// The install QR of an email's order, for the outbox preview.
pub async fn qr(State(state): State<AppState>, Path(email_id): Path<String>) -> Response {
    match store::mail::outbox::lpa_of(&state.db, &email_id).await {
        Ok(Some(lpa)) => match store::qr::png(&lpa, 6) {
            Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(?error, "outbox QR failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
