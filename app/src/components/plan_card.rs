//! A plan in a list: data, validity, price, price per GB, speed and networks.

use domain::PlanSummary;
use leptos::prelude::*;

#[component]
pub fn PlanCard(plan: PlanSummary, #[prop(optional)] show_coverage: bool) -> impl IntoView {
    let per_gb = plan
        .price_per_gb()
        .map(|m| format!("{m} / GB"))
        .unwrap_or_else(|| "—".into());
    let speed = plan.best_speed().unwrap_or("4G").to_owned();
    let mut network_names: Vec<String> = plan.networks.iter().map(|n| n.name.clone()).collect();
    network_names.dedup();
    let networks = match network_names.len() {
        0 => "Best available".to_owned(),
        1..=3 => network_names.join(", "),
        n => format!("{} and {} more", network_names[..2].join(", "), n - 2),
    };
    let unlimited = plan.is_unlimited();
    let href = format!("/plan/{}", plan.id);
    view! {
        <li class="plan-card" class:unlimited=unlimited>
            <div class="plan-main">
                <h3 class="plan-title">
                    <a href=href>
                        <span class="plan-data">{plan.data.to_string()}</span>
                        <span class="plan-validity">{format!("{} days", plan.validity_days)}</span>
                    </a>
                </h3>
                {unlimited.then(|| view! { <span class="badge badge-unlimited">"Unlimited"</span> })}
                {show_coverage.then(|| view! { <p class="plan-coverage">{plan.coverage_label.clone()}</p> })}
            </div>
            <p class="plan-price">
                <span class="sr-only">"Price "</span>
                {plan.price.to_string()}
            </p>
            <dl class="plan-facts">
                <div>
                    <dt>"Per GB"</dt>
                    <dd>{per_gb}</dd>
                </div>
                <div>
                    <dt>"Speed"</dt>
                    <dd>{speed}</dd>
                </div>
                <div>
                    <dt>"Networks"</dt>
                    <dd>{networks}</dd>
                </div>
            </dl>
        </li>
    }
}
