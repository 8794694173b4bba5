//! Identifiers the FMS sandbox hands out: order ids shaped like the doc's
//! `1516172930125713408`, order numbers, ICCIDs, activation codes, tokens.

use crate::ids::{instance_seed, splitmix64, with_luhn};

/// Seeded per instance, so two sandboxes never hand out the same ICCID or order id; serial
/// parts keep ids unique within one.
#[derive(Debug)]
pub(crate) struct IdGen {
    seed: u64,
    seq: u64,
}

impl IdGen {
    pub(crate) fn per_instance() -> Self {
        Self {
            seed: instance_seed(),
            seq: 0,
        }
    }

    fn serial(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn random(&mut self) -> u64 {
        let seq = self.serial();
        splitmix64(self.seed ^ seq.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    /// 19 digits, like a snowflake id: `15`, ten per-instance digits, seven serial ones.
    pub(crate) fn order_id(&mut self) -> String {
        let serial = self.serial() % 10_000_000;
        format!("15{:010}{serial:07}", self.seed % 10_000_000_000)
    }

    /// `FMS` + the sandbox time (`yyyyMMddHHmmss`) + three serial digits.
    pub(crate) fn order_no(&mut self, stamp: &str) -> String {
        format!("FMS{stamp}{:03}", self.serial() % 1000)
    }

    /// A 20-digit ICCID: `8985200`, twelve serial digits, the Luhn digit.
    pub(crate) fn iccid(&mut self) -> String {
        let serial = (self.seed % 1_000_000_000_000 + self.serial()) % 1_000_000_000_000;
        with_luhn(&format!("8985200{serial:012}"))
    }

    /// A matching id shaped like the doc's `C7A0-19F2-ABCD-1234`.
    pub(crate) fn activation_code(&mut self) -> String {
        let hex = format!("{:016X}", self.random());
        format!(
            "{}-{}-{}-{}",
            &hex[..4],
            &hex[4..8],
            &hex[8..12],
            &hex[12..]
        )
    }

    pub(crate) fn token(&mut self) -> String {
        format!("fms.{:016x}{:016x}", self.random(), self.random())
    }

    pub(crate) fn user_id(&mut self) -> u64 {
        100_000 + self.serial()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_well_formed_and_unique() {
        let mut ids = IdGen::per_instance();
        let (a, b) = (ids.order_id(), ids.order_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert!(a.bytes().all(|c| c.is_ascii_digit()));
        let iccid = ids.iccid();
        assert_eq!(iccid.len(), 20);
        assert_eq!(with_luhn(&iccid[..19]), iccid);
        assert_ne!(iccid, ids.iccid());
        let code = ids.activation_code();
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        assert_eq!(with_luhn("7992739871"), "79927398713");
    }
}
