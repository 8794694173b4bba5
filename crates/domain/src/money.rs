//! Money as integer minor units plus an ISO 4217 currency; never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// Why an amount or currency could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMoney {
    #[error("`{0}` is not an ISO 4217 currency code")]
    Currency(String),
    #[error("`{0}` is not a decimal amount")]
    Amount(String),
    #[error("`{amount}` has more decimals than {currency} allows")]
    TooPrecise { amount: String, currency: Currency },
}

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");
    pub const GBP: Currency = Currency(*b"GBP");

    /// Parses a three-letter code, case-insensitively.
    pub fn parse(code: &str) -> Result<Self, InvalidMoney> {
        let bytes = code.trim().as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_alphabetic) => Ok(Currency([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(InvalidMoney::Currency(code.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Number of decimal places of the currency's minor unit.
    pub fn exponent(&self) -> u32 {
        match self.as_str() {
            "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.as_str() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            _ => None,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidMoney;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in the currency's minor units (cents for USD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses a decimal amount in major units ("12", "12.5", "12.99") exactly.
    pub fn from_major_str(amount: &str, currency: Currency) -> Result<Self, InvalidMoney> {
        let raw = amount.trim();
        let (negative, digits) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let well_formed = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(InvalidMoney::Amount(amount.to_owned()));
        }
        let exponent = currency.exponent() as usize;
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > exponent {
            return Err(InvalidMoney::TooPrecise {
                amount: amount.to_owned(),
                currency,
            });
        }
        let scaled = format!("{whole}{fraction:0<exponent$}");
        let minor: i64 = scaled
            .parse()
            .map_err(|_| InvalidMoney::Amount(amount.to_owned()))?;
        Ok(Money {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    /// The amount in major units as a plain decimal string ("12.99"), as schema.org and Stripe expect.
    pub fn major_string(&self) -> String {
        let exponent = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exponent == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exponent);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exponent as usize
        )
    }
}

impl fmt::Display for Money {
    /// Shows the amount the way a traveller reads a price tag: "$12.99", or "12.99 CHF".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.currency.symbol() {
            Some(symbol) if self.minor < 0 => write!(f, "-{symbol}{}", &self.major_string()[1..]),
            Some(symbol) => write!(f, "{symbol}{}", self.major_string()),
            None => write!(f, "{} {}", self.major_string(), self.currency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_major_amounts_exactly() {
        let usd = Currency::USD;
        assert_eq!(Money::from_major_str("12", usd).unwrap().minor, 1200);
        assert_eq!(Money::from_major_str("12.5", usd).unwrap().minor, 1250);
        assert_eq!(Money::from_major_str("0.07", usd).unwrap().minor, 7);
        assert_eq!(Money::from_major_str("19.990", usd).unwrap().minor, 1999);
        assert_eq!(
            Money::from_major_str("1500", Currency::parse("jpy").unwrap())
                .unwrap()
                .minor,
            1500
        );
    }

    #[test]
    fn rejects_malformed_or_too_precise_amounts() {
        assert!(Money::from_major_str("12.999", Currency::USD).is_err());
        assert!(Money::from_major_str("1e3", Currency::USD).is_err());
        assert!(Money::from_major_str("", Currency::USD).is_err());
        assert!(Money::from_major_str(".5", Currency::USD).is_err());
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("U$D").is_err());
    }

    #[test]
    fn displays_like_a_price_tag() {
        assert_eq!(Money::new(1599, Currency::USD).to_string(), "$15.99");
        assert_eq!(Money::new(5, Currency::EUR).to_string(), "€0.05");
        assert_eq!(
            Money::new(1250, Currency::parse("CHF").unwrap()).to_string(),
            "12.50 CHF"
        );
        assert_eq!(Money::new(-300, Currency::USD).to_string(), "-$3.00");
    }
}
