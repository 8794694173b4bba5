//! SIM profiles and their subscriptions after the sale: first use, data drawn from the running
//! subscription (then the queued ones), depletion, expiry and simulated traffic.

use super::assumed;
use crate::calendar::DAY;

/// The eSIM profile's state on the SM-DP+ (`profileStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Released,
    Downloaded,
    Installed,
    Unavailable,
}

impl Profile {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Profile::Released => "Released",
            Profile::Downloaded => "Downloaded",
            Profile::Installed => "Installed",
            Profile::Unavailable => "Unavailable",
        }
    }

    pub(crate) fn parse(word: &str) -> Option<Self> {
        [
            Profile::Released,
            Profile::Downloaded,
            Profile::Installed,
            Profile::Unavailable,
        ]
        .into_iter()
        .find(|p| p.as_str().eq_ignore_ascii_case(word.trim()))
    }
}

/// One eSIM issued by a NEW_ESIM order.
#[derive(Debug, Clone)]
pub(crate) struct Sim {
    pub(crate) iccid: String,
    pub(crate) matching_id: String,
    /// The customer it was ordered for.
    pub(crate) email: String,
    pub(crate) profile: Profile,
    pub(crate) last_modified: i64,
    /// When the device first used data; traffic is simulated from then on.
    pub(crate) connected_at: Option<i64>,
    /// Simulated traffic already drawn, in bytes.
    pub(crate) traffic_drawn: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubStatus {
    Pending,
    Active,
    Depleted,
    Expired,
}

impl SubStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SubStatus::Pending => "PENDING",
            SubStatus::Active => "ACTIVE",
            SubStatus::Depleted => "DEPLETED",
            SubStatus::Expired => "EXPIRED",
        }
    }

    /// PENDING and ACTIVE count against the 15-subscription limit.
    pub(crate) fn is_live(self) -> bool {
        matches!(self, SubStatus::Pending | SubStatus::Active)
    }
}

/// One data plan on a SIM.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    pub(crate) id: String,
    /// The `externalId` of the order that bought it.
    pub(crate) order_id: String,
    pub(crate) iccid: String,
    pub(crate) email: String,
    pub(crate) device_id: String,
    pub(crate) product_id: String,
    pub(crate) product_name: String,
    pub(crate) plan_id: String,
    pub(crate) period_days: u32,
    pub(crate) initial_bytes: u64,
    pub(crate) spent_bytes: u64,
    pub(crate) status: SubStatus,
    pub(crate) created_at: i64,
    /// The earliest start the order asked for (`activationDate`), if any.
    pub(crate) not_before: Option<i64>,
    pub(crate) activated_at: Option<i64>,
    pub(crate) expires_at: Option<i64>,
}

impl Subscription {
    fn start(&mut self, now: i64) {
        self.status = SubStatus::Active;
        self.activated_at = Some(now);
        self.expires_at = Some(now + i64::from(self.period_days) * DAY);
    }

    fn can_start(&self, now: i64) -> bool {
        self.status == SubStatus::Pending && self.not_before.is_none_or(|at| at <= now)
    }
}

/// Why data could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UseError {
    UnknownSim,
    ProfileDeleted,
}

/// The SIMs and subscriptions of the sandbox client.
#[derive(Debug, Default)]
pub(crate) struct Fleet {
    pub(crate) sims: std::collections::BTreeMap<String, Sim>,
    /// In creation order.
    pub(crate) subscriptions: Vec<Subscription>,
}

impl Fleet {
    pub(crate) fn subscriptions_of<'a>(
        &'a self,
        iccid: &'a str,
    ) -> impl Iterator<Item = &'a Subscription> + 'a {
        self.subscriptions.iter().filter(move |s| s.iccid == iccid)
    }

    pub(crate) fn live_subscriptions(&self, iccid: &str) -> usize {
        self.subscriptions_of(iccid)
            .filter(|s| s.status.is_live())
            .count()
    }

    /// The device uses `bytes` of data: the first use installs the profile and starts the
    /// first PENDING subscription; data is drawn from the running subscription, then from the
    /// next queued one. Data beyond every plan is dropped (the device is offline).
    pub(crate) fn consume(&mut self, iccid: &str, bytes: u64, now: i64) -> Result<(), UseError> {
        let sim = self.sims.get_mut(iccid).ok_or(UseError::UnknownSim)?;
        if sim.profile == Profile::Unavailable {
            return Err(UseError::ProfileDeleted);
        }
        if assumed::FIRST_USE_INSTALLS_PROFILE && sim.profile != Profile::Installed {
            sim.profile = Profile::Installed;
            sim.last_modified = now;
        }
        sim.connected_at.get_or_insert(now);
        self.expire(now);
        let mut left = bytes;
        loop {
            let running = self
                .subscriptions
                .iter()
                .position(|s| s.iccid == iccid && s.status == SubStatus::Active);
            let index = match running {
                Some(index) => index,
                None => match self
                    .subscriptions
                    .iter()
                    .position(|s| s.iccid == iccid && s.can_start(now))
                {
                    Some(index) => {
                        self.subscriptions[index].start(now);
                        index
                    }
                    None => return Ok(()),
                },
            };
            if left == 0 {
                return Ok(());
            }
            let sub = &mut self.subscriptions[index];
            let take = left.min(sub.initial_bytes.saturating_sub(sub.spent_bytes));
            sub.spent_bytes += take;
            left -= take;
            if sub.spent_bytes >= sub.initial_bytes {
                sub.status = SubStatus::Depleted;
            }
        }
    }

    /// Running subscriptions past their end become EXPIRED.
    pub(crate) fn expire(&mut self, now: i64) {
        for sub in &mut self.subscriptions {
            if sub.status == SubStatus::Active && sub.expires_at.is_some_and(|end| end <= now) {
                sub.status = SubStatus::Expired;
            }
        }
    }

    /// Every connected SIM with an installed profile uses `bytes_per_hour` of sandbox time.
    pub(crate) fn traffic(&mut self, bytes_per_hour: u64, now: i64) {
        if bytes_per_hour == 0 {
            return;
        }
        let due: Vec<(String, u64)> = self
            .sims
            .values_mut()
            .filter(|sim| sim.profile == Profile::Installed)
            .filter_map(|sim| {
                let since = now - sim.connected_at?;
                let total = u64::try_from(since).ok()?.saturating_mul(bytes_per_hour) / 3600;
                let bytes = total.saturating_sub(sim.traffic_drawn);
                sim.traffic_drawn = total;
                (bytes > 0).then(|| (sim.iccid.clone(), bytes))
            })
            .collect();
        for (iccid, bytes) in due {
            // Only SIMs found above are drawn from, so the lookup cannot fail.
            let _ = self.consume(&iccid, bytes, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet(plans: &[u64]) -> Fleet {
        let mut fleet = Fleet::default();
        fleet.sims.insert(
            "8944".into(),
            Sim {
                iccid: "8944".into(),
                matching_id: "M".into(),
                email: "a@b.example".into(),
                profile: Profile::Released,
                last_modified: 0,
                connected_at: None,
                traffic_drawn: 0,
            },
        );
        for (n, bytes) in plans.iter().enumerate() {
            fleet.subscriptions.push(Subscription {
                id: format!("s{n}"),
                order_id: format!("o{n}"),
                iccid: "8944".into(),
                email: "a@b.example".into(),
                device_id: "d".into(),
                product_id: "p".into(),
                product_name: "P".into(),
                plan_id: "plan".into(),
                period_days: 7,
                initial_bytes: *bytes,
                spent_bytes: 0,
                status: SubStatus::Pending,
                created_at: 0,
                not_before: None,
                activated_at: None,
                expires_at: None,
            });
        }
        fleet
    }

    fn statuses(fleet: &Fleet) -> Vec<(&'static str, u64)> {
        fleet
            .subscriptions
            .iter()
            .map(|s| (s.status.as_str(), s.spent_bytes))
            .collect()
    }

    #[test]
    fn first_use_installs_and_starts_only_the_first_plan() {
        let mut f = fleet(&[100, 50]);
        f.consume("8944", 0, 10).unwrap();
        assert_eq!(f.sims["8944"].profile, Profile::Installed);
        assert_eq!(statuses(&f), [("ACTIVE", 0), ("PENDING", 0)]);
        assert_eq!(f.subscriptions[0].expires_at, Some(10 + 7 * DAY));
    }

    #[test]
    fn data_overflows_into_the_queued_top_up_and_then_stops() {
        let mut f = fleet(&[100, 50]);
        f.consume("8944", 120, 10).unwrap();
        assert_eq!(statuses(&f), [("DEPLETED", 100), ("ACTIVE", 20)]);
        f.consume("8944", 1_000, 11).unwrap();
        assert_eq!(statuses(&f), [("DEPLETED", 100), ("DEPLETED", 50)]);
    }

    #[test]
    fn running_plans_expire_and_the_next_starts_on_use() {
        let mut f = fleet(&[100, 50]);
        f.consume("8944", 10, 0).unwrap();
        f.expire(7 * DAY);
        assert_eq!(statuses(&f), [("EXPIRED", 10), ("PENDING", 0)]);
        f.consume("8944", 5, 7 * DAY + 1).unwrap();
        assert_eq!(statuses(&f), [("EXPIRED", 10), ("ACTIVE", 5)]);
    }

    #[test]
    fn traffic_runs_only_on_connected_sims() {
        let mut f = fleet(&[10_000]);
        f.traffic(3600, 100);
        assert_eq!(f.subscriptions[0].spent_bytes, 0);
        f.consume("8944", 0, 100).unwrap();
        f.traffic(3600, 160);
        assert_eq!(f.subscriptions[0].spent_bytes, 60);
        f.traffic(3600, 160);
        assert_eq!(f.subscriptions[0].spent_bytes, 60, "drawn once");
    }

    #[test]
    fn deleted_or_unknown_sims_cannot_use_data() {
        let mut f = fleet(&[100]);
        assert_eq!(f.consume("0000", 1, 0), Err(UseError::UnknownSim));
        if let Some(sim) = f.sims.get_mut("8944") {
            sim.profile = Profile::Unavailable;
        }
        assert_eq!(f.consume("8944", 1, 0), Err(UseError::ProfileDeleted));
    }
}
