//! What both modules share at their edge: reading a widget's options, giving
//! its shadow root this module's stylesheet, and the crash lifeline.

use batch_status_widget::config::{page_size, Settings};
use batch_status_widget::options::Options;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, CssStyleSheet, Element, ShadowRoot};

#[cfg(feature = "explorer")]
const CSS: &str = include_str!("explorer.css");
#[cfg(not(feature = "explorer"))]
const CSS: &str = include_str!("cancel.css");

/// The settings of a widget's options, and its explorer's page size.
pub fn settings_of(options: &JsValue) -> (Settings, u64) {
    let mut parsed = Options::default();
    parsed.merge(options);
    let size = page_size(parsed.get("page-size").as_deref());
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
