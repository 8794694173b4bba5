//! Traveller accounts: passwordless sign-in by emailed link, sessions kept in the database.
//!
//! An account is an email address proven by a sign-in link. Orders and eSIMs bought with that
//! address, before or after, belong to it.

mod sessions;
mod sign_in;

pub use sessions::{session_account, sign_out, SESSION_DAYS};
pub use sign_in::{
    confirm_sign_in, find_sign_in_link, request_sign_in, sign_in_link, PendingSignIn, SignInError,
    SignedIn, LINK_MINUTES,
};

pub(crate) use crate::ids::hash_secret;

/// A signed-in traveller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub email: String,
}

/// The form an email address is compared in.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// "a…@example.com": enough of an address for its owner to recognise it, shown to whoever opens
/// a sign-in link.
pub fn email_hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_owned(),
    }
}

/// Only paths on this site are followed after sign-in, so a link cannot send anyone elsewhere.
pub(crate) fn safe_next_path(next: Option<&str>) -> String {
    domain::safe_next(next, domain::local_path::TRAVELLER_HOME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_hint_keeps_the_first_letter_and_the_domain() {
        assert_eq!(email_hint("amira@example.com"), "a…@example.com");
        assert_eq!(email_hint("émile@exemple.fr"), "é…@exemple.fr");
        assert_eq!(email_hint("not-an-address"), "…");
    }

    #[test]
    fn secrets_hash_to_hex() {
        let hash = hash_secret("abc");
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, hash_secret("abd"));
    }
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tern_session";

/// The session secret in a `Cookie` request header, if there is one.
pub fn session_from_cookies(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod cookie_tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        assert_eq!(
            session_from_cookies("a=1; tern_session=abc; b=2"),
            Some("abc")
        );
        assert_eq!(session_from_cookies("tern_session="), None);
        assert_eq!(session_from_cookies("other=tern_session"), None);
    }
}
