//! The WebAssembly entry point. Pages are server HTML; only their islands (the components marked
//! `#[island]` in `app`) come alive here. Leptos's island script calls `hydrate`, then each
//! island's own export.

use wasm_bindgen::prelude::wasm_bindgen;

// The islands' exports live in `app`; naming the crate keeps it linked into this module.
use app as _;

#[wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console are for development; in release their formatting would
    // only add to what every traveller downloads.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Says the page is live, so browser tests can tell a page whose islands run from server HTML.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
