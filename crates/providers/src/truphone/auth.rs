//! Bearer tokens for the Connect API: a static token, or Keycloak client credentials whose
//! five-minute access token is renewed early (with the refresh token while it lives) and
//! replaced once when the API answers 401.

use super::client::TruphoneAuth;
use super::error_code::snippet;
use super::{assumed, wire};
use crate::ProviderError;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Renew this long before a token dies, so none expires in flight; short-lived tokens are
/// renewed at half their life instead.
const RENEW_MARGIN: Duration = Duration::from_secs(30);

/// Tokens currently held.
struct Session {
    access: String,
    renew_at: Instant,
    refresh: Option<(String, Instant)>,
}

/// Where bearer tokens come from.
pub(super) struct Tokens {
    auth: TruphoneAuth,
    session: Mutex<Option<Session>>,
}

fn renew_point(now: Instant, lifetime: Duration) -> Instant {
    now + lifetime.saturating_sub(RENEW_MARGIN).max(lifetime / 2)
}

impl Tokens {
    pub(super) fn new(auth: TruphoneAuth) -> Self {
        Tokens {
            auth,
            session: Mutex::new(None),
        }
    }

    /// Whether a refused token can be replaced by asking again (not for a static token).
    pub(super) fn renewable(&self) -> bool {
        matches!(self.auth, TruphoneAuth::ClientCredentials { .. })
    }

    /// A token to send now: the static one, the held one while fresh, else a refreshed or new one.
    pub(super) async fn bearer(&self, http: &reqwest::Client) -> Result<String, ProviderError> {
        let (token_url, client_id, client_secret) = match &self.auth {
            TruphoneAuth::Token(token) => return Ok(token.clone()),
            TruphoneAuth::ClientCredentials {
                token_url,
                client_id,
                client_secret,
            } => (token_url, client_id, client_secret),
        };
        // Held across the token request, so concurrent calls wait for one new token.
        let mut slot = self.session.lock().await;
        let now = Instant::now();
        if let Some(session) = slot.as_ref().filter(|s| now < s.renew_at) {
            return Ok(session.access.clone());
        }
        let credentials = [
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
        ];
        let live_refresh = slot
            .as_ref()
            .and_then(|s| s.refresh.as_ref())
            .filter(|(_, until)| now < *until)
            .map(|(token, _)| token.clone());
        if let Some(refresh) = live_refresh {
            let form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                credentials[0],
                credentials[1],
            ];
            match grant(http, token_url, &form).await {
                Ok(session) => return Ok(store(&mut slot, session)),
                // A refused refresh token (revoked, expired early): fall back on credentials.
                Err(error) if !error.is_retryable() => {
                    tracing::info!(%error, "Truphone refused the refresh token; authenticating again");
                }
                Err(error) => return Err(error),
            }
        }
        let form = [
            ("grant_type", "client_credentials"),
            credentials[0],
            credentials[1],
        ];
        let session = grant(http, token_url, &form).await?;
        Ok(store(&mut slot, session))
    }

    /// Drops the held tokens after the API refused `stale`, unless another call already
    /// replaced them; a refused access token means the whole session is gone.
    pub(super) async fn forget(&self, stale: &str) {
        let mut slot = self.session.lock().await;
        if slot.as_ref().is_some_and(|s| s.access == stale) {
            *slot = None;
        }
    }
}

fn store(slot: &mut Option<Session>, session: Session) -> String {
    let access = session.access.clone();
    *slot = Some(session);
    access
}

/// One form POST to the token endpoint.
async fn grant(
    http: &reqwest::Client,
    token_url: &str,
    form: &[(&str, &str)],
) -> Result<Session, ProviderError> {
    let sent_at = Instant::now();
    let response = http
        .post(token_url)
        .form(form)
        .send()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    session_from(status, &body, sent_at)
}

/// The token endpoint's answer as a session, or the typed refusal.
fn session_from(
    status: StatusCode,
    body: &[u8],
    sent_at: Instant,
) -> Result<Session, ProviderError> {
    if !status.is_success() {
        return Err(token_refusal(status, body));
    }
    let grant: wire::TokenGrant =
        serde_json::from_slice(body).map_err(|e| ProviderError::MalformedResponse {
            message: format!("token endpoint answered {e}: {}", snippet(body)),
        })?;
    let access = grant
        .access_token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ProviderError::MalformedResponse {
            message: "token endpoint answered without an access_token".into(),
        })?;
    let lifetime = grant
        .expires_in
        .map(Duration::from_secs)
        .unwrap_or(assumed::ACCESS_TOKEN_LIFETIME);
    let refresh_lifetime = grant
        .refresh_expires_in
        .map(Duration::from_secs)
        .unwrap_or(assumed::REFRESH_TOKEN_LIFETIME);
    Ok(Session {
        access,
        renew_at: renew_point(sent_at, lifetime),
        refresh: grant
            .refresh_token
            .filter(|t| !t.trim().is_empty())
            .map(|t| (t, renew_point(sent_at, refresh_lifetime))),
    })
}

/// Keycloak's `{error, error_description}`: bad client credentials are
/// [`ProviderError::Unauthorized`]; other refusals keep Keycloak's code.
fn token_refusal(status: StatusCode, body: &[u8]) -> ProviderError {
    let refusal = serde_json::from_slice::<wire::TokenRefusal>(body).ok();
    let code = refusal.as_ref().and_then(|r| r.error.clone());
    let message = refusal
        .and_then(|r| r.error_description)
        .unwrap_or_else(|| snippet(body));
    match (status.as_u16(), code.as_deref()) {
        (_, Some("invalid_client" | "unauthorized_client")) | (401, _) => {
            ProviderError::Unauthorized
        }
        (429, _) => ProviderError::RateLimited { retry_after: None },
        (500..=599, _) => ProviderError::Unavailable {
            status: Some(status.as_u16()),
            message,
        },
        (other, code) => ProviderError::Refused {
            code: code.map_or_else(|| format!("HTTP_{other}"), str::to_owned),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(status: u16, body: &str) -> Result<Session, ProviderError> {
        session_from(
            StatusCode::from_u16(status).unwrap(),
            body.as_bytes(),
            Instant::now(),
        )
    }

    #[test]
    fn the_keycloak_answer_gives_both_tokens_renewed_early() {
        let before = Instant::now();
        let s = session(
            200,
            r#"{ "access_token": "eyJ-a", "expires_in": 300, "refresh_expires_in": 1800,
                 "refresh_token": "eyJ-r", "token_type": "bearer", "not-before-policy": 0,
                 "scope": "profile email" }"#,
        )
        .unwrap();
        assert_eq!(s.access, "eyJ-a");
        assert!(s.renew_at <= before + Duration::from_secs(271));
        assert!(s.renew_at >= before + Duration::from_secs(269));
        let (refresh, until) = s.refresh.unwrap();
        assert_eq!(refresh, "eyJ-r");
        assert!(until >= before + Duration::from_secs(1769));
    }

    #[test]
    fn short_tokens_are_renewed_at_half_life_and_defaults_fill_gaps() {
        let before = Instant::now();
        let s = session(200, r#"{ "access_token": "a", "expires_in": 2 }"#).unwrap();
        assert!(s.renew_at <= before + Duration::from_millis(1_100));
        assert!(s.refresh.is_none());
        let s = session(200, r#"{ "access_token": "a" }"#).unwrap();
        assert!(s.renew_at >= before + Duration::from_secs(269));
    }

    #[test]
    fn refusals_are_typed() {
        assert_eq!(
            session(
                401,
                r#"{"error":"invalid_client","error_description":"Invalid client"}"#
            )
            .err(),
            Some(ProviderError::Unauthorized)
        );
        assert_eq!(
            session(
                400,
                r#"{"error":"invalid_grant","error_description":"Token is not active"}"#
            )
            .err(),
            Some(ProviderError::Refused {
                code: "invalid_grant".into(),
                message: "Token is not active".into()
            })
        );
        assert!(matches!(
            session(503, "down").err(),
            Some(ProviderError::Unavailable { .. })
        ));
        assert!(matches!(
            session(200, r#"{"access_token":""}"#).err(),
            Some(ProviderError::MalformedResponse { .. })
        ));
        assert!(matches!(
            session(200, "{").err(),
            Some(ProviderError::MalformedResponse { .. })
        ));
    }
}
