//! What both modules share at their edge: reading a widget's options, giving
//! its shadow root this module's stylesheet, and the crash lifeline.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, CssStyleSheet, Element, ShadowRoot};

// Minified from `explorer.css`, `cancel.css` and `chart.css` by `build.rs`.
#[cfg(feature = "explorer")]
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/explorer.min.css"));
#[cfg(all(feature = "cancel", not(feature = "explorer")))]
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/cancel.min.css"));
#[cfg(not(any(feature = "explorer", feature = "cancel")))]
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/chart.min.css"));

/// The settings of a widget's options, and its explorer's page size.
#[cfg(any(feature = "explorer", feature = "cancel"))]
pub fn settings_of(options: &JsValue) -> (batch_status_widget::config::Settings, u64) {
    use batch_status_widget::config::page_size;
    use batch_status_widget::options::Options;
    let mut parsed = Options::default();
    parsed.merge(options);
    let size = page_size(option_text(options, ["pageSize", "page-size"]).as_deref());
    (parsed.settings(), size)
}

thread_local! {
    /// One stylesheet for every part this instance shows.
    static SHEET: Option<CssStyleSheet> = CssStyleSheet::new()
        .ok()
        .filter(|sheet| sheet.replace_sync(CSS).is_ok());
}

/// Gives the shadow root holding `place` this module's styles, beside the
/// widget's own.
pub fn adopt_styles(place: &Element) {
    let Ok(root) = place.get_root_node().dyn_into::<ShadowRoot>() else {
        return;
    };
    SHEET.with(|sheet| {
        let Some(sheet) = sheet else {
            return;
        };
        let sheets = Array::from(&root.adopted_style_sheets());
        if !sheets.includes(sheet, 0) {
            sheets.push(sheet);
            root.set_adopted_style_sheets(&sheets);
        }
    });
}

/// Hands this instance the signal that, once aborted, removes every listener
/// it put on the document (see the widget's `setLifeline`).
#[wasm_bindgen(js_name = setLifeline)]
pub fn set_lifeline(signal: AbortSignal) {
    batch_status_widget::view::lifeline::set(signal);
}

/// A host option that is not among the widget's settings (`page-size`,
/// `allow-cancel`, `chart-storage`), by either spelling, as text the way the
/// widget reads its own (`true` is `on`, `false` is `off`).
pub fn option_text(options: &JsValue, names: [&str; 2]) -> Option<String> {
    names
        .iter()
        .filter_map(|name| js_sys::Reflect::get(options, &(*name).into()).ok())
        .find(|value| !value.is_undefined())
        .and_then(|value| batch_status_widget::options::text_of(&value))
}
