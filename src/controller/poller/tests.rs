//! The polling rules, driven through event sequences with time as a number.

use super::*;
use crate::controller::schedule::BACKOFF_CAP_MS;
use proptest::prelude::*;

const T0: f64 = 1_764_321_000_000.0;

use crate::model::poll_error::http_error as http;

/// A poller every 5 s that has just made its first request at `T0`.
fn started() -> (Poller, u32) {
    let mut poller = Poller::new(5_000.0, 10_000.0);
    match poller.handle(Event::Restart, T0) {
        Command::Fetch {
            generation,
            deadline,
        } => {
            assert_eq!(deadline, T0 + 10_000.0);
            (poller, generation)
        }
        other => panic!("the first poll is at once, got {other:?}"),
    }
}

fn answer(poller: &mut Poller, generation: u32, outcome: Outcome, now: f64) -> Command {
    poller.handle(
        Event::Answered {
            generation,
            outcome,
            jitter: 0.5,
        },
        now,
    )
}

const RUNNING: Outcome = Outcome::Data { finished: false };

#[test]
fn a_good_answer_waits_the_interval_then_fetches() {
    let (mut p, g) = started();
    assert_eq!(
        answer(&mut p, g, RUNNING, T0 + 200.0),
        Command::WaitUntil(T0 + 5_200.0)
    );
    assert_eq!(
        p.handle(Event::Timer, T0 + 5_100.0),
        Command::WaitUntil(T0 + 5_200.0)
    );
    assert!(matches!(
        p.handle(Event::Timer, T0 + 5_200.0),
        Command::Fetch { .. }
    ));
}

#[test]
fn a_finished_batch_stops_until_refresh() {
    let (mut p, g) = started();
    let done = Outcome::Data { finished: true };
    assert_eq!(answer(&mut p, g, done, T0), Command::Stop);
    assert_eq!(p.handle(Event::Timer, T0 + 1e6), Command::Stop);
    assert_eq!(p.handle(Event::Hidden(false), T0 + 1e6), Command::Stop);
    assert!(matches!(
        p.handle(Event::Refresh, T0 + 1e6),
        Command::Fetch { .. }
    ));
}

#[test]
fn final_errors_stop_and_transient_ones_back_off() {
    for status in [400, 401, 403, 404, 410] {
        let (mut p, g) = started();
        let error = http(status, None);
        assert_eq!(
            answer(&mut p, g, Outcome::Failed(&error), T0),
            Command::Stop,
            "{status}"
        );
    }
    for error in [
        PollError::Network,
        PollError::Malformed,
        PollError::Timeout { after_ms: 1.0 },
        http(500, None),
        http(408, None),
    ] {
        let (mut p, g) = started();
        assert_eq!(
            answer(&mut p, g, Outcome::Failed(&error), T0),
            Command::WaitUntil(T0 + 5_000.0),
            "{error:?}"
        );
    }
}

#[test]
fn stale_answers_change_nothing() {
    let (mut p, g) = started();
    assert_eq!(answer(&mut p, g + 7, RUNNING, T0), Command::Idle);
    assert!(p.in_flight());
}

/// The server's hour-long `Retry-After` outlives everything but the hour.
#[test]
fn retry_after_survives_hide_show_pause_resume_interval_and_refresh() {
    let (mut p, g) = started();
    let limited = http(429, Some(3_600_000.0));
    let until = T0 + 3_600_000.0;
    assert_eq!(
        answer(&mut p, g, Outcome::Failed(&limited), T0),
        Command::WaitUntil(until)
    );
    assert_eq!(p.next_poll(), Some((until, Wait::RetryAfter)));
    let mut now = T0;
    for event in [
        Event::Hidden(true),
        Event::Hidden(false),
        Event::Paused(true),
        Event::Paused(false),
        Event::Interval(1_000.0),
        Event::Refresh,
        Event::Timer,
    ] {
        now += 60_000.0;
        let command = p.handle(event, now);
        assert!(
            matches!(command, Command::WaitUntil(at) if at == until) || command == Command::Idle,
            "{event:?} gave {command:?}"
        );
    }
    assert!(matches!(
        p.handle(Event::Timer, until),
        Command::Fetch { .. }
    ));
}

#[test]
fn showing_or_resuming_never_shortens_a_backoff_but_refresh_does() {
    let (mut p, g) = started();
    let error = http(503, None);
    let mut generation = g;
    let mut now = T0;
    // Three failures in a row: the third waits 20 s.
    for _ in 0..3 {
        let Command::WaitUntil(at) = answer(&mut p, generation, Outcome::Failed(&error), now)
        else {
            panic!("backs off")
        };
        now = at;
        let Command::Fetch {
            generation: next, ..
        } = p.handle(Event::Timer, now)
        else {
            panic!("fetches when due")
        };
        generation = next;
    }
    let until = now + 40_000.0;
    assert_eq!(
        answer(&mut p, generation, Outcome::Failed(&error), now),
        Command::WaitUntil(until)
    );
    for event in [
        Event::Hidden(true),
        Event::Hidden(false),
        Event::Paused(true),
        Event::Paused(false),
    ] {
        now += 1_000.0;
        let command = p.handle(event, now);
        assert!(
            command == Command::Idle || command == Command::WaitUntil(until),
            "{event:?}: {command:?}"
        );
    }
    assert_eq!(
        p.handle(Event::Interval(2_000.0), now),
        Command::WaitUntil(until)
    );
    assert!(matches!(
        p.handle(Event::Refresh, now),
        Command::Fetch { .. }
    ));
}

#[test]
fn a_new_interval_replaces_a_plain_wait() {
    let (mut p, g) = started();
    answer(&mut p, g, RUNNING, T0);
    assert_eq!(
        p.handle(Event::Interval(60_000.0), T0 + 1_000.0),
        Command::WaitUntil(T0 + 61_000.0)
    );
}

#[test]
fn nothing_is_fetched_while_hidden_or_paused_and_a_due_poll_runs_on_return() {
    let (mut p, g) = started();
    answer(&mut p, g, RUNNING, T0);
    assert_eq!(p.handle(Event::Hidden(true), T0 + 1.0), Command::Idle);
    assert_eq!(p.handle(Event::Timer, T0 + 600_000.0), Command::Idle);
    assert_eq!(p.handle(Event::Refresh, T0 + 600_000.0), Command::Idle);
    assert_eq!(p.handle(Event::Paused(true), T0 + 600_000.0), Command::Idle);
    assert_eq!(
        p.handle(Event::Hidden(false), T0 + 600_000.0),
        Command::Idle,
        "still paused"
    );
    assert!(matches!(
        p.handle(Event::Paused(false), T0 + 600_000.0),
        Command::Fetch { .. }
    ));
}

#[test]
fn a_restart_forgets_the_old_request_and_polls_at_once() {
    let (mut p, g) = started();
    let Command::Fetch { generation, .. } = p.handle(Event::Restart, T0 + 10.0) else {
        panic!("polls the new batch at once")
    };
    assert_ne!(generation, g);
    assert_eq!(
        answer(&mut p, g, RUNNING, T0 + 20.0),
        Command::Idle,
        "the old answer is ignored"
    );
    assert!(p.in_flight());
}

/// One step of a random history.
#[derive(Debug, Clone)]
enum Step {
    /// Time passes; the timer fires when its moment comes.
    Wait(f64),
    /// The request under way is answered.
    Answer(u8, Option<f64>, f64),
    /// An answer of an older request arrives late.
    Stale,
    /// The request times out at its deadline.
    TimeOut,
    Hide(bool),
    Pause(bool),
    Refresh,
    Interval(f64),
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0.0..200_000.0f64).prop_map(Step::Wait),
        4 => (0u8..8, prop::option::of(prop_oneof![Just(f64::NAN), Just(-5.0), 0.0..1e8f64]), 0.0..1.0f64)
            .prop_map(|(kind, ra, j)| Step::Answer(kind, ra, j)),
        1 => Just(Step::Stale),
        1 => Just(Step::TimeOut),
        1 => any::<bool>().prop_map(Step::Hide),
        1 => any::<bool>().prop_map(Step::Pause),
        1 => Just(Step::Refresh),
        1 => prop_oneof![Just(f64::NAN), -1e3..1e8f64].prop_map(Step::Interval),
        1 => Just(Step::Restart),
    ]
}

/// What the outside world knows: the shell's timer and request, and the limits
/// the rules promised.
#[derive(Default)]
struct World {
    now: f64,
    timer: Option<f64>,
    request: Option<(u32, f64)>,
    hidden: bool,
    paused: bool,
    stopped: bool,
    /// No request before this, whatever happens (Retry-After).
    hold: f64,
    /// No request before this unless a refresh or restart intervenes (backoff).
    backoff: f64,
    interval: f64,
    failures: u32,
}

impl World {
    fn apply(&mut self, p: &mut Poller, event: Event) -> Result<(), TestCaseError> {
        let command = p.handle(event, self.now);
        match command {
            Command::Fetch {
                generation,
                deadline,
            } => {
                prop_assert!(self.request.is_none(), "two requests in flight");
                prop_assert!(self.now >= self.hold, "before Retry-After: {event:?}");
                prop_assert!(self.now >= self.backoff, "before the backoff: {event:?}");
                prop_assert!(!self.hidden && !self.paused, "while hidden or paused");
                prop_assert!(!self.stopped, "after a stop: {event:?}");
                prop_assert!(deadline > self.now);
                self.request = Some((generation, deadline));
                self.timer = None;
            }
            Command::WaitUntil(at) => {
                prop_assert!(at >= self.now);
                prop_assert!(at - self.now <= RETRY_AFTER_CAP_MS, "wait over the cap");
                self.timer = Some(at);
            }
            Command::Idle => self.timer = None,
            Command::Await { .. } => prop_assert!(false, "a solo widget awaited a leader"),
            Command::Stop => {
                self.timer = None;
                self.stopped = true;
            }
        }
        prop_assert_eq!(p.in_flight(), self.request.is_some());
        Ok(())
    }

    fn answer(
        &mut self,
        p: &mut Poller,
        outcome: Outcome,
        jitter: f64,
    ) -> Result<(), TestCaseError> {
        let Some((generation, _)) = self.request.take() else {
            return Ok(());
        };
        let expect_stop = match outcome {
            Outcome::Data { finished } => finished,
            Outcome::Failed(error) => error.is_fatal(),
        };
        match outcome {
            Outcome::Data { .. } => self.failures = 0,
            Outcome::Failed(error) => {
                self.failures += 1;
                match error.retry_after_ms() {
                    Some(ms) if ms.is_finite() => {
                        self.hold = self.now + ms.clamp(FLOOR_MS, RETRY_AFTER_CAP_MS)
                    }
                    Some(_) => self.hold = self.now + FLOOR_MS,
                    None => {
                        self.backoff = self.now + backoff_ms(self.interval, self.failures, jitter);
                        prop_assert!(self.backoff - self.now <= BACKOFF_CAP_MS);
                    }
                }
            }
        }
        self.apply(
            p,
            Event::Answered {
                generation,
                outcome,
                jitter,
            },
        )?;
        // A finished batch or a final error stops; nothing else does.
        prop_assert_eq!(self.stopped, expect_stop, "after {:?}", outcome);
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever happens in whatever order, the rules hold.
    #[test]
    fn the_rules_hold_for_any_history(steps in prop::collection::vec(step(), 1..60)) {
        let mut p = Poller::new(5_000.0, 10_000.0);
        let mut w = World { now: T0, interval: 5_000.0, ..World::default() };
        w.apply(&mut p, Event::Restart)?;
        for step in steps {
            match step {
                Step::Wait(ms) => {
                    let until = w.now + ms;
                    if let Some(at) = w.timer.filter(|at| *at <= until) {
                        w.now = at;
                        w.apply(&mut p, Event::Timer)?;
                    }
                    w.now = until.max(w.now);
                }
                Step::Answer(kind, retry_after, jitter) => {
                    let error = match kind {
                        0..=2 => None,
                        3 => Some(http(429, retry_after)),
                        4 => Some(http(503, retry_after)),
                        5 => Some(http(404, None)),
                        6 => Some(PollError::Network),
                        _ => Some(PollError::Malformed),
                    };
                    match &error {
                        None => w.answer(&mut p, Outcome::Data { finished: kind == 2 }, jitter)?,
                        Some(e) => w.answer(&mut p, Outcome::Failed(e), jitter)?,
                    }
                }
                Step::Stale => {
                    let generation = w.request.map_or(0, |(g, _)| g.wrapping_sub(1));
                    w.apply(&mut p, Event::Answered { generation, outcome: RUNNING, jitter: 0.5 })?;
                }
                Step::TimeOut => {
                    if let Some((_, deadline)) = w.request {
                        w.now = deadline;
                        let error = PollError::Timeout { after_ms: 10_000.0 };
                        w.answer(&mut p, Outcome::Failed(&error), 0.5)?;
                    }
                }
                Step::Hide(hidden) => {
                    w.hidden = hidden;
                    w.apply(&mut p, Event::Hidden(hidden))?;
                }
                Step::Pause(paused) => {
                    w.paused = paused;
                    w.apply(&mut p, Event::Paused(paused))?;
                }
                Step::Refresh => {
                    if w.request.is_none() {
                        w.stopped = false;
                        w.backoff = 0.0;
                    }
                    w.apply(&mut p, Event::Refresh)?;
                }
                Step::Interval(ms) => {
                    w.interval = if ms.is_finite() { ms.clamp(FLOOR_MS, RETRY_AFTER_CAP_MS) } else { 5_000.0 };
                    w.apply(&mut p, Event::Interval(ms))?;
                }
                Step::Restart => {
                    // The shell aborts the request under way.
                    w.request = None;
                    w.stopped = false;
                    w.backoff = 0.0;
                    w.failures = 0;
                    w.apply(&mut p, Event::Restart)?;
                }
            }
        }
    }
}
