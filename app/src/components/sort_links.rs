//! Plan sorting as plain links, so it works with and without JavaScript.

use domain::PlanSort;
use leptos::prelude::*;

#[component]
pub fn SortLinks(current: PlanSort) -> impl IntoView {
    view! {
        <nav class="sort" aria-label="Sort plans">
            <span class="sort-label">"Sort by"</span>
            {PlanSort::ALL
                .into_iter()
                .map(|sort| {
                    let current = (sort == current).then_some("true");
                    view! {
                        <a href=format!("?sort={}", sort.as_query()) aria-current=current>
                            {sort.label()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
