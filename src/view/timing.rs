//! Start, elapsed time, average call, estimate, finish and freshness.

use super::intl::Intl;
use crate::model::format;
use crate::model::html::escape;
use crate::wire::{BatchState, BatchStatus};

/// One term and its value, as markup; `class` is the row's whole class.
fn row(term: &'static str, value: String, class: &'static str) -> String {
    format!(
        r#"<div class="{class}"><dt>{term}</dt><dd>{}</dd></div>"#,
        escape(&value)
    )
}

/// The timing facts as a description list, as markup: `now` is the time to draw against,
/// `received_at` when the status arrived, `eta_at` when the batch should finish,
/// `fresh_ms` how long the data reads "just now" (see [`format::updated`]).
///
/// One piece of markup, as the calls table is (see `calls_table`): nothing in
/// it listens, and Yew's nodes for it cost more download than the markup.
pub fn timing(
    status: &BatchStatus,
    intl: &Intl,
    now: f64,
    received_at: Option<f64>,
    eta_at: Option<f64>,
    fresh_ms: f64,
) -> String {
    let finished = status.is_finished();
    let mut rows = Vec::new();
    rows.push(row(
        "Started",
        status
            .start_time
            .map_or_else(|| "Not yet".to_owned(), |t| intl.date_time(t)),
        "bs-stat is-started",
    ));
    let end = if finished {
        status.completed_time
    } else {
        Some(now)
    };
    // A start in the future (clock skew) reads as 0 s, never as a negative span.
    if let (Some(start), Some(end)) = (status.start_time, end) {
        rows.push(row(
            "Elapsed",
            format::duration((end - start) / 1000.0),
            "bs-stat is-elapsed",
        ));
    }
    rows.push(row(
        "Average call",
        status
            .average_call_secs
            .filter(|s| *s > 0.0)
            .map_or_else(|| format::UNKNOWN.to_owned(), format::duration),
        "bs-stat is-average",
    ));
    if status.state == BatchState::Processing && !finished {
        let eta = match eta_at {
            Some(at) if at > now => format!(
                "about {} (≈ {})",
                format::duration((at - now) / 1000.0),
                intl.clock(at)
            ),
            Some(_) => "any moment now".to_owned(),
            None => "Estimating…".to_owned(),
        };
        rows.push(row("Time left", eta, "bs-stat is-eta"));
    }
    if let Some(done) = status.completed_time.filter(|_| finished) {
        rows.push(row("Finished", intl.date_time(done), "bs-stat is-finished"));
    }
    if let Some(at) = received_at {
        rows.push(row(
            "Updated",
            format::updated(at, now, fresh_ms),
            "bs-stat is-updated",
        ));
    }
    format!(
        r#"<dl class="bs-stats" part="stats">{}</dl>"#,
        rows.concat()
    )
}
