//! The live widget: owns the polling loop (fetch, timers, visibility) and hands
//! what it knows to [`batch_view`] to draw.
//!
//! Everything it starts is owned by a field: dropping the component drops the
//! timers and the visibility listener, and `destroy` aborts the fetch in flight.
//! The visibility listener also hangs on the instance's lifeline (see
//! [`super::lifeline`]), so a crashed instance leaves nothing on the document.

use super::batch_view::{batch_view, BatchViewProps, Polling};
use super::intl::Intl;
use super::lifeline::DocumentListener;
use crate::config::{ApiKey, Settings};
use crate::controller::fetch::fetch_status;
use crate::controller::{Next, PollError, Schedule};
use crate::model::{clock_face, ClockTimes, EtaEstimator};
use crate::wire::BatchStatus;
use gloo_timers::callback::{Interval, Timeout};
use std::rc::Rc;
use web_sys::{AbortController, VisibilityState};
use yew::prelude::*;

/// What the widget tells its host page about.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetEvent {
    /// New data arrived.
    Update {
        /// The parsed status.
        status: Rc<BatchStatus>,
        /// The estimate of milliseconds left, when shown.
        eta_ms: Option<f64>,
    },
    /// The batch reached a final state; sent once per batch.
    Complete {
        /// The final status.
        status: Rc<BatchStatus>,
    },
    /// A poll failed.
    Error(Rc<PollError>),
}

/// Properties of [`Widget`].
#[derive(Properties, PartialEq, Clone)]
pub struct WidgetProps {
    /// What to watch and how.
    pub settings: Rc<Settings>,
    /// The API key; empty sends no key header.
    #[prop_or_default]
    pub api_key: ApiKey,
    /// Stops polling while true (`pause()` / `resume()`).
    #[prop_or_default]
    pub paused: bool,
    /// Each change polls at once (`refresh()`).
    #[prop_or_default]
    pub refresh_token: u32,
    /// Receives updates, completion and errors.
    #[prop_or_default]
    pub on_event: Callback<WidgetEvent>,
}

/// Messages of [`Widget`].
pub enum Msg {
    /// Time to poll (first poll, timer, refresh, page visible again).
    Poll,
    /// A poll of the given generation ended.
    Done(u32, Box<Result<BatchStatus, PollError>>),
    /// The request of the given generation ran out of time.
    TimedOut(u32),
    /// The page was hidden or shown.
    VisibilityChanged,
    /// One second passed: relative times and countdowns move on.
    Tick,
    /// The person asked for fresh data: poll now, even after a final error or
    /// while paused.
    Refresh,
}

/// A request under way: its generation, the means to abort it, and its timeout.
struct InFlight {
    generation: u32,
    abort: AbortController,
    _timeout: Timeout,
}

/// The polling widget component.
pub struct Widget {
    intl: Rc<Intl>,
    status: Option<Rc<BatchStatus>>,
    received_at: Option<f64>,
    eta: EtaEstimator,
    /// When the batch should finish, epoch ms: estimated once per answer.
    eta_at: Option<f64>,
    error: Option<Rc<PollError>>,
    failures: u32,
    /// `batch-complete` went out for this batch already.
    complete_sent: bool,
    /// Polling ended for good: the batch finished, or an error that retrying
    /// cannot fix.
    stopped: bool,
    next_poll: Option<Timeout>,
    next_poll_at: Option<f64>,
    in_flight: Option<InFlight>,
    generation: u32,
    /// A poll came due while paused or hidden: make it on resume.
    due_on_resume: bool,
    now: f64,
    clock: Option<Interval>,
    visibility: Option<DocumentListener>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn page_hidden() -> bool {
    gloo_utils::document().visibility_state() == VisibilityState::Hidden
}

impl Widget {
    fn schedule(&self, ctx: &Context<Self>) -> Schedule {
        Schedule {
            interval_ms: ctx.props().settings.interval_ms,
        }
    }

    fn halted(&self, ctx: &Context<Self>) -> bool {
        ctx.props().paused || page_hidden()
    }

    /// Forgets everything about the previous batch and polls the new one.
    fn restart(&mut self, ctx: &Context<Self>) {
        self.cancel_request();
        self.next_poll = None;
        self.next_poll_at = None;
        self.status = None;
        self.received_at = None;
        self.eta = EtaEstimator::default();
        self.eta_at = None;
        self.error = None;
        self.failures = 0;
        self.stopped = false;
        self.complete_sent = false;
        self.due_on_resume = false;
        if ctx.props().settings.validate().is_ok() {
            ctx.link().send_message(Msg::Poll);
        }
    }

    /// Whether `generation` is the request in flight: older answers are ignored.
    fn is_current(&self, generation: u32) -> bool {
        self.in_flight
            .as_ref()
            .is_some_and(|r| r.generation == generation)
    }

    fn cancel_request(&mut self) {
        if let Some(request) = self.in_flight.take() {
            request.abort.abort();
        }
        // Any answer still on its way belongs to an older generation now.
        self.generation = self.generation.wrapping_add(1);
    }

    fn start_poll(&mut self, ctx: &Context<Self>, forced: bool) {
        if self.in_flight.is_some() || ctx.props().settings.validate().is_err() {
            return;
        }
        if self.halted(ctx) && !forced {
            self.due_on_resume = true;
            return;
        }
        self.next_poll = None;
        self.next_poll_at = None;
        self.due_on_resume = false;
        let Ok(abort) = AbortController::new() else {
            return;
        };
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let props = ctx.props();
        let timeout_link = ctx.link().clone();
        let timeout = Timeout::new(props.settings.timeout_ms as u32, move || {
            timeout_link.send_message(Msg::TimedOut(generation));
        });
        let (settings, api_key, signal) = (
            props.settings.clone(),
            props.api_key.clone(),
            abort.signal(),
        );
        ctx.link().send_future(async move {
            let result = fetch_status(&settings, &api_key, &signal, now_ms()).await;
            Msg::Done(generation, Box::new(result))
        });
        self.in_flight = Some(InFlight {
            generation,
            abort,
            _timeout: timeout,
        });
    }

    fn finish_poll(&mut self, ctx: &Context<Self>, result: Result<BatchStatus, PollError>) {
        self.in_flight = None;
        self.now = now_ms();
        let props = ctx.props();
        let next = match result {
            Ok(status) => {
                #[cfg(feature = "fault-injection")]
                super::fault::panic_if_triggered(&status);
                self.eta.observe(&status, self.now);
                let status = Rc::new(status);
                let eta_ms = self.eta.remaining_ms(&status);
                self.eta_at = eta_ms.map(|ms| self.now + ms);
                self.status = Some(status.clone());
                self.received_at = Some(self.now);
                self.error = None;
                self.failures = 0;
                props.on_event.emit(WidgetEvent::Update {
                    status: status.clone(),
                    eta_ms,
                });
                let next = self.schedule(ctx).after_success(&status);
                if next == Next::Stop && !self.complete_sent {
                    self.complete_sent = true;
                    props.on_event.emit(WidgetEvent::Complete { status });
                }
                next
            }
            Err(error) => {
                self.failures = self.failures.saturating_add(1);
                let next =
                    self.schedule(ctx)
                        .after_error(&error, self.failures, js_sys::Math::random());
                let error = Rc::new(error);
                self.error = Some(error.clone());
                props.on_event.emit(WidgetEvent::Error(error));
                next
            }
        };
        match next {
            Next::Stop => self.stopped = true,
            Next::PollIn(delay_ms) => self.poll_later(ctx, delay_ms),
        }
        self.update_clock(ctx);
    }

    fn poll_later(&mut self, ctx: &Context<Self>, delay_ms: f64) {
        if self.halted(ctx) {
            self.due_on_resume = true;
            return;
        }
        let link = ctx.link().clone();
        self.next_poll_at = Some(self.now + delay_ms);
        self.next_poll = Some(Timeout::new(delay_ms as u32, move || {
            link.send_message(Msg::Poll)
        }));
    }

    /// The spans the card shows at `self.now`: a tick that leaves them as they
    /// were does not redraw.
    fn clock_face(&self) -> [Option<String>; 4] {
        // A finished batch shows a fixed elapsed time, but by then polling has
        // stopped and with it the tick: no need to tell the two apart here.
        let times = ClockTimes {
            started_at: self.status.as_ref().and_then(|s| s.start_time),
            eta_at: self.eta_at,
            received_at: self.received_at,
            retry_at: self.next_poll_at,
        };
        clock_face(&times, self.now)
    }

    /// Ticks once a second only while something on screen depends on the time.
    fn update_clock(&mut self, ctx: &Context<Self>) {
        let needed = !self.stopped && !self.halted(ctx);
        if needed && self.clock.is_none() {
            let link = ctx.link().clone();
            self.clock = Some(Interval::new(1_000, move || link.send_message(Msg::Tick)));
        } else if !needed {
            self.clock = None;
        }
    }

    fn refresh(&mut self, ctx: &Context<Self>) {
        if ctx.props().settings.validate().is_err() {
            return;
        }
        // A manual refresh also retries after a final error.
        self.stopped = false;
        self.cancel_request();
        self.start_poll(ctx, true);
    }

    fn pause_or_resume(&mut self, ctx: &Context<Self>) {
        if self.halted(ctx) {
            if self.next_poll.take().is_some() {
                self.due_on_resume = true;
            }
            self.next_poll_at = None;
        } else if self.due_on_resume && !self.stopped {
            self.start_poll(ctx, false);
        }
        self.update_clock(ctx);
    }
}

impl Component for Widget {
    type Message = Msg;
    type Properties = WidgetProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let visibility = DocumentListener::new("visibilitychange", move |_| {
            link.send_message(Msg::VisibilityChanged)
        });
        let mut widget = Widget {
            intl: Intl::new(ctx.props().settings.locale.as_deref()),
            status: None,
            received_at: None,
            eta: EtaEstimator::default(),
            eta_at: None,
            error: None,
            failures: 0,
            stopped: false,
            complete_sent: false,
            next_poll: None,
            next_poll_at: None,
            in_flight: None,
            generation: 0,
            due_on_resume: false,
            now: now_ms(),
            clock: None,
            visibility: Some(visibility),
        };
        widget.restart(ctx);
        widget
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        // What the card's clock texts read before the clock moves on.
        let shown = matches!(msg, Msg::Tick).then(|| self.clock_face());
        self.now = now_ms();
        match msg {
            Msg::Poll => {
                self.start_poll(ctx, false);
                true
            }
            Msg::Refresh => {
                self.refresh(ctx);
                true
            }
            Msg::Done(generation, result) => {
                if self.is_current(generation) {
                    self.finish_poll(ctx, *result);
                }
                true
            }
            Msg::TimedOut(generation) => {
                if self.is_current(generation) {
                    let after_ms = ctx.props().settings.timeout_ms;
                    self.cancel_request();
                    self.finish_poll(ctx, Err(PollError::Timeout { after_ms }));
                }
                true
            }
            Msg::VisibilityChanged => {
                self.pause_or_resume(ctx);
                true
            }
            Msg::Tick => shown.is_some_and(|shown| shown != self.clock_face()),
        }
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &Self::Properties) -> bool {
        let new = ctx.props();
        let (a, b) = (&old.settings, &new.settings);
        if a.locale != b.locale {
            self.intl = Intl::new(b.locale.as_deref());
        }
        let same_source = a.batch_id == b.batch_id
            && a.workspace_id == b.workspace_id
            && a.api_base == b.api_base
            && a.api_path == b.api_path
            && old.api_key == new.api_key;
        if !same_source {
            self.restart(ctx);
        } else if a.interval_ms != b.interval_ms && self.next_poll.is_some() {
            // Apply a new interval at once rather than after the old one runs out.
            self.next_poll = None;
            self.poll_later(ctx, b.interval_ms);
        }
        if old.refresh_token != new.refresh_token {
            self.refresh(ctx);
        }
        if old.paused != new.paused {
            self.pause_or_resume(ctx);
        }
        self.now = now_ms();
        self.update_clock(ctx);
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let polling = if self.in_flight.is_some() && self.status.is_none() && self.error.is_none() {
            Polling::Loading
        } else if self.stopped {
            Polling::Stopped
        } else if self.halted(ctx) {
            Polling::Paused
        } else {
            Polling::Live
        };
        let link = ctx.link().clone();
        batch_view(&BatchViewProps {
            settings: props.settings.clone(),
            intl: self.intl.clone(),
            status: self.status.clone(),
            received_at: self.received_at,
            now: self.now,
            eta_at: self.eta_at,
            error: self.error.clone(),
            retry_at: if self.error.is_some() {
                self.next_poll_at
            } else {
                None
            },
            polling,
            busy: self.in_flight.is_some(),
            on_refresh: Callback::from(move |_| link.send_message(Msg::Refresh)),
        })
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.cancel_request();
        self.next_poll = None;
        self.clock = None;
        self.visibility = None;
    }
}
