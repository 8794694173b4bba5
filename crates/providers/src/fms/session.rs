//! Tern's travellers as FMS users: passwords derived from one secret, login, registration on
//! first use, moving users to a rotated secret, and tokens cached per email for their 3 days.

use super::client::{parse, CallError, FmsClient, Reply};
use super::codes::FmsCode;
use super::{assumed, wire};
use crate::ProviderError;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tokens live three days (notes §1); renewing an hour early avoids sending one that dies in
/// flight.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3 * 24 * 3600);
const RENEW_MARGIN: Duration = Duration::from_secs(3600);

const LOGIN_PATH: &str = "/user/emailLogin";

/// FMS users are keyed by email; Tern treats addresses case-insensitively.
pub(super) fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The traveller's FMS password: `hex(HMAC-SHA256(secret, lowercase email))[..32]`. Nothing
/// per traveller is stored, and a new secret gives every traveller a new password.
fn derived_password(secret: &str, email: &str) -> Result<String, ProviderError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).map_err(|e| {
        ProviderError::Validation {
            message: format!("unusable FMS password secret: {e}"),
        }
    })?;
    mac.update(normalise(email).as_bytes());
    let mut password = hex::encode(mac.finalize().into_bytes());
    password.truncate(32);
    Ok(password)
}

/// What FMS receives as `passwd`: the MD5 hex of the derived password.
pub(super) fn fms_passwd(secret: &str, email: &str) -> Result<String, ProviderError> {
    Ok(hex::encode(Md5::digest(
        derived_password(secret, email)?.as_bytes(),
    )))
}

struct CachedToken {
    value: String,
    renew_at: Instant,
}

/// Tokens per email, and one login at a time so two first orders of one traveller cannot both
/// try to register them.
#[derive(Default)]
pub(super) struct Sessions {
    tokens: Mutex<HashMap<String, CachedToken>>,
    login: tokio::sync::Mutex<()>,
}

impl Sessions {
    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedToken>> {
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cached(&self, email: &str) -> Option<String> {
        self.tokens()
            .get(email)
            .filter(|token| Instant::now() < token.renew_at)
            .map(|token| token.value.clone())
    }

    fn store(&self, email: &str, value: String) {
        let mut tokens = self.tokens();
        let now = Instant::now();
        tokens.retain(|_, token| now < token.renew_at);
        tokens.insert(
            email.to_owned(),
            CachedToken {
                value,
                renew_at: now + TOKEN_LIFETIME - RENEW_MARGIN,
            },
        );
    }

    /// Drops `email`'s token unless another request already replaced it.
    pub(super) fn forget(&self, email: &str, stale: &str) {
        let email = normalise(email);
        let mut tokens = self.tokens();
        if tokens.get(&email).is_some_and(|token| token.value == stale) {
            tokens.remove(&email);
        }
    }
}

impl FmsClient {
    /// A live token for the user `email`, logging in (or registering) when none is cached.
    pub(super) async fn token_for(&self, email: &str) -> Result<String, ProviderError> {
        let email = normalise(email);
        if let Some(token) = self.sessions.cached(&email) {
            return Ok(token);
        }
        let _one_login_at_a_time = self.sessions.login.lock().await;
        if let Some(token) = self.sessions.cached(&email) {
            return Ok(token);
        }
        let token = self.sign_in(&email).await?;
        self.sessions.store(&email, token.clone());
        Ok(token)
    }

    /// Logs in with the current derived password; an unknown user is registered, and a user
    /// still on the previous secret's password is moved to the current one.
    async fn sign_in(&self, email: &str) -> Result<String, ProviderError> {
        let passwd = fms_passwd(&self.config.password_secret, email)?;
        match self.login(email, &passwd).await {
            Ok(token) => Ok(token),
            Err(error) if error.is(FmsCode::UserNotFound) => self.register(email, &passwd).await,
            Err(error) if error.is(FmsCode::WrongPassword) => {
                self.move_to_current_secret(email, &passwd).await
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn login(&self, email: &str, passwd: &str) -> Result<String, CallError> {
        let body = wire::LoginRequest {
            app_id: wire::APP_ID_SERVER,
            email,
            partner_code: &self.config.partner_code,
            passwd,
            user_type: wire::USER_TYPE_CUSTOMER,
        };
        token_of(self.post_open(LOGIN_PATH, &body).await?)
    }

    /// The documented registration: a verification code (never checked), then the user.
    async fn register(&self, email: &str, passwd: &str) -> Result<String, ProviderError> {
        tracing::info!("registering a traveller with FMS");
        let partner_code = &self.config.partner_code;
        self.post_open(
            "/user/emailVerificationCode",
            &wire::VerificationCodeRequest {
                email,
                partner_code,
            },
        )
        .await?;
        let body = wire::RegisterRequest {
            app_id: wire::APP_ID_SERVER,
            email,
            partner_code,
            passwd,
            user_type: wire::USER_TYPE_CUSTOMER,
            verify_code: assumed::VERIFY_CODE,
        };
        match self.post_open("/user/emailRegister", &body).await {
            Ok(reply) => Ok(token_of(reply)?),
            // Registered meanwhile by another Tern server: the password is the same.
            Err(error) if error.is(FmsCode::UserExists) => Ok(self.login(email, passwd).await?),
            Err(error) => Err(error.into()),
        }
    }

    /// Seed 000 "Update password flow": log in with the previous secret's password, sync the
    /// new one with `passwordReset`, then log in again for a token.
    async fn move_to_current_secret(
        &self,
        email: &str,
        passwd: &str,
    ) -> Result<String, ProviderError> {
        let Some(previous) = &self.config.previous_password_secret else {
            tracing::warn!("FMS refused the derived password and no previous secret is set");
            return Err(ProviderError::Unauthorized);
        };
        let old_token = self.login(email, &fms_passwd(previous, email)?).await?;
        let body = wire::PasswordResetRequest {
            email,
            passwd,
            partner_code: &self.config.partner_code,
        };
        self.post_with_token("/user/passwordReset", &body, &old_token)
            .await?;
        tracing::info!("moved an FMS user to the current password secret");
        Ok(self.login(email, passwd).await?)
    }
}

/// The token of a register or login answer: the response header, else `data.token`.
fn token_of(reply: Reply) -> Result<String, CallError> {
    if let Some(token) = reply.header_token {
        return Ok(token);
    }
    let data: wire::UserData = if reply.data.is_null() {
        wire::UserData::default()
    } else {
        parse(reply.data, "user data")?
    };
    data.token
        .filter(|token| !token.trim().is_empty())
        .ok_or_else(|| {
            ProviderError::MalformedResponse {
                message: "a login without a token".into(),
            }
            .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_derived_from_the_secret_and_the_lowercased_email() {
        // hex(HMAC-SHA256("tern-secret", "alice@example.com"))[..32] and its MD5, computed
        // independently.
        assert_eq!(
            derived_password("tern-secret", "alice@example.com").unwrap(),
            "cd8ce280c0d32b086ceb8abf93e51b67"
        );
        assert_eq!(
            fms_passwd("tern-secret", " Alice@Example.COM ").unwrap(),
            "f71a5330d1567611716088051d28e4c1"
        );
        assert_ne!(
            fms_passwd("tern-secret", "alice@example.com").unwrap(),
            fms_passwd("rotated", "alice@example.com").unwrap()
        );
    }

    #[test]
    fn a_token_comes_from_the_header_or_the_body() {
        let reply = |header: Option<&str>, data: serde_json::Value| Reply {
            header_token: header.map(str::to_owned),
            data,
        };
        assert_eq!(
            token_of(reply(Some("h"), serde_json::json!({ "token": "b" }))),
            Ok("h".into())
        );
        let documented = serde_json::json!({ "userId": 100234, "email": "alice@example.com",
            "token": "eyJ0eXAiOiJKV1Qi" });
        assert_eq!(
            token_of(reply(None, documented)),
            Ok("eyJ0eXAiOiJKV1Qi".into())
        );
        for empty in [
            serde_json::Value::Null,
            serde_json::json!({ "token": "" }),
            serde_json::json!({ "userId": 1 }),
        ] {
            assert!(matches!(
                token_of(reply(None, empty)),
                Err(CallError::Provider(ProviderError::MalformedResponse { .. }))
            ));
        }
    }

    #[test]
    fn tokens_are_cached_per_email_and_forgotten_only_when_stale() {
        let sessions = Sessions::default();
        sessions.store("alice@example.com", "t1".into());
        assert_eq!(sessions.cached("alice@example.com"), Some("t1".into()));
        assert_eq!(sessions.cached("bob@example.com"), None);
        sessions.forget("ALICE@example.com", "t0");
        assert_eq!(
            sessions.cached("alice@example.com"),
            Some("t1".into()),
            "a newer token stays"
        );
        sessions.forget("Alice@Example.com", "t1");
        assert_eq!(sessions.cached("alice@example.com"), None);
    }
}
