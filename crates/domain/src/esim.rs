//! eSIM identifiers: ICCIDs and the activation code behind the install QR (`LPA:1$<SM-DP+>$<matching id>`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An eSIM's ICCID: 18 to 22 digits, starting with 89 (telecom).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iccid(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ICCID")]
pub struct InvalidIccid(pub String);

impl Iccid {
    pub fn parse(input: &str) -> Result<Iccid, InvalidIccid> {
        let digits = input.trim();
        let valid = (18..=22).contains(&digits.len())
            && digits.starts_with("89")
            && digits.bytes().all(|b| b.is_ascii_digit());
        if valid {
            Ok(Iccid(digits.to_owned()))
        } else {
            Err(InvalidIccid(input.chars().take(40).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Iccid {
    type Error = InvalidIccid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Iccid::parse(&value)
    }
}

impl From<Iccid> for String {
    fn from(value: Iccid) -> Self {
        value.0
    }
}

impl fmt::Display for Iccid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a phone needs to download the eSIM profile; kept as its two parts, the LPA string derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCode {
    pub smdp_address: String,
    pub matching_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an LPA activation code")]
pub struct InvalidActivationCode(pub String);

impl ActivationCode {
    /// Builds from the parts, rejecting anything a phone could not use.
    pub fn new(smdp_address: &str, matching_id: &str) -> Result<Self, InvalidActivationCode> {
        let smdp = smdp_address.trim();
        let matching = matching_id.trim();
        let host_ok = !smdp.is_empty()
            && smdp.len() <= 255
            && smdp
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
        let id_ok = !matching.is_empty()
            && matching.len() <= 255
            && matching
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
        if host_ok && id_ok {
            Ok(ActivationCode {
                smdp_address: smdp.to_owned(),
                matching_id: matching.to_owned(),
            })
        } else {
            Err(InvalidActivationCode(format!("{smdp}${matching}")))
        }
    }

    /// Parses `LPA:1$<SM-DP+>$<matching id>` (an optional further `$` part is ignored).
    pub fn parse_lpa(lpa: &str) -> Result<Self, InvalidActivationCode> {
        let invalid = || InvalidActivationCode(lpa.chars().take(120).collect());
        let rest = lpa.trim().strip_prefix("LPA:1$").ok_or_else(invalid)?;
        let mut parts = rest.split('$');
        let smdp = parts.next().ok_or_else(invalid)?;
        let matching = parts.next().ok_or_else(invalid)?;
        ActivationCode::new(smdp, matching).map_err(|_| invalid())
    }

    /// The string a QR code carries.
    pub fn lpa(&self) -> String {
        format!("LPA:1${}${}", self.smdp_address, self.matching_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iccids_are_telecom_digits() {
        assert!(Iccid::parse("89440000000000000001").is_ok());
        assert!(Iccid::parse("8944000000000000001F").is_err());
        assert!(Iccid::parse("12440000000000000001").is_err());
        assert!(Iccid::parse("8944").is_err());
    }

    #[test]
    fn lpa_round_trips_through_its_parts() {
        let code = ActivationCode::parse_lpa("LPA:1$rsp.truphone.com$JQ-2D51JC-ABCDEF").unwrap();
        assert_eq!(code.smdp_address, "rsp.truphone.com");
        assert_eq!(code.matching_id, "JQ-2D51JC-ABCDEF");
        assert_eq!(code.lpa(), "LPA:1$rsp.truphone.com$JQ-2D51JC-ABCDEF");
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "LPA:1$",
            "LPA:1$host",
            "LPA:2$host$id",
            "rsp.example.com$id",
            "LPA:1$ho st$id",
            "LPA:1$host$<id>",
        ] {
            assert!(ActivationCode::parse_lpa(bad).is_err(), "{bad:?}");
        }
    }
}
