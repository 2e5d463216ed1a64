//! The static site's page: the form in `index.html`, and the `<batch-status>`
//! element it configures. Settings come from the URL query (`batch`, `workspace`,
//! `base`, `interval`); the API key is typed into a password field, kept in
//! memory only, and never written to the URL.
//!
//! A link decides `base`, so a link could send a typed key anywhere. The page
//! takes a key only for a destination the deployment allows (its
//! `<meta name="batch-status-api-origins">`, this page's own origin, or a
//! root-relative path), and shows that destination beside the key field.
//!
//! Plain DOM code rather than a Yew component: the form is static HTML. It is a
//! wasm of its own, loaded by the site's `site.js` only, so the widget's wasm
//! (which every embedding page downloads) carries none of it.
#![cfg(target_arch = "wasm32")]

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
/// The label around the key field: hidden while the destination is refused.
const KEY_LABEL: &str = "key-label";
/// Where the key would be sent, shown beside the key field.
const KEY_DESTINATION: &str = "key-destination";

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn the_document() -> Document {
    window().document().expect("a document")
}

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
    let location = window().location();
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
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The API base the form names, or the widget's default when it names none.
fn destination(document: &Document) -> String {
    let base = value(document, "field-base");
    if base.is_empty() {
        batch_status_widget::config::DEFAULT_API_BASE.to_owned()
    } else {
        base
    }
}

/// Whether a key may be sent to the form's base. Shows where it would go beside
/// the key field, or hides the field when it may not go there at all.
fn check_destination(document: &Document) -> bool {
    let base = destination(document);
    let page_origin = window().location().origin().unwrap_or_default();
    let setting = document
        .query_selector("meta[name=batch-status-api-origins]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"));
    let allowed = batch_status_widget::config::allowed_origins(setting.as_deref());
    let ok = batch_status_widget::config::is_allowed_destination(&base, &page_origin, &allowed);
    let shown = batch_status_widget::config::origin_of(&base).unwrap_or(page_origin);
    if let Some(hint) = document.get_element_by_id(KEY_DESTINATION) {
        hint.set_text_content(Some(&format!("Sent only to {shown}")));
    }
    if let Some(label) = document.get_element_by_id(KEY_LABEL) {
        let _ = label.toggle_attribute_with_force("hidden", !ok);
    }
    if !ok {
        if let Some(key) = input(document, KEY_FIELD) {
            key.set_value("");
        }
    }
    ok
}

/// Shows the widget for what the form holds, or a hint while something is missing.
///
/// It starts when batch and workspace are set and either a key was typed or the
/// base is a root-relative path: a same-origin proxy that adds the key itself.
fn show(document: &Document, slot: &Element) {
    let [batch, workspace, base, interval] = FIELDS.map(|(_, id)| value(document, id));
    let allowed = check_destination(document);
    let key = value(document, KEY_FIELD);
    let keyless_proxy = batch_status_widget::config::is_same_origin_path(&base);
    slot.set_inner_html("");
    if !allowed {
        say(document, slot, &format!(
            "This page does not send API keys to {}. Open it from a link that names an API this deployment allows.",
            batch_status_widget::config::origin_of(&base).unwrap_or(base),
        ));
        return;
    }
    if batch.is_empty() || workspace.is_empty() || (key.is_empty() && !keyless_proxy) {
        say(
            document,
            slot,
            "Enter a batch, its workspace and an API key to watch its progress.",
        );
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

/// Puts one line of text in the widget's slot.
fn say(document: &Document, slot: &Element, text: &str) {
    if let Ok(hint) = document.create_element("p") {
        hint.set_class_name("site-empty");
        hint.set_text_content(Some(text));
        let _ = slot.append_child(&hint);
    }
}

/// Wires up the site page: fills the form, shows the widget, and restarts it with
/// the form's values on each submit. Called by the site's `site.js`.
#[wasm_bindgen(js_name = mountSite)]
pub fn mount_site(form: Element, slot: Element) {
    let document = the_document();
    fill_form(&document);
    show(&document, &slot);
    let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let document = the_document();
        write_query(&document);
        show(&document, &slot);
    });
    let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    // The form lives as long as the page, and so do its listeners.
    on_submit.forget();
    // The destination beside the key field follows the base as it is typed.
    let on_input = Closure::<dyn FnMut()>::new(|| {
        check_destination(&the_document());
    });
    if let Some(base) = input(&document, "field-base") {
        let _ = base.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
    }
    on_input.forget();
}
