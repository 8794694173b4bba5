//! FMS users (notes §2.0): registration, login with MD5 passwords, password sync, and the
//! tokens (3 days by default) that pre-orders, status and eSIM details require.

use serde_json::{json, Value};

use super::assumed;
use super::state::World;
use super::wire::{Body, Fail};

/// One registered customer, keyed by email.
#[derive(Debug)]
pub(crate) struct User {
    pub(crate) user_id: u64,
    /// MD5 hex, lower case.
    passwd: String,
}

/// A token and whose it is.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) email: String,
    expires_at: i64,
}

/// `appId`s the doc lists: 12 app, 10 background (server), 14 H5.
const APP_IDS: [i64; 3] = [10, 12, 14];

fn email(body: &Body) -> Result<String, Fail> {
    let email = body.required_text("email")?;
    match email.split_once('@') {
        Some((user, domain)) if !user.is_empty() && domain.contains('.') => {
            Ok(assumed::email_key(&email))
        }
        _ => Err(Fail::parameters(format!("{email} is not an email address"))),
    }
}

fn passwd(body: &Body) -> Result<String, Fail> {
    let passwd = body.required_text("passwd")?;
    assumed::md5_hex(&passwd).ok_or_else(|| Fail::parameters("passwd must be an MD5 hex digest"))
}

fn app_id(body: &Body) -> Result<(), Fail> {
    match body.int("appId") {
        Some(id) if APP_IDS.contains(&id) => Ok(()),
        other => Err(Fail::parameters(format!("unknown appId {other:?}"))),
    }
}

impl World {
    /// Whose token this is; code 7 when it is missing, unknown or past its time.
    pub(crate) fn authenticate(&self, token: Option<&str>, now: i64) -> Result<String, Fail> {
        token
            .and_then(|token| self.sessions.get(token))
            .filter(|session| session.expires_at > now)
            .map(|session| session.email.clone())
            .ok_or_else(Fail::token)
    }

    fn issue_token(&mut self, email: &str, now: i64) -> String {
        self.sessions.retain(|_, session| session.expires_at > now);
        let token = self.ids.token();
        self.sessions.insert(
            token.clone(),
            Session {
                email: email.to_owned(),
                expires_at: now + i64::from(self.config.token_ttl_secs),
            },
        );
        token
    }

    /// Every token issued so far stops working.
    pub(crate) fn expire_tokens(&mut self) -> usize {
        let expired = self.sessions.len();
        self.sessions.clear();
        expired
    }

    /// `emailVerificationCode`: "sends" a code that nothing checks.
    pub(crate) fn verification_code(&mut self, body: &Body) -> Result<Value, Fail> {
        body.partner(&self.config.partner_code)?;
        let email = email(body)?;
        tracing::info!(%email, "FMS sandbox: verification code emailed (never checked)");
        Ok(Value::Null)
    }

    /// `emailRegister`: a new customer, logged in straight away.
    pub(crate) fn register(&mut self, body: &Body, now: i64) -> Result<(String, Value), Fail> {
        body.partner(&self.config.partner_code)?;
        app_id(body)?;
        let (email, passwd) = (email(body)?, passwd(body)?);
        if body.int("userType") != Some(assumed::CUSTOMER) {
            return Err(Fail::parameters(
                "only customers (userType 4) register here",
            ));
        }
        if self.users.contains_key(&email) {
            return Err(Fail::new(assumed::USER_EXISTS, "user already exists"));
        }
        let user_id = self.ids.user_id();
        self.users.insert(email.clone(), User { user_id, passwd });
        self.tally.users_registered += 1;
        let token = self.issue_token(&email, now);
        let data = json!({ "userId": user_id, "email": email, "token": token });
        Ok((token, data))
    }

    /// `emailLogin` (and `/user/login`): a new token on every login.
    pub(crate) fn login(&mut self, body: &Body, now: i64) -> Result<(String, Value), Fail> {
        body.partner(&self.config.partner_code)?;
        app_id(body)?;
        let (email, passwd) = (email(body)?, passwd(body)?);
        let user = self
            .users
            .get(&email)
            .ok_or_else(|| Fail::new(assumed::USER_NOT_FOUND, "user does not exist"))?;
        if user.passwd != passwd {
            return Err(Fail::new(assumed::WRONG_PASSWORD, "wrong password"));
        }
        let user_id = user.user_id;
        self.tally.logins += 1;
        let token = self.issue_token(&email, now);
        let data = json!({ "userId": user_id, "email": email, "token": token });
        Ok((token, data))
    }

    /// `passwordReset`: the signed-in user's new password; log in again for a new token.
    pub(crate) fn password_reset(&mut self, signed_in: &str, body: &Body) -> Result<Value, Fail> {
        body.partner(&self.config.partner_code)?;
        let (email, passwd) = (email(body)?, passwd(body)?);
        if email != signed_in {
            return Err(Fail::parameters("a user can only reset their own password"));
        }
        let user = self
            .users
            .get_mut(&email)
            .ok_or_else(|| Fail::new(assumed::USER_NOT_FOUND, "user does not exist"))?;
        user.passwd = passwd;
        self.tally.password_resets += 1;
        Ok(Value::Null)
    }
}
