//! `/admin/prices?scope=…&value=…`: every margin set, and the editor for one of them (global when
//! none is named). The editor previews what travellers would pay: with JavaScript as the margin is
//! typed, without it through the Preview button (a GET that puts `margin` in the address). Saving
//! and removing are plain form posts that come back here with the outcome, so the page works the
//! same either way. Only owners can save; support is told so when they try.

use crate::api::admin::{get_prices, RemoveMargin, SetMargin};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use crate::links::admin_prices_href;
use domain::admin::catalogue::{MarginEditor, MarginRow, PricesView};
use domain::pricing::{Margin, MarginScope};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PricesPage() -> impl IntoView {
    let query = use_query_map();
    let read = move |key: &str| query.read().get(key).filter(|v| !v.trim().is_empty());
    let prices = Resource::new(
        move || (read("scope"), read("value")),
        |(scope, value)| get_prices(scope, value),
    );
    view! {
        <AdminLayout title="Prices">
            <header class="page-header">
                <h1>"Prices"</h1>
                <p class="lede">
                    "Travellers pay the wholesale price plus a margin, rounded up to a price ending in .99. "
                    "The most specific margin applies: a plan's own, then its country's, then its provider's, then the global one."
                </p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match prices.await {
                        Ok(view) => view! { <Prices view/> }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin/prices"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn Prices(view: PricesView) -> impl IntoView {
    let PricesView {
        default_margin,
        margins,
        providers,
        editor,
    } = view;
    view! {
        <Editor editor/>
        <section class="section" aria-labelledby="margins-set">
            <h2 id="margins-set">"Margins set"</h2>
            <MarginTable margins default_margin/>
        </section>
        <section class="section" aria-labelledby="provider-margins">
            <h2 id="provider-margins">"Providers"</h2>
            <ul class="link-list">
                {providers.into_iter().map(|(id, margin)| {
                    let href = admin_prices_href("provider", &id);
                    let margin = margin.map_or_else(|| "no margin of its own".to_owned(), |m| m.to_string());
                    view! { <li><a href=href>{id}</a> " · " {margin}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn MarginTable(margins: Vec<MarginRow>, default_margin: Margin) -> impl IntoView {
    view! {
        <AdminTable headings=&["Applies to", "Margin", "Set by", "When"]>
            {margins.into_iter().map(|row| {
                let (kind, value) = row.scope.parts();
                view! {
                    <tr data-testid="margin-row">
                        <td><a href=admin_prices_href(kind, value)>{row.label}</a></td>
                        <td class="number">{row.margin.to_string()}</td>
                        <td>{row.updated_by.unwrap_or_else(|| "—".to_owned())}</td>
                        <td>{admin_time(Some(row.updated_at))}</td>
                    </tr>
                }
            }).collect_view()}
            <tr>
                <td>"Default, while no global margin is set (TERN_MARGIN_PERCENT)"</td>
                <td class="number">{default_margin.to_string()}</td>
                <td>"—"</td>
                <td>"—"</td>
            </tr>
        </AdminTable>
    }
}

/// The margin of one scope: what is set, the form, and the preview of travellers' prices.
#[component]
fn Editor(editor: MarginEditor) -> impl IntoView {
    let query = use_query_map();
    let read = move |key: &str| {
        query
            .read_untracked()
            .get(key)
            .filter(|v| !v.trim().is_empty())
    };
    // Created here so a plain form post's error (carried in the address) reaches the page.
    let set = ServerAction::<SetMargin>::new();
    let remove = ServerAction::<RemoveMargin>::new();
    let error = move || {
        set.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    };
    let outcome = match (read("saved"), read("removed")) {
        (Some(n), _) => Some(format!("Margin saved. {n} prices changed.")),
        (_, Some(n)) => Some(format!("Margin removed. {n} prices changed.")),
        _ => None,
    };
    let MarginEditor {
        scope,
        label,
        current,
        inherited,
        affected,
        samples,
    } = editor;
    let typed_at_start = read("margin").unwrap_or_else(|| {
        current
            .unwrap_or(inherited)
            .to_string()
            .trim_end_matches(" %")
            .to_owned()
    });
    let typed = RwSignal::new(typed_at_start.clone());
    let margin = Signal::derive(move || Margin::parse_percent(&typed.get()).ok());
    let (kind, value) = scope.parts();
    let (kind, value) = (kind.to_owned(), value.to_owned());
    let is_global = scope == MarginScope::Global;
    let now = match current {
        Some(margin) => format!("Set here: {margin}."),
        None if is_global => format!("No global margin is set: the default {inherited} applies."),
        None => format!("Not set here: {inherited} applies from a more general margin."),
    };
    view! {
        <section class="section" aria-labelledby="margin-editor">
            <h2 id="margin-editor">"Margin for " {label}</h2>
            {outcome.map(|text| view! { <p class="notice notice-ok" role="status">{text}</p> })}
            <p>{now} " " {format!("It decides the price of {affected} plans on sale.")}</p>
            <div class="form-card">
                <form method="post" action=SetMargin::PATH>
                    <input type="hidden" name="scope" value=kind.clone()/>
                    <input type="hidden" name="value" value=value.clone()/>
                    <label for="margin-input">"Margin (%)"</label>
                    <input
                        id="margin-input"
                        name="margin"
                        inputmode="decimal"
                        autocomplete="off"
                        required
                        value=typed_at_start
                        aria-describedby="margin-hint"
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <p id="margin-hint" class="muted">"0 to 500, up to two decimals."</p>
                    {move || error().map(|error| view! {
                        <p class="field-error" role="alert">{error_message(&error)}</p>
                    })}
                    {move || (margin.get().is_none() && !typed.get().trim().is_empty()).then(|| view! {
                        <p class="field-error">"Enter a percentage such as 30 or 32.5."</p>
                    })}
                    <div class="admin-actions">
                        <button type="submit">"Save margin"</button>
                        " "
                        <button type="submit" class="button-quiet" formmethod="get" formaction="/admin/prices">"Preview"</button>
                    </div>
                </form>
                {current.map(|_| view! {
                    <form method="post" action=RemoveMargin::PATH>
                        <input type="hidden" name="scope" value=kind.clone()/>
                        <input type="hidden" name="value" value=value.clone()/>
                        <button type="submit" class="button-quiet">"Remove this margin"</button>
                    </form>
                })}
            </div>
            <h3>"What travellers would pay"</h3>
            {if samples.is_empty() {
                view! { <p class="muted">"No plan on sale takes its margin from here."</p> }.into_any()
            } else {
                view! {
                    <AdminTable headings=&["Plan", "Provider", "Wholesale", "Margin now", "Price now", "New price"]>
                        {samples.into_iter().map(|plan| {
                            let for_preview = plan.clone();
                            let new_price = move || margin.get().map_or_else(
                                || "—".to_owned(),
                                |margin| for_preview.retail_with(margin).to_string(),
                            );
                            view! {
                                <tr data-testid="price-preview">
                                    <td>{plan.label}{(!plan.listed).then(|| view! { " " <span class="muted">"(not shown)"</span> })}</td>
                                    <td>{plan.provider}</td>
                                    <td class="number">{plan.wholesale.to_string()}</td>
                                    <td class="number">{plan.margin.to_string()}</td>
                                    <td class="number">{plan.retail.to_string()}</td>
                                    <td class="number" data-testid="preview-price">{new_price}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </AdminTable>
                }.into_any()
            }}
        </section>
    }
}
