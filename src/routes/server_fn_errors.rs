//! Server functions answer every error with 500, whether the request was wrong (a missing field,
//! a number that is not one, text that is not UTF-8) or the server failed. Only failures marked by
//! `app::state::internal` stay 500; everything else a caller got wrong is answered 400, so a 5xx
//! always means something on the server's side needs a look.

use app::components::status::INTERNAL_FAILURE_HEADER;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

pub async fn classify(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let internal = response
        .headers_mut()
        .remove(INTERNAL_FAILURE_HEADER)
        .is_some();
    if server_fn && !internal && response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}
