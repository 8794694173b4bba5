//! ISO 3166-1 alpha-2 country codes, validated at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An upper-case ISO 3166-1 alpha-2 code such as `JP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code")]
pub struct InvalidCountryCode(pub String);

impl CountryCode {
    pub fn parse(code: &str) -> Result<Self, InvalidCountryCode> {
        match code.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Ok(CountryCode([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
            ])),
            _ => Err(InvalidCountryCode(code.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }

    /// The flag emoji, built from regional indicator symbols.
    pub fn flag(&self) -> String {
        self.0
            .iter()
            .filter_map(|b| char::from_u32(0x1F1E6 + u32::from(b - b'A')))
            .collect()
    }
}

impl TryFrom<String> for CountryCode {
    type Error = InvalidCountryCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CountryCode::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        assert_eq!(CountryCode::parse("jp").unwrap().as_str(), "JP");
        assert!(CountryCode::parse("JPN").is_err());
        assert!(CountryCode::parse("J1").is_err());
        assert_eq!(CountryCode::parse("JP").unwrap().flag(), "🇯🇵");
    }
}
