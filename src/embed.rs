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

/// Keeps Yew from installing `console_error_panic_hook`, which would print a
/// stack dump to the host page's console. A panic is a bug: it gets one short
/// line, without any data the widget holds.
pub(crate) fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        yew::set_custom_panic_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            web_sys::console::error_1(&format!("batch-status: internal error{place}").into());
        }));
    });
}
