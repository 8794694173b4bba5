//! Instant destination search: filters in the browser as you type, and works as a plain form without JavaScript.

use domain::search::score;
use domain::DestinationIndexEntry;
use leptos::prelude::*;

const MAX_RESULTS: usize = 8;

/// The best matches for `query`, best first; countries before regions on equal scores.
pub fn rank<'a>(index: &'a [DestinationIndexEntry], query: &str) -> Vec<&'a DestinationIndexEntry> {
    let mut scored: Vec<(u8, &DestinationIndexEntry)> = index
        .iter()
        .filter_map(|entry| score(query, &entry.name, &entry.aliases).map(|s| (s, entry)))
        .collect();
    scored.sort_by(|(a_score, a), (b_score, b)| {
        b_score
            .cmp(a_score)
            .then(a.is_region.cmp(&b.is_region))
            .then_with(|| a.name.cmp(&b.name))
    });
    scored
        .into_iter()
        .take(MAX_RESULTS)
        .map(|(_, entry)| entry)
        .collect()
}

/// The search box and its live results: an island, the only part of the home page that runs in
/// the browser.
#[island]
pub fn DestinationSearch(index: Vec<DestinationIndexEntry>, initial: String) -> impl IntoView {
    let (query, set_query) = signal(initial.clone());
    let index = StoredValue::new(index);
    let results = Memo::new(move |_| {
        index.with_value(|index| {
            rank(index, &query.get())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let input = NodeRef::<leptos::html::Input>::new();
    // Travellers may type before the page has hydrated; pick up what is already in the box.
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let typed = input.value();
            if typed != query.get_untracked() {
                set_query.set(typed);
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        // With JavaScript, Enter opens the best match; without it the form reloads the page with ?q=.
        if let Some(best) = results.get_untracked().first() {
            ev.prevent_default();
            #[cfg(feature = "hydrate")]
            let _ = window().location().set_href(&best.href);
            #[cfg(not(feature = "hydrate"))]
            let _ = best;
        }
    };
    view! {
        <form class="search" role="search" action="/" method="get" on:submit=on_submit>
            <label for="destination">"Where are you travelling?"</label>
            <div class="search-row">
                <input
                    node_ref=input
                    id="destination"
                    name="q"
                    type="search"
                    placeholder="Country or region, e.g. Japan"
                    autocomplete="off"
                    value=initial
                    aria-controls="search-results"
                    on:input=move |ev| set_query.set(event_target_value(&ev))
                />
                <button type="submit">"Search"</button>
            </div>
        </form>
        <Show when=move || !query.get().trim().is_empty()>
            <p class="sr-only" aria-live="polite">
                {move || format!("{} destinations found", results.get().len())}
            </p>
            <Show
                when=move || !results.get().is_empty()
                fallback=move || {
                    view! {
                        <p class="search-empty">
                            {move || format!("No destination matches “{}”. Try a country name or a region like Europe.", query.get().trim())}
                        </p>
                    }
                }
            >
                <ul id="search-results" class="search-results" aria-label="Matching destinations">
                    // At most eight rows, drawn again on each keystroke: a keyed list would
                    // bring its diffing code into the WebAssembly for nothing.
                    {move || results.get().into_iter().map(|entry| view! {
                        <li>
                            <a href=entry.href.clone()>
                                <span class="flag" aria-hidden="true">{entry.flag.clone().unwrap_or_else(|| "🌐".into())}</span>
                                <span class="name">{entry.name.clone()}</span>
                                {entry.from_price.map(|p| view! { <span class="from">{format!("from {p}")}</span> })}
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </Show>
    }
}
