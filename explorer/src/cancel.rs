//! The cancel control, with `allow-cancel`: "Cancel batch…" in the card's
//! header, and a native `<dialog>` that names the batch, says what will happen
//! and defaults to "Keep running". Confirming sends exactly one DELETE (the
//! control is disabled while it is in flight, and nothing retries it), after a
//! cancelable `batch-cancel-request` on the host; `batch-cancelled` follows a
//! success. What each outcome means is decided in `model::cancel`.
//!
//! The widget draws the place (which the chart shares, after the control) and
//! marks it `is-ended` once the batch cannot be cancelled
//! (`model::cancel::cancellable`); the stylesheet then hides the control, and
//! nothing here needs to follow the batch.

use crate::dom::{button, element, set, Listeners};
use crate::live::with;
use crate::request::{request, Answer, Ask, Request};
use batch_status_widget::config::{ApiKey, Settings};
use batch_status_widget::model::cancel::{consequence, outcome_text, CancelOutcome, ALREADY_ENDED};
use batch_status_widget::view::Intl;
use batch_status_widget::wire::{summary_of, CallFilter, CancelResult, Counts};
use js_sys::{Function, Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, Element, HtmlDialogElement, HtmlElement};

/// One widget's cancel control.
pub struct CancelControl {
    settings: Settings,
    key: ApiKey,
    /// The widget's element, which hears the events.
    host: Element,
    /// The widget's place, shared with the chart.
    place: Element,
    /// This control's own box in it.
    own: Element,
    intl: Rc<Intl>,
    /// Asks the widget to poll at once.
    refresh: Function,
    control: HtmlElement,
    dialog: HtmlDialogElement,
    text: Element,
    outcome: Element,
    /// The counts for the dialog, asked for as it opens.
    counts: Option<Request>,
    /// The DELETE, while it is in flight.
    sending: Option<Request>,
    _listeners: Listeners,
    me: Weak<RefCell<CancelControl>>,
}

impl CancelControl {
    /// Puts the control in `place`, for the batch of the widget on `host`;
    /// `refresh()` makes the widget poll now.
    pub fn open(
        place: &Element,
        host: Element,
        settings: Settings,
        key: ApiKey,
        refresh: Function,
    ) -> Rc<RefCell<CancelControl>> {
        let document = gloo_utils::document();
        Rc::new_cyclic(|me: &Weak<RefCell<CancelControl>>| {
            let mut listeners = Listeners::default();
            let control = button(&document, "bs-cancel-open", "Cancel batch…");
            set(&control, "part", "cancel");
            set(&control, "aria-haspopup", "dialog");
            let dialog = element(&document, "dialog", "bs-dialog", "");
            set(&dialog, "part", "cancel-dialog");
            set(&dialog, "aria-labelledby", "bs-cancel-title");
            set(&dialog, "aria-describedby", "bs-cancel-text");
            let title = element(
                &document,
                "h2",
                "bs-dialog-title",
                &format!("Cancel batch {}?", settings.batch_id),
            );
            set(&title, "id", "bs-cancel-title");
            let text = element(&document, "p", "bs-dialog-text", "");
            set(&text, "id", "bs-cancel-text");
            let keep = button(&document, "", "Keep running");
            set(&keep, "autofocus", "");
            let confirm = button(&document, "bs-dialog-confirm", "Cancel batch");
            let actions = element(&document, "div", "bs-dialog-actions", "");
            let _ = actions.append_with_node_2(&keep, &confirm);
            let _ = dialog.append_with_node_3(&title, &text, &actions);
            let outcome = element(&document, "p", "bs-cancel-outcome", "");
            set(&outcome, "role", "status");
            let own = element(&document, "div", "bs-cancel", "");
            let _ = own.append_with_node_3(&control, &dialog, &outcome);
            // First in the place, whenever it loads: the chart goes after it.
            let _ = place.prepend_with_node_1(&own);
            let dialog: HtmlDialogElement = dialog.unchecked_into();

            let open_me = me.clone();
            listeners.on(&control, "click", move |_| with(&open_me, |c| c.show()));
            let keep_dialog = dialog.clone();
            listeners.on(&keep, "click", move |_| keep_dialog.close());
            let confirm_me = me.clone();
            listeners.on(&confirm, "click", move |_| {
                with(&confirm_me, |c| c.confirm())
            });
            // Escape, or Keep running: the focus goes back to the control.
            let focus_back = control.clone();
            listeners.on(&dialog, "close", move |_| {
                let _ = focus_back.focus();
            });
            RefCell::new(CancelControl {
                intl: Intl::new(settings.locale.as_deref()),
                settings,
                key,
                host,
                place: place.clone(),
                own,
                refresh,
                control,
                dialog,
                text,
                outcome,
                counts: None,
                sending: None,
                _listeners: listeners,
                me: me.clone(),
            })
        })
    }

    /// Whether the batch can still be cancelled, as the widget last drew it.
    fn ended(&self) -> bool {
        self.place.class_list().contains("is-ended")
    }

    /// Opens the dialog and asks for the batch's counts (the `/calls`
    /// summary) to say what a cancel would do. Nothing while the batch has
    /// ended or a DELETE is in flight.
    pub fn show(&mut self) {
        if self.ended() || self.sending.is_some() || self.dialog.open() {
            return;
        }
        self.say(None);
        let me = self.me.clone();
        // One call of the list is enough: only its summary is read.
        self.counts = request(
            &self.settings,
            &self.key,
            Ask::Page(CallFilter::All, 1, 1),
            self.settings.timeout_ms,
            Box::new(move |answer| with(&me, |c| c.say(answer.ok().as_ref().and_then(summary_of)))),
        );
        let _ = self.dialog.show_modal();
    }

    fn say(&self, counts: Option<Counts>) {
        let intl = self.intl.clone();
        self.text
            .set_text_content(Some(&consequence(counts, move |n| intl.count(n))));
    }

    /// Confirmed: the host may stop it; otherwise one DELETE.
    fn confirm(&mut self) {
        self.dialog.close();
        if self.sending.is_some() {
            return;
        }
        if self.ended() {
            self.outcome.set_text_content(Some(ALREADY_ENDED));
            return;
        }
        let detail = Object::new();
        let _ = Reflect::set(
            &detail,
            &"batchId".into(),
            &self.settings.batch_id.as_str().into(),
        );
        if !self.tell("batch-cancel-request", &detail, true) {
            self.outcome
                .set_text_content(Some("The page stopped the cancel: nothing was sent."));
            return;
        }
        let me = self.me.clone();
        self.sending = request(
            &self.settings,
            &self.key,
            Ask::Cancel,
            self.settings.timeout_ms,
            Box::new(move |answer| with(&me, |c| c.answered(answer))),
        );
        if self.sending.is_some() {
            // aria-disabled rather than disabled: the focus the dialog gives
            // back stays on the control.
            set(&self.control, "aria-disabled", "true");
            self.outcome.set_text_content(Some("Cancelling…"));
        }
    }

    fn answered(&mut self, answer: Answer) {
        self.sending = None;
        set(&self.control, "aria-disabled", "false");
        let outcome = CancelOutcome::from_answer(answer);
        let intl = self.intl.clone();
        let (text, refresh) = outcome_text(&outcome, move |n| intl.count(n));
        self.outcome.set_text_content(Some(&text));
        if let CancelOutcome::Done(result) = &outcome {
            let &CancelResult {
                completed,
                failed,
                cancelled,
                total,
                ..
            } = result;
            let detail = Object::new();
            for (key, value) in [
                ("batchId", JsValue::from_str(&self.settings.batch_id)),
                ("cancelledCalls", (cancelled as f64).into()),
                ("completedCalls", (completed as f64).into()),
                ("failedCalls", (failed as f64).into()),
                ("totalCalls", (total as f64).into()),
                ("message", JsValue::from_str(&text)),
            ] {
                let _ = Reflect::set(&detail, &key.into(), &value);
            }
            self.tell("batch-cancelled", &detail, false);
        }
        if refresh {
            let _ = self.refresh.call0(&JsValue::NULL);
        }
    }

    /// Sends `name` with `detail` to the host page; false if it was cancelable
    /// and the page called `preventDefault()`.
    fn tell(&self, name: &str, detail: &Object, cancelable: bool) -> bool {
        let init = Object::new();
        for (key, value) in [
            ("detail", detail.into()),
            ("bubbles", JsValue::TRUE),
            ("composed", JsValue::TRUE),
            ("cancelable", JsValue::from_bool(cancelable)),
        ] {
            let _ = Reflect::set(&init, &key.into(), &value);
        }
        CustomEvent::new_with_event_init_dict(name, init.unchecked_ref())
            .and_then(|event| self.host.dispatch_event(&event))
            .unwrap_or(false)
    }

    /// Removes the control. A DELETE in flight is abandoned (whether it
    /// happened is for the widget's next poll to show).
    pub fn close(&mut self) {
        self.counts = None;
        self.sending = None;
        self.dialog.close();
        self.own.remove();
    }
}
