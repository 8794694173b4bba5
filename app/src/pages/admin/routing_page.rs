//! `/admin/routing`: which provider serves what. Each provider's health and the offers it serves,
//! every routing rule with a Remove button, and the form that sets a rule for everything, a
//! country or one offer. The forms are plain posts that come back here with the outcome (or the
//! error and what was typed), so the page works the same with JavaScript or without. Only owners
//! can change rules; support sees the same page and is told so when they try.

use crate::api::admin::{get_routing, RemoveRoutingRule, SaveRoutingRule};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use domain::admin::routing::{RoutingOverview, RoutingProvider, RoutingRuleView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RoutingPage() -> impl IntoView {
    let routing = Resource::new(|| (), |_| get_routing());
    view! {
        <AdminLayout title="Routing">
            <header class="page-header">
                <h1>"Routing"</h1>
                <p class="lede">
                    "Which provider serves each offer. The most specific rule wins: an offer's own, then its country's, then the default rule. "
                    "A provider that keeps failing is passed over until it answers again (unless a fixed rule names it)."
                </p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match routing.await {
                        Ok(overview) => view! { <Routing overview/> }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin/routing"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn Routing(overview: RoutingOverview) -> impl IntoView {
    let RoutingOverview {
        providers,
        rules,
        default_behaviour,
        countries,
    } = overview;
    let configured: Vec<String> = providers
        .iter()
        .filter(|p| p.configured)
        .map(|p| p.id.clone())
        .collect();
    view! {
        <section class="section" aria-labelledby="routing-providers">
            <h2 id="routing-providers">"Providers"</h2>
            <ProviderTable providers/>
        </section>
        <section class="section" aria-labelledby="routing-rules">
            <h2 id="routing-rules">"Rules"</h2>
            <p data-testid="routing-default">"Where no rule applies: " <strong>{default_behaviour}</strong></p>
            <RuleTable rules/>
        </section>
        <RuleForm countries configured/>
    }
}

#[component]
fn ProviderTable(providers: Vec<RoutingProvider>) -> impl IntoView {
    view! {
        <AdminTable headings=&["Provider", "Health", "Calls", "Error rate", "Average latency", "Offers served"]>
            {providers.into_iter().map(|provider| view! {
                <tr data-testid="routing-provider">
                    <th scope="row">
                        {provider.id}
                        {(!provider.configured).then(|| view! { " " <span class="muted">"(not set up)"</span> })}
                    </th>
                    <td>
                        {if provider.healthy {
                            view! { <span class="state state-active">"Healthy"</span> }.into_any()
                        } else {
                            view! { <span class="state state-expired">"Unhealthy"</span> }.into_any()
                        }}
                    </td>
                    <td class="number">{provider.calls}</td>
                    <td class="number">{format!("{} %", provider.error_rate_percent)}</td>
                    <td class="number">{format!("{} ms", provider.average_latency_ms)}</td>
                    <td class="number">{provider.offers_served}</td>
                </tr>
            }).collect_view()}
        </AdminTable>
    }
}

#[component]
fn RuleTable(rules: Vec<RoutingRuleView>) -> impl IntoView {
    let query = use_query_map();
    let removed = query
        .read_untracked()
        .get("removed")
        .filter(|v| !v.is_empty());
    // Created here so a plain form post's error (carried in the address) reaches the page.
    let remove = ServerAction::<RemoveRoutingRule>::new();
    let error = move || remove.value().get().and_then(Result::err);
    view! {
        {removed.map(|words| view! {
            <p class="notice notice-ok" role="status">{format!("Rule removed: {words}.")}</p>
        })}
        {move || error().map(|error| view! {
            <p class="notice notice-error" role="alert">{error_message(&error)}</p>
        })}
        {if rules.is_empty() {
            view! { <p class="muted">"No rules: the cheapest healthy provider serves every offer."</p> }.into_any()
        } else {
            view! {
                <AdminTable headings=&["Applies to", "Strategy", "Changed", ""]>
                    {rules.into_iter().map(|rule| view! {
                        <tr data-testid="routing-rule">
                            <th scope="row">{rule.scope_label.clone()}</th>
                            <td>{rule.strategy_label}</td>
                            <td>{admin_time(Some(rule.updated_at))}</td>
                            <td>
                                <form method="post" action=RemoveRoutingRule::PATH class="inline-form">
                                    <input type="hidden" name="scope" value=rule.scope/>
                                    <input type="hidden" name="value" value=rule.value/>
                                    <button
                                        type="submit"
                                        class="button-quiet"
                                        aria-label=format!("Remove the rule for {}", rule.scope_label)
                                    >"Remove"</button>
                                </form>
                            </td>
                        </tr>
                    }).collect_view()}
                </AdminTable>
            }.into_any()
        }}
    }
}

/// "Set a rule": what it applies to, the strategy, and the providers it names.
#[component]
fn RuleForm(countries: Vec<(String, String)>, configured: Vec<String>) -> impl IntoView {
    let query = use_query_map();
    let read = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let saved = query
        .read_untracked()
        .get("saved")
        .filter(|v| !v.is_empty());
    let save = ServerAction::<SaveRoutingRule>::new();
    let error = move || save.value().get().and_then(Result::err);
    let (scope, country, offer) = (read("scope"), read("country"), read("offer"));
    // A country rule is the usual one; the default rule is chosen on purpose.
    let scope = if scope.is_empty() {
        "country".to_owned()
    } else {
        scope
    };
    let (strategy, provider, providers) = (read("strategy"), read("provider"), read("providers"));
    let option = |value: &'static str, label: &'static str, chosen: &str| {
        view! { <option value=value selected={chosen == value}>{label}</option> }
    };
    view! {
        <section class="section" aria-labelledby="set-rule-heading" id="set-rule">
            <h2 id="set-rule-heading">"Set a rule"</h2>
            {saved.map(|words| view! {
                <p class="notice notice-ok" role="status">{format!("Rule saved: {words}.")}</p>
            })}
            <div class="form-card routing-form">
                <form method="post" action=SaveRoutingRule::PATH>
                    <label for="rule-scope">"Applies to"</label>
                    <select id="rule-scope" name="scope">
                        {option("default", "Everything (the default rule)", &scope)}
                        {option("country", "One country", &scope)}
                        {option("offer", "One offer", &scope)}
                    </select>
                    <label for="rule-country">"Country"</label>
                    <select id="rule-country" name="country" aria-describedby="rule-country-hint">
                        <option value="">"Choose a country"</option>
                        {countries.into_iter().map(|(code, name)| {
                            let selected = code.eq_ignore_ascii_case(&country);
                            view! { <option value=code.clone() selected=selected>{format!("{name} ({code})")}</option> }
                        }).collect_view()}
                    </select>
                    <p id="rule-country-hint" class="muted">"For a rule that applies to one country."</p>
                    <label for="rule-offer">"Offer key"</label>
                    <input
                        id="rule-offer"
                        name="offer"
                        type="text"
                        autocomplete="off"
                        placeholder="JP:1024mb:7d"
                        value=offer
                        aria-describedby="rule-offer-hint"
                    />
                    <p id="rule-offer-hint" class="muted">"For a rule that applies to one offer: country, data in MB, days."</p>
                    <label for="rule-strategy">"Strategy"</label>
                    <select id="rule-strategy" name="strategy">
                        {option("fixed", "Fixed: always one provider", &strategy)}
                        {option("cheapest", "Cheapest healthy provider", &strategy)}
                        {option("priority", "Priority: providers in order", &strategy)}
                    </select>
                    <label for="rule-provider">"Provider"</label>
                    <select id="rule-provider" name="provider" aria-describedby="rule-provider-hint">
                        <option value="">"Choose a provider"</option>
                        {configured.iter().map(|id| {
                            let selected = *id == provider;
                            view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <p id="rule-provider-hint" class="muted">"For a fixed rule."</p>
                    <label for="rule-providers">"Providers in order"</label>
                    <input
                        id="rule-providers"
                        name="providers"
                        type="text"
                        autocomplete="off"
                        placeholder=configured.join(", ")
                        value=providers
                        aria-describedby="rule-providers-hint"
                    />
                    <p id="rule-providers-hint" class="muted">
                        {format!("For a priority rule, separated by commas. Set up: {}.", configured.join(", "))}
                    </p>
                    {move || error().map(|error| view! {
                        <p class="field-error" role="alert">{error_message(&error)}</p>
                    })}
                    <button type="submit">"Save rule"</button>
                </form>
            </div>
        </section>
    }
}
