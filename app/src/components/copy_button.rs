//! A button that copies a value to the clipboard; without JavaScript the value stays selectable text.

use leptos::prelude::*;

#[island]
pub fn CopyButton(value: String, label: String) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&value);
            set_copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&value, set_copied);
    };
    view! {
        <button type="button" class="copy" on:click=copy aria-label=format!("Copy {label}")>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
