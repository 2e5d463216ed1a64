//! One poll over the browser's fetch: request, size-capped read, tolerant parse,
//! and every server string cleaned before anything else reads it.

use super::schedule::parse_retry_after;
use crate::config::{ApiKey, Settings};
use crate::model::mask::scrub;
use crate::model::PollError;
use crate::wire::{BatchStatus, ErrorBody, Json};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, Blob, Headers, ReadableStreamDefaultReader, RequestCache, RequestInit, Response,
};

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

/// Fetches and parses the batch status once. `signal` aborts the request (the
/// caller's timeout, or the widget going away).
pub async fn fetch_status(
    settings: &Settings,
    api_key: &ApiKey,
    signal: &AbortSignal,
) -> Result<BatchStatus, PollError> {
    let body = fetch_json(&settings.status_url(), settings, api_key, signal).await?;
    BatchStatus::from_json(&body).ok_or(PollError::Malformed)
}

/// GETs `url` with the workspace and key headers and reads a JSON body, every
/// string in it scrubbed of the key. An error status is a [`PollError::Http`]
/// with its `{error, message}` and `Retry-After`; a success that is not JSON is
/// [`PollError::Malformed`].
pub async fn fetch_json(
    url: &str,
    settings: &Settings,
    api_key: &ApiKey,
    signal: &AbortSignal,
) -> Result<Json, PollError> {
    // The browser's fetch as web-sys binds it: a wrapper crate would add bytes
    // to every page for nothing the widget uses.
    let headers = Headers::new().map_err(|_| PollError::Network)?;
    headers
        .set("x-workspace-id", &settings.workspace_id)
        .map_err(|_| PollError::Network)?;
    // No key means a same-origin proxy adds it: send no header at all.
    if let Some(key) = api_key.header_value() {
        headers
            .set("x-api-key", key)
            .map_err(|_| PollError::Network)?;
    }
    let init = RequestInit::new();
    init.set_headers(&headers);
    init.set_cache(RequestCache::NoStore);
    init.set_signal(Some(signal));
    let response: Response =
        JsFuture::from(gloo_utils::window().fetch_with_str_and_init(url, &init))
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
    let text = read_capped(response).await?;
    let mut body = parse_json_text(&text);
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
        .and_then(|v| v.trim().parse::<usize>().ok());
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
