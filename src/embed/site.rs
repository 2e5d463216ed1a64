//! The static site's page: the form in `index.html`, and the `<batch-status>`
//! element it configures. Settings come from the URL query (`batch`, `workspace`,
//! `base`, `interval`); the API key is typed into a password field, kept in
//! memory only, and never written to the URL.
//!
//! Plain DOM code rather than a Yew component: the form is static HTML, and the
//! widget's wasm (which every embedding page downloads) stays smaller.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, UrlSearchParams};

/// The form's fields: query name, input id.
const FIELDS: [(&str, &str); 4] = [
    ("batch", "field-batch"),
    ("workspace", "field-workspace"),
    ("base", "field-base"),
    ("interval", "field-interval"),
];
const KEY_FIELD: &str = "field-key";

fn input(document: &Document, id: &str) -> Option<HtmlInputElement> {
    document.get_element_by_id(id)?.dyn_into().ok()
}

fn value(document: &Document, id: &str) -> String {
    input(document, id)
        .map(|i| i.value().trim().to_owned())
        .unwrap_or_default()
}

/// Fills the form from the query; on a loopback host with no query (`make demo`),
/// with the simulated demo batch, whose API accepts any key.
fn fill_form(document: &Document) {
    let location = gloo_utils::window().location();
    let query = location.search().unwrap_or_default();
    let host = location.hostname().unwrap_or_default();
    let demo = query.len() <= 1 && matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
    let params = UrlSearchParams::new_with_str(&query).ok();
    let origin = location.origin().unwrap_or_default();
    for (name, id) in FIELDS {
        let text = if demo {
            match name {
                "batch" => "demo".to_owned(),
                "workspace" => "ws_demo".to_owned(),
                "base" => origin.clone(),
                _ => "2".to_owned(),
            }
        } else {
            params
                .as_ref()
                .and_then(|p| p.get(name))
                .unwrap_or_default()
        };
        if let Some(field) = input(document, id) {
            field.set_value(&text);
        }
    }
    if let (true, Some(key)) = (demo, input(document, KEY_FIELD)) {
        key.set_value("demo-key");
    }
}

/// Puts everything but the key in the URL, so the page can be bookmarked.
fn write_query(document: &Document) {
    let Ok(params) = UrlSearchParams::new() else {
        return;
    };
    for (name, id) in FIELDS {
        let text = value(document, id);
        if !text.is_empty() {
            params.append(name, &text);
        }
    }
    let url = format!("?{}", String::from(params.to_string()));
    if let Ok(history) = gloo_utils::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Shows the widget for what the form holds, or a hint while something is missing.
///
/// It starts when batch and workspace are set and either a key was typed or the
/// base is a root-relative path: a same-origin proxy that adds the key itself.
fn show(document: &Document, slot: &Element) {
    let [batch, workspace, base, interval] = FIELDS.map(|(_, id)| value(document, id));
    let key = value(document, KEY_FIELD);
    let keyless_proxy = crate::config::is_same_origin_path(&base);
    slot.set_inner_html("");
    if batch.is_empty() || workspace.is_empty() || (key.is_empty() && !keyless_proxy) {
        if let Ok(hint) = document.create_element("p") {
            hint.set_class_name("site-empty");
            hint.set_text_content(Some(
                "Enter a batch, its workspace and an API key to watch its progress.",
            ));
            let _ = slot.append_child(&hint);
        }
        return;
    }
    let Ok(widget) = document.create_element("batch-status") else {
        return;
    };
    for (attribute, text) in [
        ("batch-id", &batch),
        ("workspace-id", &workspace),
        ("api-base", &base),
        ("interval", &interval),
    ] {
        if !text.is_empty() {
            let _ = widget.set_attribute(attribute, text);
        }
    }
    // A property, never an attribute: DOM snapshots record attributes.
    let _ = js_sys::Reflect::set(&widget, &"apiKey".into(), &key.into());
    let _ = slot.append_child(&widget);
}

/// Wires up the site page: fills the form, shows the widget, and restarts it with
/// the form's values on each submit. Called by the site's `site.js`.
#[wasm_bindgen(js_name = mountSite)]
pub fn mount_site(form: Element, slot: Element) {
    let document = gloo_utils::document();
    fill_form(&document);
    show(&document, &slot);
    let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let document = gloo_utils::document();
        write_query(&document);
        show(&document, &slot);
    });
    let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    // The form lives as long as the page, and so does its listener.
    on_submit.forget();
}
