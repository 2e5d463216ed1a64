//! Reading the host's options: attribute-style names (`batch-id`) from the custom
//! element, camelCase names (`batchId`) from `mount()`.

use crate::config::Settings;
use js_sys::Reflect;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// Every option a host can set, by attribute name. The key is not among them: it
/// is passed on its own and never stored with the rest.
pub const OPTION_NAMES: [&str; 10] = [
    "batch-id",
    "workspace-id",
    "api-base",
    "api-path",
    "interval",
    "timeout",
    "mask-phones",
    "locale",
    "theme",
    "max-rows",
];

/// `batch-id` → `batchId`.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The options a host set so far, as text by attribute name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options(BTreeMap<&'static str, String>);

impl Options {
    /// Merges the options present on a JS object; `null` removes an option, so it
    /// falls back to its default. Numbers and booleans are read as text.
    pub fn merge(&mut self, object: &JsValue) {
        if !object.is_object() {
            return;
        }
        for name in OPTION_NAMES {
            for key in [camel_case(name), name.to_owned()] {
                let Ok(value) = Reflect::get(object, &JsValue::from_str(&key)) else {
                    continue;
                };
                if value.is_undefined() {
                    continue;
                }
                if value.is_null() {
                    self.0.remove(name);
                } else if let Some(text) = value.as_string() {
                    self.0.insert(name, text);
                } else if let Some(number) = value.as_f64() {
                    self.0.insert(name, number.to_string());
                } else if let Some(flag) = value.as_bool() {
                    self.0
                        .insert(name, if flag { "on" } else { "off" }.to_owned());
                }
                break;
            }
        }
    }

    /// The settings these options describe.
    pub fn settings(&self) -> Settings {
        Settings::from_lookup(|name| self.0.get(name).cloned())
    }
}

/// Reads the `apiKey` of an options object, if it has one.
pub fn api_key_of(object: &JsValue) -> Option<String> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str("apiKey"))
        .ok()?
        .as_string()
}
