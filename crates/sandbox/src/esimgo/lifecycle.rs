//! eSIMs and their bundle assignments (esimgo.md §2.8, §3): an assignment is `processing`,
//! then `queued`; the first data use starts it (`active`); it ends `depleted` (no data left),
//! `expired` (duration over), `revoked`, or `lapsed` (never used). Bundles on one eSIM queue up:
//! the next starts the moment the current one ends. Time-driven changes are applied per eSIM in
//! time order, interleaved with the simulated phone's data use.

use super::assumed;
use super::catalogue::Bundle;
use super::state::World;
use super::time::{DAY, HOUR};

/// `bundleState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BundleState {
    Processing,
    Queued,
    Active,
    Depleted,
    Expired,
    Revoked,
    Lapsed,
}

impl BundleState {
    /// The word as the notes write it ("Processing").
    pub(crate) fn name(self) -> &'static str {
        match self {
            BundleState::Processing => "Processing",
            BundleState::Queued => "Queued",
            BundleState::Active => "Active",
            BundleState::Depleted => "Depleted",
            BundleState::Expired => "Expired",
            BundleState::Revoked => "Revoked",
            BundleState::Lapsed => "Lapsed",
        }
    }

    /// The word as `bundleState` carries it.
    pub(crate) fn wire_word(self) -> String {
        if assumed::LOWER_CASE_BUNDLE_STATES {
            self.name().to_ascii_lowercase()
        } else {
            self.name().to_owned()
        }
    }

    /// Waiting to start: can still be started, revoked and refunded.
    pub(crate) fn is_waiting(self) -> bool {
        matches!(self, BundleState::Processing | BundleState::Queued)
    }

    /// Listed without `includeUsed`.
    pub(crate) fn is_current(self) -> bool {
        self.is_waiting() || self == BundleState::Active
    }
}

/// One bundle applied to an eSIM by one order.
#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub(crate) id: u64,
    /// The order reference that bought it (`assignmentReference`).
    pub(crate) reference: String,
    pub(crate) bundle: Bundle,
    pub(crate) used_bytes: u64,
    pub(crate) state: BundleState,
    pub(crate) assigned_at: i64,
    pub(crate) processing_until: i64,
    pub(crate) started_at: Option<i64>,
    pub(crate) ended_at: Option<i64>,
    pub(crate) price_cents: i64,
}

impl Assignment {
    /// Bytes it carries; `None` for unlimited bundles.
    pub(crate) fn limit_bytes(&self) -> Option<u64> {
        (!self.bundle.unlimited).then(|| self.bundle.bytes())
    }

    pub(crate) fn remaining_bytes(&self) -> Option<u64> {
        self.limit_bytes()
            .map(|limit| limit.saturating_sub(self.used_bytes))
    }

    /// When an active bundle runs out of time.
    pub(crate) fn natural_end(&self) -> Option<i64> {
        self.started_at
            .map(|start| start + i64::from(self.bundle.duration_days) * DAY)
    }

    /// When it ends or ended, once known.
    pub(crate) fn end_time(&self) -> Option<i64> {
        self.ended_at.or_else(|| self.natural_end())
    }

    /// Refundable when revoked: unstarted, unused, and bought within the refund window.
    pub(crate) fn refundable(&self, now: i64) -> bool {
        self.state.is_waiting()
            && self.used_bytes == 0
            && now - self.assigned_at <= assumed::REFUND_WINDOW
    }
}

/// One eSIM profile and every bundle ever applied to it, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct Esim {
    pub(crate) iccid: String,
    pub(crate) matching_id: String,
    pub(crate) pin: String,
    pub(crate) puk: String,
    pub(crate) profile_status: &'static str,
    pub(crate) first_installed_at: Option<i64>,
    pub(crate) customer_ref: Option<String>,
    /// The family of its first bundle; see [`assumed::family`].
    pub(crate) family: String,
    pub(crate) assignments: Vec<Assignment>,
    /// Sandbox time up to which the simulated phone's data use is counted.
    pub(crate) traffic_to: i64,
    /// Data produced but not yet counted, in byte-milliseconds per hour.
    pub(crate) traffic_carry: u128,
}

impl Esim {
    pub(crate) fn is_installed(&self) -> bool {
        self.first_installed_at.is_some()
    }

    fn active(&self) -> Option<usize> {
        self.assignments
            .iter()
            .position(|a| a.state == BundleState::Active)
    }

    fn first_waiting(&self) -> Option<usize> {
        self.assignments.iter().position(|a| a.state.is_waiting())
    }

    /// The next time-driven change after the present state: processing ends, the active bundle
    /// runs out of time, a depleted one's duration ends, or an unused one lapses.
    fn next_due(&self) -> Option<(i64, usize)> {
        self.assignments
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let at = match a.state {
                    BundleState::Processing => {
                        a.processing_until.min(a.assigned_at + assumed::LAPSE_AFTER)
                    }
                    BundleState::Queued => a.assigned_at + assumed::LAPSE_AFTER,
                    BundleState::Active | BundleState::Depleted => a.natural_end()?,
                    _ => return None,
                };
                Some((at, i))
            })
            .min()
    }

    /// Applies the change [`Esim::next_due`] named, at `at`.
    fn apply_due(&mut self, index: usize, at: i64) {
        let assignment = &mut self.assignments[index];
        match assignment.state {
            BundleState::Processing if at >= assignment.assigned_at + assumed::LAPSE_AFTER => {
                assignment.state = BundleState::Lapsed;
                assignment.ended_at = Some(at);
            }
            BundleState::Processing => assignment.state = BundleState::Queued,
            BundleState::Queued => {
                assignment.state = BundleState::Lapsed;
                assignment.ended_at = Some(at);
            }
            BundleState::Active => {
                assignment.state = BundleState::Expired;
                self.start_next(at);
            }
            BundleState::Depleted => assignment.state = BundleState::Expired,
            _ => {}
        }
    }

    /// Starts the oldest waiting bundle, when none is active.
    fn start_next(&mut self, at: i64) -> Option<usize> {
        if self.active().is_some() {
            return self.active();
        }
        let next = self.first_waiting()?;
        let assignment = &mut self.assignments[next];
        if assignment.state == BundleState::Processing
            && !assumed::FIRST_USE_STARTS_PROCESSING_BUNDLES
        {
            return None;
        }
        assignment.state = BundleState::Active;
        assignment.started_at = Some(at);
        Some(next)
    }

    /// Counts `bytes` of data use at `at`: the first use installs the profile and starts the
    /// oldest waiting bundle; a bundle used up is `depleted` and the next one takes the rest.
    /// Data with no bundle to carry it is dropped, as the network would refuse it.
    pub(crate) fn consume(&mut self, mut bytes: u64, at: i64) {
        if self.first_installed_at.is_none() {
            self.first_installed_at = Some(at);
            self.profile_status = assumed::PROFILE_INSTALLED;
        }
        while bytes > 0 {
            let Some(index) = self.start_next(at) else {
                return;
            };
            let assignment = &mut self.assignments[index];
            match assignment.remaining_bytes() {
                None => {
                    assignment.used_bytes = assignment.used_bytes.saturating_add(bytes);
                    return;
                }
                Some(left) if bytes < left => {
                    assignment.used_bytes += bytes;
                    return;
                }
                Some(left) => {
                    assignment.used_bytes += left;
                    assignment.state = BundleState::Depleted;
                    assignment.ended_at = Some(at);
                    bytes -= left;
                }
            }
        }
        // A zero-byte use still starts a bundle: it is the phone attaching.
        self.start_next(at);
    }

    /// Revokes the assignment at `index`; whether its price came back to the balance.
    pub(crate) fn revoke(&mut self, index: usize, refund: bool, now: i64) -> Option<i64> {
        let assignment = &mut self.assignments[index];
        let refunded = (refund && assignment.refundable(now)).then_some(assignment.price_cents);
        assignment.state = BundleState::Revoked;
        assignment.ended_at = Some(now);
        refunded
    }
}

/// More steps than one eSIM needs per tick; a guard against a change that changes nothing.
const MAX_STEPS: usize = 10_000;

impl World {
    /// Applies every change due up to `now` on every eSIM, with the simulated phone's data use
    /// counted between them.
    pub(crate) fn tick(&mut self, now: i64) {
        let rate = u128::from(self.traffic_bytes_per_hour);
        for esim in self.esims.values_mut() {
            for _ in 0..MAX_STEPS {
                let due = esim.next_due().filter(|(at, _)| *at <= now);
                let until = due.map_or(now, |(at, _)| at).max(esim.traffic_to);
                if rate > 0 && esim.is_installed() && until > esim.traffic_to {
                    let produced = rate * (until - esim.traffic_to) as u128 + esim.traffic_carry;
                    let per_byte = HOUR as u128;
                    esim.traffic_carry = produced % per_byte;
                    esim.consume((produced / per_byte) as u64, until);
                }
                esim.traffic_to = esim.traffic_to.max(until);
                // Data use may have changed what is due (a first use starts a bundle).
                match esim.next_due().filter(|(at, _)| *at <= until) {
                    Some((at, index)) => esim.apply_due(index, at),
                    None if until >= now => break,
                    None => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::catalogue::Catalogue;
    use super::super::world;
    use super::*;

    fn bundle(name: &str) -> Bundle {
        Catalogue::generate(&world::load().0)
            .get(name)
            .cloned()
            .unwrap()
    }

    fn assignment(id: u64, name: &str, at: i64) -> Assignment {
        Assignment {
            id,
            reference: format!("order-{id}"),
            bundle: bundle(name),
            used_bytes: 0,
            state: BundleState::Processing,
            assigned_at: at,
            processing_until: at + 5000,
            started_at: None,
            ended_at: None,
            price_cents: 100,
        }
    }

    fn esim(assignments: Vec<Assignment>) -> Esim {
        Esim {
            iccid: "8944500000000000001".into(),
            matching_id: "JQ-1".into(),
            pin: "1234".into(),
            puk: "12345678".into(),
            profile_status: assumed::PROFILE_RELEASED,
            first_installed_at: None,
            customer_ref: None,
            family: "V2/Europe".into(),
            assignments,
            traffic_to: 0,
            traffic_carry: 0,
        }
    }

    fn states(esim: &Esim) -> Vec<BundleState> {
        esim.assignments.iter().map(|a| a.state).collect()
    }

    fn run_to(esim: &mut Esim, now: i64) {
        while let Some((at, i)) = esim.next_due().filter(|(at, _)| *at <= now) {
            esim.apply_due(i, at);
        }
    }

    #[test]
    fn processing_then_queued_then_active_on_first_use_then_depleted_into_the_next() {
        let mut e = esim(vec![
            assignment(1, "esim_1GB_7D_GB_V2", 0),
            assignment(2, "esim_3GB_30D_GB_V2", 0),
        ]);
        run_to(&mut e, 4999);
        assert_eq!(states(&e)[0], BundleState::Processing);
        run_to(&mut e, 5000);
        assert_eq!(states(&e), [BundleState::Queued, BundleState::Queued]);
        e.consume(400_000_000, 10_000);
        assert_eq!(e.profile_status, "Installed");
        assert_eq!(states(&e), [BundleState::Active, BundleState::Queued]);
        e.consume(700_000_000, 20_000);
        assert_eq!(states(&e), [BundleState::Depleted, BundleState::Active]);
        assert_eq!(e.assignments[0].used_bytes, 1_000_000_000);
        assert_eq!(e.assignments[1].used_bytes, 100_000_000);
        assert_eq!(e.assignments[1].started_at, Some(20_000));
        // The depleted bundle's duration still ends.
        run_to(&mut e, 10_000 + 7 * DAY);
        assert_eq!(states(&e)[0], BundleState::Expired);
    }

    #[test]
    fn the_next_bundle_starts_when_the_current_one_expires() {
        let mut e = esim(vec![
            assignment(1, "esim_1GB_7D_GB_V2", 0),
            assignment(2, "esim_UL_7D_GB_V2", 0),
        ]);
        e.consume(0, 1000);
        run_to(&mut e, 1000 + 7 * DAY);
        assert_eq!(states(&e), [BundleState::Expired, BundleState::Active]);
        assert_eq!(e.assignments[1].started_at, Some(1000 + 7 * DAY));
        e.consume(50_000_000_000, 1001 + 7 * DAY);
        assert_eq!(e.assignments[1].state, BundleState::Active, "unlimited");
        run_to(&mut e, 1000 + 14 * DAY);
        assert_eq!(e.assignments[1].state, BundleState::Expired);
    }

    #[test]
    fn unused_bundles_lapse_and_only_waiting_ones_refund() {
        let mut e = esim(vec![assignment(1, "esim_1GB_7D_GB_V2", 0)]);
        assert!(e.assignments[0].refundable(assumed::REFUND_WINDOW));
        assert!(!e.assignments[0].refundable(assumed::REFUND_WINDOW + 1));
        run_to(&mut e, assumed::LAPSE_AFTER);
        assert_eq!(states(&e), [BundleState::Lapsed]);

        let mut used = esim(vec![assignment(1, "esim_1GB_7D_GB_V2", 0)]);
        used.consume(1, 10);
        assert!(!used.assignments[0].refundable(20));
        assert_eq!(used.revoke(0, true, 20), None);
        assert_eq!(states(&used), [BundleState::Revoked]);
    }
}
