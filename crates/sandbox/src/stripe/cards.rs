//! Card details as typed on the checkout form: validation with Stripe's wording, and what
//! each of Stripe's documented test card numbers does.

use super::objects::CardSummary;
use crate::ids::luhn_valid;

/// The card form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct CardInput {
    #[serde(default)]
    pub(crate) card_number: String,
    /// `MM/YY`, `MM / YY`, `MM/YYYY` or `MMYY`.
    #[serde(default)]
    pub(crate) expiry: String,
    #[serde(default)]
    pub(crate) cvc: String,
    #[serde(default)]
    pub(crate) name: String,
}

/// One message per field that failed, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FieldErrors {
    pub(crate) card_number: Option<&'static str>,
    pub(crate) expiry: Option<&'static str>,
    pub(crate) cvc: Option<&'static str>,
    pub(crate) name: Option<&'static str>,
}

impl FieldErrors {
    fn is_empty(&self) -> bool {
        *self == FieldErrors::default()
    }

    /// `field: message` pairs joined with spaces, for API answers.
    pub(crate) fn summary(&self) -> String {
        [
            ("card_number", self.card_number),
            ("expiry", self.expiry),
            ("cvc", self.cvc),
            ("name", self.name),
        ]
        .into_iter()
        .filter_map(|(field, message)| message.map(|m| format!("{field}: {m}")))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// A card that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Card {
    pub(crate) number: String,
    pub(crate) exp_month: u32,
    pub(crate) exp_year: i32,
    pub(crate) name: String,
}

impl Card {
    /// What the API shows of the card.
    pub(crate) fn summary(&self) -> CardSummary {
        CardSummary {
            brand: brand(&self.number),
            last4: self.number[self.number.len() - 4..].to_owned(),
            exp_month: self.exp_month,
            exp_year: self.exp_year,
            name: self.name.clone(),
        }
    }
}

/// How the card network answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    Approve,
    /// 3-D Secure: the buyer must complete an authentication step first.
    Authenticate,
    Decline {
        /// An `ApiErrorsCode` async-stripe knows.
        code: &'static str,
        decline_code: Option<&'static str>,
        message: &'static str,
    },
}

/// The message shown for a generic decline.
pub(crate) const DECLINED: &str = "Your card was declined.";
/// The message shown when 3-D Secure fails.
pub(crate) const AUTHENTICATION_FAILED: &str =
    "We are unable to authenticate your payment method. Please choose a different payment \
     method and try again.";

/// Stripe's test numbers (docs.stripe.com/testing); any other valid number is approved.
pub(crate) fn behaviour(number: &str) -> Behaviour {
    let decline = |code, decline_code, message| Behaviour::Decline {
        code,
        decline_code,
        message,
    };
    match number {
        "4000000000000002" => decline("card_declined", Some("generic_decline"), DECLINED),
        "4000000000009995" => decline(
            "card_declined",
            Some("insufficient_funds"),
            "Your card has insufficient funds.",
        ),
        "4000000000000069" => decline("expired_card", None, "Your card has expired."),
        "4000000000000127" => decline(
            "incorrect_cvc",
            None,
            "Your card's security code is incorrect.",
        ),
        "4000000000000119" => decline(
            "processing_error",
            None,
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        "4000002500003155" | "4000002760003184" | "4000000000003220" => Behaviour::Authenticate,
        _ => Behaviour::Approve,
    }
}

fn brand(number: &str) -> &'static str {
    match number.as_bytes() {
        [b'4', ..] => "visa",
        [b'5', b'1'..=b'5', ..] | [b'2', ..] => "mastercard",
        [b'3', b'4' | b'7', ..] => "amex",
        [b'6', ..] => "discover",
        _ => "unknown",
    }
}

fn check_number(raw: &str) -> Result<String, &'static str> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.is_empty() || (digits.len() < 12 && digits.bytes().all(|b| b.is_ascii_digit())) {
        return Err("Your card number is incomplete.");
    }
    if digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) || !luhn_valid(&digits) {
        return Err("Your card number is invalid.");
    }
    Ok(digits)
}

/// `(month, four-digit year)`, refusing past dates and years more than 50 years ahead.
fn check_expiry(raw: &str, today: (i32, u32)) -> Result<(u32, i32), &'static str> {
    const INCOMPLETE: &str = "Your card's expiration date is incomplete.";
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (month, year) = match compact.split_once('/') {
        Some(parts) => parts,
        None if compact.len() == 4 => compact.split_at(2),
        None => return Err(INCOMPLETE),
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !numeric(month) || !numeric(year) || month.len() > 2 || !matches!(year.len(), 2 | 4) {
        return Err(INCOMPLETE);
    }
    let month: u32 = month.parse().map_err(|_| INCOMPLETE)?;
    let mut year: i32 = year.parse().map_err(|_| INCOMPLETE)?;
    if !(1..=12).contains(&month) {
        return Err("Your card's expiration month is invalid.");
    }
    if year < 100 {
        year += 2000;
    }
    if (year, month) < today {
        return Err("Your card's expiration date is in the past.");
    }
    if year > today.0 + 50 {
        return Err("Your card's expiration year is invalid.");
    }
    Ok((month, year))
}

fn check_cvc(raw: &str) -> Result<(), &'static str> {
    let cvc = raw.trim();
    if !cvc.bytes().all(|b| b.is_ascii_digit()) || cvc.len() > 4 {
        return Err("Your card's security code is invalid.");
    }
    if cvc.len() < 3 {
        return Err("Your card's security code is incomplete.");
    }
    Ok(())
}

/// Checks every field; `today` is the current UTC `(year, month)`.
pub(crate) fn validate(input: &CardInput, today: (i32, u32)) -> Result<Card, FieldErrors> {
    let number = check_number(&input.card_number);
    let expiry = check_expiry(&input.expiry, today);
    let cvc = check_cvc(&input.cvc);
    let name = input.name.trim();
    let errors = FieldErrors {
        card_number: number.as_ref().err().copied(),
        expiry: expiry.as_ref().err().copied(),
        cvc: cvc.err(),
        name: name.is_empty().then_some("Enter the name on your card."),
    };
    match (number, expiry) {
        (Ok(number), Ok((exp_month, exp_year))) if errors.is_empty() => Ok(Card {
            number,
            exp_month,
            exp_year,
            name: name.to_owned(),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32) = (2026, 11);

    fn input(number: &str, expiry: &str, cvc: &str) -> CardInput {
        CardInput {
            card_number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
            name: "Ada Lovelace".into(),
        }
    }

    #[test]
    fn accepts_the_usual_ways_of_typing_a_card() {
        let card = validate(&input("4242 4242 4242 4242", "12 / 29", "123"), TODAY).unwrap();
        assert_eq!(card.number, "4242424242424242");
        assert_eq!((card.exp_month, card.exp_year), (12, 2029));
        assert_eq!(card.summary().last4, "4242");
        assert_eq!(card.summary().brand, "visa");
        for expiry in ["11/26", "1130", "03/2031"] {
            assert!(validate(&input("4242424242424242", expiry, "1234"), TODAY).is_ok());
        }
    }

    #[test]
    fn names_each_bad_field() {
        let errors = validate(&input("4242 4242 4242 4241", "10/26", "12"), TODAY).unwrap_err();
        assert_eq!(errors.card_number, Some("Your card number is invalid."));
        assert_eq!(
            errors.expiry,
            Some("Your card's expiration date is in the past.")
        );
        assert_eq!(errors.cvc, Some("Your card's security code is incomplete."));
        assert_eq!(errors.name, None);
        let errors = validate(&CardInput::default(), TODAY).unwrap_err();
        assert_eq!(errors.card_number, Some("Your card number is incomplete."));
        assert_eq!(
            errors.expiry,
            Some("Your card's expiration date is incomplete.")
        );
        assert_eq!(errors.name, Some("Enter the name on your card."));
        let errors = validate(&input("4242424242424242", "13/30", "12a"), TODAY).unwrap_err();
        assert_eq!(
            errors.expiry,
            Some("Your card's expiration month is invalid.")
        );
        assert_eq!(errors.cvc, Some("Your card's security code is invalid."));
    }

    #[test]
    fn test_cards_behave_as_documented() {
        assert_eq!(behaviour("4242424242424242"), Behaviour::Approve);
        assert_eq!(behaviour("5555555555554444"), Behaviour::Approve);
        assert_eq!(behaviour("4000002500003155"), Behaviour::Authenticate);
        assert!(matches!(
            behaviour("4000000000000002"),
            Behaviour::Decline {
                message: DECLINED,
                ..
            }
        ));
        for number in ["4000000000000002", "4000002500003155", "4000000000009995"] {
            assert!(luhn_valid(number), "{number}");
        }
    }
}
