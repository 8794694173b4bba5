//! Retail pricing: wholesale plus a margin, rounded up to a price ending in .99.

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// A margin in basis points (1 % = 100 bp) of the wholesale price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Margin {
    pub basis_points: u32,
}

/// The highest margin the shop accepts: five times the wholesale price.
pub const MAX_MARGIN_BASIS_POINTS: u32 = 50_000;

/// Why a typed margin was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMargin {
    #[error("Enter the margin as a percentage, such as 30 or 32.5.")]
    NotANumber,
    #[error("A margin has at most two decimals, such as 32.25.")]
    TooPrecise,
    #[error("A margin must be between 0 % and 500 %.")]
    OutOfRange,
}

impl Margin {
    pub fn percent(percent: u32) -> Self {
        Margin {
            basis_points: percent * 100,
        }
    }

    /// Reads a percentage as typed ("30", "32.5", "12,25 %").
    pub fn parse_percent(text: &str) -> Result<Margin, InvalidMargin> {
        let text = text.trim().trim_end_matches('%').trim().replace(',', ".");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
            return Err(InvalidMargin::NotANumber);
        }
        if fraction.len() > 2 {
            return Err(InvalidMargin::TooPrecise);
        }
        let whole: u32 = whole.parse().map_err(|_| InvalidMargin::OutOfRange)?;
        let fraction: u32 = format!("{fraction:0<2}")
            .parse()
            .map_err(|_| InvalidMargin::NotANumber)?;
        let basis_points = whole
            .checked_mul(100)
            .and_then(|bp| bp.checked_add(fraction))
            .filter(|bp| *bp <= MAX_MARGIN_BASIS_POINTS)
            .ok_or(InvalidMargin::OutOfRange)?;
        Ok(Margin { basis_points })
    }
}

/// "30 %", "32.5 %", "12.25 %".
impl std::fmt::Display for Margin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, fraction) = (self.basis_points / 100, self.basis_points % 100);
        match fraction {
            0 => write!(f, "{whole} %"),
            f_ if f_ % 10 == 0 => write!(f, "{whole}.{} %", f_ / 10),
            _ => write!(f, "{whole}.{fraction:02} %"),
        }
    }
}

/// What a margin applies to. The most specific one set for a plan wins: the plan's own, then its
/// country's (single-country plans only), then its provider's, then the global one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MarginScope {
    Global,
    Provider(String),
    Country(String),
    Plan(String),
}

impl MarginScope {
    /// The stored and form names: ("global", ""), ("provider", "esimgo"), ("country", "JP"), ("plan", id).
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            MarginScope::Global => ("global", ""),
            MarginScope::Provider(id) => ("provider", id),
            MarginScope::Country(code) => ("country", code),
            MarginScope::Plan(id) => ("plan", id),
        }
    }

    /// Reads a scope from its parts; `None` for an unknown kind or a missing value.
    pub fn from_parts(kind: &str, value: &str) -> Option<MarginScope> {
        let value = value.trim();
        match (kind.trim(), value.is_empty()) {
            ("global", _) => Some(MarginScope::Global),
            ("provider", false) => Some(MarginScope::Provider(value.to_owned())),
            ("country", false) => Some(MarginScope::Country(value.to_ascii_uppercase())),
            ("plan", false) => Some(MarginScope::Plan(value.to_owned())),
            _ => None,
        }
    }

    /// How specific the scope is; a higher rank overrides a lower one.
    pub fn rank(&self) -> u8 {
        match self {
            MarginScope::Global => 0,
            MarginScope::Provider(_) => 1,
            MarginScope::Country(_) => 2,
            MarginScope::Plan(_) => 3,
        }
    }
}

/// The traveller's price: wholesale + margin, rounded up to the next amount ending in .99.
///
/// Rounding up never sells below cost plus margin; an amount already ending in .99 stays.
pub fn retail_price(wholesale: Money, margin: Margin) -> Money {
    let with_margin = ceil_div(
        wholesale.minor.max(0) as i128 * (10_000 + i128::from(margin.basis_points)),
        10_000,
    );
    let unit = 10i128.pow(wholesale.currency.exponent());
    let minor = if unit == 1 {
        // Currencies without minor units end in 9 instead ("1,499 JPY").
        ceil_div(with_margin + 1, 10) * 10 - 1
    } else {
        ceil_div(with_margin + 1, unit) * unit - 1
    };
    Money::new(minor as i64, wholesale.currency)
}

fn ceil_div(a: i128, b: i128) -> i128 {
    (a + b - 1).div_euclid(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn rounds_up_to_99_ending() {
        assert_eq!(retail_price(usd(1200), Margin::percent(30)), usd(1599));
        assert_eq!(retail_price(usd(1000), Margin::percent(0)), usd(1099));
        assert_eq!(retail_price(usd(999), Margin::percent(0)), usd(999));
        assert_eq!(retail_price(usd(450), Margin::percent(35)), usd(699));
        assert_eq!(retail_price(usd(1230), Margin::percent(30)), usd(1599));
    }

    #[test]
    fn never_sells_below_cost_plus_margin() {
        for wholesale in (1..5000).step_by(37) {
            let retail = retail_price(usd(wholesale), Margin::percent(25));
            assert!(
                retail.minor * 100 >= wholesale * 125,
                "{wholesale} -> {}",
                retail.minor
            );
            assert_eq!(retail.minor % 100, 99);
            assert!(retail.minor - wholesale * 125 / 100 <= 100);
        }
    }

    #[test]
    fn zero_decimal_currencies_end_in_nine() {
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(
            retail_price(Money::new(1200, jpy), Margin::percent(20)),
            Money::new(1449, jpy)
        );
    }
    #[test]
    fn margins_are_typed_as_percentages() {
        let bp = |text: &str| Margin::parse_percent(text).map(|m| m.basis_points);
        assert_eq!(bp("30"), Ok(3000));
        assert_eq!(bp(" 32.5 % "), Ok(3250));
        assert_eq!(bp("12,25"), Ok(1225));
        assert_eq!(bp("0"), Ok(0));
        assert_eq!(bp("500"), Ok(50_000));
        assert_eq!(bp("500.01"), Err(InvalidMargin::OutOfRange));
        assert_eq!(bp("99999999999"), Err(InvalidMargin::OutOfRange));
        assert_eq!(bp("1.234"), Err(InvalidMargin::TooPrecise));
        assert_eq!(bp("1."), Ok(100), "a trailing point is harmless");
        for bad in ["", "-5", "abc", ".5", "3 0", "1e3", "1.2.3"] {
            assert_eq!(bp(bad), Err(InvalidMargin::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn margins_read_back_as_typed() {
        for text in ["30 %", "32.5 %", "12.25 %", "0 %", "7.05 %"] {
            assert_eq!(Margin::parse_percent(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn scopes_round_trip_through_their_parts() {
        for scope in [
            MarginScope::Global,
            MarginScope::Provider("esimgo".into()),
            MarginScope::Country("JP".into()),
            MarginScope::Plan("pln_1".into()),
        ] {
            let (kind, value) = scope.parts();
            assert_eq!(MarginScope::from_parts(kind, value), Some(scope.clone()));
        }
        assert_eq!(
            MarginScope::from_parts("country", "jp"),
            Some(MarginScope::Country("JP".into()))
        );
        assert_eq!(MarginScope::from_parts("country", " "), None);
        assert_eq!(MarginScope::from_parts("region", "europe"), None);
    }
}
