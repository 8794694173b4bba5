//! Data used on one package: a bar with the figures under it ("1.2 GB used of 10 GB · 8.8 GB
//! left"), or just the amount used for an unlimited package.

use domain::data::format_bytes;
use domain::PackageUsage;
use leptos::prelude::*;

#[component]
pub fn UsageMeter(
    usage: PackageUsage,
    /// What the bar measures, for screen readers.
    #[prop(into, default = "Data used".to_owned())]
    label: String,
) -> impl IntoView {
    let used = format_bytes(usage.used_bytes);
    let Some(limit) = usage.limit_bytes else {
        return view! {
            <p class="usage-figures">
                <strong>"Unlimited data"</strong>
                " · "
                <span data-testid="usage-used">{used}</span>
                " used"
            </p>
        }
        .into_any();
    };
    let total = format_bytes(limit);
    let left = format_bytes(usage.remaining_bytes().unwrap_or_default());
    let percent = usage.used_percent().unwrap_or(100);
    let summary = format!("{used} used of {total}, {left} left");
    view! {
        <div class="usage-block">
            <div
                class="usage"
                class:usage-low=(percent >= 80)
                role="meter"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax=limit.to_string()
                aria-valuenow=usage.used_bytes.min(limit).to_string()
                aria-valuetext=summary
            >
                // An SVG width rather than a `style` attribute, which the Content-Security-Policy
                // refuses.
                <svg class="usage-bar" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="usage-fill" width=percent.to_string() height="1"></rect>
                </svg>
            </div>
            <p class="usage-figures">
                <span data-testid="usage-used">{used}</span>
                " used of "
                <span data-testid="usage-total">{total}</span>
                " · "
                <span data-testid="usage-left">{left}</span>
                " left"
            </p>
        </div>
    }
    .into_any()
}
