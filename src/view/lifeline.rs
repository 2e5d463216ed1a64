//! Listeners on the document that the embedding shell can cut from outside.
//!
//! Each widget runs in its own wasm instance. Should that instance crash, none of
//! its code may run again, so nothing in it could remove its listeners; instead the
//! shell hands the instance an `AbortSignal` (its lifeline) and every document
//! listener is registered with it: aborting the signal makes the browser drop them.

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, AddEventListenerOptions, Event};

thread_local! {
    static LIFELINE: RefCell<Option<AbortSignal>> = const { RefCell::new(None) };
}

/// Registers every later document listener of this instance with `signal`.
pub fn set(signal: AbortSignal) {
    LIFELINE.with(|lifeline| *lifeline.borrow_mut() = Some(signal));
}

/// This instance's lifeline, if the shell gave it one.
pub fn signal() -> Option<AbortSignal> {
    LIFELINE.with(|lifeline| lifeline.borrow().clone())
}

/// A listener on the document. Removed when dropped, or when the lifeline is cut.
pub struct DocumentListener {
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl DocumentListener {
    /// Calls `handler` on every `kind` event the document receives.
    pub fn new(kind: &'static str, handler: impl FnMut(Event) + 'static) -> Self {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        let options = AddEventListenerOptions::new();
        LIFELINE.with(|lifeline| {
            if let Some(signal) = lifeline.borrow().as_ref() {
                options.set_signal(signal);
            }
        });
        let _ = gloo_utils::document()
            .add_event_listener_with_callback_and_add_event_listener_options(
                kind,
                callback.as_ref().unchecked_ref(),
                &options,
            );
        DocumentListener { kind, callback }
    }
}

impl Drop for DocumentListener {
    fn drop(&mut self) {
        let _ = gloo_utils::document()
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
