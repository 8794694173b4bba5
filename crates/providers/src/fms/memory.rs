//! What the adapter remembers about the orders it drives, since FMS cannot be asked: which
//! pre-orders it already notified (FMS wants one notification), which lapsed pre-orders it
//! replaced (so a retry follows the new one instead of buying again), and the money each
//! pre-order was made for. Kept in memory: after a restart a repeated success notification is
//! an ASSUMED-harmless replay, and a lapsed pre-order may be replaced once more.
//!
//! Work on one Tern order is serialised by its idempotency key.

use domain::Money;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// Remembered money beyond this many pre-orders is dropped; it is only a shortcut, the price
/// can be read again.
const MONEY_ENTRIES: usize = 10_000;

#[derive(Default)]
struct Remembered {
    notified: HashSet<String>,
    replaced_by: HashMap<String, String>,
    money: HashMap<String, Money>,
}

#[derive(Default)]
pub(super) struct OrderMemory {
    remembered: Mutex<Remembered>,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Holds one idempotency key; others wanting it wait. The key's entry goes when nobody needs it.
pub(super) struct KeyGuard<'a> {
    memory: &'a OrderMemory,
    key: String,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for KeyGuard<'_> {
    fn drop(&mut self) {
        let mut locks = lock(&self.memory.locks);
        self.guard.take();
        if locks
            .get(&self.key)
            .is_some_and(|cell| Arc::strong_count(cell) == 1)
        {
            locks.remove(&self.key);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl OrderMemory {
    fn remembered(&self) -> MutexGuard<'_, Remembered> {
        lock(&self.remembered)
    }

    /// Waits until no other call works on this Tern order.
    pub(super) async fn hold(&self, idempotency_key: &str) -> KeyGuard<'_> {
        let cell = lock(&self.locks)
            .entry(idempotency_key.to_owned())
            .or_default()
            .clone();
        KeyGuard {
            memory: self,
            key: idempotency_key.to_owned(),
            guard: Some(cell.lock_owned().await),
        }
    }

    /// The pre-order that stands for `order_id` now: itself, or the last one that replaced it.
    pub(super) fn current(&self, order_id: &str) -> String {
        let remembered = self.remembered();
        let mut current = order_id;
        // Each replacement is newer than what it replaced, so the chain ends.
        while let Some(next) = remembered.replaced_by.get(current) {
            current = next;
        }
        current.to_owned()
    }

    pub(super) fn replaced(&self, lapsed: &str, fresh: &str) {
        self.remembered()
            .replaced_by
            .insert(lapsed.to_owned(), fresh.to_owned());
    }

    pub(super) fn was_notified(&self, order_id: &str) -> bool {
        self.remembered().notified.contains(order_id)
    }

    pub(super) fn notified(&self, order_id: &str) {
        self.remembered().notified.insert(order_id.to_owned());
    }

    pub(super) fn money(&self, order_id: &str) -> Option<Money> {
        self.remembered().money.get(order_id).copied()
    }

    pub(super) fn pre_ordered(&self, order_id: &str, money: Money) {
        let mut remembered = self.remembered();
        if remembered.money.len() >= MONEY_ENTRIES {
            remembered.money.clear();
        }
        remembered.money.insert(order_id.to_owned(), money);
    }

    /// The order reached a final state: nothing to notify or pay for any more. Replacements
    /// are kept, so a late retry with the lapsed id still finds the order that was delivered.
    pub(super) fn settled(&self, order_id: &str) {
        let mut remembered = self.remembered();
        remembered.notified.remove(order_id);
        remembered.money.remove(order_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Currency;
    use std::time::Duration;

    #[test]
    fn replacements_are_followed_to_the_newest() {
        let memory = OrderMemory::default();
        assert_eq!(memory.current("a"), "a");
        memory.replaced("a", "b");
        memory.replaced("b", "c");
        assert_eq!(memory.current("a"), "c");
        assert_eq!(memory.current("b"), "c");
        memory.settled("c");
        assert_eq!(memory.current("a"), "c", "kept after delivery");
    }

    #[test]
    fn notifications_and_money_are_forgotten_once_settled() {
        let memory = OrderMemory::default();
        memory.notified("a");
        memory.pre_ordered("a", Money::new(990, Currency::USD));
        assert!(memory.was_notified("a"));
        assert_eq!(memory.money("a"), Some(Money::new(990, Currency::USD)));
        memory.settled("a");
        assert!(!memory.was_notified("a"));
        assert_eq!(memory.money("a"), None);
    }

    #[tokio::test]
    async fn one_key_is_held_by_one_caller_at_a_time() {
        let memory = OrderMemory::default();
        let first = memory.hold("key").await;
        let within = |ms| Duration::from_millis(ms);
        assert!(
            tokio::time::timeout(within(50), memory.hold("key"))
                .await
                .is_err(),
            "the same key waits"
        );
        let other = tokio::time::timeout(within(1000), memory.hold("other")).await;
        assert!(other.is_ok(), "other keys are not blocked");
        drop(other);
        drop(first);
        let again = tokio::time::timeout(within(1000), memory.hold("key")).await;
        assert!(again.is_ok(), "free once released");
        drop(again);
        assert!(lock(&memory.locks).is_empty(), "entries go when unused");
    }
}
