//! Numbers and clock times in the page's locale, through the browser's `Intl`.
//!
//! Bound by hand with `catch`: a bad `locale` setting falls back to the browser
//! default, and a value `Intl` refuses (a date beyond ±8.64e15 ms) reads as `–`,
//! instead of throwing out of the wasm.

use js_sys::{Object, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    type NumberFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn new(locales: &JsValue, options: &JsValue) -> Result<NumberFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "NumberFormat", catch)]
    fn format(this: &NumberFormat, value: f64) -> Result<String, JsValue>;

    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn new(locales: &JsValue, options: &JsValue) -> Result<DateTimeFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat", catch)]
    fn format(this: &DateTimeFormat, epoch_ms: f64) -> Result<String, JsValue>;
}

/// Formatters for one locale, built once and shared by the widget's components.
pub struct Intl {
    locale: Option<String>,
    count: NumberFormat,
    clock: DateTimeFormat,
    date_time: DateTimeFormat,
}

impl PartialEq for Intl {
    fn eq(&self, other: &Self) -> bool {
        self.locale == other.locale
    }
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object.into()
}

impl Intl {
    /// Formatters for `locale`, or for the browser's locale when it is `None` or
    /// not a valid language tag.
    pub fn new(locale: Option<&str>) -> Rc<Self> {
        let requested = locale.map_or(JsValue::UNDEFINED, JsValue::from);
        let build = |locales: &JsValue| -> Result<Intl, JsValue> {
            Ok(Intl {
                locale: locale.map(str::to_owned),
                count: NumberFormat::new(locales, &options(&[("maximumFractionDigits", "0")]))?,
                clock: DateTimeFormat::new(locales, &options(&[("timeStyle", "medium")]))?,
                date_time: DateTimeFormat::new(
                    locales,
                    &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
                )?,
            })
        };
        let intl = build(&requested)
            .or_else(|_| build(&JsValue::UNDEFINED))
            .unwrap_or_else(|_| wasm_bindgen::throw_str("Intl is not available"));
        Rc::new(intl)
    }

    /// A whole number with the locale's grouping: `10,000`.
    pub fn count(&self, value: u64) -> String {
        shown(self.count.format(value as f64))
    }

    /// A clock time: `10:24:03 AM`.
    pub fn clock(&self, epoch_ms: f64) -> String {
        shown(self.clock.format(epoch_ms))
    }

    /// A date and time: `Nov 28, 2026, 10:24 AM`.
    pub fn date_time(&self, epoch_ms: f64) -> String {
        shown(self.date_time.format(epoch_ms))
    }
}

/// What `Intl` formatted, or `–` where it refused the value.
fn shown(formatted: Result<String, JsValue>) -> String {
    formatted.unwrap_or_else(|_| crate::model::format::UNKNOWN.to_owned())
}
