//! The embedding shell: what JavaScript sees. `mountWidget` (driven by the
//! `<batch-status>` custom element in `static/batch-status.js`, or called by
//! framework hosts through its `mount`), and `mountSite` for the static site.

pub mod events;
pub mod mount;
pub mod options;
pub mod site;
pub mod styles;

pub use mount::{mount_widget, WidgetHandle};

use std::sync::Once;

/// Keeps Yew from installing `console_error_panic_hook`, which would print stack
/// dumps into the host page's console. The hook set instead is silent and lives
/// only inside this wasm module: it touches nothing of the page. A panic is a bug:
/// it aborts, and the entry script shows the failure in that widget only.
pub(crate) fn silence_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| yew::set_custom_panic_hook(Box::new(|_| {})));
}
