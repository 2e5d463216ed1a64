//! The embedding shell: what JavaScript sees. `mountWidget` (driven by the
//! `<batch-status>` custom element in `static/batch-status.js`, or called by
//! framework hosts through its `mount`). The static site's own page logic is a
//! separate wasm (`site/`), so embedding pages never download it.

pub mod events;
pub mod mount;
pub mod styles;

pub use mount::{mount_widget, WidgetHandle};

use std::sync::Once;
use wasm_bindgen::prelude::*;

/// Keeps Yew from installing `console_error_panic_hook`, which would print stack
/// dumps into the host page's console. The hook set instead is silent and belongs
/// to this wasm instance alone (each widget has its own): it touches nothing of the
/// page. A panic is a bug: it aborts the instance, and the entry script's guard
/// (`instance_guard.js`) shows the failure in that widget only.
pub(crate) fn silence_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| yew::set_custom_panic_hook(Box::new(|_| {})));
}

/// Hands this instance the signal that, once aborted, removes every listener its
/// widgets put on the document. The entry script aborts it if the instance crashes.
#[wasm_bindgen(js_name = setLifeline)]
pub fn set_lifeline(signal: web_sys::AbortSignal) {
    crate::view::lifeline::set(signal);
}
