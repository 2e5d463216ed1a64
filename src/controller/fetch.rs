//! One poll over the browser's fetch: request, size-capped read, tolerant parse,
//! and every server string cleaned before anything else reads it.

use super::schedule::parse_retry_after;
use crate::config::{whole_number, ApiKey, Settings};
use crate::model::mask::scrub;
use crate::model::PollError;
use crate::wire::{BatchStatus, ErrorBody, Json};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob, ReadableStreamDefaultReader, Response};

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string, so a body never has to be copied into the
    /// wasm as text (and no UTF-8 decoder is compiled in).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_js_text(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Bodies larger than this are refused: a batch status is a few kilobytes, and
/// the largest fixture (1,000 recent calls) is about 150 KB.
pub const MAX_BODY_BYTES: usize = 2_000_000;

/// What a poll of the status brought.
pub enum Fetched {
    /// A body, word for word the one before: nothing to parse, nothing to redraw.
    Same,
    /// A new status, and its body as text, to compare the next one with.
    New(BatchStatus, JsValue),
}

/// Fetches the batch status once and parses it, unless its body is the
/// `previous` one. `signal` aborts the request (the caller's timeout, or the
/// widget going away).
pub async fn fetch_status(
    settings: &Settings,
    api_key: &ApiKey,
    signal: &AbortSignal,
    previous: Option<JsValue>,
) -> Result<Fetched, PollError> {
    let init = request_init(settings, api_key, signal);
    let (status, retry_after_ms, text) = fetch_text(&settings.status_url(), init).await?;
    // Comparing two JS strings is one call; parsing is thousands.
    if (200..300).contains(&status) && previous.is_some_and(|previous| previous == text) {
        return Ok(Fetched::Same);
    }
    let body = read_json(status, retry_after_ms, &text, api_key)?;
    let parsed = BatchStatus::from_json(&body).ok_or(PollError::Malformed)?;
    Ok(Fetched::New(parsed, text))
}

/// Fetches `url` with `init` (from [`request_init`] or [`cancel_init`]) and
/// reads a JSON body, every string in it scrubbed of the key. An error status
/// is a [`PollError::Http`] with its `{error, message}` and `Retry-After`; a
/// success that is not JSON is [`PollError::Malformed`].
pub async fn fetch_json(url: &str, init: Object, api_key: &ApiKey) -> Result<Json, PollError> {
    let (status, retry_after_ms, text) = fetch_text(url, init).await?;
    read_json(status, retry_after_ms, &text, api_key)
}

/// The init object of a request: the workspace and key headers, no caching,
/// the abort signal. The browser's fetch with a plain object: no wrapper crate,
/// and no binding per option, each of which would add to every page's
/// download. Header values were checked before any request
/// (`Settings::validate_with`).
pub fn request_init(settings: &Settings, api_key: &ApiKey, signal: &AbortSignal) -> Object {
    let headers = Object::new();
    set(
        &headers,
        "x-workspace-id",
        &JsValue::from_str(&settings.workspace_id),
    );
    // No key means a same-origin proxy adds it: send no header at all.
    if let Some(key) = api_key.header_value() {
        set(&headers, "x-api-key", &JsValue::from_str(key));
    }
    let init = Object::new();
    set(&init, "headers", &headers);
    set(&init, "cache", &JsValue::from_str("no-store"));
    set(&init, "signal", signal);
    init
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// The init object of the one DELETE that cancels the batch: the request's
/// headers and `x-batch-cancel: 1`, the header a proxy's CSRF check looks for
/// (a cross-site form cannot send one). What its answer means is
/// `CancelOutcome::from_answer`; it is never retried.
pub fn cancel_init(settings: &Settings, api_key: &ApiKey, signal: &AbortSignal) -> Object {
    let init = request_init(settings, api_key, signal);
    set(&init, "method", &JsValue::from_str("DELETE"));
    if let Ok(headers) = Reflect::get(&init, &JsValue::from_str("headers")) {
        set(
            headers.unchecked_ref(),
            "x-batch-cancel",
            &JsValue::from_str("1"),
        );
    }
    init
}

/// Fetches `url` with `init`: the HTTP status, the `Retry-After` wait, and
/// the body as a JS string.
async fn fetch_text(url: &str, init: Object) -> Result<(u16, Option<f64>, JsValue), PollError> {
    let response: Response =
        JsFuture::from(gloo_utils::window().fetch_with_str_and_init(url, init.unchecked_ref()))
            .await
            .map_err(|_| PollError::Network)?
            .unchecked_into();
    let status = response.status();
    let retry_after_ms = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| {
            parse_retry_after(&v, js_sys::Date::now(), |date| {
                Some(js_sys::Date::parse(date)).filter(|ms| !ms.is_nan())
            })
        });
    Ok((status, retry_after_ms, read_capped(response).await?))
}

/// Parses a body of an answer with `status`, scrubbed of the key.
fn read_json(
    status: u16,
    retry_after_ms: Option<f64>,
    text: &JsValue,
    api_key: &ApiKey,
) -> Result<Json, PollError> {
    let mut body = parse_json_text(text);
    if let (Some(body), Some(key)) = (body.as_mut(), api_key.header_value()) {
        scrub(body, key);
    }
    if !(200..300).contains(&status) {
        return Err(PollError::Http {
            status,
            body: body.as_ref().map(ErrorBody::from_json).unwrap_or_default(),
            retry_after_ms,
        });
    }
    body.ok_or(PollError::Malformed)
}

/// Reads the body as one JS string (the browser decodes the UTF-8; the text is
/// never copied into the wasm), refusing anything past [`MAX_BODY_BYTES`]: by
/// its `Content-Length` when it has one, otherwise by counting the chunks of
/// the stream as they come, so nothing larger is ever held.
async fn read_capped(response: web_sys::Response) -> Result<JsValue, PollError> {
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| whole_number(v.trim()))
        .map(|bytes| bytes as usize);
    if let Some(bytes) = declared.filter(|b| *b > MAX_BODY_BYTES) {
        return Err(PollError::TooLarge { bytes });
    }
    if declared.is_some() {
        // The common case, and the fast one: the browser reads and decodes the
        // body it already knows the size of, and the text stays a JS string.
        let text = response.text().map_err(|_| PollError::Network)?;
        return JsFuture::from(text).await.map_err(|_| PollError::Network);
    }
    let Some(stream) = response.body() else {
        return Ok(JsValue::from_str(""));
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let chunks = Array::new();
    let mut bytes = 0;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| PollError::Network)?;
        if Reflect::get(&chunk, &"done".into()).map_or(true, |done| done.is_truthy()) {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(|_| PollError::Network)?
            .unchecked_into();
        bytes += value.length() as usize;
        if bytes > MAX_BODY_BYTES {
            let _ = reader.cancel();
            return Err(PollError::TooLarge { bytes });
        }
        chunks.push(&value);
    }
    let blob = Blob::new_with_u8_array_sequence(&chunks).map_err(|_| PollError::Malformed)?;
    JsFuture::from(blob.text())
        .await
        .map_err(|_| PollError::Malformed)
}

/// Parses with the browser's own `JSON.parse`, so no JSON parser is compiled into
/// the wasm; `None` for anything that is not JSON.
pub fn parse_json(text: &str) -> Option<Json> {
    parse_json_text(&JsValue::from_str(text))
}

/// [`parse_json`] of text that is already a JS string, as a fetched body is.
fn parse_json_text(text: &JsValue) -> Option<Json> {
    parse_js_text(text).ok().map(|value| Json::from_js(&value))
}
