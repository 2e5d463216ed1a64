//! One request to the API with its timeout: dropping it aborts the fetch and
//! cancels the timer, and its callback runs at most once.

use batch_status_widget::config::{ApiKey, Settings};
use batch_status_widget::controller::fetch::{fetch_json, request_init};
use batch_status_widget::model::PollError;
#[cfg(feature = "explorer")]
use batch_status_widget::wire::CallsPage;
use batch_status_widget::wire::{CallFilter, Json};
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::AbortController;

/// What a page request gives back.
#[cfg(feature = "explorer")]
pub type PageResult = Result<CallsPage, PollError>;

/// What any request gives back: the scrubbed JSON body, or why not.
pub type Answer = Result<Json, PollError>;

/// Whoever waits for an answer: told once, by the answer or by the timeout.
type Waiter = Rc<Cell<Option<Box<dyn FnOnce(Answer)>>>>;

/// A request under way. Drop it to abandon it.
pub struct Request {
    abort: AbortController,
    _timeout: Timeout,
}

impl Drop for Request {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// What to send.
pub enum Ask {
    /// GET page `page` of `filter`, `limit` calls a page.
    Page(CallFilter, u64, u64),
    /// The one DELETE that cancels the batch.
    #[cfg(feature = "cancel")]
    Cancel,
}

/// Sends `ask`; `done` gets the answer, or [`PollError::Timeout`] after
/// `timeout_ms`. `None` if the browser cannot make an `AbortController`.
pub fn request(
    settings: &Settings,
    key: &ApiKey,
    ask: Ask,
    timeout_ms: f64,
    done: Box<dyn FnOnce(Answer)>,
) -> Option<Request> {
    let abort = AbortController::new().ok()?;
    let signal = abort.signal();
    let (url, init) = match ask {
        Ask::Page(filter, page, limit) => (
            settings.calls_url(filter, page, limit),
            request_init(settings, key, &signal),
        ),
        #[cfg(feature = "cancel")]
        Ask::Cancel => (
            settings.status_url(),
            batch_status_widget::controller::fetch::cancel_init(settings, key, &signal),
        ),
    };
    let done: Waiter = Rc::new(Cell::new(Some(done)));
    let on_timeout = done.clone();
    let timeout = Timeout::new(timeout_ms.max(0.0) as u32, move || {
        if let Some(done) = on_timeout.take() {
            done(Err(PollError::Timeout {
                after_ms: timeout_ms,
            }));
        }
    });
    let key = key.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = fetch_json(&url, init, &key).await;
        // Nothing to tell once it timed out or was abandoned.
        if signal.aborted() {
            return;
        }
        if let Some(done) = done.take() {
            done(answer);
        }
    });
    Some(Request {
        abort,
        _timeout: timeout,
    })
}

#[cfg(feature = "explorer")]
/// Asks for page `page` of `filter` at `limit` a page; `done` gets the page or
/// the error, [`PollError::Timeout`] after `timeout_ms`.
pub fn request_page(
    settings: &Settings,
    key: &ApiKey,
    filter: CallFilter,
    page: u64,
    limit: u64,
    timeout_ms: f64,
    done: impl FnOnce(PageResult) + 'static,
) -> Option<Request> {
    let parse =
        move |answer: Answer| {
            done(answer.and_then(|body| {
                CallsPage::from_json(&body, page, limit).ok_or(PollError::Malformed)
            }))
        };
    request(
        settings,
        key,
        Ask::Page(filter, page, limit),
        timeout_ms,
        Box::new(parse),
    )
}
