//! The rules of a shared poll: a follower never fetches, takes the leader's
//! answers and schedule, asks the leader for a refresh, and takes over when the
//! leader goes; nothing starts while a widget is still joining.

use super::*;
use crate::model::poll_error::http_error as http;
use proptest::prelude::*;

const T0: f64 = 1_764_321_000_000.0;
const RUNNING: Outcome = Outcome::Data { finished: false };

/// A poller every 5 s (timeout 10 s) for a new batch, in `role`.
fn in_role(role: Role) -> (Poller, Command) {
    let mut poller = Poller::new(5_000.0, 10_000.0);
    poller.share(Shared::Role(Role::Joining), T0);
    assert_eq!(
        poller.handle(Event::Restart, T0),
        Command::Idle,
        "joining starts nothing"
    );
    let command = poller.share(Shared::Role(role), T0);
    (poller, command)
}

/// The widget's own request (or wait) of `generation` ends with `outcome`.
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

fn heard(poller: &mut Poller, outcome: Outcome, next_at: f64, now: f64) -> Command {
    poller.share(Shared::Heard { outcome, next_at }, now)
}

#[test]
fn a_leader_fetches_at_once_and_a_follower_awaits_at_once() {
    assert!(matches!(in_role(Role::Leader).1, Command::Fetch { .. }));
    assert!(matches!(in_role(Role::Solo).1, Command::Fetch { .. }));
    let (p, command) = in_role(Role::Follower);
    assert_eq!(
        command,
        Command::Await {
            generation: 2,
            deadline: T0 + 10_000.0 + AWAIT_GRACE_MS,
            refresh: false
        }
    );
    assert!(p.in_flight() && p.in_group());
}

#[test]
fn a_follower_takes_the_leaders_schedule_and_never_fetches() {
    let (mut p, _) = in_role(Role::Follower);
    assert_eq!(
        heard(&mut p, RUNNING, T0 + 5_000.0, T0 + 30.0),
        Command::WaitUntil(T0 + 5_000.0)
    );
    assert!(!p.in_flight());
    let Command::Await { refresh, .. } = p.handle(Event::Timer, T0 + 5_000.0) else {
        panic!("a follower's due poll waits for the leader")
    };
    assert!(!refresh, "the leader polls on its own schedule");
    // The leader's answer ends the wait; a finished batch stops everyone.
    let done = Outcome::Data { finished: true };
    assert_eq!(
        heard(&mut p, done, f64::INFINITY, T0 + 5_050.0),
        Command::Stop
    );
}

#[test]
fn a_followers_refresh_asks_the_leader_to_poll_sooner_but_never_before_retry_after() {
    let (mut p, _) = in_role(Role::Follower);
    heard(&mut p, RUNNING, T0 + 5_000.0, T0);
    let Command::Await { refresh, .. } = p.handle(Event::Refresh, T0 + 1_000.0) else {
        panic!("a refresh is at once")
    };
    assert!(refresh, "the leader is asked to poll now");
    let limited = http(429, Some(30_000.0));
    assert_eq!(
        heard(
            &mut p,
            Outcome::Failed(&limited),
            T0 + 31_000.0,
            T0 + 1_000.0
        ),
        Command::WaitUntil(T0 + 31_000.0)
    );
    assert_eq!(
        p.handle(Event::Refresh, T0 + 2_000.0),
        Command::WaitUntil(T0 + 31_000.0)
    );
    let Command::Await { refresh, .. } = p.handle(Event::Timer, T0 + 31_000.0) else {
        panic!("the refresh waits for the server's time")
    };
    assert!(
        !refresh,
        "the leader polls then anyway: asking would make two requests"
    );
}

#[test]
fn a_follower_becoming_leader_mid_wait_fetches_at_once() {
    let (mut p, _) = in_role(Role::Follower);
    heard(&mut p, RUNNING, T0 + 5_000.0, T0);
    let Command::Await { generation, .. } = p.handle(Event::Timer, T0 + 5_000.0) else {
        panic!("awaits the leader")
    };
    // The leader's tab closed: its lock passes here.
    let Command::Fetch {
        generation: fetch,
        deadline,
    } = p.share(Shared::Role(Role::Leader), T0 + 6_000.0)
    else {
        panic!("the new leader polls at once")
    };
    assert_ne!(fetch, generation, "a late timeout of the wait is ignored");
    assert_eq!(deadline, T0 + 16_000.0);
    // A leader that takes over between polls keeps the schedule it followed.
    let (mut p, _) = in_role(Role::Follower);
    heard(&mut p, RUNNING, T0 + 5_000.0, T0);
    assert_eq!(
        p.share(Shared::Role(Role::Leader), T0 + 100.0),
        Command::WaitUntil(T0 + 5_000.0)
    );
}

#[test]
fn rejoining_never_cuts_a_backoff_short() {
    let (mut p, command) = in_role(Role::Leader);
    let Command::Fetch { generation, .. } = command else {
        unreachable!()
    };
    let down = http(503, None);
    let Command::WaitUntil(retry) = answer(&mut p, generation, Outcome::Failed(&down), T0) else {
        panic!("backs off")
    };
    // Hidden and shown again: the widget leaves and joins, following first.
    p.handle(Event::Hidden(true), T0 + 100.0);
    p.share(Shared::Role(Role::Joining), T0 + 100.0);
    p.handle(Event::Hidden(false), T0 + 200.0);
    assert_eq!(
        p.share(Shared::Role(Role::Follower), T0 + 200.0),
        Command::WaitUntil(retry)
    );
    assert_eq!(
        p.share(Shared::Role(Role::Leader), T0 + 210.0),
        Command::WaitUntil(retry)
    );
}

#[test]
fn a_withheld_answer_makes_the_follower_fetch_once_itself() {
    let (mut p, _) = in_role(Role::Follower);
    let Command::Fetch { generation, .. } = p.share(Shared::Withheld, T0 + 10.0) else {
        panic!("fetches itself")
    };
    assert_eq!(
        answer(&mut p, generation, RUNNING, T0 + 20.0),
        Command::WaitUntil(T0 + 5_020.0)
    );
    assert!(matches!(
        p.handle(Event::Timer, T0 + 5_020.0),
        Command::Await { .. }
    ));
}

#[test]
fn a_fetch_of_its_own_left_unused_does_not_outlive_its_part() {
    // Withheld while hidden: the fetch of its own waits for the page.
    let (mut p, _) = in_role(Role::Follower);
    p.handle(Event::Hidden(true), T0);
    p.share(Shared::Withheld, T0 + 10.0);
    // Sharing fails here after all: polling alone, it fetches, as any solo does.
    p.share(Shared::Role(Role::Solo), T0 + 20.0);
    let Command::Fetch { generation, .. } = p.handle(Event::Hidden(false), T0 + 30.0) else {
        panic!("a solo widget fetches")
    };
    answer(&mut p, generation, RUNNING, T0 + 40.0);
    // Following again later, it waits for the leader's answer.
    p.share(Shared::Role(Role::Follower), T0 + 50.0);
    assert!(matches!(
        p.handle(Event::Timer, T0 + 5_040.0),
        Command::Await { .. }
    ));
}

#[test]
fn hidden_paused_or_solo_widgets_are_not_in_the_group() {
    let (mut p, _) = in_role(Role::Leader);
    assert!(p.in_group());
    p.handle(Event::Hidden(true), T0);
    assert!(!p.in_group(), "a hidden tab never leads");
    p.handle(Event::Hidden(false), T0);
    p.handle(Event::Paused(true), T0);
    assert!(!p.in_group(), "a paused widget leaves the lead to others");
    p.handle(Event::Paused(false), T0);
    p.share(Shared::Role(Role::Solo), T0);
    assert!(!p.in_group());
}

#[test]
fn a_follower_that_hears_nothing_times_out_and_backs_off() {
    let (mut p, command) = in_role(Role::Follower);
    let Command::Await {
        generation,
        deadline,
        ..
    } = command
    else {
        unreachable!()
    };
    let timeout = PollError::Timeout { after_ms: 10_000.0 };
    let Command::WaitUntil(at) = answer(&mut p, generation, Outcome::Failed(&timeout), deadline)
    else {
        panic!("backs off")
    };
    assert_eq!(at, deadline + 5_000.0);
}

/// One step of a random history of a shared poll.
#[derive(Debug, Clone)]
enum Step {
    Wait(f64),
    Role(u8),
    /// The leader's answer: its kind, a Retry-After, and its next poll from now.
    Heard(u8, Option<f64>, f64),
    Withheld,
    /// The widget's own request, or its wait, ends: answered or timed out.
    Answer(u8),
    Hide(bool),
    Pause(bool),
    Refresh,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0.0..60_000.0f64).prop_map(Step::Wait),
        2 => (0u8..4).prop_map(Step::Role),
        4 => (0u8..6, prop::option::of(0.0..1e6f64), -1e4..1e5f64)
            .prop_map(|(kind, ra, next)| Step::Heard(kind, ra, next)),
        1 => Just(Step::Withheld),
        2 => (0u8..3).prop_map(Step::Answer),
        1 => any::<bool>().prop_map(Step::Hide),
        1 => any::<bool>().prop_map(Step::Pause),
        1 => Just(Step::Refresh),
    ]
}

fn role_of(n: u8) -> Role {
    [Role::Solo, Role::Joining, Role::Leader, Role::Follower][n as usize % 4]
}

/// What the shell sees, and the limits the rules promised.
struct World {
    now: f64,
    role: Role,
    timer: Option<f64>,
    /// The generation under way, and whether it is a wait for the leader.
    request: Option<(u32, bool)>,
    hidden: bool,
    paused: bool,
    stopped: bool,
    /// No request or wait before this (Retry-After).
    hold: f64,
    /// A follower waits for nothing before the leader's next poll, unless a
    /// refresh, a new part or a withheld answer intervenes.
    leader_next: f64,
    /// The leader withheld its answer: one fetch of its own is allowed.
    fetch_own: bool,
}

impl World {
    fn apply(&mut self, p: &mut Poller, event: Event) -> Result<(), TestCaseError> {
        let command = p.handle(event, self.now);
        self.check(p, command, &event)
    }

    fn share(&mut self, p: &mut Poller, event: Shared) -> Result<(), TestCaseError> {
        let command = p.share(event, self.now);
        self.check(p, command, &event)
    }

    /// Checks `command`, the poller's answer to `event`, against the limits.
    fn check(
        &mut self,
        p: &Poller,
        command: Command,
        event: &dyn std::fmt::Debug,
    ) -> Result<(), TestCaseError> {
        let idle = self.hidden || self.paused || self.role == Role::Joining;
        match command {
            Command::Fetch { generation, .. } => {
                prop_assert!(self.request.is_none(), "two at once");
                prop_assert!(
                    !idle && !self.stopped,
                    "fetched while idle or stopped: {event:?}"
                );
                prop_assert!(self.now >= self.hold, "before Retry-After");
                prop_assert!(
                    matches!(self.role, Role::Solo | Role::Leader) || self.fetch_own,
                    "a {:?} fetched",
                    self.role
                );
                self.fetch_own = false;
                self.request = Some((generation, false));
            }
            Command::Await {
                generation,
                deadline,
                ..
            } => {
                prop_assert!(self.request.is_none(), "two at once");
                prop_assert!(!idle && !self.stopped, "awaited while idle or stopped");
                prop_assert_eq!(self.role, Role::Follower);
                prop_assert!(self.now >= self.hold, "before Retry-After");
                prop_assert!(
                    self.now >= self.leader_next,
                    "before the leader's poll: {event:?}"
                );
                prop_assert_eq!(deadline, self.now + 10_000.0 + AWAIT_GRACE_MS);
                self.request = Some((generation, true));
            }
            Command::WaitUntil(at) => {
                prop_assert!(at >= self.now);
                self.timer = Some(at);
                return Ok(());
            }
            Command::Idle => {}
            Command::Stop => self.stopped = true,
        }
        self.timer = None;
        prop_assert_eq!(p.in_flight(), self.request.is_some());
        Ok(())
    }

    /// The error of an outcome and whether it stops; the hold it brings is
    /// set when `applies`.
    fn outcome(
        &mut self,
        kind: u8,
        retry_after: Option<f64>,
        applies: bool,
    ) -> (Option<PollError>, bool) {
        let error = match kind {
            0 | 1 => None,
            2 => Some(http(429, retry_after)),
            3 => Some(http(401, None)),
            _ => Some(PollError::Network),
        };
        if let Some(ms) = error
            .as_ref()
            .and_then(PollError::retry_after_ms)
            .filter(|_| applies)
        {
            self.hold = self.now + ms.clamp(FLOOR_MS, RETRY_AFTER_CAP_MS);
        }
        let stops = kind == 1 || kind == 3;
        (error, stops)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the leader tells, whenever the part changes, a follower never
    /// fetches (but once after a withheld answer), nothing starts while joining,
    /// hidden or paused, and no one asks before Retry-After.
    #[test]
    fn the_shared_rules_hold_for_any_history(steps in prop::collection::vec(step(), 1..60)) {
        let mut p = Poller::new(5_000.0, 10_000.0);
        let mut w = World {
            now: T0, role: Role::Solo, timer: None, request: None, hidden: false, paused: false,
            stopped: false, hold: 0.0, leader_next: 0.0, fetch_own: false,
        };
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
                Step::Role(n) => {
                    let role = role_of(n);
                    if w.request.is_some_and(|(_, waiting)| waiting) {
                        w.request = None;
                    }
                    if role != w.role {
                        w.leader_next = 0.0;
                    }
                    w.role = role;
                    w.share(&mut p, Shared::Role(role))?;
                }
                Step::Heard(kind, retry_after, next) => {
                    let listening = matches!(w.role, Role::Follower | Role::Joining);
                    let (error, stops) = w.outcome(kind, retry_after, listening);
                    if listening {
                        w.request = None;
                        w.stopped = stops;
                        // Under a Retry-After the leader polls when it ends,
                        // whatever next poll it told.
                        w.leader_next = if retry_after.is_some() && kind == 2 {
                            w.hold
                        } else {
                            w.now + next
                        };
                    }
                    let outcome = match &error {
                        None => Outcome::Data { finished: kind == 1 },
                        Some(e) => Outcome::Failed(e),
                    };
                    w.share(&mut p, Shared::Heard { outcome, next_at: w.now + next })?;
                    if listening {
                        prop_assert_eq!(w.stopped, stops);
                    }
                }
                Step::Withheld => {
                    if w.role == Role::Follower && w.request.is_some_and(|(_, waiting)| waiting) {
                        w.request = None;
                        w.fetch_own = true;
                        w.leader_next = 0.0;
                    }
                    w.share(&mut p, Shared::Withheld)?;
                }
                Step::Answer(kind) => {
                    if let Some((generation, _)) = w.request.take() {
                        let (error, stops) = w.outcome(kind, None, true);
                        let outcome = match &error {
                            None => Outcome::Data { finished: kind == 1 },
                            Some(e) => Outcome::Failed(e),
                        };
                        w.stopped = stops;
                        w.apply(&mut p, Event::Answered { generation, outcome, jitter: 0.5 })?;
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
                        w.leader_next = 0.0;
                    }
                    w.apply(&mut p, Event::Refresh)?;
                }
            }
            prop_assert_eq!(p.in_group(), w.role != Role::Solo && !w.hidden && !w.paused);
        }
    }
}
