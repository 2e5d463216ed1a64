//! One poll over the browser's fetch: request, size-capped read, tolerant parse,
//! and every server string cleaned before anything else reads it.

use super::schedule::parse_retry_after;
use crate::config::{whole_number, ApiKey, Settings};
use crate::model::mask::{raw_parts, scrub, Scrubber};
use crate::model::PollError;
use crate::wire::js::take_recent_calls;
use crate::wire::newest::newest_first;
use crate::wire::{BatchStatus, ErrorBody, Json, Newest, RecentCall};
use js_sys::{Array, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob, Response};

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

/// An answer as it came, before it is read: what a leader tells the other
/// watchers of its batch, so that each reads it as if it had fetched it.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// When `Retry-After` allows the next request, epoch ms.
    pub retry_at: Option<f64>,
    /// The body, as a JS string.
    pub text: JsValue,
}

/// Fetches the batch status once. `signal` aborts the request (the caller's
/// timeout, or the widget going away).
pub async fn fetch_status(
    settings: &Settings,
    api_key: &ApiKey,
    signal: &AbortSignal,
) -> Result<Answer, PollError> {
    fetch_text(
        &settings.status_url(),
        request_init(settings, api_key, signal),
    )
    .await
}

/// Reads a status answer, keeping the newest `keep` of its recent calls (see
/// [`BatchStatus::recent_calls`]). Also gives the body as it may be told to
/// other watchers: `None` if it held a trace of the key (see [`scrub`]).
pub fn read_status(
    answer: &Answer,
    api_key: &ApiKey,
    keep: usize,
) -> (Result<BatchStatus, PollError>, Option<JsValue>) {
    let mut reader = BodyReader::new(api_key);
    let value = parse_js_text(&answer.text).ok();
    let mut recent_calls = Vec::new();
    let mut recent_calls_sent = 0;
    if let Some((calls, depth)) = value.as_ref().and_then(take_recent_calls) {
        if calls.length() as usize <= keep {
            // Every call is kept: each is read in full, one at a time, into a
            // buffer sized up front, and put in order where it lies. Nothing
            // else is held beside the last status, whose calls are still shown.
            recent_calls.reserve(calls.length() as usize);
            for call in calls.iter() {
                recent_calls.extend(RecentCall::from_json(&reader.read(&call, depth)));
            }
            newest_first(&mut recent_calls);
            recent_calls_sent = recent_calls.len();
        } else {
            // Which calls are the newest, from their end times alone: a body
            // may send thousands, and reading each in full was most of the
            // cost of an answer. Only the calls kept are read in full.
            let ends = RecentCall::END_FIELDS.map(JsValue::from_str);
            let mut newest = Newest::new(keep);
            for (index, call) in calls.iter().enumerate() {
                if call.is_object() && !Array::is_array(&call) {
                    recent_calls_sent += 1;
                    let ended = RecentCall::end_time(|field| {
                        let value = Reflect::get(&call, &ends[field]).ok()?;
                        reader.read(&value, depth + 1).as_numeric()
                    });
                    newest.offer(ended, index as u32);
                }
            }
            recent_calls.extend(
                newest.into_items().filter_map(|index| {
                    RecentCall::from_json(&reader.read(&calls.get(index), depth))
                }),
            );
            // The calls not kept were never read, so their strings were never
            // scrubbed: unless the raw text shows that none can hold a trace
            // of the key, they are read and scrubbed now, as every call once
            // was.
            if recent_calls_sent > recent_calls.len()
                && reader.clean()
                && !reader.raw_clean(&answer.text)
            {
                for call in calls.iter() {
                    reader.read(&call, depth);
                }
            }
        }
    }
    let body = value.map(|value| reader.read(&value, 0));
    // A body that is not JSON has nothing that is read: it is told empty.
    let told = match body {
        None => Some(JsValue::from_str("")),
        Some(_) => reader.clean().then(|| answer.text.clone()),
    };
    let parsed = judge(answer, body).and_then(|body| {
        let mut status = BatchStatus::without_calls(&body).ok_or(PollError::Malformed)?;
        status.recent_calls = recent_calls;
        status.recent_calls_sent = recent_calls_sent;
        Ok(status)
    });
    (parsed, told)
}

/// Fetches `url` with `init` (from [`request_init`] or [`cancel_init`]) and
/// reads a JSON body, every string in it scrubbed of the key. An error status
/// is a [`PollError::Http`] with its `{error, message}` and `Retry-After`; a
/// success that is not JSON is [`PollError::Malformed`].
pub async fn fetch_json(url: &str, init: Object, api_key: &ApiKey) -> Result<Json, PollError> {
    let answer = fetch_text(url, init).await?;
    let mut body = parse_json_text(&answer.text);
    if let (Some(body), Some(key)) = (body.as_mut(), api_key.header_value()) {
        scrub(body, key);
    }
    judge(&answer, body)
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

/// Fetches `url` with `init`: the HTTP status, the `Retry-After` moment, and
/// the body as a JS string.
async fn fetch_text(url: &str, init: Object) -> Result<Answer, PollError> {
    let response: Response =
        JsFuture::from(gloo_utils::window().fetch_with_str_and_init(url, init.unchecked_ref()))
            .await
            .map_err(|_| PollError::Network)?
            .unchecked_into();
    let now = js_sys::Date::now();
    let retry_at = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| {
            parse_retry_after(&v, now, |date| {
                Some(js_sys::Date::parse(date)).filter(|ms| !ms.is_nan())
            })
        })
        .map(|ms| now + ms);
    Ok(Answer {
        status: response.status(),
        retry_at,
        text: read_capped(response).await?,
    })
}

/// Reads the parts of one body into [`Json`], every string scrubbed of the
/// key as it is read (without a key, there is nothing to scrub).
struct BodyReader<'a> {
    scrubber: Option<Scrubber<'a>>,
}

impl<'a> BodyReader<'a> {
    fn new(api_key: &'a ApiKey) -> Self {
        BodyReader {
            scrubber: api_key.header_value().map(Scrubber::new),
        }
    }

    /// A part `depth` levels down the body (see [`Json::from_js_at`]).
    fn read(&mut self, value: &JsValue, depth: usize) -> Json {
        let mut json = Json::from_js_at(value, depth);
        if let Some(scrubber) = &mut self.scrubber {
            scrubber.scrub(&mut json);
        }
        json
    }

    /// Whether no part read held a trace of the key.
    fn clean(&self) -> bool {
        self.scrubber.as_ref().is_none_or(Scrubber::clean)
    }

    /// Whether the raw body `text` (a JS string) shows that none of its
    /// strings holds a trace of the key (see [`Scrubber::raw_part_clean`]),
    /// looked at a part at a time: only a part is ever copied into the wasm.
    fn raw_clean(&self, text: &JsValue) -> bool {
        let Some(scrubber) = &self.scrubber else {
            return true;
        };
        let text: &JsString = text.unchecked_ref();
        raw_parts(text.length()).all(|(from, to)| {
            text.slice(from, to)
                .as_string()
                .is_some_and(|part| scrubber.raw_part_clean(part.as_bytes()))
        })
    }
}

/// What an answer with this (parsed) body means: an error status is a
/// [`PollError::Http`] with its `{error, message}` and `Retry-After`; a success
/// that is not JSON is [`PollError::Malformed`].
fn judge(answer: &Answer, body: Option<Json>) -> Result<Json, PollError> {
    let status = answer.status;
    if !(200..300).contains(&status) {
        return Err(PollError::Http {
            status,
            body: body.as_ref().map(ErrorBody::from_json).unwrap_or_default(),
            retry_after_ms: answer.retry_at.map(|at| at - js_sys::Date::now()),
        });
    }
    body.ok_or(PollError::Malformed)
}

/// Reads the body as one JS string (the browser decodes the UTF-8; the text is
/// never copied into the wasm), refusing anything past [`MAX_BODY_BYTES`]: by
/// its `Content-Length`, before reading it, when it has one; otherwise by the
/// size of the whole body, which the browser gathers as a `Blob` (kept out of
/// the page's memory, on disk when large) and measures before any of it is
/// decoded. The request's timeout bounds how long a body can take to come.
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
    let text = if declared.is_some() {
        // The common case, and the fast one: the browser reads and decodes the
        // body it already knows the size of, and the text stays a JS string.
        response.text().map_err(|_| PollError::Network)?
    } else {
        let blob = response.blob().map_err(|_| PollError::Network)?;
        let blob: Blob = JsFuture::from(blob)
            .await
            .map_err(|_| PollError::Network)?
            .unchecked_into();
        let bytes = blob.size() as usize;
        if bytes > MAX_BODY_BYTES {
            return Err(PollError::TooLarge { bytes });
        }
        blob.text()
    };
    JsFuture::from(text).await.map_err(|_| PollError::Network)
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
