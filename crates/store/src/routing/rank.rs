//! Ordering the providers that sell one offer: the first serves, the rest are the failover order.

use super::rules::{Rule, Strategy};
use std::collections::HashSet;

/// One provider's plan for an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub plan_id: String,
    pub provider: String,
    pub product_id: String,
    pub wholesale_minor: i64,
}

/// The candidates in serving order and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranking {
    pub ranked: Vec<Candidate>,
    pub reason: String,
}

/// Orders `candidates` by `rule` (none: cheapest healthy). Unhealthy providers go last unless a
/// fixed rule names them: an operator who pinned a provider decides when to unpin it.
pub fn rank(
    mut candidates: Vec<Candidate>,
    rule: Option<&Rule>,
    unhealthy: &HashSet<String>,
) -> Ranking {
    // Healthy first, then cheaper, then by name so equal prices always route the same way.
    candidates.sort_by(|a, b| {
        (
            unhealthy.contains(&a.provider),
            a.wholesale_minor,
            &a.provider,
        )
            .cmp(&(
                unhealthy.contains(&b.provider),
                b.wholesale_minor,
                &b.provider,
            ))
    });
    let strategy = rule.map(|r| &r.strategy).unwrap_or(&Strategy::Cheapest);
    match strategy {
        Strategy::Cheapest => {}
        Strategy::Fixed(provider) => {
            candidates.sort_by_key(|c| &c.provider != provider);
        }
        Strategy::Priority(list) => {
            let position = |c: &Candidate| {
                let listed = list
                    .iter()
                    .position(|p| p == &c.provider)
                    .unwrap_or(list.len());
                (unhealthy.contains(&c.provider), listed)
            };
            candidates.sort_by_key(position);
        }
    }
    let scope = match rule.map(|r| &r.scope) {
        None => "no rule".to_owned(),
        Some(super::Scope::Default) => "the default rule".to_owned(),
        Some(super::Scope::Country(code)) => format!("the rule for {code}"),
        Some(super::Scope::Offer(key)) => format!("the rule for offer {key}"),
    };
    let skipped: Vec<&str> = candidates
        .iter()
        .filter(|c| unhealthy.contains(&c.provider))
        .map(|c| c.provider.as_str())
        .collect();
    let mut reason = format!("{strategy} ({scope})");
    if !skipped.is_empty() {
        reason.push_str(&format!("; unhealthy: {}", skipped.join(", ")));
    }
    Ranking {
        ranked: candidates,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Scope;

    fn offer() -> Vec<Candidate> {
        [
            ("esimfx", 400),
            ("esimgo", 350),
            ("truphone", 500),
            ("fms", 350),
        ]
        .into_iter()
        .map(|(provider, wholesale_minor)| Candidate {
            plan_id: format!("plan-{provider}"),
            provider: provider.into(),
            product_id: format!("{provider}-1gb"),
            wholesale_minor,
        })
        .collect()
    }

    fn order(ranking: &Ranking) -> Vec<&str> {
        ranking.ranked.iter().map(|c| c.provider.as_str()).collect()
    }

    fn rule(strategy: Strategy) -> Rule {
        Rule {
            scope: Scope::Country("JP".into()),
            strategy,
        }
    }

    #[test]
    fn without_rules_the_cheapest_healthy_provider_serves() {
        let none = HashSet::new();
        assert_eq!(
            order(&rank(offer(), None, &none)),
            ["esimgo", "fms", "esimfx", "truphone"]
        );
        let esimgo_down = HashSet::from(["esimgo".to_owned()]);
        let ranking = rank(offer(), None, &esimgo_down);
        assert_eq!(order(&ranking), ["fms", "esimfx", "truphone", "esimgo"]);
        assert!(
            ranking.reason.contains("unhealthy: esimgo"),
            "{}",
            ranking.reason
        );
    }

    #[test]
    fn a_fixed_provider_serves_even_when_dearer_and_the_rest_are_failover() {
        let ranking = rank(
            offer(),
            Some(&rule(Strategy::Fixed("truphone".into()))),
            &HashSet::new(),
        );
        assert_eq!(order(&ranking), ["truphone", "esimgo", "fms", "esimfx"]);
        assert!(
            ranking.reason.contains("fixed to truphone"),
            "{}",
            ranking.reason
        );
    }

    #[test]
    fn a_priority_list_skips_unhealthy_providers() {
        let list = Strategy::Priority(vec!["truphone".into(), "esimfx".into()]);
        let healthy = rank(offer(), Some(&rule(list.clone())), &HashSet::new());
        assert_eq!(order(&healthy), ["truphone", "esimfx", "esimgo", "fms"]);
        let truphone_down = HashSet::from(["truphone".to_owned()]);
        let ranking = rank(offer(), Some(&rule(list)), &truphone_down);
        assert_eq!(order(&ranking), ["esimfx", "esimgo", "fms", "truphone"]);
    }
}
