//! Reading a value from `JSON.parse` into [`Json`] by walking it with js-sys:
//! no JSON parser and no serde deserializer are compiled into the wasm.

use super::json::{Json, MAX_DEPTH};
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

impl Json {
    /// Converts a JS value (as `JSON.parse` makes them) into a [`Json`].
    /// Values nested deeper than [`MAX_DEPTH`] become [`Json::Null`].
    pub fn from_js(value: &JsValue) -> Json {
        from_js_at(value, 0)
    }
}

fn from_js_at(value: &JsValue, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::Null;
    }
    // Strings first, then numbers: most values of a body are one or the
    // other, and each question is a call out of the wasm.
    if let Some(text) = value.as_string() {
        return Json::String(text);
    }
    if let Some(number) = value.as_f64() {
        return Json::Number(number);
    }
    if let Some(flag) = value.as_bool() {
        return Json::Bool(flag);
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        return Json::Array(
            array
                .iter()
                .map(|item| from_js_at(&item, depth + 1))
                .collect(),
        );
    }
    if value.is_object() {
        let entries = Object::entries(value.unchecked_ref());
        let pairs = entries
            .iter()
            .map(|entry| {
                let pair: &Array = entry.unchecked_ref();
                let key = pair.get(0).as_string().unwrap_or_default();
                (key, from_js_at(&pair.get(1), depth + 1))
            })
            .collect();
        return Json::Object(pairs);
    }
    Json::Null
}
