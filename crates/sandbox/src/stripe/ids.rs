//! Stripe-shaped object ids (`cs_test_…`, `pi_…`, `evt_…`), unique per sandbox instance.

use crate::ids::{instance_seed, splitmix64};

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
        Self {
            seed: instance_seed(),
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
