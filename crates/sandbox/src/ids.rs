//! Identifiers the sandboxes hand out and the hashing behind them: FNV-1a and splitmix64,
//! per-instance seeds, UUID-shaped strings, Luhn check digits, ICCIDs, LPA matching ids.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// 64-bit FNV-1a; stable across runs and platforms, unlike `std`'s `DefaultHasher`.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One splitmix64 step: a cheap, well-mixed bijection on `u64`.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Formats 128 bits as a version-4-shaped UUID string.
pub(crate) fn uuid_from(hi: u64, lo: u64) -> String {
    // Version and variant bits are forced so strict UUID parsers accept the value.
    let hi = (hi & !0xf000) | 0x4000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// A UUID string that depends only on `label`, for catalogue ids that must be stable across runs.
pub(crate) fn stable_uuid(label: &str) -> String {
    let h = fnv1a(label.as_bytes());
    uuid_from(splitmix64(h), splitmix64(h ^ 0x5555_5555_5555_5555))
}

/// A seed no other sandbox instance gets: the wall clock mixed with a process-wide counter and
/// the process id, so neither two sandboxes nor two runs against one database collide.
pub(crate) fn instance_seed() -> u64 {
    static INSTANCES: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = INSTANCES.fetch_add(1, Ordering::Relaxed);
    splitmix64(nanos ^ splitmix64(n) ^ u64::from(std::process::id()).rotate_left(32))
}

/// Appends the Luhn check digit, as real ICCIDs carry one.
pub(crate) fn with_luhn(digits: &str) -> String {
    format!("{digits}{}", (10 - luhn_sum(digits, 0) % 10) % 10)
}

/// Whether `number` (digits only) ends in a correct Luhn check digit.
pub(crate) fn luhn_valid(number: &str) -> bool {
    luhn_sum(number, 1).is_multiple_of(10)
}

/// The Luhn sum, doubling the digits whose position from the right (0-based) has `parity`.
fn luhn_sum(digits: &str, parity: usize) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2 == parity, d * 2) {
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
                (false, _) => d,
            }
        })
        .sum()
}

const ICCID_SPACE: u64 = 10_000_000_000_000;
const MATCHING_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Issues identifiers for orders, eSIMs, tokens and events.
///
/// Seeded per sandbox instance so two sandboxes (or two runs against one database) do not hand
/// out the same ICCID; the catalogue never uses this, so it stays byte-for-byte reproducible.
#[derive(Debug)]
pub(crate) struct IdGen {
    seed: u64,
    seq: u64,
}

impl IdGen {
    pub(crate) fn new(seed: u64) -> Self {
        Self { seed, seq: 0 }
    }

    /// Seeds from [`instance_seed`].
    pub(crate) fn per_instance() -> Self {
        Self::new(instance_seed())
    }

    fn next(&mut self) -> u64 {
        self.seq += 1;
        splitmix64(self.seed ^ self.seq.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    pub(crate) fn uuid(&mut self) -> String {
        let hi = self.next();
        let lo = self.next();
        uuid_from(hi, lo)
    }

    /// A 20-digit ICCID: `89` (telecom), `44` (country), `50` (issuer), 13 serial digits, Luhn digit.
    pub(crate) fn iccid(&mut self) -> String {
        self.seq += 1;
        // A serial rather than a hash keeps ICCIDs unique within the instance.
        let serial = (self.seed % ICCID_SPACE + self.seq) % ICCID_SPACE;
        with_luhn(&format!("894450{serial:013}"))
    }

    /// An LPA matching id shaped like the doc's `JQ-2D51JC-ABCDEF`.
    pub(crate) fn matching_id(&mut self) -> String {
        let mut x = self.next();
        let mut out = String::from("JQ-");
        for i in 0..12 {
            if i == 6 {
                out.push('-');
            }
            out.push(char::from(MATCHING_ALPHABET[(x % 34) as usize]));
            x /= 34;
        }
        out
    }

    /// An opaque bearer token.
    pub(crate) fn token(&mut self) -> String {
        format!("sbx_{:016x}{:016x}", self.next(), self.next())
    }

    pub(crate) fn event_id(&mut self) -> String {
        format!("evt_{:016x}{:08x}", self.next(), self.next() >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuid_is_stable_and_well_formed() {
        let a = stable_uuid("esimfx_10G_7D_JP");
        assert_eq!(a, stable_uuid("esimfx_10G_7D_JP"));
        assert_ne!(a, stable_uuid("esimfx_10G_7D_KR"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn iccids_are_twenty_digits_unique_and_luhn_valid() {
        let mut ids = IdGen::new(42);
        let a = ids.iccid();
        let b = ids.iccid();
        assert_ne!(a, b);
        for iccid in [a, b] {
            assert_eq!(iccid.len(), 20);
            assert!(iccid.starts_with("89"));
            assert!(iccid.bytes().all(|c| c.is_ascii_digit()));
            assert_eq!(with_luhn(&iccid[..19]), iccid);
        }
        // Known vector: 7992739871 has check digit 3.
        assert_eq!(with_luhn("7992739871"), "79927398713");
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398712"));
    }

    #[test]
    fn matching_ids_look_like_the_doc() {
        let id = IdGen::new(7).matching_id();
        assert_eq!(id.len(), 16);
        assert!(id.starts_with("JQ-"));
        assert_eq!(&id[9..10], "-");
    }
}
