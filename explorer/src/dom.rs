//! A few DOM helpers: elements are made with text only, never HTML, so no
//! server string can become markup.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event};

/// Makes `<tag class=…>` with `text` in it (none when empty).
pub fn element(document: &Document, tag: &str, class: &str, text: &str) -> Element {
    let node = document
        .create_element(tag)
        .unwrap_or_else(|_| wasm_bindgen::throw_str("createElement"));
    if !class.is_empty() {
        node.set_class_name(class);
    }
    if !text.is_empty() {
        node.set_text_content(Some(text));
    }
    node
}

/// Makes a `<button type=button>`.
#[cfg(any(feature = "explorer", feature = "cancel"))]
pub fn button(document: &Document, class: &str, text: &str) -> web_sys::HtmlElement {
    let node = element(document, "button", class, text);
    let _ = node.set_attribute("type", "button");
    node.unchecked_into()
}

/// Sets or removes a boolean attribute.
#[cfg(feature = "explorer")]
pub fn toggle_attribute(node: &Element, name: &str, on: bool) {
    let _ = if on {
        node.set_attribute(name, "")
    } else {
        node.remove_attribute(name)
    };
}

/// Sets an attribute, ignoring failure (names here are all valid).
pub fn set(node: &Element, name: &str, value: &str) {
    let _ = node.set_attribute(name, value);
}

/// Sets each `(name, value)` attribute.
#[cfg(feature = "chart")]
pub fn set_all(node: &Element, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        set(node, name, value);
    }
}

/// Listeners the explorer put on its own elements: kept alive while it lives,
/// and dropped with it (its elements are removed first, so none can fire).
#[derive(Default)]
pub struct Listeners(Vec<Closure<dyn FnMut(Event)>>);

impl Listeners {
    /// Calls `handler` on each `kind` event on `node`.
    pub fn on(&mut self, node: &Element, kind: &str, handler: impl FnMut(Event) + 'static) {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = node.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        self.0.push(callback);
    }
}

/// A listener on an element this code does not own (the widget's host): it
/// outlives nothing, since dropping it takes it off the element again.
#[cfg(feature = "chart")]
pub struct ForeignListener {
    node: Element,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

#[cfg(feature = "chart")]
impl ForeignListener {
    /// Calls `handler` on each `kind` event on `node`, until dropped.
    pub fn on(node: &Element, kind: &'static str, handler: impl FnMut(Event) + 'static) -> Self {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = node.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        ForeignListener {
            node: node.clone(),
            kind,
            callback,
        }
    }
}

#[cfg(feature = "chart")]
impl Drop for ForeignListener {
    fn drop(&mut self) {
        let _ = self
            .node
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
