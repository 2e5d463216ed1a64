//! The recent-calls table: newest first, keyed rows, numbers masked by default.

use super::batch_view::raw;
use super::intl::Intl;
use crate::model::mask::{mask_phone, visible_text};
use crate::model::{format, newest_first, row_keys};
use crate::wire::{BatchStatus, CallOutcome, RecentCall};
use yew::prelude::*;

fn outcome(call: &RecentCall) -> (String, &'static str, &'static str) {
    match &call.outcome {
        CallOutcome::Completed => ("Completed".to_owned(), "is-completed", "✓"),
        CallOutcome::Failed => ("Failed".to_owned(), "is-failed", "✕"),
        CallOutcome::Other(text) => (visible_text(text), "is-other", "•"),
        CallOutcome::Missing => ("Unknown".to_owned(), "is-other", "•"),
    }
}

/// The table of the `max_rows` most recent calls, or a line saying there are none
/// yet. Phone numbers are masked when `mask_phones` is set.
pub fn calls_table(status: &BatchStatus, intl: &Intl, mask_phones: bool, max_rows: usize) -> Html {
    if max_rows == 0 {
        return Html::default();
    }
    let calls = newest_first(&status.recent_calls, max_rows);
    if calls.is_empty() {
        return raw(concat!(
            r#"<section class="bs-calls is-empty" part="calls" aria-label="Recent calls">"#,
            r#"<p class="bs-empty">No calls have finished yet.</p></section>"#,
        ));
    }
    let ids: Vec<&str> = calls
        .iter()
        .map(|c| c.job_id.as_deref().unwrap_or_default())
        .collect();
    let keys = row_keys(&ids);
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
                if mask_phones {
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
    let total = status.recent_calls.len();
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
