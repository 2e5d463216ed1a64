//! Telling the host page what happened: bubbling, composed `CustomEvent`s and the
//! `status` attribute on the host element.

use crate::model::summary::CallSummary;
use crate::model::{error_text, StatusSummary};
use crate::view::WidgetEvent;
use crate::wire::BatchStatus;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// A plain JS object from key/value pairs; absent values become `null`.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

fn text(value: &Option<String>) -> JsValue {
    value.as_deref().map_or(JsValue::NULL, JsValue::from_str)
}

fn number(value: Option<f64>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_f64)
}

#[wasm_bindgen]
extern "C" {
    /// Makes the `recentCalls` array in JS (`event_calls.js`, appended to the
    /// glue): every text of the calls in one string, and six numbers per call.
    #[wasm_bindgen(js_name = buildCalls)]
    fn build_calls(text: &str, numbers: &[f64]) -> JsValue;
}

/// The recent calls of an event detail, as `buildCalls` reads them: per call
/// the UTF-16 lengths of its texts within one string (-1 for none), then its
/// two times (NaN for none).
fn calls_to_js(calls: impl Iterator<Item = CallSummary>) -> JsValue {
    let mut text = String::new();
    let mut numbers = Vec::with_capacity(calls.size_hint().0 * 6);
    for call in calls {
        let texts = [
            call.job_id.as_deref(),
            Some(call.status.as_str()),
            call.phone_number.as_deref(),
            call.error.as_deref(),
        ];
        for part in texts {
            numbers.push(part.map_or(-1.0, |part| {
                text.push_str(part);
                part.encode_utf16().count() as f64
            }));
        }
        numbers.push(call.ended_at.unwrap_or(f64::NAN));
        numbers.push(call.duration.unwrap_or(f64::NAN));
    }
    build_calls(&text, &numbers)
}

/// The event detail for a status, with the names the README documents.
fn summary_to_js(status: &BatchStatus, eta_ms: Option<f64>, mask_phones: bool) -> JsValue {
    let s = &StatusSummary::new(status, eta_ms);
    let count = |n: u64| JsValue::from_f64(n as f64);
    object(&[
        ("batchId", text(&s.batch_id)),
        ("status", JsValue::from_str(&s.status)),
        ("statusText", text(&s.status_text)),
        ("isComplete", JsValue::from_bool(s.is_complete)),
        ("countsKnown", JsValue::from_bool(s.counts_known)),
        ("total", count(s.total)),
        ("waiting", count(s.waiting)),
        ("active", count(s.active)),
        ("completed", count(s.completed)),
        ("failed", count(s.failed)),
        ("percentFinished", JsValue::from_f64(s.percent_finished)),
        ("startTime", number(s.start_time)),
        ("completedTime", number(s.completed_time)),
        ("averageCallDuration", number(s.average_call_duration)),
        ("etaMs", number(s.eta_ms)),
        ("ratePerMinute", number(s.rate_per_minute)),
        ("successRate", number(s.success_rate)),
        (
            "recentCalls",
            calls_to_js(CallSummary::newest(status, mask_phones)),
        ),
    ])
}

fn dispatch(host: &Element, name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// The detail of `batch-error`: kind, HTTP status, the widget's own words (with
/// the server's, already scrubbed of the key: see `model::mask::scrub`), and
/// whether polling stopped.
fn error_detail(kind: &str, status: Option<u16>, message: String, stopped: bool) -> JsValue {
    object(&[
        ("kind", kind.into()),
        ("status", status.map_or(JsValue::NULL, JsValue::from)),
        ("message", message.into()),
        ("final", stopped.into()),
    ])
}

/// Sends `event` to the host page on `host`.
pub fn announce(
    host: &Element,
    event: &WidgetEvent,
    batch_id: &str,
    workspace_id: &str,
    mask_phones: bool,
) {
    match event {
        WidgetEvent::Update { status, eta_ms } => {
            let _ = host.set_attribute("status", status.state.key());
            dispatch(
                host,
                "batch-update",
                &summary_to_js(status, *eta_ms, mask_phones),
            );
        }
        WidgetEvent::Complete { status } => {
            dispatch(
                host,
                "batch-complete",
                &summary_to_js(status, None, mask_phones),
            );
        }
        WidgetEvent::Error(error) => {
            let text = error_text(error, batch_id, workspace_id);
            let message = format!("{} {}", text.title, text.detail);
            let detail = error_detail(error.kind(), error.http_status(), message, error.is_fatal());
            dispatch(host, "batch-error", &detail);
        }
        WidgetEvent::Settings(problem) => {
            let detail = error_detail("settings", None, problem.to_string(), true);
            dispatch(host, "batch-error", &detail);
        }
        // Handled by the mount: it concerns the entry script, not the page.
        WidgetEvent::Place(..) => {}
    }
}
