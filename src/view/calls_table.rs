//! The recent-calls table: newest first, keyed rows, numbers masked by default.

use super::intl::Intl;
use crate::model::mask::{mask_phone, visible_text};
use crate::model::{format, newest_first};
use crate::wire::{BatchStatus, CallOutcome, RecentCall};
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`CallsTable`].
#[derive(Properties)]
pub struct CallsTableProps {
    /// The status whose recent calls are listed.
    pub status: Rc<BatchStatus>,
    /// Formatters.
    pub intl: Rc<Intl>,
    /// Mask phone numbers.
    pub mask_phones: bool,
    /// Rows at most.
    pub max_rows: usize,
}

// The table does not depend on the clock, so a once-a-second tick leaves it alone.
impl PartialEq for CallsTableProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.status, &other.status)
            && self.mask_phones == other.mask_phones
            && self.max_rows == other.max_rows
            && self.intl == other.intl
    }
}

fn outcome(call: &RecentCall) -> (String, &'static str, &'static str) {
    match &call.outcome {
        CallOutcome::Completed => ("Completed".to_owned(), "is-completed", "✓"),
        CallOutcome::Failed => ("Failed".to_owned(), "is-failed", "✕"),
        CallOutcome::Other(text) => (visible_text(text), "is-other", "•"),
        CallOutcome::Missing => ("Unknown".to_owned(), "is-other", "•"),
    }
}

/// Unique row keys: the job id, with a counter where an id repeats or is missing.
fn row_keys<'a>(calls: impl Iterator<Item = &'a RecentCall>) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    calls
        .map(|call| {
            let id = call.job_id.as_deref().unwrap_or("");
            let n = seen.entry(id).or_default();
            *n += 1;
            if *n == 1 && !id.is_empty() {
                id.to_owned()
            } else {
                format!("{id}#{n}")
            }
        })
        .collect()
}

/// The table of recent calls, or a line saying there are none yet.
#[function_component(CallsTable)]
pub fn calls_table(props: &CallsTableProps) -> Html {
    let calls: Vec<&RecentCall> = newest_first(&props.status.recent_calls)
        .into_iter()
        .take(props.max_rows)
        .collect();
    if props.max_rows == 0 {
        return Html::default();
    }
    if calls.is_empty() {
        return html! {
            <section class="bs-calls is-empty" part="calls" aria-label="Recent calls">
                <p class="bs-empty">{"No calls have finished yet."}</p>
            </section>
        };
    }
    let keys = row_keys(calls.iter().copied());
    let intl = &props.intl;
    let rows = calls.iter().zip(keys).map(|(call, key)| {
        let (label, class, mark) = outcome(call);
        let id = call
            .job_id
            .as_deref()
            .map(visible_text)
            .unwrap_or_else(|| "—".to_owned());
        let phone = call.phone_number.as_deref().map_or_else(
            || "—".to_owned(),
            |p| {
                if props.mask_phones {
                    mask_phone(p)
                } else {
                    visible_text(p)
                }
            },
        );
        let when = call
            .ended_at
            .map_or_else(|| "—".to_owned(), |t| intl.clock(t));
        let detail = match (&call.outcome, call.error.as_deref(), call.duration_secs) {
            (_, Some(error), _) if call.outcome != CallOutcome::Completed => visible_text(error),
            (_, _, Some(secs)) => format::duration(secs),
            _ => "—".to_owned(),
        };
        html! {
            <tr key={key} class={class}>
                <td class="bs-call-id" title={id.clone()}>{id.clone()}</td>
                <td class="bs-call-outcome"><span aria-hidden="true">{mark}{" "}</span>{label}</td>
                <td class="bs-call-phone">{phone}</td>
                <td class="bs-call-time">{when}</td>
                <td class="bs-call-detail">{detail}</td>
            </tr>
        }
    });
    let total = props.status.recent_calls.len();
    let caption = if total > calls.len() {
        format!(
            "Recent calls (latest {} of {})",
            calls.len(),
            intl.count(total as u64)
        )
    } else {
        "Recent calls".to_owned()
    };
    html! {
        <section class="bs-calls" part="calls">
            <table class="bs-table">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Call"}</th>
                        <th scope="col">{"Outcome"}</th>
                        <th scope="col">{"Number"}</th>
                        <th scope="col">{"Ended"}</th>
                        <th scope="col">{"Duration / error"}</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
