//! One open explorer: which state and page it shows, the page poll (the same
//! pure [`Poller`] as the status), the failure reasons and the export. Its
//! rules live in the pure layers; this carries them out and draws.

use crate::dom::Listeners;
use crate::export::{ExportNews, ExportRun};
use crate::job::{JobNews, SweepJob};
use crate::live::{now, page_hidden, timer_at, with};
use crate::request::{request_page, PageResult, Request};
use crate::view::{Action, View};
use batch_status_widget::config::{ApiKey, Settings};
use batch_status_widget::controller::{Command, Event, Outcome, Poller, SweepEnd};
use batch_status_widget::model::csv::{file_name, MAX_EXPORT_ROWS};
use batch_status_widget::model::failure_reasons::{reason_key, Reasons, MAX_REASON_CALLS};
use batch_status_widget::model::paging::{page_of, pages_for, PageNav};
use batch_status_widget::model::{error_text, PollError};
use batch_status_widget::view::lifeline::DocumentListener;
use batch_status_widget::view::Intl;
use batch_status_widget::wire::{CallFilter, CallRecord, CallsPage, Counts};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The failed calls read for the reasons, and how far that got.
struct ReasonsRead {
    job: Option<SweepJob>,
    calls: Vec<CallRecord>,
    /// Failed calls in the batch, as the server said.
    total: u64,
    end: Option<SweepEnd>,
    grouped: Reasons,
}

/// An export under way or finished, as the export bar shows it.
struct ExportState {
    run: Option<ExportRun>,
    text: String,
}

/// A live explorer.
pub struct Explorer {
    settings: Settings,
    /// Calls per page (`page-size`).
    page_size: u64,
    key: ApiKey,
    intl: Rc<Intl>,
    view: View,
    _listeners: Listeners,
    filter: CallFilter,
    page: u64,
    poller: Poller,
    request: Option<Request>,
    timer: Option<Timeout>,
    shown: Option<CallsPage>,
    summary: Option<Counts>,
    error: Option<PollError>,
    reasons: Option<ReasonsRead>,
    /// Failed calls shown by one reason, filtered here; and that list's page.
    reason_filter: Option<(String, String)>,
    reason_page: u64,
    export: ExportState,
    download_url: Option<String>,
    _visibility: DocumentListener,
    on_close: js_sys::Function,
    me: Weak<RefCell<Explorer>>,
}

impl Explorer {
    /// Opens an explorer in `slot` and starts reading the first page.
    pub fn open(
        slot: &Element,
        settings: Settings,
        page_size: u64,
        key: ApiKey,
        on_close: js_sys::Function,
    ) -> Rc<RefCell<Explorer>> {
        let document = gloo_utils::document();
        let explorer = Rc::new_cyclic(|me: &Weak<RefCell<Explorer>>| {
            let mut listeners = Listeners::default();
            let act_me = me.clone();
            let act = move |action: Action| with(&act_me, |explorer| explorer.act(action));
            let view = View::new(&document, &settings.batch_id, &mut listeners, act);
            // One listener for the reasons panel, whose buttons are redrawn.
            let reason_me = me.clone();
            listeners.on(&view.reasons, "click", move |event| {
                if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                    with(&reason_me, |explorer| explorer.reason_clicked(&target));
                }
            });
            let visible_me = me.clone();
            let visibility = DocumentListener::new("visibilitychange", move |_| {
                with(&visible_me, |explorer| {
                    explorer.drive(Event::Hidden(page_hidden()))
                })
            });
            let mut poller = Poller::new(settings.interval_ms, settings.timeout_ms);
            poller.handle(Event::Hidden(page_hidden()), now());
            RefCell::new(Explorer {
                intl: Intl::new(settings.locale.as_deref()),
                settings,
                page_size,
                key,
                view,
                _listeners: listeners,
                filter: CallFilter::All,
                page: 1,
                poller,
                request: None,
                timer: None,
                shown: None,
                summary: None,
                error: None,
                reasons: None,
                reason_filter: None,
                reason_page: 1,
                export: ExportState {
                    run: None,
                    text: String::new(),
                },
                download_url: None,
                _visibility: visibility,
                on_close,
                me: me.clone(),
            })
        });
        {
            let mut this = explorer.borrow_mut();
            slot.set_text_content(None);
            let _ = slot.append_child(&this.view.root);
            this.draw();
            this.drive(Event::Restart);
        }
        explorer
    }

    /// Stops everything: the request, the timer, the sweeps, the listeners.
    pub fn close(&mut self) {
        self.request = None;
        self.timer = None;
        self.reasons = None;
        self.export.run = None;
        self.view.root.remove();
        if let Some(url) = self.download_url.take() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Close => {
                // After this call returns: closing destroys this explorer.
                let on_close = self.on_close.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = on_close.call0(&wasm_bindgen::JsValue::NULL);
                });
                return;
            }
            Action::Filter(filter) if filter != self.filter => {
                self.filter = filter;
                self.page = 1;
                self.shown = None;
                self.reason_filter = None;
                // Reasons half-read are dropped; read ones are kept.
                if self.reasons.as_ref().is_some_and(|r| r.end.is_none()) {
                    self.reasons = None;
                }
                self.restart();
            }
            Action::Filter(_) => {}
            Action::Page(page) if self.reason_filter.is_some() => self.reason_page = page,
            Action::Page(page) if page != self.page => {
                self.page = page;
                self.restart();
            }
            Action::Page(_) => {}
            Action::Reason(reason) => {
                self.reason_filter = reason.and_then(|key| {
                    let label = self
                        .reasons
                        .as_ref()?
                        .grouped
                        .named
                        .iter()
                        .find(|r| r.key == key)?
                        .label
                        .clone();
                    Some((key, label))
                });
                self.reason_page = 1;
                self.sync_paused();
            }
            Action::Export => self.start_export(),
            Action::CancelExport => {
                if self.export.run.take().is_some() {
                    self.export.text = "Export cancelled.".to_owned();
                    self.sync_paused();
                }
            }
        }
        self.draw();
    }

    /// A new state or page: the request for the old one is aborted. Whether
    /// the poll waits (a sweep may have just been dropped) is settled first; a
    /// fetch that this alone would start is superseded by the restart.
    fn restart(&mut self) {
        self.request = None;
        self.poller.handle(Event::Paused(self.must_wait()), now());
        self.drive(Event::Restart);
    }

    /// Reports `event` to the page poll and carries out its command.
    fn drive(&mut self, event: Event) {
        match self.poller.handle(event, now()) {
            Command::Fetch {
                generation,
                deadline,
            } => {
                self.timer = None;
                let me = self.me.clone();
                self.request = request_page(
                    &self.settings,
                    &self.key,
                    self.filter,
                    self.page,
                    self.page_size,
                    deadline - now(),
                    move |result| with(&me, |explorer| explorer.answered(generation, result)),
                );
                self.view.show_busy(true);
            }
            Command::WaitUntil(at) => {
                let me = self.me.clone();
                self.timer = Some(timer_at(at, move || {
                    with(&me, |explorer| explorer.drive(Event::Timer))
                }));
            }
            // The explorer's poller is always solo: it never awaits a leader.
            Command::Idle | Command::Stop | Command::Await { .. } => self.timer = None,
        }
    }

    fn answered(&mut self, generation: u32, result: PageResult) {
        self.request = None;
        self.view.show_busy(false);
        let jitter = js_sys::Math::random();
        let finished = match result {
            Ok(page) => {
                let last = page.pagination.total_pages;
                if let Some(summary) = page.summary {
                    self.summary = Some(summary);
                }
                self.error = None;
                let finished = self.summary.is_some_and(|s| s.is_settled());
                let beyond = self.page > last && page.calls.is_empty();
                self.shown = Some(page);
                if beyond {
                    // The state shrank under this page: show its last page.
                    self.page = last;
                    self.poller.handle(
                        Event::Answered {
                            generation,
                            outcome: Outcome::Data { finished },
                            jitter,
                        },
                        now(),
                    );
                    self.restart();
                    self.draw();
                    return;
                }
                Ok(finished)
            }
            Err(error) => Err(error),
        };
        let outcome = match &finished {
            Ok(finished) => Outcome::Data {
                finished: *finished,
            },
            Err(error) => Outcome::Failed(error),
        };
        self.drive(Event::Answered {
            generation,
            outcome,
            jitter,
        });
        if let Err(error) = finished {
            self.error = Some(error);
        }
        if self.filter == CallFilter::Failed && self.reasons.is_none() && self.error.is_none() {
            self.start_reasons();
        }
        self.draw();
    }

    /// Reads the failed calls, 100 a request, for the reasons.
    fn start_reasons(&mut self) {
        let me = self.me.clone();
        let job = SweepJob::start(
            &self.settings,
            &self.key,
            CallFilter::Failed,
            MAX_REASON_CALLS,
            move |news| with(&me, |explorer| explorer.reasons_news(news)),
        );
        self.reasons = Some(ReasonsRead {
            job: Some(job),
            calls: Vec::new(),
            total: 0,
            end: None,
            grouped: Reasons::default(),
        });
        self.sync_paused();
    }

    fn reasons_news(&mut self, news: JobNews) {
        let Some(reasons) = self.reasons.as_mut() else {
            return;
        };
        match news {
            JobNews::Page { calls, total } => {
                reasons.calls.extend_from_slice(calls);
                reasons.total = total;
            }
            JobNews::Failed(_) => {}
            JobNews::Done(end) => {
                reasons.end = Some(end);
                reasons.job = None;
                reasons.grouped = Reasons::group(reasons.calls.iter().map(|c| c.error.as_deref()));
                self.sync_paused();
            }
        }
        // The reasons and whether an export may start are all that changed:
        // the table is not redrawn for each of up to 50 pages read.
        self.draw_reasons(&gloo_utils::document());
        self.draw_export();
    }

    fn start_export(&mut self) {
        if self.export.run.is_some() || self.reading_reasons() {
            return;
        }
        let me = self.me.clone();
        let run = ExportRun::start(&self.settings, &self.key, self.filter, move |news| {
            with(&me, |explorer| explorer.export_news(news))
        });
        self.export = ExportState {
            run: Some(run),
            text: "Fetching calls…".to_owned(),
        };
        self.sync_paused();
    }

    fn export_news(&mut self, news: ExportNews) {
        let intl = self.intl.clone();
        let count = |n: u64| intl.count(n);
        self.export.text = match news {
            ExportNews::Progress { rows, total } => {
                format!("Fetching {} of {} calls…", count(rows as u64), count(total))
            }
            ExportNews::Done {
                file,
                rows,
                total,
                capped,
            } => {
                self.export.run = None;
                let name = file_name(&self.settings.batch_id, self.filter.wire(), now());
                self.download(&file, &name);
                if capped {
                    format!(
                        "Saved {name}: the first {} of {} calls. An export stops at {} rows.",
                        count(rows as u64),
                        count(total),
                        count(MAX_EXPORT_ROWS as u64)
                    )
                } else {
                    format!("Saved {name}: {} calls.", count(rows as u64))
                }
            }
            ExportNews::Failed(error) => {
                self.export.run = None;
                let text = error_text(&error, &self.settings.batch_id, &self.settings.workspace_id);
                format!("The export stopped. {} {}", text.title, text.detail)
            }
        };
        self.sync_paused();
        // Only the export bar changed: the table is not redrawn for each of up
        // to 1,000 pages exported.
        self.draw_export();
    }

    /// Hands the file to the browser's download.
    fn download(&mut self, file: &web_sys::Blob, name: &str) {
        if let Some(old) = self.download_url.take() {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        let Ok(url) = web_sys::Url::create_object_url_with_blob(file) else {
            return;
        };
        let Ok(link) = gloo_utils::document().create_element("a") else {
            return;
        };
        let link: web_sys::HtmlAnchorElement = link.unchecked_into();
        link.set_href(&url);
        link.set_download(name);
        link.click();
        self.download_url = Some(url);
    }

    fn reading_reasons(&self) -> bool {
        self.reasons.as_ref().is_some_and(|r| r.job.is_some())
    }

    /// One request at a time: the page poll waits while a sweep runs, and while
    /// the table shows calls filtered here.
    fn sync_paused(&mut self) {
        self.drive(Event::Paused(self.must_wait()));
    }

    fn must_wait(&self) -> bool {
        self.export.run.is_some() || self.reading_reasons() || self.reason_filter.is_some()
    }

    /// Draws everything from the state.
    fn draw(&mut self) {
        let document = gloo_utils::document();
        let intl = self.intl.clone();
        let summary = self.summary;
        self.view.show_tabs(self.filter, |filter| {
            summary.map(|s| intl.count(s.of(filter)))
        });
        self.draw_reasons(&document);
        let size = self.page_size;
        let mask = self.settings.mask_phones;
        // "of 4,200 failed", "No waiting calls"; the All tab needs no word.
        let state = match self.filter {
            CallFilter::All => String::new(),
            filter => format!(" {}", filter.label().to_ascii_lowercase()),
        };
        let (rows, nav, status): (Vec<&CallRecord>, PageNav, String) = match (
            &self.reason_filter,
            &self.reasons,
        ) {
            (Some((key, label)), Some(reasons)) => {
                let matching: Vec<&CallRecord> = reasons
                    .calls
                    .iter()
                    .filter(|c| reason_key(c.error.as_deref()).as_deref() == Some(key.as_str()))
                    .collect();
                let nav = PageNav::new(self.reason_page, pages_for(matching.len() as u64, size));
                let text = format!(
                    "{} failed calls with the reason “{label}”: filtered in this browser from the {} failed calls read.",
                    intl.count(matching.len() as u64),
                    intl.count(reasons.calls.len() as u64)
                );
                (page_of(&matching, nav.page, size).to_vec(), nav, text)
            }
            _ => {
                let (calls, nav) = match &self.shown {
                    Some(page) => (
                        page.calls.iter().collect(),
                        PageNav::new(self.page, page.pagination.total_pages),
                    ),
                    None => (Vec::new(), PageNav::new(self.page, self.page)),
                };
                let text = match (&self.error, &self.shown) {
                    (Some(error), _) => {
                        let text =
                            error_text(error, &self.settings.batch_id, &self.settings.workspace_id);
                        format!("{} {}", text.title, text.detail)
                    }
                    (None, Some(page)) if page.pagination.total > 0 => {
                        let first = (nav.page - 1) * page.pagination.limit + 1;
                        let last = first + page.calls.len().max(1) as u64 - 1;
                        format!(
                            "Calls {}–{} of {}{state}",
                            intl.count(first),
                            intl.count(last),
                            intl.count(page.pagination.total)
                        )
                    }
                    (None, Some(_)) => format!("No{state} calls."),
                    (None, None) => "Loading calls…".to_owned(),
                };
                (calls, nav, text)
            }
        };
        let error_class = if self.error.is_some() {
            "bs-x-status is-error"
        } else {
            "bs-x-status"
        };
        self.view.status.set_class_name(error_class);
        self.view.status.set_text_content(Some(&status));
        let label = format!(
            "Page {} of {}",
            intl.count(nav.page),
            intl.count(nav.total_pages)
        );
        let [first, prev, next, last] = nav.targets();
        self.view.show_nav(
            &label,
            [
                nav.has_prev().then_some(first),
                nav.has_prev().then_some(prev),
                nav.has_next().then_some(next),
                nav.has_next().then_some(last),
            ],
        );
        let caption = format!(
            "{} calls, page {} of {}",
            self.filter.label(),
            nav.page,
            nav.total_pages
        );
        self.view.show_rows(&document, &rows, &intl, mask, &caption);
        self.draw_export();
    }

    /// The export bar: whether an export may start, whether one runs, its text.
    fn draw_export(&self) {
        self.view.show_export(
            !self.reading_reasons(),
            self.export.run.is_some(),
            &self.export.text,
        );
    }

    /// The reasons panel: only on the Failed tab.
    fn draw_reasons(&self, document: &web_sys::Document) {
        let panel = &self.view.reasons;
        panel.set_text_content(None);
        let Some(reasons) = self
            .reasons
            .as_ref()
            .filter(|_| self.filter == CallFilter::Failed)
        else {
            crate::dom::toggle_attribute(panel, "hidden", true);
            return;
        };
        crate::dom::toggle_attribute(panel, "hidden", false);
        let intl = &self.intl;
        let heading = match reasons.end {
            None => format!(
                "Reading failure reasons… {} of {} failed calls",
                intl.count(reasons.calls.len() as u64),
                intl.count(reasons.total)
            ),
            Some(SweepEnd::Capped) => format!(
                "Why calls failed, from the first {} of {} failed calls",
                intl.count(reasons.calls.len() as u64),
                intl.count(reasons.total)
            ),
            Some(SweepEnd::Complete) => format!(
                "Why calls failed, from all {} failed calls",
                intl.count(reasons.calls.len() as u64)
            ),
            Some(SweepEnd::Failed) => format!(
                "The failure reasons could not be read in full: {} of {} failed calls",
                intl.count(reasons.calls.len() as u64),
                intl.count(reasons.total)
            ),
        };
        let title = crate::dom::element(document, "p", "bs-x-reasons-title", &heading);
        let _ = panel.append_child(&title);
        if reasons.end.is_none() {
            return;
        }
        let list = crate::dom::element(document, "ul", "bs-x-reason-list", "");
        let selected = self.reason_filter.as_ref().map(|(key, _)| key.as_str());
        for reason in &reasons.grouped.named {
            let item = crate::dom::element(document, "li", "", "");
            let pressed = selected == Some(reason.key.as_str());
            let text = format!("{} × {}", reason.label, intl.count(reason.count as u64));
            let control = crate::dom::button(document, "bs-x-reason", &text);
            crate::dom::set(
                &control,
                "aria-pressed",
                if pressed { "true" } else { "false" },
            );
            crate::dom::set(&control, "data-reason", &reason.key);
            let _ = item.append_child(&control);
            let _ = list.append_child(&item);
        }
        if reasons.grouped.other > 0 {
            let text = format!("other × {}", intl.count(reasons.grouped.other as u64));
            let item = crate::dom::element(document, "li", "bs-x-reason-other", &text);
            let _ = list.append_child(&item);
        }
        let _ = panel.append_child(&list);
        if selected.is_some() {
            let all = crate::dom::button(document, "bs-x-reason-all", "Show every failed call");
            crate::dom::set(&all, "data-reason", "");
            let _ = panel.append_child(&all);
        }
    }

    /// A click in the reasons panel (one listener for the panel, whose buttons
    /// are redrawn): the reason's key, or none to clear the filter.
    pub fn reason_clicked(&mut self, target: &Element) {
        let Some(control) = target.closest("[data-reason]").ok().flatten() else {
            return;
        };
        let key = control.get_attribute("data-reason").unwrap_or_default();
        let pressed = control.get_attribute("aria-pressed").as_deref() == Some("true");
        let reason = (!key.is_empty() && !pressed).then_some(key);
        self.act(Action::Reason(reason));
        // The redraw replaced the button: keep the focus in the panel.
        let selector = match &self.reason_filter {
            Some(_) => "[aria-pressed=true]".to_owned(),
            None => ".bs-x-reason".to_owned(),
        };
        if let Ok(Some(next)) = self.view.reasons.query_selector(&selector) {
            if let Some(next) = next.dyn_ref::<web_sys::HtmlElement>() {
                let _ = next.focus();
            }
        }
    }
}
