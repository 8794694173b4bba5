//! Stripe-shaped object ids (`cs_test_…`, `pi_…`, `evt_…`), unique per sandbox instance.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Characters after the prefix; Stripe's own ids are longer, but nothing depends on length.
const ID_CHARS: usize = 24;

/// Generates ids from a per-instance seed and a counter, so two sandboxes never collide.
#[derive(Debug)]
pub(crate) struct IdGen {
    seed: u64,
    counter: u64,
}

impl IdGen {
    pub(crate) fn per_instance() -> Self {
        static INSTANCES: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let instance = INSTANCES.fetch_add(1, Ordering::Relaxed);
        Self {
            seed: splitmix64(nanos ^ instance.rotate_left(32) ^ u64::from(std::process::id())),
            counter: 0,
        }
    }

    /// `prefix` followed by 24 base-62 characters, e.g. `pi_3Kd9…`.
    pub(crate) fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        let mut state = splitmix64(self.seed ^ self.counter.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut id = String::with_capacity(prefix.len() + ID_CHARS);
        id.push_str(prefix);
        for i in 0..ID_CHARS {
            if i % 10 == 0 {
                state = splitmix64(state ^ i as u64);
            }
            id.push(ALPHABET[(state % 62) as usize] as char);
            state /= 62;
        }
        id
    }
}

/// One splitmix64 step: a cheap, well-mixed bijection on `u64`.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_prefixed_and_unique_across_instances() {
        let (mut a, mut b) = (IdGen::per_instance(), IdGen::per_instance());
        let ids: HashSet<String> = (0..500)
            .flat_map(|_| [a.next("pi_"), b.next("pi_")])
            .collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids
            .iter()
            .all(|id| id.starts_with("pi_") && id.len() == 3 + ID_CHARS));
    }
}
