//! schema.org structured data (Product and Offer) for search engines.

use domain::{Money, PlanSummary};
use leptos::prelude::*;

/// A `<script type="application/ld+json">` holding `data`.
#[component]
pub fn JsonLd(data: serde_json::Value) -> impl IntoView {
    // `</` inside a script would end it early; escaping the slash keeps the JSON valid.
    let json = data.to_string().replace("</", "<\\/");
    // The page's Content-Security-Policy names this response's nonce.
    view! { <script type="application/ld+json" nonce=use_nonce() inner_html=json></script> }
}

/// One plan as a Product with a single Offer.
pub fn plan_product(plan: &PlanSummary, url: &str) -> serde_json::Value {
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": format!("{} eSIM", plan.title),
        "description": format!("Prepaid eSIM for {}: {} of data valid for {} days.", plan.coverage_label, plan.data, plan.validity_days),
        "sku": plan.id,
        "brand": { "@type": "Brand", "name": "Tern" },
        "offers": offer(plan.price, url),
    })
}

/// A destination's plans as one Product with an AggregateOffer.
pub fn destination_product(
    name: &str,
    plans: &[PlanSummary],
    url: &str,
) -> Option<serde_json::Value> {
    let low = plans.iter().map(|p| p.price).min_by_key(|m| m.minor)?;
    let high = plans.iter().map(|p| p.price).max_by_key(|m| m.minor)?;
    Some(serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": format!("{name} eSIM"),
        "description": format!("Prepaid eSIM data plans for {name}."),
        "brand": { "@type": "Brand", "name": "Tern" },
        "offers": {
            "@type": "AggregateOffer",
            "priceCurrency": low.currency.as_str(),
            "lowPrice": low.major_string(),
            "highPrice": high.major_string(),
            "offerCount": plans.len(),
            "url": url,
        },
    }))
}

fn offer(price: Money, url: &str) -> serde_json::Value {
    serde_json::json!({
        "@type": "Offer",
        "price": price.major_string(),
        "priceCurrency": price.currency.as_str(),
        "availability": "https://schema.org/InStock",
        "url": url,
    })
}
