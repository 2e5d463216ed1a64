//! The recent-calls table: newest first, numbers masked by default.

use super::intl::Intl;
use crate::model::format;
use crate::model::html::escape;
use crate::model::mask::{mask_phone, visible_text};
use crate::wire::{BatchStatus, CallOutcome, RecentCall};

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
///
/// The table is one piece of markup, not a tree of Yew nodes: nothing in it
/// listens or keeps state, and Yew's nodes for ten rows took each widget's
/// memory past the two pages it starts with (64 KB more per widget). A poll that
/// changes a row replaces the table; one that changes nothing compares one
/// string. Every server string goes through [`escape`].
pub fn calls_table(
    status: &BatchStatus,
    intl: &Intl,
    mask_phones: bool,
    max_rows: usize,
) -> String {
    if max_rows == 0 {
        return String::new();
    }
    // Kept newest first: the first `max_rows` are the rows.
    let calls = &status.recent_calls[..max_rows.min(status.recent_calls.len())];
    if calls.is_empty() {
        return concat!(
            r#"<section class="bs-calls is-empty" part="calls" aria-label="Recent calls">"#,
            r#"<p class="bs-empty">No calls have finished yet.</p></section>"#,
        )
        .to_owned();
    }
    let total = status.recent_calls_sent;
    let caption = if total > calls.len() {
        format!(
            "Recent calls (latest {} of {})",
            calls.len(),
            intl.count(total as u64)
        )
    } else {
        "Recent calls".to_owned()
    };
    let mut markup = format!(
        concat!(
            r#"<section class="bs-calls" part="calls"><table class="bs-table"><caption>{}</caption>"#,
            r#"<thead><tr><th scope="col">Call</th><th scope="col">Outcome</th>"#,
            r#"<th scope="col">Number</th><th scope="col">Ended</th>"#,
            r#"<th scope="col">Duration / error</th></tr></thead><tbody>"#,
        ),
        escape(&caption)
    );
    for call in calls {
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
        let id = escape(&id);
        markup.push_str(&format!(
            concat!(
                r#"<tr class="{}"><td class="bs-call-id" title="{id}">{id}</td>"#,
                r#"<td class="bs-call-outcome"><span aria-hidden="true">{} </span>{}</td>"#,
                r#"<td class="bs-call-phone">{}</td><td class="bs-call-time">{}</td>"#,
                r#"<td class="bs-call-detail">{}</td></tr>"#,
            ),
            class,
            mark,
            escape(&label),
            escape(&phone),
            escape(&when),
            escape(&detail),
            id = id,
        ));
    }
    markup.push_str("</tbody></table></section>");
    markup
}
