//! Identifiers the FMS sandbox hands out: order ids shaped like the doc's
//! `1516172930125713408`, order numbers, ICCIDs, activation codes, tokens; and a stable hash
//! for the catalogue's prices.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// 64-bit FNV-1a; stable across runs and platforms.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Appends the Luhn check digit, as real ICCIDs carry one.
fn with_luhn(digits: &str) -> String {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2 == 0, d * 2) {
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
                (false, _) => d,
            }
        })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// Seeded per instance, so two sandboxes never hand out the same ICCID or order id; serial
/// parts keep ids unique within one.
#[derive(Debug)]
pub(crate) struct IdGen {
    seed: u64,
    seq: u64,
}

impl IdGen {
    pub(crate) fn per_instance() -> Self {
        static INSTANCES: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let n = INSTANCES.fetch_add(1, Ordering::Relaxed);
        Self {
            seed: splitmix64(nanos ^ splitmix64(n)),
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
