//! The answer to a client over its budget: 429 with `Retry-After`, as a page for a browser and as
//! a server function error (shown in place by the page that called it) for a call from script.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::ServerFnError;
use leptos::server_fn::error::FromServerFnError;
use std::time::Duration;

/// 429 for `request`, which may try again after `wait`.
pub fn response(request: &Request, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let message = message(seconds);
    let wants_page = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let mut response = if wants_page {
        Html(page(&message)).into_response()
    } else if request.uri().path().starts_with("/api/") {
        // Encoded as the server function's own error, so the page shows the message.
        let error: ServerFnError = ServerFnError::new(&message);
        let body = error.ser();
        ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
    } else {
        message.into_response()
    };
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

fn message(seconds: u64) -> String {
    let wait = match seconds {
        1 => "a second".to_owned(),
        2..=59 => format!("{seconds} seconds"),
        60 => "a minute".to_owned(),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    };
    format!("Too many tries from your connection. Please wait {wait} and try again.")
}

fn page(message: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Too many tries · Tern</title>
</head>
<body>
<main>
<h1>Too many tries</h1>
<p>{message}</p>
<p><a href="/">Back to Tern</a></p>
</main>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_reads_well() {
        assert!(message(1).contains("wait a second and"));
        assert!(message(12).contains("wait 12 seconds and"));
        assert!(message(60).contains("wait a minute and"));
        assert!(message(61).contains("wait 2 minutes and"));
        assert!(message(660).contains("wait 11 minutes and"));
    }
}
