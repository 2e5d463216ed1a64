//! The explorer's elements: built once when it opens, then only their text,
//! attributes and the table's rows change, so the focus never jumps.

use crate::dom::{button, element, set, toggle_attribute, Listeners};
use batch_status_widget::model::format;
use batch_status_widget::model::mask::{mask_phone, visible_text};
use batch_status_widget::view::Intl;
use batch_status_widget::wire::{CallFilter, CallOutcome, CallRecord};
use web_sys::{Document, Element, HtmlElement};

/// What a control in the explorer asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Close the explorer.
    Close,
    /// Show another state.
    Filter(CallFilter),
    /// Show another page.
    Page(u64),
    /// Show only the failed calls with this reason; `None` shows them all.
    Reason(Option<String>),
    /// Download the current state as CSV.
    Export,
    /// Stop the export.
    CancelExport,
}

/// The explorer's elements.
pub struct View {
    pub root: Element,
    tabs: Vec<(CallFilter, HtmlElement, Element)>,
    pub reasons: Element,
    pub status: Element,
    caption: Element,
    table: Element,
    body: Element,
    nav: [HtmlElement; 4],
    page_label: Element,
    export: HtmlElement,
    cancel: HtmlElement,
    pub export_status: Element,
}

const NAV: [(&str, &str, &str); 4] = [
    ("«", "First", "First page"),
    ("‹", "Previous", "Previous page"),
    ("›", "Next", "Next page"),
    ("»", "Last", "Last page"),
];

const COLUMNS: [&str; 7] = [
    "Call", "Outcome", "Number", "Started", "Ended", "Duration", "Error",
];

impl View {
    /// Builds the explorer for batch `batch_id`; every control reports to `act`.
    pub fn new(
        document: &Document,
        batch_id: &str,
        listeners: &mut Listeners,
        act: impl Fn(Action) + Clone + 'static,
    ) -> View {
        let root = element(document, "section", "bs-x", "");
        set(&root, "part", "explorer");
        set(
            &root,
            "aria-label",
            &format!("All calls of batch {batch_id}"),
        );
        let on = |listeners: &mut Listeners, node: &Element, action: Action| {
            let act = act.clone();
            listeners.on(node, "click", move |_| act(action.clone()));
        };

        let head = element(document, "header", "bs-x-head", "");
        let title = element(document, "h3", "bs-x-title", "All calls");
        let close = button(document, "bs-x-close", "Close");
        set(&close, "part", "explorer-close");
        set(&close, "aria-label", "Close all calls");
        on(listeners, &close, Action::Close);
        let _ = head.append_with_node_2(&title, &close);

        let tablist = element(document, "div", "bs-x-tabs", "");
        set(&tablist, "role", "tablist");
        set(&tablist, "aria-label", "Call state");
        let tabs: Vec<(CallFilter, HtmlElement, Element)> = CallFilter::ALL
            .iter()
            .map(|filter| {
                let tab = button(document, "bs-x-tab", filter.label());
                set(&tab, "role", "tab");
                set(&tab, "id", &format!("bs-x-tab-{}", filter.wire()));
                set(&tab, "aria-controls", "bs-x-panel");
                let count = element(document, "span", "bs-x-count", "");
                let _ = tab.append_child(&count);
                on(listeners, &tab, Action::Filter(*filter));
                let _ = tablist.append_child(&tab);
                (*filter, tab, count)
            })
            .collect();
        // Arrow keys move between the tabs (and select), as the ARIA tabs pattern has it.
        let keys_act = act.clone();
        let order: Vec<CallFilter> = CallFilter::ALL.to_vec();
        let tabs_for_keys: Vec<HtmlElement> = tabs.iter().map(|(_, tab, _)| tab.clone()).collect();
        listeners.on(&tablist, "keydown", move |event| {
            let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>().map(|e| e.key()) else {
                return;
            };
            let current = tabs_for_keys
                .iter()
                .position(|tab| tab.get_attribute("aria-selected").as_deref() == Some("true"))
                .unwrap_or(0);
            let last = order.len() - 1;
            let next = match key.as_str() {
                "ArrowRight" => (current + 1) % order.len(),
                "ArrowLeft" => current.checked_sub(1).unwrap_or(last),
                "Home" => 0,
                "End" => last,
                _ => return,
            };
            event.prevent_default();
            keys_act(Action::Filter(order[next]));
            let _ = tabs_for_keys[next].focus();
        });

        let panel = element(document, "div", "bs-x-panel", "");
        set(&panel, "role", "tabpanel");
        set(&panel, "id", "bs-x-panel");
        let reasons = element(document, "div", "bs-x-reasons", "");
        set(&reasons, "part", "explorer-reasons");
        let status = element(document, "p", "bs-x-status", "");
        set(&status, "role", "status");
        let table = element(document, "table", "bs-table bs-x-table", "");
        let caption = element(document, "caption", "bs-visually-hidden", "");
        let thead = element(document, "thead", "", "");
        let header_row = element(document, "tr", "", "");
        for column in COLUMNS {
            let th = element(document, "th", "", column);
            set(&th, "scope", "col");
            let _ = header_row.append_child(&th);
        }
        let _ = thead.append_child(&header_row);
        let body = element(document, "tbody", "", "");
        let _ = table.append_with_node_3(&caption, &thead, &body);
        let scroller = element(document, "div", "bs-x-scroll", "");
        let _ = scroller.append_child(&table);

        let nav_bar = element(document, "nav", "bs-x-nav", "");
        set(&nav_bar, "aria-label", "Pages");
        let page_label = element(document, "span", "bs-x-page", "");
        let nav: [HtmlElement; 4] = NAV.map(|(mark, text, label)| {
            let control = button(document, "bs-x-nav-button", "");
            set(&control, "aria-label", label);
            let icon = element(document, "span", "", mark);
            set(&icon, "aria-hidden", "true");
            let words = element(document, "span", "bs-x-nav-text", text);
            let _ = control.append_with_node_2(&icon, &words);
            let act = act.clone();
            let source = control.clone();
            listeners.on(&control, "click", move |_| {
                if let Some(page) = source
                    .get_attribute("data-page")
                    .and_then(|p| p.parse::<u64>().ok())
                {
                    act(Action::Page(page));
                }
            });
            control
        });
        let _ = nav_bar.append_with_node_2(&nav[0], &nav[1]);
        let _ = nav_bar.append_with_node_3(&page_label, &nav[2], &nav[3]);

        let export_bar = element(document, "div", "bs-x-export", "");
        let export = button(document, "bs-x-download", "Download CSV");
        set(&export, "part", "explorer-export");
        on(listeners, &export, Action::Export);
        let cancel = button(document, "bs-x-cancel", "Cancel export");
        cancel.set_hidden(true);
        on(listeners, &cancel, Action::CancelExport);
        let export_status = element(document, "span", "bs-x-export-status", "");
        set(&export_status, "role", "status");
        let _ = export_bar.append_with_node_3(&export, &cancel, &export_status);

        let _ = panel.append_with_node_5(&reasons, &status, &scroller, &nav_bar, &export_bar);
        let _ = root.append_with_node_3(&head, &tablist, &panel);
        let escape_act = act.clone();
        listeners.on(&root, "keydown", move |event| {
            if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() {
                if key.key() == "Escape" {
                    key.prevent_default();
                    escape_act(Action::Close);
                }
            }
        });
        View {
            root,
            tabs,
            reasons,
            status,
            caption,
            table,
            body,
            nav,
            page_label,
            export,
            cancel,
            export_status,
        }
    }

    /// Marks the selected tab and writes each tab's count (when known).
    pub fn show_tabs(&self, selected: CallFilter, count: impl Fn(CallFilter) -> Option<String>) {
        for (filter, tab, badge) in &self.tabs {
            let on = *filter == selected;
            set(tab, "aria-selected", if on { "true" } else { "false" });
            set(tab, "tabindex", if on { "0" } else { "-1" });
            badge.set_text_content(count(*filter).as_deref());
        }
    }

    /// Sets where the pager stands; `targets` are the pages of First, Previous,
    /// Next and Last, `None` where a control leads nowhere.
    pub fn show_nav(&self, label: &str, targets: [Option<u64>; 4]) {
        self.page_label.set_text_content(Some(label));
        for (control, target) in self.nav.iter().zip(targets) {
            // aria-disabled, not disabled: the focus stays on Next when it
            // reaches the last page, instead of falling back to the document.
            set(
                control,
                "aria-disabled",
                if target.is_none() { "true" } else { "false" },
            );
            let page = target.map(|p| p.to_string()).unwrap_or_default();
            set(control, "data-page", &page);
        }
    }

    /// Replaces the table's rows.
    pub fn show_rows(
        &self,
        document: &Document,
        calls: &[&CallRecord],
        intl: &Intl,
        mask_phones: bool,
        caption: &str,
    ) {
        self.caption.set_text_content(Some(caption));
        let rows = document.create_document_fragment();
        for call in calls {
            let _ = rows.append_child(&row(document, call, intl, mask_phones));
        }
        if calls.is_empty() {
            let tr = element(document, "tr", "bs-x-empty", "");
            let td = element(document, "td", "", "No calls here.");
            set(&td, "colspan", "7");
            let _ = tr.append_child(&td);
            let _ = rows.append_child(&tr);
        }
        self.body.set_text_content(None);
        let _ = self.body.append_child(&rows);
    }

    /// Marks the table busy while a page is on its way.
    pub fn show_busy(&self, busy: bool) {
        set(
            &self.table,
            "aria-busy",
            if busy { "true" } else { "false" },
        );
    }

    /// The export controls: whether it can start, whether it runs, and what it says.
    pub fn show_export(&self, can_start: bool, running: bool, text: &str) {
        toggle_attribute(&self.export, "disabled", !can_start || running);
        self.cancel.set_hidden(!running);
        self.export_status.set_text_content(Some(text));
    }
}

/// One call as a table row.
fn row(document: &Document, call: &CallRecord, intl: &Intl, mask_phones: bool) -> Element {
    let (mark, label, class) = outcome(&call.outcome);
    let tr = element(document, "tr", class, "");
    let missing = || format::UNKNOWN.to_owned();
    let id = call.job_id.as_deref().map_or_else(missing, visible_text);
    let phone = call.phone_number.as_deref().map_or_else(missing, |p| {
        if mask_phones {
            mask_phone(p)
        } else {
            visible_text(p)
        }
    });
    let id_cell = element(document, "td", "bs-call-id", &id);
    set(&id_cell, "title", &id);
    let outcome_cell = element(document, "td", "bs-call-outcome", "");
    let icon = element(document, "span", "", &format!("{mark} "));
    set(&icon, "aria-hidden", "true");
    let _ = outcome_cell.append_with_node_1(&icon);
    let _ = outcome_cell.append_with_str_1(&label);
    let time = |at: Option<f64>| {
        let cell = element(
            document,
            "td",
            "bs-x-time",
            &at.map_or_else(missing, |t| intl.clock(t)),
        );
        if let Some(t) = at {
            set(&cell, "title", &intl.date_time(t));
        }
        cell
    };
    let duration = call.duration_secs.map_or_else(missing, format::duration);
    let error = call.error.as_deref().map(visible_text).unwrap_or_default();
    let _ = tr.append_with_node_4(
        &id_cell,
        &outcome_cell,
        &element(document, "td", "bs-call-phone", &phone),
        &time(call.start_time),
    );
    let _ = tr.append_with_node_3(
        &time(call.end_time),
        &element(document, "td", "bs-call-duration", &duration),
        &element(document, "td", "bs-call-error", &error),
    );
    tr
}

/// Icon, words and class of an outcome: colour is never the only signal.
fn outcome(outcome: &CallOutcome) -> (&'static str, String, &'static str) {
    match outcome {
        CallOutcome::Completed => ("✓", "Completed".to_owned(), "is-completed"),
        CallOutcome::Failed => ("✕", "Failed".to_owned(), "is-failed"),
        CallOutcome::Other(text) if text.eq_ignore_ascii_case("active") => {
            ("◐", "In progress".to_owned(), "is-active")
        }
        CallOutcome::Other(text) if text.eq_ignore_ascii_case("waiting") => {
            ("○", "Waiting".to_owned(), "is-waiting")
        }
        CallOutcome::Other(text) => ("•", visible_text(text), "is-other"),
        CallOutcome::Missing => ("•", "Unknown".to_owned(), "is-other"),
    }
}

use wasm_bindgen::JsCast;
