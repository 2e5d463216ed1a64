//! The throughput chart under the progress bar: finished calls per minute over
//! the run (completed, and failed hatched on top), a dashed projection of the
//! calls left at the estimate's rate until the estimated finish, a one-line
//! summary that is also the chart's name, and "Show data" for the same figures
//! as a table. What is drawn is decided in `model::throughput`; this follows
//! the widget's `batch-update` events on its element and draws.

use crate::dom::{element, set, set_all, ForeignListener, Listeners};
use crate::live::{now, with};
use batch_status_widget::model::format::decimal;
use batch_status_widget::model::percent_digits;
use batch_status_widget::model::throughput::{Bar, History, Projection, Tally, MINUTE_MS};
use batch_status_widget::view::Intl;
use js_sys::{Array, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, KeyboardEvent};

const SVG: &str = "http://www.w3.org/2000/svg";
/// The drawing's size in SVG units; it stretches to the card's width. Large
/// enough that whole units are precise: no float formatting in the wasm.
const WIDTH: f64 = 6000.0;
const HEIGHT: f64 = 1000.0;
/// The plot's baseline, where the bars stand, in whole units.
const BOTTOM: i64 = HEIGHT as i64;

/// The chart's elements: its summary (the plot's name) and "Show data", the
/// plot with the hatch of the failed parts and the group the bars go in, the
/// note on the projection, the line that says what a bar holds, and the table.
/// The view box is `WIDTH` by `HEIGHT`.
const SKELETON: &str = "<div class=bs-chart-head><p class=bs-chart-summary id=bs-chart-summary></p>\
<button type=button class=bs-chart-toggle aria-expanded=false>Show data</button></div>\
<svg class=bs-chart-plot viewBox=\"0 0 6000 1000\" preserveAspectRatio=none role=group aria-labelledby=bs-chart-summary>\
<defs><pattern id=bs-chart-hatch width=80 height=80 patternUnits=userSpaceOnUse>\
<rect class=bs-hatch-bg width=80 height=80 /><path class=bs-hatch-line d=\"M0 80 L80 0\" /></pattern></defs><g></g></svg>\
<p class=bs-chart-note></p><p class=bs-chart-detail></p><div class=bs-chart-table hidden></div>";

/// What a `batch-update` brings the chart.
struct Update {
    batch_id: String,
    finished: Tally,
    remaining: u64,
    eta_ms: Option<f64>,
}

fn number(detail: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(detail, &key.into())
        .ok()?
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

fn count(detail: &JsValue, key: &str) -> u64 {
    number(detail, key).map_or(0, |n| n as u64)
}

impl Update {
    fn read(detail: &JsValue) -> Option<Update> {
        let batch_id = Reflect::get(detail, &"batchId".into()).ok()?.as_string()?;
        let counts_known = Reflect::get(detail, &"countsKnown".into())
            .ok()?
            .is_truthy();
        counts_known.then(|| Update {
            batch_id,
            finished: Tally {
                completed: count(detail, "completed"),
                failed: count(detail, "failed"),
            },
            remaining: count(detail, "waiting").saturating_add(count(detail, "active")),
            eta_ms: number(detail, "etaMs"),
        })
    }

    /// The recent calls' end times and whether each failed.
    fn ended_calls(detail: &JsValue) -> Vec<(f64, bool)> {
        let calls = Reflect::get(detail, &"recentCalls".into()).unwrap_or(JsValue::NULL);
        Array::from(&calls)
            .iter()
            .filter_map(|call| {
                let ended = number(&call, "endedAt")?;
                let status = Reflect::get(&call, &"status".into()).ok()?.as_string()?;
                match status.as_str() {
                    "completed" => Some((ended, false)),
                    "failed" => Some((ended, true)),
                    _ => None,
                }
            })
            .collect()
    }
}

/// A bar on the plot: its group and rects, and what they were last drawn
/// from, so that a poll sets only what moved (most polls of a running batch
/// grow the newest bar and nothing else).
struct Drawn {
    group: Element,
    ok: Element,
    failed: Element,
    /// The bar, and its x, width and the heights of its completed and failed
    /// parts in whole units; `None` before the first drawing.
    from: Option<(Bar, [i64; 4])>,
    /// What it says, when it is focused or pointed at.
    label: String,
}

/// One widget's chart.
pub struct Chart {
    /// `sessionStorage`, unless the host turned it off or the browser refuses it.
    storage: Option<web_sys::Storage>,
    /// Where the history is kept: under the batch id the widget asked for,
    /// which is the one a reload asks for again (an answer may name its
    /// batch differently).
    key: String,
    history: History,
    latest: Option<Update>,
    intl: Rc<Intl>,
    document: Document,
    root: Element,
    summary: Element,
    /// The group the bars are drawn in.
    plot: Element,
    /// The dashed projection, after the bars while there is one.
    projection: Element,
    /// What the dashed line means, and where it ends.
    note: Element,
    detail: Element,
    toggle: HtmlElement,
    table: Element,
    /// The drawn bars (gaps are not drawn).
    bars: Vec<Drawn>,
    /// The bar that takes the focus when the chart is tabbed into.
    current: usize,
    /// Whether a bar has the focus (a redraw gives it back).
    focused: bool,
    show_table: bool,
    /// The projection's ends and height, and whether it is cut, as drawn.
    projected: Option<[i64; 4]>,
    /// The summary and the note as last set: a poll compares without reading
    /// the page.
    texts: [String; 2],
    _updates: ForeignListener,
    _listeners: Listeners,
}

fn storage_key(batch_id: &str) -> String {
    ["batch-status:chart:", batch_id].concat()
}

fn svg_element(document: &Document, tag: &str, class: &str) -> Element {
    let node = document
        .create_element_ns(Some(SVG), tag)
        .unwrap_or_else(|_| wasm_bindgen::throw_str("createElementNS"));
    if !class.is_empty() {
        set(&node, "class", class);
    }
    node
}

/// Focuses an SVG element (web-sys binds `focus` on HTML elements only).
fn focus(node: &Element) {
    if let Ok(focus) = Reflect::get(node, &"focus".into()) {
        let _ = focus.unchecked_into::<js_sys::Function>().call0(node);
    }
}

impl Chart {
    /// Draws the chart of `batch_id` in `place` for the widget on `host`, its
    /// numbers and times in `locale`; `keep` says whether the history may be
    /// kept in `sessionStorage`.
    pub fn open(
        place: &Element,
        host: &Element,
        batch_id: &str,
        locale: Option<&str>,
        keep: bool,
    ) -> Rc<RefCell<Chart>> {
        let document = gloo_utils::document();
        let storage = keep
            .then(|| gloo_utils::window().session_storage().ok().flatten())
            .flatten();
        let key = storage_key(batch_id);
        let history = storage
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|text| History::from_storage(&text))
            .unwrap_or_else(|| History::new(batch_id));
        let root = element(&document, "div", "bs-chart", "");
        set(&root, "part", "chart");
        // Fixed markup, never with a server string in it: one parse costs
        // less download than making each element.
        root.set_inner_html(SKELETON);
        let part = |selector: &str| -> Element {
            root.query_selector(selector)
                .ok()
                .flatten()
                .unwrap_or_else(|| wasm_bindgen::throw_str(selector))
        };
        let (summary, svg, plot) = (part("p"), part("svg"), part("g"));
        let toggle: HtmlElement = part("button").unchecked_into();
        let (note, detail, table) = (
            part(".bs-chart-note"),
            part(".bs-chart-detail"),
            part(".bs-chart-table"),
        );
        let projection = svg_element(&document, "path", "");
        let _ = place.append_with_node_1(&root);

        Rc::new_cyclic(|me: &Weak<RefCell<Chart>>| {
            let mut listeners = Listeners::default();
            let on_update = me.clone();
            // On the widget's element: taken off again when the chart goes.
            let updates = ForeignListener::on(host, "batch-update", move |event| {
                let detail = Reflect::get(&event, &"detail".into()).unwrap_or(JsValue::NULL);
                with(&on_update, |chart| chart.update(&detail));
            });
            let on_toggle = me.clone();
            listeners.on(&toggle, "click", move |_| {
                with(&on_toggle, |chart| {
                    chart.show_table = !chart.show_table;
                    chart.draw_table();
                })
            });
            let on_key = me.clone();
            listeners.on(&svg, "keydown", move |event| {
                let Some(key) = event.dyn_ref::<KeyboardEvent>().map(KeyboardEvent::key) else {
                    return;
                };
                with(&on_key, |chart| {
                    if chart.move_focus(&key) {
                        event.prevent_default();
                    }
                })
            });
            let on_blur = me.clone();
            listeners.on(&svg, "focusout", move |_| {
                with(&on_blur, |chart| chart.focused = false)
            });
            for kind in ["focusin", "mouseover"] {
                let on_point = me.clone();
                listeners.on(&svg, kind, move |event| {
                    let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
                    let bar = target.and_then(|t| t.closest(".bs-chart-bar").ok().flatten());
                    with(&on_point, |chart| chart.point_at(bar.as_ref()));
                });
            }
            let mut chart = Chart {
                intl: Intl::new(locale),
                storage,
                key,
                history,
                latest: None,
                document,
                root,
                summary,
                plot,
                projection,
                note,
                detail,
                toggle,
                table,
                bars: Vec::new(),
                current: 0,
                focused: false,
                show_table: false,
                projected: None,
                texts: Default::default(),
                _updates: updates,
                _listeners: listeners,
            };
            chart.draw();
            RefCell::new(chart)
        })
    }

    /// A `batch-update`: one more poll in the history, kept and drawn.
    fn update(&mut self, detail: &JsValue) {
        let Some(update) = Update::read(detail) else {
            return;
        };
        let opened = self
            .history
            .observe(&update.batch_id, now(), update.finished);
        if self.history.minutes().is_empty() {
            self.history.seed(Update::ended_calls(detail));
        }
        // Kept again when the counts moved, or when a poll opened a minute in
        // which nothing finished (a reload must draw its bar too). Otherwise
        // the stored history is the same, and most polls of a quiet batch (or
        // a paused one) would rewrite it.
        let changed = opened
            || self
                .latest
                .as_ref()
                .is_none_or(|latest| latest.finished != update.finished);
        if let (true, Some(storage)) = (changed, &self.storage) {
            let _ = storage.set_item(&self.key, &self.history.to_storage());
        }
        self.latest = Some(update);
        self.draw();
    }

    /// Sets the text of the summary (`which` 0) or the note (1), unless it
    /// already reads so.
    fn set_text(&mut self, which: usize, text: String) {
        if self.texts[which] != text {
            [&self.summary, &self.note][which].set_text_content(Some(&text));
            self.texts[which] = text;
        }
    }

    fn draw(&mut self) {
        let at = now();
        let bars = self.history.bars(at);
        let projection = self
            .latest
            .as_ref()
            .and_then(|u| Projection::new(at, u.eta_ms, u.remaining));
        let intl = self.intl.clone();
        let text = match self.history.summary(at) {
            Some(summary) => summary.text(|n| intl.count(n)),
            None if bars.is_empty() => {
                "Calls per minute: the chart fills in as calls finish.".to_owned()
            }
            None => "Calls per minute: the first whole minute is still running.".to_owned(),
        };
        let since = if self.history.from_recent_calls() {
            " (since you opened this page)"
        } else {
            ""
        };
        self.set_text(0, text + since);
        let note = projection.map(|p| {
            [
                "Dashed: the ",
                &self
                    .intl
                    .count(self.latest.as_ref().map_or(0, |u| u.remaining)),
                " calls left at ",
                &self.intl.count(p.rate_per_minute.round() as u64),
                " a minute, ending ≈ ",
                &self.intl.clock(p.until_ms),
                ".",
            ]
            .concat()
        });
        self.set_text(1, note.unwrap_or_default());
        // The focus stays on the same bar across a redraw, and on the newest
        // one when it was there.
        let (old, follow_newest) = (self.current, self.current + 1 >= self.bars.len());
        self.draw_bars(&bars, projection);
        let last = self.bars.len().saturating_sub(1);
        self.current = if follow_newest { last } else { old.min(last) };
        if let (Some(bar), true) = (self.bars.get(old), old != self.current) {
            set(&bar.group, "tabindex", "-1");
        }
        if let Some(bar) = self.bars.get(self.current) {
            set(&bar.group, "tabindex", "0");
            if self.focused {
                focus(&bar.group);
            }
        }
        if self.show_table {
            self.draw_table();
        }
    }

    /// Draws `bars` and the projection over what is drawn: a bar's element is
    /// kept, and set again only when its figures or place moved.
    fn draw_bars(&mut self, bars: &[Bar], projection: Option<Projection>) {
        let first_minute = bars.first().map_or(0, |b| b.start_minute);
        let last = bars
            .last()
            .map_or(first_minute, |b| b.start_minute + i64::from(b.minutes));
        let span = (last - first_minute).max(1) as f64;
        // The projection widens the chart, but the history keeps at least
        // two fifths of it; a later finish is marked at the right edge.
        let until = projection.map_or(last as f64, |p| p.until_ms / MINUTE_MS);
        let end = until.clamp(last as f64, first_minute as f64 + span * 2.5);
        let minutes = end - first_minute as f64;
        let x_of = |minute: f64| ((minute - first_minute as f64) / minutes * WIDTH).round() as i64;
        let top = bars
            .iter()
            .map(Bar::rate_per_minute)
            .chain(projection.map(|p| p.rate_per_minute))
            .fold(1.0, f64::max)
            * 1.15;
        let y_of = |rate: f64| (rate / top * HEIGHT).round() as i64;
        let mut shown = 0;
        for bar in bars {
            let Some(tally) = bar.tally else {
                continue; // a gap: no poll fell in it
            };
            let width = f64::from(bar.minutes);
            let x = x_of(bar.start_minute as f64);
            let w = (x_of(bar.start_minute as f64 + width) - x) * 4 / 5;
            let ok = y_of(tally.completed as f64 / width);
            let failed = y_of(tally.failed as f64 / width);
            let from = Some((*bar, [x, w, ok, failed]));
            if shown == self.bars.len() {
                let group = svg_element(&self.document, "g", "");
                set_all(&group, &[("tabindex", "-1"), ("role", "img")]);
                let ok = svg_element(&self.document, "rect", "bs-chart-ok");
                let failed = svg_element(&self.document, "rect", "bs-chart-failed");
                let _ = group.append_with_node_2(&ok, &failed);
                let _ = self.plot.append_with_node_1(&group);
                self.bars.push(Drawn {
                    group,
                    ok,
                    failed,
                    from: None,
                    label: String::new(),
                });
            }
            if self.bars[shown].from != from {
                let label = self.label(bar, tally);
                let drawn = &mut self.bars[shown];
                let class = if bar.partial {
                    "bs-chart-bar is-partial"
                } else {
                    "bs-chart-bar"
                };
                set_all(&drawn.group, &[("class", class), ("aria-label", &label)]);
                // The failed part stands on the completed one.
                let (x, w) = (decimal(x), decimal(w));
                for (rect, y, height) in [
                    (&drawn.ok, BOTTOM - ok, ok),
                    (&drawn.failed, BOTTOM - ok - failed, failed),
                ] {
                    let (y, height) = (decimal(y), decimal(height));
                    set_all(
                        rect,
                        &[("x", &x), ("width", &w), ("y", &y), ("height", &height)],
                    );
                }
                drawn.from = from;
                drawn.label = label;
            }
            shown += 1;
        }
        for gone in self.bars.drain(shown..) {
            gone.group.remove();
        }
        let projected = projection.filter(|_| shown > 0).map(|p| {
            [
                x_of(p.from_ms / MINUTE_MS),
                x_of(end),
                BOTTOM - y_of(p.rate_per_minute),
                i64::from(end < until),
            ]
        });
        if projected == self.projected {
            return;
        }
        self.projected = projected;
        match projected {
            Some([from, to, y, cut]) => {
                let class = if cut == 1 {
                    "bs-chart-projection is-cut"
                } else {
                    "bs-chart-projection"
                };
                // Along the rate, then down at the estimated finish.
                let [from, to, y] = [from, to, y].map(decimal);
                let d = ["M", &from, " ", &y, " H", &to, " M", &to, " ", &y, " V1000"].concat();
                set_all(&self.projection, &[("class", class), ("d", &d)]);
                let _ = self.plot.after_with_node_1(&self.projection);
            }
            None => self.projection.remove(),
        }
    }

    /// What a bar says, when it is focused or pointed at.
    fn label(&self, bar: &Bar, tally: Tally) -> String {
        let start = bar.start_minute as f64 * MINUTE_MS;
        let mut when = self.intl.clock(start);
        if bar.minutes > 1 {
            when.push_str(" to ");
            when.push_str(&self.intl.clock(start + f64::from(bar.minutes) * MINUTE_MS));
        }
        let mut text = [
            &when,
            ": ",
            &self.intl.count(tally.finished()),
            " calls finished, ",
            &self.intl.count(tally.completed),
            " completed, ",
            &self.intl.count(tally.failed),
            " failed",
        ]
        .concat();
        if let Some(success) = tally.success() {
            text.push_str(", ");
            text.push_str(&percent_digits(success));
            text.push_str(" succeeded");
        }
        if bar.partial {
            text.push_str(" (this minute is still running)");
        }
        text
    }

    /// The arrow keys, Home and End move the focus between the bars.
    fn move_focus(&mut self, key: &str) -> bool {
        let last = self.bars.len().saturating_sub(1);
        let next = match key {
            "ArrowLeft" => self.current.saturating_sub(1),
            "ArrowRight" => (self.current + 1).min(last),
            "Home" => 0,
            "End" => last,
            _ => return false,
        };
        if let Some(bar) = self.bars.get(next) {
            if let Some(old) = self.bars.get(self.current) {
                set(&old.group, "tabindex", "-1");
            }
            set(&bar.group, "tabindex", "0");
            self.current = next;
            self.focused = true;
            // Its focusin arrives while this runs, and is not heard: say it here.
            self.detail.set_text_content(Some(&bar.label));
            focus(&bar.group);
        }
        true
    }

    /// A bar was focused or pointed at: its figures go in the line under the chart.
    fn point_at(&mut self, bar: Option<&Element>) {
        let Some(index) = bar.and_then(|bar| self.bars.iter().position(|b| &b.group == bar)) else {
            return;
        };
        let focused = bar.is_some_and(|bar| {
            self.root
                .get_root_node()
                .dyn_into::<web_sys::ShadowRoot>()
                .ok()
                .and_then(|root| root.active_element())
                .is_some_and(|active| &active == bar)
        });
        if focused {
            self.focused = true;
            self.current = index;
        }
        self.detail.set_text_content(Some(&self.bars[index].label));
    }

    /// "Show data": the bars as a table, while it is open.
    fn draw_table(&mut self) {
        set(
            &self.toggle,
            "aria-expanded",
            if self.show_table { "true" } else { "false" },
        );
        self.toggle.set_text_content(Some(if self.show_table {
            "Hide data"
        } else {
            "Show data"
        }));
        self.table.replace_children_with_node_0();
        if !self.show_table {
            let _ = self.table.set_attribute("hidden", "");
            return;
        }
        let _ = self.table.remove_attribute("hidden");
        let document = &self.document;
        let table = element(document, "table", "bs-table", "");
        let head = element(document, "tr", "", "");
        for title in ["Minute", "Completed", "Failed", "Succeeded"] {
            let cell = element(document, "th", "", title);
            set(&cell, "scope", "col");
            let _ = head.append_with_node_1(&cell);
        }
        let _ = table.append_with_node_1(&head);
        // The bars as last drawn: the same figures as the plot.
        for (bar, _) in self.bars.iter().filter_map(|drawn| drawn.from) {
            let Some(tally) = bar.tally else { continue };
            let row = element(document, "tr", "", "");
            let success = tally
                .success()
                .map_or_else(|| "–".to_owned(), percent_digits);
            for text in [
                self.intl.clock(bar.start_minute as f64 * MINUTE_MS),
                self.intl.count(tally.completed),
                self.intl.count(tally.failed),
                success,
            ] {
                let _ = row.append_with_node_1(&element(document, "td", "", &text));
            }
            let _ = table.append_with_node_1(&row);
        }
        let _ = self.table.append_with_node_1(&table);
    }

    /// Removes the chart; its history stays in storage for the next one.
    pub fn close(&mut self) {
        self.root.remove();
    }
}
