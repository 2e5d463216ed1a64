//! The polling state machine: every rule about when to fetch, wait or stop.
//!
//! It is fed what happens (an answer, a failure, a timer, the page hidden or
//! shown, pause and resume, a refresh, a new interval) with the time as a plain
//! number, and answers with the one [`Command`] to carry out next. It knows no
//! browser type, so host tests drive it through any sequence of events; the
//! widget component only carries its commands out.
//!
//! Widgets that watch the same batch share one poll (see [`Role`]): the
//! leader's poller fetches, and every follower's poller takes the leader's
//! answers and schedule instead of fetching, under the same rules.

use super::schedule::{backoff_ms, AWAIT_GRACE_MS, FLOOR_MS, RETRY_AFTER_CAP_MS};
use crate::model::PollError;

/// What the shell does next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Command {
    /// Start a request now, tagged with `generation`, and abort it at `deadline`
    /// (epoch ms) if it has not been answered by then.
    Fetch {
        /// Answers carry this back; answers of older generations are ignored.
        generation: u32,
        /// When the request times out.
        deadline: f64,
    },
    /// A follower's poll is due: take the leader's next answer, reported as
    /// [`Shared::Heard`], or report [`Event::Answered`] with `generation` and a
    /// timeout at `deadline` (epoch ms). With `refresh`, ask the leader to
    /// poll now.
    Await {
        /// A timeout answers this generation.
        generation: u32,
        /// When to give up waiting.
        deadline: f64,
        /// Whether the leader is asked to poll now.
        refresh: bool,
    },
    /// Set the timer for this moment (epoch ms) and report [`Event::Timer`] then.
    WaitUntil(f64),
    /// Nothing to start: a request is under way, or the page is hidden or paused.
    Idle,
    /// Polling is over until a refresh or a settings change.
    Stop,
}

/// How a request ended, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// A readable status; `finished` when the batch can no longer change.
    Data {
        /// The batch reached a final state.
        finished: bool,
    },
    /// No data: the request failed or timed out.
    Failed(&'a PollError),
}

/// Something that happened to the widget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event<'a> {
    /// The request of `generation` ended. `jitter` is a random number in `[0, 1)`
    /// for the backoff, passed in so tests can fix it.
    Answered {
        /// The generation of [`Command::Fetch`] it answers.
        generation: u32,
        /// How it went.
        outcome: Outcome<'a>,
        /// Random spread for the backoff.
        jitter: f64,
    },
    /// The timer of [`Command::WaitUntil`] went off.
    Timer,
    /// The page was hidden (`true`) or shown.
    Hidden(bool),
    /// The host paused (`true`) or resumed.
    Paused(bool),
    /// The person or the host asked for fresh data.
    Refresh,
    /// The poll interval changed, to milliseconds.
    Interval(f64),
    /// What to watch changed: forget the old batch and poll the new one.
    Restart,
}

/// Something that happened to a widget that shares its batch's poll (see
/// [`Poller::share`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shared<'a> {
    /// This widget's part in the poll of its batch changed.
    Role(Role),
    /// The leader's answer, told to a follower (or one still joining), with the
    /// moment (epoch ms) the leader polls next, or infinity when it has stopped.
    Heard {
        /// How the leader's poll went.
        outcome: Outcome<'a>,
        /// The leader's next poll.
        next_at: f64,
    },
    /// The leader's answer held a trace of the key, so it was not told: a
    /// follower fetches its next answer itself.
    Withheld,
}

/// A widget's part in polling its batch when watchers of the same batch share
/// one poll (the same source, workspace, interval and key, in any tab of the
/// browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Polls for itself alone: sharing is off or impossible here.
    Solo,
    /// Not among the batch's watchers yet (or no longer, while hidden or
    /// paused): nothing starts until it knows whether another leads.
    Joining,
    /// Polls, and tells the other watchers every answer.
    Leader,
    /// Never polls: takes the leader's answers, and asks it for a refresh.
    Follower,
}

/// Why the next poll waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The plain interval after a good answer.
    Interval,
    /// Backing off after a failure.
    Backoff,
    /// The server's `Retry-After`.
    RetryAfter,
}

/// The polling rules for one widget.
#[derive(Debug, Clone, PartialEq)]
pub struct Poller {
    interval_ms: f64,
    timeout_ms: f64,
    /// When the next poll is due, epoch ms, while none is under way.
    due_at: f64,
    /// Why it waits until then.
    wait: Wait,
    /// The server's `Retry-After`: no request before it, not even a refresh.
    hold_until: f64,
    /// The generation of the request under way.
    in_flight: Option<u32>,
    generation: u32,
    failures: u32,
    stopped: bool,
    hidden: bool,
    paused: bool,
    role: Role,
    /// The next [`Command::Await`] asks the leader to poll now.
    refresh: bool,
    /// The leader withheld its answer: the next poll is this follower's own.
    fetch_own: bool,
    /// The generation under way is a follower's wait, not a request.
    awaiting: bool,
}

impl Poller {
    /// Rules for polling every `interval_ms`, with requests aborted after
    /// `timeout_ms`. Nothing happens until the first [`Event::Restart`].
    pub fn new(interval_ms: f64, timeout_ms: f64) -> Self {
        Poller {
            interval_ms: bounded(interval_ms),
            timeout_ms: bounded(timeout_ms),
            due_at: f64::INFINITY,
            wait: Wait::Interval,
            hold_until: 0.0,
            in_flight: None,
            generation: 0,
            failures: 0,
            stopped: true,
            hidden: false,
            paused: false,
            role: Role::Solo,
            refresh: false,
            fetch_own: false,
            awaiting: false,
        }
    }

    /// Applies `event`, seen at `now` (epoch ms), and says what to do next.
    pub fn handle(&mut self, event: Event, now: f64) -> Command {
        match event {
            Event::Answered {
                generation,
                outcome,
                jitter,
            } => {
                if self.in_flight == Some(generation) {
                    self.in_flight = None;
                    self.answered(outcome, jitter, now);
                }
            }
            Event::Timer => {}
            Event::Hidden(hidden) => self.hidden = hidden,
            Event::Paused(paused) => self.paused = paused,
            Event::Refresh => {
                // An explicit act: it ends a stop and cuts a backoff short, but it
                // never asks before the server said it may be asked again. A
                // follower asks the leader, whose rules say the same.
                if self.in_flight.is_none() {
                    let asked = now.max(self.hold_until);
                    // A follower asks the leader only for a poll sooner than
                    // the leader's own next one.
                    self.refresh = asked < self.due_at || self.stopped;
                    self.stopped = false;
                    self.due_at = asked;
                }
            }
            Event::Interval(ms) => {
                self.interval_ms = bounded(ms);
                // A new interval replaces the plain wait only: never a backoff
                // or a Retry-After.
                if self.wait == Wait::Interval && self.in_flight.is_none() {
                    self.due_at = (now + self.interval_ms).max(self.hold_until);
                }
            }
            Event::Restart => {
                // An answer still on its way belongs to the old batch: the shell
                // aborts it, and its generation no longer matches.
                self.in_flight = None;
                self.generation = self.generation.wrapping_add(1);
                self.failures = 0;
                self.stopped = false;
                self.wait = Wait::Interval;
                self.due_at = now.max(self.hold_until);
            }
        }
        self.next(now)
    }

    /// Whether a follower's wait for the leader is under way.
    fn waiting(&self) -> bool {
        self.awaiting && self.in_flight.is_some()
    }

    /// Applies `event` of a shared poll, seen at `now` (epoch ms), and says
    /// what to do next. Kept apart from [`Poller::handle`], so the pollers
    /// that never share (the explorer's, the export's) carry none of it.
    pub fn share(&mut self, event: Shared, now: f64) -> Command {
        match event {
            Shared::Role(role) => self.set_role(role, now),
            Shared::Heard { outcome, next_at } => {
                if self.listens() {
                    // The leader's answer ends a follower's wait as its own
                    // answer would, and its schedule becomes this one's.
                    self.in_flight = None;
                    self.answered(outcome, 0.5, now);
                    if self.wait != Wait::RetryAfter {
                        self.due_at = next_at.max(self.hold_until);
                    }
                }
            }
            Shared::Withheld => {
                if self.role == Role::Follower && self.waiting() {
                    self.in_flight = None;
                    self.fetch_own = true;
                    self.due_at = now.max(self.hold_until);
                }
            }
        }
        self.next(now)
    }

    fn set_role(&mut self, role: Role, now: f64) {
        if self.waiting() {
            // A follower's wait ends with its part: a new leader polls at once
            // (the old one left mid-poll), one that left waits to rejoin.
            self.in_flight = None;
            self.due_at = now.max(self.hold_until);
        }
        // A new follower keeps its schedule (a backoff, say): the shell asks
        // the leader for its last answer, which comes as any answer does.
        self.role = role;
    }

    fn answered(&mut self, outcome: Outcome, jitter: f64, now: f64) {
        match outcome {
            Outcome::Data { finished } => {
                self.failures = 0;
                self.stopped = finished;
                self.wait = Wait::Interval;
                self.due_at = now + self.interval_ms;
            }
            Outcome::Failed(error) => {
                self.failures = self.failures.saturating_add(1);
                self.stopped = error.is_fatal();
                if let Some(wait) = error.retry_after_ms() {
                    let wait = if wait.is_finite() { wait } else { FLOOR_MS };
                    self.hold_until = now + wait.clamp(FLOOR_MS, RETRY_AFTER_CAP_MS);
                    self.wait = Wait::RetryAfter;
                    self.due_at = self.hold_until;
                } else {
                    self.wait = Wait::Backoff;
                    self.due_at = now + backoff_ms(self.interval_ms, self.failures, jitter);
                }
            }
        }
        self.due_at = self.due_at.max(self.hold_until);
    }

    /// The command that the state calls for at `now`; starts a request when one
    /// is due and allowed.
    fn next(&mut self, now: f64) -> Command {
        if self.stopped {
            return Command::Stop;
        }
        if self.in_flight.is_some() || self.hidden || self.paused || self.role == Role::Joining {
            return Command::Idle;
        }
        if self.due_at > now {
            return Command::WaitUntil(self.due_at);
        }
        self.generation = self.generation.wrapping_add(1);
        self.in_flight = Some(self.generation);
        let (generation, deadline) = (self.generation, now + self.timeout_ms);
        let refresh = std::mem::take(&mut self.refresh);
        // A fetch of its own is used up by any request, so none is left over
        // for a later part.
        let own = std::mem::take(&mut self.fetch_own);
        self.awaiting = self.role == Role::Follower && !own;
        if self.awaiting {
            // The leader's own timeout comes first: its answer, even a
            // timeout, is what a follower shows.
            let deadline = deadline + AWAIT_GRACE_MS;
            return Command::Await {
                generation,
                deadline,
                refresh,
            };
        }
        Command::Fetch {
            generation,
            deadline,
        }
    }

    /// Applies a new request timeout from the next request on.
    pub fn set_timeout(&mut self, timeout_ms: f64) {
        self.timeout_ms = bounded(timeout_ms);
    }

    /// This widget's part in its batch's poll.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether this widget should be among its batch's watchers now: sharing
    /// is on, and the page is shown and the widget not paused (a hidden tab
    /// never leads, and a paused widget leaves the lead to the others).
    pub fn in_group(&self) -> bool {
        self.role != Role::Solo && !self.hidden && !self.paused
    }

    /// Whether the leader's answers are taken in: while following, or while
    /// joining (a leader's answer may come before the lock says who leads).
    pub fn listens(&self) -> bool {
        matches!(self.role, Role::Follower | Role::Joining)
    }

    /// Whether a request (or a follower's wait) is under way.
    pub fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Whether polling is over until a refresh or a settings change.
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Whether the page is hidden or the host paused the widget.
    pub fn halted(&self) -> bool {
        self.hidden || self.paused
    }

    /// When the next poll is due and why, while one is waiting: for the
    /// "Retrying in 20 s" countdown. While the wait is [`Wait::RetryAfter`], the
    /// moment is the end of the server's `Retry-After`.
    pub fn next_poll(&self) -> Option<(f64, Wait)> {
        (!self.stopped && self.in_flight.is_none()).then_some((self.due_at, self.wait))
    }
}

/// A wait or timeout setting kept within 1 s – 1 h; unreadable values read as 5 s.
fn bounded(ms: f64) -> f64 {
    if ms.is_finite() {
        ms.clamp(FLOOR_MS, RETRY_AFTER_CAP_MS)
    } else {
        5_000.0
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod share_tests;
