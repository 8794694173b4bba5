//! A provider's state word as a badge ("ACTIVE"), followed by what it means in plain words.

use leptos::prelude::*;

#[component]
pub fn StateBadge(
    /// The provider's word, e.g. "ACTIVE".
    word: &'static str,
    /// The explanation for travellers, e.g. "In use".
    plain: &'static str,
    /// The test id of the badge itself.
    testid: &'static str,
) -> impl IntoView {
    view! {
        <p class="state">
            <span class=format!("badge state-{}", word.to_ascii_lowercase()) data-testid=testid>{word}</span>
            " "
            <span class="state-words">{plain}</span>
        </p>
    }
}
