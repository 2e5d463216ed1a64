//! The widget's stylesheet, adopted by each widget's shadow root.
//!
//! A constructed stylesheet (CSSOM) is allowed under a strict
//! Content-Security-Policy where a `<style>` element or `style=""` is not, and one
//! sheet is shared by every widget on the page.

use js_sys::Array;
use web_sys::{CssStyleSheet, ShadowRoot};

// Minified from `widget.css` by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

thread_local! {
    static SHEET: Option<CssStyleSheet> = CssStyleSheet::new()
        .ok()
        .filter(|sheet| sheet.replace_sync(CSS).is_ok());
}

/// Gives `root` the widget's styles.
pub fn adopt(root: &ShadowRoot) {
    SHEET.with(|sheet| {
        if let Some(sheet) = sheet {
            root.set_adopted_style_sheets(&Array::of1(sheet));
        }
    });
}
