//! A small dynamic JSON value that any serde deserializer can fill.
//!
//! The widget never trusts the shape of a response. It first reads the body into
//! [`Json`] (in the browser by walking the result of `JSON.parse`, see `js.rs`; on
//! the host from serde_json in tests), then picks out the fields it knows by hand.
//! A field of the wrong type is simply absent, so no body can make parsing fail
//! half-way.

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

/// Values nested deeper than this are replaced by [`Json::Null`] without being
/// read: the batch body is four levels deep, and a hostile body nested a million
/// levels deep must not overflow the wasm stack.
pub const MAX_DEPTH: usize = 8;

/// A parsed JSON value. Objects keep their keys in order; a repeated key resolves
/// to its last value, as `JSON.parse` does.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json {
    /// `null`, or a value nested deeper than [`MAX_DEPTH`].
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Every JSON number, integer or not.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object as key/value pairs in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value under `key` when `self` is an object holding it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(pairs) => pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The number under `key`, when it is a finite number.
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.get(key) {
            Some(number @ Json::Number(_)) => number.as_numeric(),
            _ => None,
        }
    }

    /// The number under `key`, also when it is sent as text (`"150"`, `" 2.5 "`),
    /// as some backends send numbers. Text that is not a plain decimal number
    /// (`"1e3"`, `"12abc"`, `""`) is absent.
    pub fn numeric(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Json::as_numeric)
    }

    /// This value as [`Json::numeric`] reads a field: a finite number, or a
    /// plain decimal number sent as text.
    pub fn as_numeric(&self) -> Option<f64> {
        match self {
            Json::String(text) => decimal(text.trim()),
            Json::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }

    /// The string under `key`, when it is a string.
    pub fn string(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Json::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The boolean under `key`, when it is a boolean.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(Json::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// The array under `key`, when it is an array.
    pub fn array(&self, key: &str) -> Option<&[Json]> {
        match self.get(key) {
            Some(Json::Array(items)) => Some(items),
            _ => None,
        }
    }

    /// Whether this value is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }
}

/// Reads `-12`, `150`, `2.5` or `.5`. A hand-written reader keeps the standard
/// float parser out of the wasm; precision past 15 digits does not matter here.
pub fn decimal(text: &str) -> Option<f64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut value = whole
        .bytes()
        .fold(0.0, |n, b| n * 10.0 + f64::from(b - b'0'));
    let mut scale = 0.1;
    for b in fraction.bytes().take(9) {
        value += f64::from(b - b'0') * scale;
        scale /= 10.0;
    }
    let value = if negative { -value } else { value };
    value.is_finite().then_some(value)
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Depth(0).deserialize(deserializer)
    }
}

/// Deserializes one value at a known nesting depth.
#[derive(Clone, Copy)]
struct Depth(usize);

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        if self.0 > MAX_DEPTH {
            deserializer.deserialize_ignored_any(IgnoredAny)?;
            return Ok(Json::Null);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Depth {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let inner = Depth(self.0 + 1);
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let inner = Depth(self.0 + 1);
        let mut pairs = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            pairs.push((key, map.next_value_seed(inner)?));
        }
        Ok(Json::Object(pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Json {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value =
            parse(r#"{"a": 1, "b": 2.5, "c": "x", "d": true, "e": null, "f": [1], "g": {}}"#);
        assert_eq!(value.number("a"), Some(1.0));
        assert_eq!(value.number("b"), Some(2.5));
        assert_eq!(value.string("c"), Some("x"));
        assert_eq!(value.boolean("d"), Some(true));
        assert_eq!(value.get("e"), Some(&Json::Null));
        assert_eq!(value.array("f").map(<[Json]>::len), Some(1));
        assert!(value.get("g").is_some_and(Json::is_object));
    }

    #[test]
    fn a_field_of_the_wrong_type_is_absent() {
        let value = parse(r#"{"a": "1", "b": [2], "c": {"x": 1}}"#);
        assert_eq!(value.number("a"), None);
        assert_eq!(value.string("b"), None);
        assert_eq!(value.array("c"), None);
        assert_eq!(Json::Number(3.0).get("a"), None);
    }

    #[test]
    fn numbers_sent_as_text_are_read() {
        let value = parse(
            r#"{"a": "150", "b": " 2.5 ", "c": "-3", "d": "1e3", "e": "", "f": "12abc", "g": "."}"#,
        );
        assert_eq!(value.numeric("a"), Some(150.0));
        assert_eq!(value.numeric("b"), Some(2.5));
        assert_eq!(value.numeric("c"), Some(-3.0));
        for absent in ["d", "e", "f", "g", "missing"] {
            assert_eq!(value.numeric(absent), None, "{absent}");
        }
        assert_eq!(decimal(&"9".repeat(400)), None, "overflows to infinity");
    }

    #[test]
    fn a_repeated_key_takes_its_last_value() {
        assert_eq!(parse(r#"{"a": 1, "a": 2}"#).number("a"), Some(2.0));
    }

    #[test]
    fn values_nested_too_deep_become_null() {
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let mut value = &parse(&deep);
        let mut depth = 0;
        while let Json::Array(items) = value {
            value = &items[0];
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH + 1);
        assert_eq!(value, &Json::Null);
    }
}
