//! Reading a value from `JSON.parse` into [`Json`] by walking it with js-sys:
//! no JSON parser and no serde deserializer are compiled into the wasm.

use super::json::{Json, MAX_DEPTH};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

impl Json {
    /// Converts a JS value (as `JSON.parse` makes them) into a [`Json`].
    /// Values nested deeper than [`MAX_DEPTH`] become [`Json::Null`].
    pub fn from_js(value: &JsValue) -> Json {
        Json::from_js_at(value, 0)
    }

    /// As [`Json::from_js`] for a value found `depth` levels down a body.
    pub fn from_js_at(value: &JsValue, depth: usize) -> Json {
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
                    .map(|item| Json::from_js_at(&item, depth + 1))
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
                    (key, Json::from_js_at(&pair.get(1), depth + 1))
                })
                .collect();
            return Json::Object(pairs);
        }
        Json::Null
    }
}

/// Takes the `recent_calls` array out of a status body as `JSON.parse` made it,
/// from where `BatchStatus::from_json` reads it (under `progress` when that is
/// an object, else at the top), with the depth of its items. The widget reads
/// the calls one at a time from there, and the rest of the body without them:
/// a hundred calls read as one tree took a third page of wasm memory, and ten
/// thousand, megabytes.
pub fn take_recent_calls(root: &JsValue) -> Option<(Array, usize)> {
    let object = |value: &JsValue, key: &str| {
        Reflect::get(value, &JsValue::from_str(key))
            .ok()
            .filter(JsValue::is_object)
    };
    if !root.is_object() || Array::is_array(root) {
        return None;
    }
    let (progress, depth) = match object(root, "progress").filter(|p| !Array::is_array(p)) {
        Some(progress) => (progress, 3),
        None => (root.clone(), 2),
    };
    let calls = object(&progress, "recent_calls").filter(Array::is_array)?;
    let parent: &Object = progress.unchecked_ref();
    Reflect::delete_property(parent, &JsValue::from_str("recent_calls")).ok()?;
    Some((calls.unchecked_into(), depth))
}
