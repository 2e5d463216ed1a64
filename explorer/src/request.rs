//! One request for a page of calls, with its timeout: dropping it aborts the
//! fetch and cancels the timer, and its callback runs at most once.

use batch_status_widget::config::{ApiKey, Settings};
use batch_status_widget::controller::fetch::fetch_json;
use batch_status_widget::model::PollError;
use batch_status_widget::wire::{CallFilter, CallsPage};
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::AbortController;

/// What a page request gives back.
pub type PageResult = Result<CallsPage, PollError>;

/// Whoever waits for a page: told once, by the answer or by the timeout.
type Waiter = Rc<Cell<Option<Box<dyn FnOnce(PageResult)>>>>;

/// A page request under way. Drop it to abandon it.
pub struct PageRequest {
    abort: AbortController,
    _timeout: Timeout,
}

impl Drop for PageRequest {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Asks for page `page` of `filter` at `limit` a page; `done` gets the page, or
/// the error, or [`PollError::Timeout`] after `timeout_ms`. `None` if the
/// browser cannot make an `AbortController`.
pub fn request_page(
    settings: &Settings,
    key: &ApiKey,
    filter: CallFilter,
    page: u64,
    limit: u64,
    timeout_ms: f64,
    done: impl FnOnce(PageResult) + 'static,
) -> Option<PageRequest> {
    let abort = AbortController::new().ok()?;
    let done: Waiter = Rc::new(Cell::new(Some(Box::new(done))));
    let on_timeout = done.clone();
    let timeout = Timeout::new(timeout_ms.max(0.0) as u32, move || {
        if let Some(done) = on_timeout.take() {
            done(Err(PollError::Timeout {
                after_ms: timeout_ms,
            }));
        }
    });
    let (url, settings, key, signal) = (
        settings.calls_url(filter, page, limit),
        settings.clone(),
        key.clone(),
        abort.signal(),
    );
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_json(&url, &settings, &key, &signal)
            .await
            .and_then(|body| CallsPage::from_json(&body, page, limit).ok_or(PollError::Malformed));
        // Nothing to tell once it timed out or was abandoned.
        if signal.aborted() {
            return;
        }
        if let Some(done) = done.take() {
            done(result);
        }
    });
    Some(PageRequest {
        abort,
        _timeout: timeout,
    })
}
