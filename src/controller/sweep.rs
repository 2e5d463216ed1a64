//! Reading every page of one state, 100 calls a request: the CSV export and the
//! failure reasons. The same rules as the status poll (one request at a time,
//! timeout, backoff with jitter, `Retry-After`, stop on an error that asking
//! again cannot fix, nothing while the page is hidden), built on the same
//! [`Poller`]; on top, it moves straight on to the next page after an answer,
//! stops at the last page or at its row cap, and gives up after a few failures
//! in a row.

use super::poller::{Command, Event, Outcome, Poller};
use crate::model::PollError;

/// Calls asked for per request: the endpoint's maximum.
pub const SWEEP_PAGE_SIZE: u64 = 100;

/// Failures in a row after which a sweep gives up.
pub const MAX_FAILURES: u32 = 5;

/// What the shell does next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SweepCommand {
    /// Request `page` (at [`SWEEP_PAGE_SIZE`]), tagged with `generation`; abort
    /// it at `deadline`.
    Fetch {
        /// The page, from 1.
        page: u64,
        /// Answers carry this back.
        generation: u32,
        /// When the request times out.
        deadline: f64,
    },
    /// Report [`Sweep::timer`] at this moment (epoch ms).
    WaitUntil(f64),
    /// Nothing to do until the page is shown again, or a request is under way.
    Idle,
    /// The sweep is over.
    Done(SweepEnd),
}

/// How a sweep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepEnd {
    /// Every page was read.
    Complete,
    /// The row cap was reached first: what was read is the first `cap` rows.
    Capped,
    /// A request failed for good, or too many failed in a row.
    Failed,
}

/// What a page answered, as far as the sweep cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRead {
    /// Calls on the page.
    pub rows: usize,
    /// Pages in the state, as the server counts them.
    pub total_pages: u64,
}

/// One sweep over the pages of a state.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    poller: Poller,
    page: u64,
    rows: usize,
    cap: usize,
    failures: u32,
    /// The generation of the request under way.
    in_flight: Option<u32>,
    end: Option<SweepEnd>,
}

impl Sweep {
    /// A sweep that keeps at most `cap` rows; failures back off from
    /// `interval_ms`, and each request times out after `timeout_ms`. Call
    /// [`Sweep::start`] to begin.
    pub fn new(cap: usize, interval_ms: f64, timeout_ms: f64) -> Self {
        Sweep {
            poller: Poller::new(interval_ms, timeout_ms),
            page: 1,
            rows: 0,
            cap,
            failures: 0,
            in_flight: None,
            end: None,
        }
    }

    /// Starts at page 1, or keeps waiting if the server's `Retry-After` of an
    /// earlier request still holds.
    pub fn start(&mut self, hidden: bool, now: f64) -> SweepCommand {
        self.poller.handle(Event::Hidden(hidden), now);
        let command = self.poller.handle(Event::Restart, now);
        self.command(command)
    }

    /// The page of `generation` came back: with `Ok` its size and page count,
    /// with `Err` why not. `jitter` in `[0, 1)` spreads the backoff. Returns the
    /// next command, and how many of the page's rows to keep (fewer than it has
    /// when the cap is reached).
    pub fn answered(
        &mut self,
        generation: u32,
        result: Result<PageRead, &PollError>,
        jitter: f64,
        now: f64,
    ) -> (SweepCommand, usize) {
        if self.end.is_some() || self.in_flight != Some(generation) {
            return (self.command(Command::Idle), 0);
        }
        self.in_flight = None;
        match result {
            Ok(read) => {
                let keep = read.rows.min(self.cap - self.rows);
                self.rows += keep;
                self.failures = 0;
                let last = read.rows == 0 || self.page >= read.total_pages;
                let capped = self.rows >= self.cap && !last;
                let finished = last || capped;
                let command = self.poller.handle(
                    Event::Answered {
                        generation,
                        outcome: Outcome::Data { finished },
                        jitter,
                    },
                    now,
                );
                if finished {
                    self.end = Some(if capped {
                        SweepEnd::Capped
                    } else {
                        SweepEnd::Complete
                    });
                    return (self.command(command), keep);
                }
                self.page += 1;
                // The next page at once: only a Retry-After can hold it back.
                let next = self.poller.handle(Event::Refresh, now);
                (self.command(next), keep)
            }
            Err(error) => {
                self.failures += 1;
                let command = self.poller.handle(
                    Event::Answered {
                        generation,
                        outcome: Outcome::Failed(error),
                        jitter,
                    },
                    now,
                );
                if self.failures >= MAX_FAILURES {
                    self.end = Some(SweepEnd::Failed);
                }
                (self.command(command), 0)
            }
        }
    }

    /// The wait of [`SweepCommand::WaitUntil`] is over (or not yet, if early).
    pub fn timer(&mut self, now: f64) -> SweepCommand {
        let command = self.poller.handle(Event::Timer, now);
        self.command(command)
    }

    /// The page was hidden (`true`) or shown: nothing is fetched while hidden.
    pub fn hidden(&mut self, hidden: bool, now: f64) -> SweepCommand {
        let command = self.poller.handle(Event::Hidden(hidden), now);
        self.command(command)
    }

    /// Rows kept so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// How the sweep ended, once it has.
    pub fn end(&self) -> Option<SweepEnd> {
        self.end
    }

    fn command(&mut self, command: Command) -> SweepCommand {
        if let Some(end) = self.end {
            return SweepCommand::Done(end);
        }
        match command {
            Command::Fetch {
                generation,
                deadline,
            } => {
                self.in_flight = Some(generation);
                SweepCommand::Fetch {
                    page: self.page,
                    generation,
                    deadline,
                }
            }
            Command::WaitUntil(at) => SweepCommand::WaitUntil(at),
            // A sweep's poller is always solo: it never awaits a leader.
            Command::Idle | Command::Await { .. } => SweepCommand::Idle,
            Command::Stop => {
                // Stopped on a failure that asking again cannot fix.
                self.end = Some(SweepEnd::Failed);
                SweepCommand::Done(SweepEnd::Failed)
            }
        }
    }
}

#[cfg(test)]
mod tests;
