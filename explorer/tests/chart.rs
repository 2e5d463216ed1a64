//! The throughput chart mounted in headless Chromium (`wasm-bindgen-test`), with
//! a known history put in `sessionStorage` first: its bars' heights and labels,
//! its summary, and the projection a `batch-update` adds.
#![cfg(target_arch = "wasm32")]

use batch_status_explorer::open;
use batch_status_widget::model::throughput::minute_of;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::{CustomEvent, CustomEventInit, Element};

wasm_bindgen_test_configure!(run_in_browser);

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn attribute(node: &Element, name: &str) -> String {
    node.get_attribute(name).unwrap_or_default()
}

/// The height of the rect of `class` in `bar`.
fn height(bar: &Element, class: &str) -> f64 {
    let rect = bar.query_selector(class).unwrap().expect("a rect");
    attribute(&rect, "height").parse().unwrap()
}

/// A `batch-update` on `host` for `batch_id`: `completed` and 5 failed, 110
/// calls left in 10 minutes.
fn poll(host: &Element, batch_id: &str, completed: u32) {
    let init = CustomEventInit::new();
    init.set_detail(&object(&[
        ("batchId", batch_id.into()),
        ("countsKnown", JsValue::TRUE),
        ("completed", completed.into()),
        ("failed", 5.into()),
        ("waiting", 100.into()),
        ("active", 10.into()),
        ("etaMs", 600_000.into()),
        ("recentCalls", js_sys::Array::new().into()),
    ]));
    let event = CustomEvent::new_with_event_init_dict("batch-update", &init).unwrap();
    host.dispatch_event(&event).unwrap();
}

/// Opens a chart for `batch_id` in a new element on the page: the widget's
/// element, the place, and the handle.
fn open_chart(batch_id: &str) -> (Element, Element, batch_status_explorer::ChartHandle) {
    let document = gloo_utils::document();
    let host = document.create_element("div").unwrap();
    let place = document.create_element("div").unwrap();
    host.append_child(&place).unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let options = object(&[
        ("batchId", batch_id.into()),
        ("workspaceId", "ws".into()),
        ("locale", "en-US".into()),
    ]);
    let handle = open(
        place.clone(),
        host.clone(),
        options,
        String::new(),
        Function::new_no_args(""),
    );
    (host, place, handle)
}

#[wasm_bindgen_test]
fn a_known_history_draws_its_bars_summary_and_projection() {
    let document = gloo_utils::document();
    let minute = minute_of(js_sys::Date::now());
    // Three whole minutes: 30, then 60, then 15 completed and 5 failed.
    let stored = format!(
        "v1 chart_test - {}:30:0 {}:60:0 {}:15:5",
        minute - 3,
        minute - 2,
        minute - 1
    );
    let storage = gloo_utils::window().session_storage().unwrap().unwrap();
    storage
        .set_item("batch-status:chart:chart_test", &stored)
        .unwrap();
    let (host, place, mut handle) = open_chart("chart_test");

    let bars = place.query_selector_all(".bs-chart-bar").unwrap();
    assert_eq!(
        bars.length(),
        3,
        "the minute now running had no poll: a gap, not a bar"
    );
    let bar = |i| -> Element { wasm_bindgen::JsCast::unchecked_into(bars.item(i).unwrap()) };
    // The tallest bar (60 a minute) is the top less 15 % headroom.
    let top = 60.0 * 1.15;
    for (i, completed, failed) in [(0, 30.0, 0.0), (1, 60.0, 0.0), (2, 15.0, 5.0)] {
        let expected = |n: f64| (n / top * 1000.0).round();
        assert!(
            height(&bar(i), ".bs-chart-ok") == expected(completed),
            "bar {i}"
        );
        assert!(
            height(&bar(i), ".bs-chart-failed") == expected(failed),
            "bar {i}"
        );
    }
    let label = attribute(&bar(2), "aria-label");
    assert!(
        label.ends_with(": 20 calls finished, 15 completed, 5 failed, 75% succeeded"),
        "{label}"
    );
    assert_eq!(
        attribute(&bar(2), "tabindex"),
        "0",
        "the newest bar is the tab stop"
    );
    assert_eq!(attribute(&bar(0), "tabindex"), "-1");
    let summary = place.query_selector(".bs-chart-summary").unwrap().unwrap();
    assert_eq!(
        summary.text_content().unwrap(),
        "Last 10 min: 37 calls/min, 95% succeeded"
    );
    let svg = place.query_selector("svg").unwrap().unwrap();
    assert_eq!(
        attribute(&svg, "aria-labelledby"),
        attribute(&summary, "id")
    );

    // An update with an estimate: 110 calls left in 10 minutes is 11 a minute.
    let update = |completed| poll(&host, "chart_test", completed);
    update(105);
    let note = place.query_selector(".bs-chart-note").unwrap().unwrap();
    assert!(
        note.text_content()
            .unwrap()
            .starts_with("Dashed: the 110 calls left at 11 a minute, ending ≈ "),
        "{:?}",
        note.text_content()
    );
    assert_eq!(
        place
            .query_selector_all(".bs-chart-projection")
            .unwrap()
            .length(),
        1
    );

    // The next polls grow the bar of the minute now running: the bars already
    // drawn stay the same elements (a focused bar keeps its focus), and only
    // the newest one says something new.
    let drawn = |place: &Element| -> Vec<(Element, String)> {
        let bars = place.query_selector_all(".bs-chart-bar").unwrap();
        (0..bars.length())
            .map(|i| {
                let bar: Element = wasm_bindgen::JsCast::unchecked_into(bars.item(i).unwrap());
                let label = attribute(&bar, "aria-label");
                (bar, label)
            })
            .collect()
    };
    update(112);
    let before = drawn(&place);
    assert_eq!(
        before.len(),
        4,
        "7 calls finished in the minute now running"
    );
    update(120);
    let after = drawn(&place);
    assert_eq!(after.len(), 4);
    for (i, ((old, old_label), (new, new_label))) in before.iter().zip(&after).enumerate() {
        assert!(old == new, "bar {i} is drawn again, not made again");
        assert_eq!(old_label == new_label, i < 3, "bar {i}: {new_label}");
    }
    assert!(
        after[3]
            .1
            .contains(": 15 calls finished, 15 completed, 0 failed"),
        "{}",
        after[3].1
    );

    handle.destroy();
    assert_eq!(
        place.child_element_count(),
        0,
        "destroy() removes the chart"
    );
    storage
        .remove_item("batch-status:chart:chart_test")
        .unwrap();
    host.remove();
}

#[wasm_bindgen_test]
fn the_history_is_kept_under_the_batch_asked_for() {
    // An answer may name its batch otherwise than the widget asked (as the
    // API spells it): a reload asks by the widget's batch id again.
    let storage = gloo_utils::window().session_storage().unwrap().unwrap();
    let key = |id: &str| format!("batch-status:chart:{id}");
    let (host, _, mut handle) = open_chart("asked");
    poll(&host, "answered", 10);
    poll(&host, "answered", 14);
    let kept = storage.get_item(&key("asked")).unwrap().unwrap_or_default();
    assert!(kept.starts_with("v1 answered "), "{kept:?}");
    assert_eq!(storage.get_item(&key("answered")).unwrap(), None);
    handle.destroy();
    host.remove();

    let (host, place, mut handle) = open_chart("asked");
    assert_eq!(
        place.query_selector_all(".bs-chart-bar").unwrap().length(),
        1,
        "the reload draws the minute in which 4 calls finished"
    );
    handle.destroy();
    host.remove();
    storage.remove_item(&key("asked")).unwrap();
}
