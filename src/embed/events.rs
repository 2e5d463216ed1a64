//! Telling the host page what happened: bubbling, composed `CustomEvent`s and the
//! `status` attribute on the host element.

use crate::controller::PollError;
use crate::model::{error_text, StatusSummary};
use crate::view::WidgetEvent;
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

fn to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
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

/// The detail of `batch-error`: kind, HTTP status and the widget's own words.
/// Built from the error alone, so the key cannot be in it.
fn error_detail(error: &PollError, batch_id: &str, workspace_id: &str) -> JsValue {
    let text = error_text(error, batch_id, workspace_id);
    let detail = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&detail, &key.into(), &value);
    };
    set("kind", error.kind().into());
    set(
        "status",
        error.http_status().map_or(JsValue::NULL, |s| s.into()),
    );
    set("message", format!("{} {}", text.title, text.detail).into());
    set("final", error.is_fatal().into());
    detail.into()
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
                &to_js(&StatusSummary::new(status, *eta_ms, mask_phones)),
            );
        }
        WidgetEvent::Complete { status } => {
            dispatch(
                host,
                "batch-complete",
                &to_js(&StatusSummary::new(status, None, mask_phones)),
            );
        }
        WidgetEvent::Error(error) => {
            dispatch(
                host,
                "batch-error",
                &error_detail(error, batch_id, workspace_id),
            );
        }
    }
}
