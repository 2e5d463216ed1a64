//! The live widget: a thin shell around the pure [`Poller`]. It reports what
//! happens (answers, timers, visibility, the host's calls) and carries out the
//! command that comes back: start a request, set the timer, or do nothing. No
//! rule about when to poll lives here.
//!
//! Everything it starts is owned by a field: dropping the component drops the
//! timers and the visibility listener, and `destroy` aborts the fetch in flight.
//! The visibility listener also hangs on the instance's lifeline (see
//! [`super::lifeline`]), so a crashed instance leaves nothing on the document.

use super::batch_view::{batch_view, fresh_ms, BatchViewProps, ExplorerControl, Polling};
use super::intl::Intl;
use super::lifeline::DocumentListener;
use crate::config::{ApiKey, Settings, SettingsError};
use crate::controller::fetch::{fetch_status, read_status, Answer};
use crate::controller::share::{self, Share, Told};
use crate::controller::{Command, Event, Outcome, Poller, Role, Shared, Wait};
use crate::model::{clock_face, next_change, ClockTimes, EtaEstimator, PollError};
use crate::wire::BatchStatus;
use gloo_timers::callback::Timeout;
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
    /// The settings cannot be used: no request is made until they change.
    Settings(SettingsError),
    /// A place in the card for the parts loaded on first use appeared (`Some`,
    /// to mount them in) or went away (`None`, to stop them): the calls
    /// explorer's ([`Place::Explorer`]), or the one under the progress bar for
    /// the cancel control and the throughput chart ([`Place::Tools`]). Each
    /// part is a wasm of its own that the entry script loads when it is first
    /// needed, so the card only makes room for them.
    Place(Place, Option<web_sys::Element>),
}

/// The card's places for the parts loaded on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Below the recent calls, while the explorer is open.
    Explorer = 0,
    /// Under the progress bar while there is a status: the cancel control
    /// (with `allow-cancel`) and the throughput chart (unless `chart="off"`).
    Tools = 1,
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
    /// Receives updates, completion and errors.
    #[prop_or_default]
    pub on_event: Callback<WidgetEvent>,
    /// The shell's `join`, through which widgets watching the same batch
    /// share one poll (see [`crate::controller::share`]); without it the
    /// widget polls alone.
    #[prop_or_default]
    pub join: Option<js_sys::Function>,
}

/// Messages of [`Widget`].
pub enum Msg {
    /// The wait timer went off.
    Timer,
    /// A poll of the given generation ended.
    Done(u32, Box<Result<Answer, PollError>>),
    /// The shell or another watcher of the batch told something (see
    /// [`share::read`]).
    Told(wasm_bindgen::JsValue),
    /// The request of the given generation ran out of time.
    TimedOut(u32),
    /// The page was hidden or shown.
    VisibilityChanged,
    /// A relative time or countdown on the card reads differently now (see
    /// `update_clock`).
    Tick,
    /// The person pressed Refresh, or the host called `refresh()`.
    Refresh,
    /// Opens (`true`) or closes the calls explorer: its button, the host's
    /// `openExplorer()`, or the explorer's own Close.
    ShowExplorer(bool),
}

/// A request under way, or a follower's wait for the leader's answer: its
/// generation, the means to abort a request, and its timeout.
struct InFlight {
    generation: u32,
    abort: Option<AbortController>,
    _timeout: Timeout,
}

impl InFlight {
    /// Aborts the request, if it is one (a follower's wait has none).
    fn abort(self) {
        if let Some(abort) = self.abort {
            abort.abort();
        }
    }
}

/// Whose poll an answer is.
#[derive(Clone, Copy)]
enum Via {
    /// This widget's own request of this generation.
    Own(u32),
    /// The leader's, polling next at `next_at` (epoch ms).
    Heard { next_at: f64 },
}

/// The polling widget component.
pub struct Widget {
    intl: Rc<Intl>,
    poller: Poller,
    status: Option<Rc<BatchStatus>>,
    /// This widget among the watchers of its batch, while it is one.
    share: Option<Share>,
    received_at: Option<f64>,
    eta: EtaEstimator,
    /// When the batch should finish, epoch ms: estimated once per answer.
    eta_at: Option<f64>,
    error: Option<Rc<PollError>>,
    /// Why the settings cannot be used, if they cannot.
    settings_error: Option<SettingsError>,
    /// `batch-complete` went out for this batch already.
    complete_sent: bool,
    /// The wait timer and the moment it is set for.
    timer: Option<(f64, Timeout)>,
    in_flight: Option<InFlight>,
    /// The card's root, whose `aria-busy` follows `in_flight` without a redraw.
    root: NodeRef,
    now: f64,
    /// The wake-up for the next change of the card's face, and its moment.
    clock: Option<(f64, Timeout)>,
    visibility: Option<DocumentListener>,
    /// The calls explorer: whether it is open, its button, its place, the place
    /// last reported to the host, and whether the button takes the focus back.
    explorer_open: bool,
    explore_button: NodeRef,
    /// The places ([`Place`] is the index), and the elements last reported.
    places: [NodeRef; 2],
    reported: [Option<web_sys::Element>; 2],
    refocus: bool,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn page_hidden() -> bool {
    gloo_utils::document().visibility_state() == VisibilityState::Hidden
}

impl Widget {
    /// Reports `event` to the poller and carries out its answer.
    fn drive(&mut self, ctx: &Context<Self>, event: Event) {
        self.now = now_ms();
        if self.settings_error.is_none() {
            let command = self.poller.handle(event, self.now);
            self.carry_out(ctx, command);
        }
    }

    /// Reports `event` of the shared poll to the poller and carries out its
    /// answer.
    fn drive_shared(&mut self, ctx: &Context<Self>, event: Shared) {
        self.now = now_ms();
        if self.settings_error.is_none() {
            let command = self.poller.share(event, self.now);
            self.carry_out(ctx, command);
        }
    }

    /// Carries out the poller's `command`. Nothing is fetched while the
    /// settings cannot be used (see `restart`).
    fn carry_out(&mut self, ctx: &Context<Self>, command: Command) {
        match command {
            Command::Fetch {
                generation,
                deadline,
            }
            | Command::Await {
                generation,
                deadline,
                ..
            } => {
                self.timer = None;
                let abort = match command {
                    // A follower waits for the leader's answer; a refresh asks
                    // the leader to poll now.
                    Command::Await { refresh, .. } => {
                        if let (Some(share), true) = (&self.share, refresh) {
                            share.post(&3.into());
                        }
                        None
                    }
                    _ => self.start_request(ctx, generation),
                };
                self.in_flight = Some(InFlight {
                    generation,
                    abort,
                    _timeout: self.wake_at(ctx, deadline, Msg::TimedOut(generation)),
                });
            }
            Command::WaitUntil(at) => {
                if self.timer.as_ref().map(|(set, _)| *set) != Some(at) {
                    self.timer = Some((at, self.wake_at(ctx, at, Msg::Timer)));
                }
            }
            Command::Idle | Command::Stop => self.timer = None,
        }
        self.follow_group(ctx);
        if !self.poller.in_flight() {
            // A follower's wait ends when the leader's answer comes or its
            // part changes, without an answer of its own.
            self.cancel_request();
        }
        self.show_busy();
        self.update_clock(ctx);
    }

    /// Joins the watchers of the batch, or leaves them, as the poller says
    /// this widget should be among them ([`Poller::in_group`]).
    fn follow_group(&mut self, ctx: &Context<Self>) {
        let member = self.poller.in_group();
        if member == self.share.is_some() {
            return;
        }
        self.share = None;
        if !member {
            // Hidden or paused: no longer leading or following until it rejoins.
            if self.poller.role() != Role::Solo {
                self.poller.share(Shared::Role(Role::Joining), self.now);
            }
            return;
        }
        let props = ctx.props();
        if let Some(join) = &props.join {
            let link = ctx.link().clone();
            let material = props.settings.share_material(&props.api_key);
            let lifeline = super::lifeline::signal();
            self.share = Some(Share::join(join, &material, lifeline, move |told| {
                link.send_message(Msg::Told(told))
            }));
        }
    }

    /// Forgets everything about the previous batch and polls the new one, once
    /// its settings and key can be sent.
    fn restart(&mut self, ctx: &Context<Self>) {
        self.cancel_request();
        self.share = None;
        self.status = None;
        self.received_at = None;
        self.eta = EtaEstimator::default();
        self.eta_at = None;
        self.error = None;
        self.complete_sent = false;
        let props = ctx.props();
        self.settings_error = props.settings.validate_with(&props.api_key).err();
        match &self.settings_error {
            Some(problem) => {
                self.poller = Self::fresh_poller(props, self.now);
                self.timer = None;
                props.on_event.emit(WidgetEvent::Settings(problem.clone()));
                self.update_clock(ctx);
            }
            None => {
                let sharing = props.settings.share && props.join.is_some();
                let role = if sharing { Role::Joining } else { Role::Solo };
                self.poller.share(Shared::Role(role), self.now);
                self.drive(ctx, Event::Restart)
            }
        }
    }

    /// A poller for `props` that has not started, told whether the page is
    /// hidden and the host paused.
    fn fresh_poller(props: &WidgetProps, now: f64) -> Poller {
        let settings = &props.settings;
        let mut poller = Poller::new(settings.interval_ms, settings.timeout_ms);
        poller.handle(Event::Hidden(page_hidden()), now);
        poller.handle(Event::Paused(props.paused), now);
        poller
    }

    fn cancel_request(&mut self) {
        if let Some(request) = self.in_flight.take() {
            request.abort();
        }
    }

    /// Starts the request of `generation`; gives the means to abort it.
    fn start_request(&self, ctx: &Context<Self>, generation: u32) -> Option<AbortController> {
        let abort = AbortController::new().ok()?;
        let props = ctx.props();
        let (settings, api_key, signal) = (
            props.settings.clone(),
            props.api_key.clone(),
            abort.signal(),
        );
        ctx.link().send_future(async move {
            let result = fetch_status(&settings, &api_key, &signal).await;
            Msg::Done(generation, Box::new(result))
        });
        Some(abort)
    }

    /// Sets the card's `aria-busy` to whether a request is under way: a poll
    /// starting changes nothing else on the card, so it is not redrawn for it.
    fn show_busy(&self) {
        if let Some(root) = self.root.cast::<web_sys::Element>() {
            let busy = if self.in_flight.is_some() {
                "true"
            } else {
                "false"
            };
            let _ = root.set_attribute("aria-busy", busy);
        }
    }

    /// Takes the request of `generation` off the books, if it is the one under way.
    fn take_request(&mut self, generation: u32) -> Option<InFlight> {
        if self.in_flight.as_ref()?.generation == generation {
            self.in_flight.take()
        } else {
            None
        }
    }

    /// Reads an answer, this widget's own or the leader's, the same way.
    /// Also gives its body as it may be told to other watchers.
    fn read(
        &self,
        ctx: &Context<Self>,
        answer: &Result<Answer, PollError>,
    ) -> (
        Result<BatchStatus, PollError>,
        Option<wasm_bindgen::JsValue>,
    ) {
        match answer {
            Ok(answer) => read_status(
                answer,
                &ctx.props().api_key,
                ctx.props().settings.calls_kept(),
            ),
            Err(error) => (Err(error.clone()), None),
        }
    }

    /// Takes in this widget's own answer of `generation`, and tells it to the
    /// other watchers if it leads them.
    fn take_own(
        &mut self,
        ctx: &Context<Self>,
        generation: u32,
        answer: Result<Answer, PollError>,
    ) {
        let (result, text) = self.read(ctx, &answer);
        self.finish(ctx, result, Via::Own(generation));
        if self.poller.role() == Role::Leader {
            if let Some(share) = &self.share {
                let next_at = self.poller.next_poll().map_or(f64::INFINITY, |(at, _)| at);
                share.post(&share::tell(next_at, &answer, text));
            }
        }
    }

    /// Acts on what the shell or another watcher told; says whether it was an
    /// answer (which the card shows).
    fn hear(&mut self, ctx: &Context<Self>, told: Told) -> bool {
        match told {
            Told::Role(role) => self.drive_shared(ctx, Shared::Role(role)),
            Told::Refresh if self.poller.role() == Role::Leader => self.drive(ctx, Event::Refresh),
            Told::Answer { answer: None, .. } => self.drive_shared(ctx, Shared::Withheld),
            Told::Answer {
                next_at,
                answer: Some(answer),
            } if self.poller.listens() => {
                self.finish(ctx, self.read(ctx, &answer).0, Via::Heard { next_at });
                return true;
            }
            _ => {}
        }
        false
    }

    /// Takes in an answer as [`read_status`] reads it.
    fn finish(&mut self, ctx: &Context<Self>, result: Result<BatchStatus, PollError>, via: Via) {
        self.now = now_ms();
        let props = ctx.props();
        let result = result.map(|status| {
            // A bug shows in the instance that fetched the answer.
            #[cfg(feature = "fault-injection")]
            if matches!(via, Via::Own(_)) {
                super::fault::panic_if_triggered(&status);
            }
            Rc::new(status)
        });
        let finished = match result {
            Ok(status) => {
                self.eta.observe(&status, self.now);
                let eta_ms = self.eta.remaining_ms(&status);
                self.eta_at = eta_ms.map(|ms| self.now + ms);
                self.status = Some(status.clone());
                self.received_at = Some(self.now);
                self.error = None;
                props.on_event.emit(WidgetEvent::Update {
                    status: status.clone(),
                    eta_ms,
                });
                let finished = status.is_finished();
                if finished && !self.complete_sent {
                    self.complete_sent = true;
                    props.on_event.emit(WidgetEvent::Complete { status });
                }
                Ok(finished)
            }
            Err(error) => {
                let error = Rc::new(error);
                self.error = Some(error.clone());
                props.on_event.emit(WidgetEvent::Error(error.clone()));
                Err(error)
            }
        };
        let outcome = match &finished {
            Ok(finished) => Outcome::Data {
                finished: *finished,
            },
            Err(error) => Outcome::Failed(error),
        };
        match via {
            Via::Own(generation) => self.drive(
                ctx,
                Event::Answered {
                    generation,
                    outcome,
                    jitter: js_sys::Math::random(),
                },
            ),
            Via::Heard { next_at } => self.drive_shared(ctx, Shared::Heard { outcome, next_at }),
        }
    }

    /// The times the card measures against the clock, among them the banner's
    /// retry countdown.
    fn clock_times(&self, ctx: &Context<Self>) -> ClockTimes {
        ClockTimes::of_card(
            self.status.as_deref(),
            self.eta_at,
            self.received_at,
            self.error.is_some(),
            self.poller.next_poll().map(|(at, _)| at),
            fresh_ms(&ctx.props().settings),
        )
    }

    /// The spans the card shows at `self.now`: a tick that leaves them as they
    /// were does not redraw.
    fn clock_face(&self, ctx: &Context<Self>) -> [Option<String>; 4] {
        clock_face(&self.clock_times(ctx), self.now)
    }

    /// A timer that sends `msg` at `at` (epoch ms), or at once if that has
    /// passed. Every timer of the widget is made here: each closure type would
    /// be code of its own in the wasm.
    fn wake_at(&self, ctx: &Context<Self>, at: f64, msg: Msg) -> Timeout {
        let link = ctx.link().clone();
        let delay = (at - self.now).ceil().max(0.0) as u32;
        Timeout::new(delay, move || link.send_message(msg))
    }

    /// Sets the wake-up for the moment the card's face next changes (the pure
    /// [`next_change`]): "Updated 2 min ago" keeps ageing after polling stops,
    /// and a minute of "Elapsed 2 h 5 min" costs one wake-up, not sixty.
    /// Nothing is set while the page is hidden.
    fn update_clock(&mut self, ctx: &Context<Self>) {
        let at = if page_hidden() {
            None
        } else {
            next_change(&self.clock_times(ctx), self.now)
        };
        if self.clock.as_ref().map(|(set, _)| *set) != at {
            self.clock = at.map(|at| (at, self.wake_at(ctx, at, Msg::Tick)));
        }
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
        let now = now_ms();
        let mut widget = Widget {
            intl: Intl::new(ctx.props().settings.locale.as_deref()),
            poller: Self::fresh_poller(ctx.props(), now),
            status: None,
            share: None,
            received_at: None,
            eta: EtaEstimator::default(),
            eta_at: None,
            error: None,
            settings_error: None,
            complete_sent: false,
            timer: None,
            in_flight: None,
            root: NodeRef::default(),
            now,
            clock: None,
            visibility: Some(visibility),
            explorer_open: false,
            explore_button: NodeRef::default(),
            places: Default::default(),
            reported: Default::default(),
            refocus: false,
        };
        widget.restart(ctx);
        widget
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        // What the card's clock texts read before the clock moves on.
        let shown = matches!(msg, Msg::Told(_)).then(|| self.clock_face(ctx));
        self.now = now_ms();
        match msg {
            Msg::Timer => {
                // A poll coming due starts a request (marked busy directly) or
                // waits on: nothing on the card changes, so no redraw.
                self.timer = None;
                self.drive(ctx, Event::Timer);
                return false;
            }
            Msg::Refresh => {
                // Starting a poll is marked busy directly (`show_busy`): the
                // card reads differently only while it shows no data, an error
                // (its countdown) or a stop, which a refresh ends.
                let redraw = self.status.is_none() || self.error.is_some() || self.poller.stopped();
                self.drive(ctx, Event::Refresh);
                return redraw;
            }
            Msg::Done(generation, answer) => {
                if self.take_request(generation).is_none() {
                    return false;
                }
                self.take_own(ctx, generation, *answer);
            }
            Msg::Told(told) => {
                let Some(told) = share::read(&told) else {
                    return false;
                };
                // A part or a refresh redraws only if a clock text moved
                // meanwhile; an answer as an answer of its own.
                if !self.hear(ctx, told) && shown.is_some_and(|shown| shown == self.clock_face(ctx))
                {
                    return false;
                }
            }
            Msg::TimedOut(generation) => {
                if let Some(request) = self.take_request(generation) {
                    request.abort();
                    let after_ms = ctx.props().settings.timeout_ms;
                    self.take_own(ctx, generation, Err(PollError::Timeout { after_ms }));
                }
            }
            Msg::VisibilityChanged => self.drive(ctx, Event::Hidden(page_hidden())),
            Msg::ShowExplorer(open) => {
                // Closed from inside the explorer: the focus goes back to its button.
                self.refocus = self.explorer_open && !open;
                self.explorer_open = open;
            }
            // The wake-up comes when the face has changed: redraw, and set the next.
            Msg::Tick => {
                self.clock = None;
                self.update_clock(ctx);
            }
        }
        true
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
            && a.share == b.share
            && old.api_key == new.api_key;
        self.poller.set_timeout(b.timeout_ms);
        if old.paused != new.paused {
            self.drive(ctx, Event::Paused(new.paused));
        }
        if !same_source {
            self.restart(ctx);
        } else if a.interval_ms != b.interval_ms {
            self.drive(ctx, Event::Interval(b.interval_ms));
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        // Finding out who leads takes a moment, and the first answer is next.
        let joining = self.poller.role() == Role::Joining && !self.poller.halted();
        let polling = if (self.in_flight.is_some() || joining)
            && self.status.is_none()
            && self.error.is_none()
        {
            Polling::Loading
        } else if self.poller.stopped() {
            Polling::Stopped
        } else if self.poller.halted() {
            Polling::Paused
        } else {
            Polling::Live
        };
        // While the server's Retry-After is the wait, the next poll is due when
        // it ends.
        let held_until = self
            .poller
            .next_poll()
            .filter(|(at, wait)| *wait == Wait::RetryAfter && *at > self.now)
            .map(|(at, _)| at);
        // One closure type for both buttons: each would be code of its own.
        let press = |message: fn() -> Msg| {
            let link = ctx.link().clone();
            Callback::from(move |_| link.send_message(message()))
        };
        let explorer = (props.settings.explorer || self.explorer_open).then(|| ExplorerControl {
            open: self.explorer_open,
            button: self.explore_button.clone(),
            slot: self.places[Place::Explorer as usize].clone(),
            on_toggle: press(if self.explorer_open {
                || Msg::ShowExplorer(false)
            } else {
                || Msg::ShowExplorer(true)
            }),
        });
        batch_view(&BatchViewProps {
            settings: props.settings.clone(),
            settings_error: self.settings_error.clone(),
            intl: self.intl.clone(),
            status: self.status.clone(),
            received_at: self.received_at,
            now: self.now,
            eta_at: self.eta_at,
            error: self.error.clone(),
            retry_at: self.clock_times(ctx).retry_at,
            held_until,
            polling,
            root: self.root.clone(),
            on_refresh: press(|| Msg::Refresh),
            explorer,
            tools: self.places[Place::Tools as usize].clone(),
        })
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        self.show_busy();
        for (place, kind) in [Place::Explorer, Place::Tools].into_iter().enumerate() {
            let element = self.places[place].cast::<web_sys::Element>();
            if element != self.reported[place] {
                self.reported[place] = element.clone();
                ctx.props().on_event.emit(WidgetEvent::Place(kind, element));
            }
        }
        if std::mem::take(&mut self.refocus) {
            if let Some(button) = self.explore_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.cancel_request();
        self.timer = None;
        self.clock = None;
        self.visibility = None;
    }
}
