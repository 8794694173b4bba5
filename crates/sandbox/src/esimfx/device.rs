//! The traveller's phone, simulated: installing and connecting by itself (`auto_device`) and
//! using data at a steady rate (`traffic_bytes_per_hour`) while it is on the network.
//!
//! Data use goes through `World::consume`, the same path as the control API, in steps that end
//! exactly where something happens (a threshold, a used-up package), so every event carries the
//! sandbox time it really happened at and the next add-on starts at that moment.

use super::lifecycle::{Due, Esim, EsimStatus, Subscription};
use super::state::World;
use crate::calendar::HOUR;

/// How far an eSIM's data use has been counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Traffic {
    /// Sandbox time up to which data use is counted.
    pub(crate) accounted_to: i64,
    /// Data produced but not yet counted, in bytes × 3600 (byte-hours per second), so a slow
    /// rate still adds up over many one-second ticks.
    carry: u128,
}

impl Traffic {
    pub(crate) fn starting(at: i64) -> Self {
        Self {
            accounted_to: at,
            carry: 0,
        }
    }
}

const UNITS_PER_BYTE: u128 = HOUR as u128;

/// The next used-byte count at which something happens to `sub`: an unreported threshold or
/// the limit. `None` for unlimited subscriptions, which never fire anything.
fn next_mark(sub: &Subscription, thresholds: &[u8]) -> Option<u64> {
    if sub.limit_bytes == 0 {
        return None;
    }
    let limit = u128::from(sub.limit_bytes);
    thresholds
        .iter()
        .filter(|t| !sub.fired.contains(t))
        // The smallest byte count at which `used * 100 >= t * limit`.
        .map(|t| (u128::from(*t) * limit).div_ceil(100) as u64)
        .filter(|mark| *mark > sub.used_bytes)
        .chain(std::iter::once(sub.limit_bytes))
        .min()
}

impl World {
    /// The simulated phone's next step for `esim`: install once after purchase; connect once
    /// installed (or straight away) and whenever a package waits while it is off the network.
    pub(crate) fn device_due(&self, esim: &Esim) -> Option<(i64, Due)> {
        let device = self.auto_device?;
        let install = (esim.status == EsimStatus::Provisioned)
            .then(|| (esim.created_at + device.install_after_secs, Due::Install));
        let waiting = matches!(esim.status, EsimStatus::Provisioned | EsimStatus::Installed)
            && (self.active_order(esim).is_some() || self.next_pending(esim).is_some());
        let connect = waiting.then(|| (esim.created_at + device.connect_after_secs, Due::Connect));
        match (install, connect) {
            (Some(install), Some(connect)) if connect.0 < install.0 => Some(connect),
            (install, connect) => install.or(connect),
        }
    }

    /// Counts data use on `iccid` from where it was last counted up to `until`. Returns true
    /// when it stopped earlier because usage reached a threshold or used a package up, so the
    /// caller looks at the eSIM again before going on.
    pub(crate) fn flow(&mut self, iccid: &str, until: i64) -> bool {
        let rate = u128::from(self.traffic_bytes_per_hour);
        let Some(esim) = self.esims.get(iccid) else {
            return false;
        };
        let from = esim.traffic.accounted_to;
        let carry = esim.traffic.carry;
        let running = if rate > 0 && esim.status == EsimStatus::Active {
            self.active_order(esim).map(|order| {
                next_mark(&order.sub, &self.thresholds).map(|m| m - order.sub.used_bytes)
            })
        } else {
            None
        };
        let Some(to_next_mark) = running else {
            // Off the network or nothing running: no data flows.
            self.set_traffic(iccid, until.max(from), 0);
            return false;
        };
        let elapsed = u128::try_from(until - from).unwrap_or(0);
        let produced = rate * elapsed + carry;
        if let Some(need) = to_next_mark {
            let needed = u128::from(need) * UNITS_PER_BYTE;
            if produced >= needed {
                // The first whole second by which the mark is reached; what flowed beyond it
                // carries over.
                let secs = needed.saturating_sub(carry).div_ceil(rate);
                let at = from + secs as i64;
                self.set_traffic(iccid, at, carry + rate * secs - needed);
                self.use_data(iccid, need, at);
                return true;
            }
        }
        self.set_traffic(iccid, until.max(from), produced % UNITS_PER_BYTE);
        let bytes = (produced / UNITS_PER_BYTE) as u64;
        if bytes > 0 {
            self.use_data(iccid, bytes, until);
        }
        false
    }

    fn set_traffic(&mut self, iccid: &str, accounted_to: i64, carry: u128) {
        if let Some(esim) = self.esims.get_mut(iccid) {
            esim.traffic = Traffic {
                accounted_to,
                carry,
            };
        }
    }

    fn use_data(&mut self, iccid: &str, bytes: u64, at: i64) {
        if let Err(error) = self.consume(iccid, bytes, at) {
            tracing::warn!(%iccid, message = %error.message, "eSIMfx sandbox: simulated traffic refused");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(limit_bytes: u64, used_bytes: u64, fired: Vec<u8>) -> Subscription {
        Subscription {
            limit_bytes,
            used_bytes,
            status: super::super::lifecycle::SubStatus::Active,
            activated_at: Some(0),
            ended_at: None,
            activate_by: 0,
            duration_days: 7,
            fired,
        }
    }

    #[test]
    fn marks_are_the_unreported_thresholds_then_the_limit() {
        let thresholds = [50, 80, 90, 100];
        assert_eq!(next_mark(&sub(1000, 0, vec![]), &thresholds), Some(500));
        assert_eq!(next_mark(&sub(1000, 500, vec![50]), &thresholds), Some(800));
        assert_eq!(
            next_mark(&sub(1001, 0, vec![]), &thresholds),
            Some(501),
            "rounds up"
        );
        assert_eq!(
            next_mark(&sub(1000, 950, vec![50, 80, 90]), &thresholds),
            Some(1000)
        );
        assert_eq!(next_mark(&sub(1000, 10, vec![]), &[]), Some(1000));
        assert_eq!(
            next_mark(&sub(0, 10, vec![]), &thresholds),
            None,
            "unlimited"
        );
    }
}
