//! Orders and their asynchronous life: ACCEPTED on the first poll, FULFILLING on the next ones,
//! then COMPLETED (or FAILED) on poll `fulfil_after_polls + 1` or once `fulfil_after_secs` of
//! sandbox time have passed, whichever comes first.

/// What an order does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Operation {
    NewEsim,
    TopUp { iccid: String },
}

/// One plan the order buys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) product_id: String,
    /// `activationDate`, when the order asked for a later start.
    pub(crate) not_before: Option<i64>,
}

/// How an order ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Completed {
        iccid: String,
        /// Only a NEW_ESIM order hands out a profile.
        matching_id: Option<String>,
        subscription_id: String,
    },
    Failed,
}

/// A placed order.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) id: String,
    pub(crate) operation: Operation,
    pub(crate) email: String,
    pub(crate) device_id: String,
    pub(crate) lines: Vec<Line>,
    pub(crate) created_at: i64,
    pub(crate) polls: u32,
    /// Set when the order was placed while `fail_orders` was armed.
    pub(crate) doomed: bool,
    pub(crate) outcome: Option<Outcome>,
}

/// Where an order stands, as `status` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Accepted,
    Fulfilling,
    Completed,
    Failed,
}

impl Stage {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Accepted => "ACCEPTED",
            Stage::Fulfilling => "FULFILLING",
            Stage::Completed => "COMPLETED",
            Stage::Failed => "FAILED",
        }
    }
}

/// When an order finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pace {
    pub(crate) after_polls: u32,
    pub(crate) after_secs: i64,
}

impl Order {
    pub(crate) fn stage(&self) -> Stage {
        match &self.outcome {
            Some(Outcome::Completed { .. }) => Stage::Completed,
            Some(Outcome::Failed) => Stage::Failed,
            None if self.polls <= 1 => Stage::Accepted,
            None => Stage::Fulfilling,
        }
    }

    /// Whether the order is due to finish: it has been polled more than `after_polls` times,
    /// or `after_secs` have passed since it was placed.
    pub(crate) fn due(&self, pace: Pace, now: i64) -> bool {
        self.outcome.is_none()
            && (self.polls > pace.after_polls || now - self.created_at >= pace.after_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        Order {
            id: "o".into(),
            operation: Operation::NewEsim,
            email: "a@b.example".into(),
            device_id: "d".into(),
            lines: vec![],
            created_at: 100,
            polls: 0,
            doomed: false,
            outcome: None,
        }
    }

    #[test]
    fn polls_move_an_order_from_accepted_through_fulfilling_to_due() {
        let pace = Pace {
            after_polls: 2,
            after_secs: 3,
        };
        let mut o = order();
        assert_eq!(o.stage(), Stage::Accepted);
        o.polls = 1;
        assert_eq!((o.stage(), o.due(pace, 100)), (Stage::Accepted, false));
        o.polls = 2;
        assert_eq!((o.stage(), o.due(pace, 100)), (Stage::Fulfilling, false));
        o.polls = 3;
        assert!(o.due(pace, 100));
    }

    #[test]
    fn time_alone_finishes_an_order() {
        let pace = Pace {
            after_polls: 2,
            after_secs: 3,
        };
        let mut o = order();
        assert!(!o.due(pace, 102));
        assert!(o.due(pace, 103));
        o.outcome = Some(Outcome::Failed);
        assert!(!o.due(pace, 103), "finished orders stay finished");
        assert_eq!(o.stage(), Stage::Failed);
    }
}
