//! Email addresses, validated where they enter the shop.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A plausible, normalised email address: trimmed, domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    #[error("Please enter your email address.")]
    Empty,
    #[error("“{0}” doesn't look like an email address. Please check it.")]
    Malformed(String),
}

impl Email {
    pub fn parse(input: &str) -> Result<Email, InvalidEmail> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(InvalidEmail::Empty);
        }
        let malformed = || InvalidEmail::Malformed(trimmed.chars().take(80).collect());
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic));
        if !local_ok || !domain_ok || trimmed.len() > 254 {
            return Err(malformed());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_real_addresses() {
        assert_eq!(
            Email::parse("  Sarah@Example.COM ").unwrap().as_str(),
            "Sarah@example.com"
        );
        assert!(Email::parse("first.last+trip@mail.co.uk").is_ok());
        assert!(Email::parse("o'brien@example.ie").is_ok());
    }

    #[test]
    fn rejects_what_cannot_receive_mail() {
        for bad in [
            "",
            "   ",
            "sarah",
            "sarah@",
            "@example.com",
            "sarah@example",
            "sarah@@example.com",
            "sa rah@example.com",
            "sarah@example.c",
            "sarah@-example.com",
            ".sarah@example.com",
            "sa..rah@example.com",
            "<script>@x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(Email::parse(" ").unwrap_err(), InvalidEmail::Empty);
    }
}
