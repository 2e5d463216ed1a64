//! One poll over the browser's fetch: request, size check, tolerant parse.

use super::schedule::{parse_retry_after, PollError};
use crate::config::{ApiKey, Settings};
use crate::wire::{BatchStatus, ErrorBody, Json};
use gloo_net::http::Request;
use web_sys::{AbortSignal, RequestCache};

/// Bodies larger than this are refused: a batch status is a few kilobytes, and
/// the largest fixture (1,000 recent calls) is about 150 KB.
pub const MAX_BODY_BYTES: usize = 2_000_000;

/// Fetches and parses the batch status once. `signal` aborts the request (the
/// caller's timeout, or the widget going away); `now_ms` reads `Retry-After` dates.
pub async fn fetch_status(
    settings: &Settings,
    api_key: &ApiKey,
    signal: &AbortSignal,
    now_ms: f64,
) -> Result<BatchStatus, PollError> {
    let mut request = Request::get(&settings.status_url())
        .header("x-workspace-id", &settings.workspace_id)
        .cache(RequestCache::NoStore)
        .abort_signal(Some(signal));
    // No key means a same-origin proxy adds it: send no header at all.
    if let Some(key) = api_key.header_value() {
        request = request.header("x-api-key", key);
    }
    let response = request.send().await.map_err(|_| PollError::Network)?;
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(bytes) = declared.filter(|b| *b > MAX_BODY_BYTES) {
        return Err(PollError::TooLarge { bytes });
    }
    let status = response.status();
    let retry_after_ms = response
        .headers()
        .get("retry-after")
        .and_then(|v| parse_retry_after(&v, now_ms));
    let text = response.text().await.map_err(|_| PollError::Network)?;
    if text.len() > MAX_BODY_BYTES {
        return Err(PollError::TooLarge { bytes: text.len() });
    }
    let body = parse_json(&text);
    if !(200..300).contains(&status) {
        return Err(PollError::Http {
            status,
            body: body.as_ref().map(ErrorBody::from_json).unwrap_or_default(),
            retry_after_ms,
        });
    }
    body.as_ref()
        .and_then(BatchStatus::from_json)
        .ok_or(PollError::Malformed)
}

/// Parses with the browser's own `JSON.parse`, so no JSON parser is compiled into
/// the wasm; `None` for anything that is not JSON.
pub fn parse_json(text: &str) -> Option<Json> {
    if text.trim().is_empty() {
        return None;
    }
    js_sys::JSON::parse(text)
        .ok()
        .map(|value| Json::from_js(&value))
}
