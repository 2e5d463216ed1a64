//! Reading the host's options: attribute-style names (`batch-id`) from the custom
//! element, camelCase names (`batchId`) from `mount()`.

use crate::config::Settings;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// Every option a host can set, by attribute name and by its `mount()` name.
/// The key is not among them: it is passed on its own and never stored with the
/// rest. Both spellings are written out: converting between them would be code
/// in every widget's download.
pub const OPTION_NAMES: [(&str, &str); 12] = [
    ("batch-id", "batchId"),
    ("workspace-id", "workspaceId"),
    ("api-base", "apiBase"),
    ("api-path", "apiPath"),
    ("interval", "interval"),
    ("timeout", "timeout"),
    ("mask-phones", "maskPhones"),
    ("locale", "locale"),
    ("theme", "theme"),
    ("max-rows", "maxRows"),
    ("explorer", "explorer"),
    ("share", "share"),
];

/// The options a host set so far, as text, in the order of [`OPTION_NAMES`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options([Option<String>; OPTION_NAMES.len()]);

/// A JS number as an attribute would hold it (`String(5)` is `"5"`), by the
/// browser's own formatting: none of Rust's number formatting is compiled in.
fn number_text(number: f64) -> String {
    String::from(
        js_sys::Number::from(number)
            .to_string_with_radix(10)
            .unwrap_or_default(),
    )
}

/// An option's value as text, the way an attribute would hold it: numbers as
/// `String()` writes them, `true` and `false` as `on` and `off`; `None` for
/// anything else (`null` resets an option to its default).
pub fn text_of(value: &JsValue) -> Option<String> {
    if let Some(text) = value.as_string() {
        Some(text)
    } else if let Some(number) = value.as_f64() {
        Some(number_text(number))
    } else {
        value
            .as_bool()
            .map(|flag| if flag { "on" } else { "off" }.to_owned())
    }
}

impl Options {
    /// Merges the options present on a JS object; `null` (or any value that is not
    /// text, a number or a boolean) removes an option, so it falls back to its
    /// default. Numbers and booleans are read as text.
    pub fn merge(&mut self, object: &JsValue) {
        if !object.is_object() {
            return;
        }
        for (slot, (name, camel)) in self.0.iter_mut().zip(OPTION_NAMES) {
            for key in [camel, name] {
                let Ok(value) = Reflect::get(object, &JsValue::from_str(key)) else {
                    continue;
                };
                if value.is_undefined() {
                    continue;
                }
                *slot = text_of(&value);
                break;
            }
        }
    }

    /// The text of one option, by attribute name.
    pub fn get(&self, name: &str) -> Option<String> {
        let index = OPTION_NAMES.iter().position(|(n, _)| *n == name)?;
        self.0[index].clone()
    }

    /// The settings these options describe.
    pub fn settings(&self) -> Settings {
        Settings::from_lookup(|name| self.get(name))
    }
}

/// Reads the `apiKey` of an options object: `None` when it is absent or
/// `undefined` (the key stays as it is), an empty key for `null` (the key is
/// reset: no key header is sent), otherwise the text.
pub fn api_key_of(object: &JsValue) -> Option<String> {
    if !object.is_object() {
        return None;
    }
    let value = Reflect::get(object, &JsValue::from_str("apiKey")).ok()?;
    if value.is_undefined() {
        return None;
    }
    Some(value.as_string().unwrap_or_default())
}
