//! The margins the admin set, as stored, and the lookup that finds the one a plan gets.

use super::{PlanKey, PricingPolicy};
use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use domain::pricing::{retail_price, Margin, MarginScope};
use domain::Money;
use sqlx::Row;
use std::collections::HashMap;

/// Every margin set, read at once: pricing a catalogue looks up thousands of plans.
#[derive(Debug, Clone)]
pub struct Margins {
    default: Margin,
    set: HashMap<MarginScope, Margin>,
}

impl Margins {
    /// Reads every margin set in the admin panel.
    pub async fn load(db: &Db, policy: PricingPolicy) -> anyhow::Result<Margins> {
        let rows = sqlx::query("SELECT scope, scope_value, basis_points FROM margins")
            .fetch_all(db.pool())
            .await
            .context("Failed to load margins")?;
        let mut set = HashMap::new();
        for row in rows {
            let (kind, value): (String, String) =
                (row.try_get("scope")?, row.try_get("scope_value")?);
            let Some(scope) = MarginScope::from_parts(&kind, &value) else {
                tracing::warn!(kind, value, "ignoring a margin with an unknown scope");
                continue;
            };
            let basis_points: i64 = row.try_get("basis_points")?;
            let basis_points =
                u32::try_from(basis_points).context("A stored margin is negative")?;
            set.insert(scope, Margin { basis_points });
        }
        Ok(Margins {
            default: policy.default_margin,
            set,
        })
    }

    /// The margin the plan gets and the scope it comes from (`None`: the configured default).
    pub fn for_plan(&self, plan: PlanKey<'_>) -> (Margin, Option<MarginScope>) {
        let mut candidates = vec![MarginScope::Plan(plan.id.to_owned())];
        if let Some(country) = plan.home_country {
            candidates.push(MarginScope::Country(country.to_owned()));
        }
        candidates.push(MarginScope::Provider(plan.provider.to_owned()));
        candidates.push(MarginScope::Global);
        candidates
            .into_iter()
            .find_map(|scope| self.set.get(&scope).map(|margin| (*margin, Some(scope))))
            .unwrap_or((self.default, None))
    }

    /// The traveller's price for the plan.
    pub fn retail(&self, plan: PlanKey<'_>, wholesale: Money) -> Money {
        retail_price(wholesale, self.for_plan(plan).0)
    }

    /// The margin set exactly at `scope`, if any.
    pub fn get(&self, scope: &MarginScope) -> Option<Margin> {
        self.set.get(scope).copied()
    }

    /// Every margin set, most general first.
    pub fn all(&self) -> Vec<(MarginScope, Margin)> {
        let mut all: Vec<_> = self.set.iter().map(|(s, m)| (s.clone(), *m)).collect();
        all.sort_by(|(a, _), (b, _)| (a.rank(), a.parts().1).cmp(&(b.rank(), b.parts().1)));
        all
    }

    /// The configured default (`TERN_MARGIN_PERCENT`).
    pub fn default_margin(&self) -> Margin {
        self.default
    }

    /// These margins with `scope` set to `margin` (`None`: removed), for previews.
    pub fn with(&self, scope: &MarginScope, margin: Option<Margin>) -> Margins {
        let mut changed = self.clone();
        match margin {
            Some(margin) => changed.set.insert(scope.clone(), margin),
            None => changed.set.remove(scope),
        };
        changed
    }
}

/// Sets the margin at `scope` (replacing any there) and reprices the catalogue; answers how many
/// plans changed price.
pub async fn set_margin(
    db: &Db,
    policy: PricingPolicy,
    scope: &MarginScope,
    margin: Margin,
    admin_id: &str,
) -> anyhow::Result<usize> {
    let (kind, value) = scope.parts();
    let now = now_millis();
    sqlx::query(
        "INSERT INTO margins (scope, scope_value, basis_points, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, scope_value) DO UPDATE SET basis_points = excluded.basis_points,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(kind)
    .bind(value)
    .bind(i64::from(margin.basis_points))
    .bind(now)
    .bind(admin_id)
    .execute(db.pool())
    .await
    .context("Failed to save a margin")?;
    super::reprice(db, policy).await
}

/// Removes the margin at `scope`, so the next more general one applies; answers how many plans
/// changed price, or `None` when no margin was set there.
pub async fn remove_margin(
    db: &Db,
    policy: PricingPolicy,
    scope: &MarginScope,
) -> anyhow::Result<Option<usize>> {
    let (kind, value) = scope.parts();
    let removed = sqlx::query("DELETE FROM margins WHERE scope = $1 AND scope_value = $2")
        .bind(kind)
        .bind(value)
        .execute(db.pool())
        .await
        .context("Failed to remove a margin")?;
    if removed.rows_affected() == 0 {
        return Ok(None);
    }
    super::reprice(db, policy).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn margins(set: &[(MarginScope, u32)]) -> Margins {
        Margins {
            default: Margin::percent(30),
            set: set
                .iter()
                .map(|(scope, percent)| (scope.clone(), Margin::percent(*percent)))
                .collect(),
        }
    }

    const JP_PLAN: PlanKey<'static> = PlanKey {
        id: "pln_jp",
        provider: "esimgo",
        home_country: Some("JP"),
    };
    const EUROPE_PLAN: PlanKey<'static> = PlanKey {
        id: "pln_eu",
        provider: "esimgo",
        home_country: None,
    };

    #[test]
    fn the_most_specific_margin_wins() {
        let all = margins(&[
            (MarginScope::Global, 20),
            (MarginScope::Provider("esimgo".into()), 25),
            (MarginScope::Country("JP".into()), 40),
            (MarginScope::Plan("pln_jp".into()), 50),
        ]);
        assert_eq!(all.for_plan(JP_PLAN).0, Margin::percent(50));
        let no_plan = all.with(&MarginScope::Plan("pln_jp".into()), None);
        assert_eq!(
            no_plan.for_plan(JP_PLAN),
            (Margin::percent(40), Some(MarginScope::Country("JP".into())))
        );
        // A country's margin never reaches a multi-country plan.
        assert_eq!(
            all.for_plan(EUROPE_PLAN),
            (
                Margin::percent(25),
                Some(MarginScope::Provider("esimgo".into()))
            )
        );
        let global_only = margins(&[(MarginScope::Global, 20)]);
        assert_eq!(
            global_only.for_plan(JP_PLAN),
            (Margin::percent(20), Some(MarginScope::Global))
        );
    }

    #[test]
    fn without_any_margin_the_default_applies() {
        let none = margins(&[(MarginScope::Provider("truphone".into()), 10)]);
        assert_eq!(none.for_plan(JP_PLAN), (Margin::percent(30), None));
        let usd = |minor| Money::new(minor, domain::Currency::USD);
        assert_eq!(none.retail(JP_PLAN, usd(1000)), usd(1399));
    }
}
