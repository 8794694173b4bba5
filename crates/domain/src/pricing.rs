//! Retail pricing: wholesale plus a margin, rounded up to a price ending in .99.

use crate::money::Money;

/// A margin in basis points (1 % = 100 bp) of the wholesale price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Margin {
    pub basis_points: u32,
}

impl Margin {
    pub fn percent(percent: u32) -> Self {
        Margin {
            basis_points: percent * 100,
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
}
