//! FMS result codes (notes §5, plus the ASSUMED login codes) and the typed error each becomes.

use super::assumed;
use crate::ProviderError;

/// A non-zero `code` from an FMS envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FmsCode {
    /// 2: wrong parameters.
    WrongParameters,
    /// 7: the token expired or is invalid; log in again.
    TokenInvalid,
    /// 1102: `dateTime` could not be converted.
    TimeConversion,
    /// 3004: order system exception.
    OrderSystem,
    /// 3005: QR code null, no profile could be assigned.
    NoProfile,
    /// 6006: the pre-order's payment window passed; its profile is released.
    PreOrderTimeout,
    /// 9999: generic error.
    Failed,
    /// 10008: the order does not exist.
    OrderNotFound,
    /// 10009: `payAmount`/`payCurrency` differ from the pre-order.
    PriceInconsistent,
    /// ASSUMED: no user has this email.
    UserNotFound,
    /// ASSUMED: the password is wrong.
    WrongPassword,
    /// ASSUMED: the email is already registered.
    UserExists,
    /// Anything else: documented as "system exception".
    Other(i64),
}

impl FmsCode {
    pub(super) fn from_code(code: i64) -> Self {
        match code {
            2 => FmsCode::WrongParameters,
            7 => FmsCode::TokenInvalid,
            1102 => FmsCode::TimeConversion,
            3004 => FmsCode::OrderSystem,
            3005 => FmsCode::NoProfile,
            6006 => FmsCode::PreOrderTimeout,
            9999 => FmsCode::Failed,
            10008 => FmsCode::OrderNotFound,
            10009 => FmsCode::PriceInconsistent,
            assumed::USER_NOT_FOUND => FmsCode::UserNotFound,
            assumed::WRONG_PASSWORD => FmsCode::WrongPassword,
            assumed::USER_EXISTS => FmsCode::UserExists,
            other => FmsCode::Other(other),
        }
    }

    pub(super) fn code(self) -> i64 {
        match self {
            FmsCode::WrongParameters => 2,
            FmsCode::TokenInvalid => 7,
            FmsCode::TimeConversion => 1102,
            FmsCode::OrderSystem => 3004,
            FmsCode::NoProfile => 3005,
            FmsCode::PreOrderTimeout => 6006,
            FmsCode::Failed => 9999,
            FmsCode::OrderNotFound => 10008,
            FmsCode::PriceInconsistent => 10009,
            FmsCode::UserNotFound => assumed::USER_NOT_FOUND,
            FmsCode::WrongPassword => assumed::WRONG_PASSWORD,
            FmsCode::UserExists => assumed::USER_EXISTS,
            FmsCode::Other(code) => code,
        }
    }

    /// The typed error for this code where no flow handles it itself: permanent refusals are
    /// not retryable, FMS's own failures are.
    pub(super) fn into_error(self, message: &str) -> ProviderError {
        let message = format!("FMS code {}: {message}", self.code());
        match self {
            FmsCode::WrongParameters | FmsCode::TimeConversion | FmsCode::PriceInconsistent => {
                ProviderError::Validation { message }
            }
            FmsCode::TokenInvalid | FmsCode::WrongPassword => ProviderError::Unauthorized,
            FmsCode::NoProfile => ProviderError::Refused {
                code: "3005".into(),
                message,
            },
            FmsCode::PreOrderTimeout => ProviderError::NotAllowed { message },
            FmsCode::OrderNotFound => ProviderError::NotFound { what: "order" },
            FmsCode::UserNotFound => ProviderError::NotFound { what: "user" },
            FmsCode::UserExists => ProviderError::Conflict { message },
            FmsCode::OrderSystem | FmsCode::Failed | FmsCode::Other(_) => {
                ProviderError::Unavailable {
                    status: None,
                    message,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_round_trips() {
        for code in [
            2, 7, 1102, 3004, 3005, 6006, 9999, 10008, 10009, 10010, 10011, 10012, 42,
        ] {
            assert_eq!(FmsCode::from_code(code).code(), code);
        }
        assert_eq!(FmsCode::from_code(42), FmsCode::Other(42));
    }

    #[test]
    fn codes_become_the_documented_errors() {
        let error = |code: i64| FmsCode::from_code(code).into_error("m");
        for validation in [2, 1102, 10009] {
            assert!(
                matches!(error(validation), ProviderError::Validation { .. }),
                "{validation}"
            );
        }
        assert_eq!(error(7), ProviderError::Unauthorized);
        assert_eq!(error(10011), ProviderError::Unauthorized);
        assert!(matches!(
            error(3005),
            ProviderError::Refused { ref code, .. } if code == "3005"
        ));
        assert!(matches!(error(6006), ProviderError::NotAllowed { .. }));
        assert_eq!(error(10008), ProviderError::NotFound { what: "order" });
        assert_eq!(error(10010), ProviderError::NotFound { what: "user" });
        assert!(matches!(error(10012), ProviderError::Conflict { .. }));
        for retryable in [3004, 9999, 4242] {
            let error = error(retryable);
            assert!(
                matches!(error, ProviderError::Unavailable { status: None, .. }),
                "{retryable}"
            );
            assert!(error.is_retryable());
        }
        assert!(!error(3005).is_retryable(), "3005 fails over, not retries");
        assert!(!error(10009).is_retryable());
    }
}
