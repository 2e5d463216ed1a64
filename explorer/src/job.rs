//! A sweep over every page of one state, carried out: the pure [`Sweep`] says
//! what to do, this asks for the pages, sets the timer, follows the page's
//! visibility, and hands each page to its owner. Used for the failure reasons
//! and the CSV export. Dropping the [`SweepJob`] stops it.

use crate::live::{now, page_hidden, timer_at, with};
use crate::request::{request_page, PageResult, Request};
use batch_status_widget::config::{ApiKey, Settings};
use batch_status_widget::controller::sweep::SWEEP_PAGE_SIZE;
use batch_status_widget::controller::{PageRead, Sweep, SweepCommand, SweepEnd};
use batch_status_widget::model::PollError;
use batch_status_widget::view::lifeline::DocumentListener;
use batch_status_widget::wire::{CallFilter, CallRecord};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// What the owner hears from a job.
pub enum JobNews<'a> {
    /// Calls of the next page, to keep; `total` is the state's size as the
    /// server last said it.
    Page {
        /// The calls to keep (fewer than the page had at the cap).
        calls: &'a [CallRecord],
        /// Calls in the state.
        total: u64,
    },
    /// A request failed; the job retries unless it ends.
    Failed(&'a PollError),
    /// The job is over.
    Done(SweepEnd),
}

/// A sweep under way.
pub struct SweepJob {
    /// The only strong reference: timers, requests and listeners hold weak
    /// ones, so dropping the job stops all of them.
    _state: Rc<RefCell<JobState>>,
}

struct JobState {
    sweep: Sweep,
    settings: Settings,
    key: ApiKey,
    filter: CallFilter,
    request: Option<Request>,
    timer: Option<Timeout>,
    _visibility: Option<DocumentListener>,
    on_news: Box<dyn FnMut(JobNews)>,
    me: Weak<RefCell<JobState>>,
}

impl SweepJob {
    /// Starts reading every page of `filter`, keeping at most `cap` calls.
    /// `on_news` hears each page, each failure and the end. It is never called
    /// from inside this function, nor after the job is dropped.
    pub fn start(
        settings: &Settings,
        key: &ApiKey,
        filter: CallFilter,
        cap: usize,
        on_news: impl FnMut(JobNews) + 'static,
    ) -> SweepJob {
        let state = Rc::new_cyclic(|me: &Weak<RefCell<JobState>>| {
            let listener_ref = me.clone();
            RefCell::new(JobState {
                sweep: Sweep::new(cap, settings.interval_ms, settings.timeout_ms),
                settings: settings.clone(),
                key: key.clone(),
                filter,
                request: None,
                timer: None,
                _visibility: Some(DocumentListener::new("visibilitychange", move |_| {
                    with(&listener_ref, |job| {
                        let command = job.sweep.hidden(page_hidden(), now());
                        job.carry_out(command);
                    })
                })),
                on_news: Box::new(on_news),
                me: me.clone(),
            })
        });
        {
            let mut job = state.borrow_mut();
            let command = job.sweep.start(page_hidden(), now());
            job.carry_out(command);
        }
        SweepJob { _state: state }
    }
}

impl JobState {
    fn carry_out(&mut self, command: SweepCommand) {
        match command {
            SweepCommand::Fetch {
                page,
                generation,
                deadline,
            } => {
                self.timer = None;
                let me = self.me.clone();
                self.request = request_page(
                    &self.settings,
                    &self.key,
                    self.filter,
                    page,
                    SWEEP_PAGE_SIZE,
                    deadline - now(),
                    move |result| with(&me, |job| job.answered(generation, result)),
                );
            }
            SweepCommand::WaitUntil(at) => {
                let me = self.me.clone();
                self.timer = Some(timer_at(at, move || {
                    with(&me, |job| {
                        let command = job.sweep.timer(now());
                        job.carry_out(command);
                    })
                }));
            }
            SweepCommand::Idle => self.timer = None,
            SweepCommand::Done(end) => {
                self.timer = None;
                self.request = None;
                self._visibility = None;
                (self.on_news)(JobNews::Done(end));
            }
        }
    }

    fn answered(&mut self, generation: u32, result: PageResult) {
        self.request = None;
        let jitter = js_sys::Math::random();
        let command = match &result {
            Ok(page) => {
                let read = PageRead {
                    rows: page.calls.len(),
                    total_pages: page.pagination.total_pages,
                };
                let (command, keep) = self.sweep.answered(generation, Ok(read), jitter, now());
                (self.on_news)(JobNews::Page {
                    calls: &page.calls[..keep],
                    total: page.pagination.total,
                });
                command
            }
            Err(error) => {
                let (command, _) = self.sweep.answered(generation, Err(error), jitter, now());
                (self.on_news)(JobNews::Failed(error));
                command
            }
        };
        self.carry_out(command);
    }
}
