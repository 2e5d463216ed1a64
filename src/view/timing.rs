//! Start, elapsed time, average call, estimate, finish and freshness.

use super::intl::Intl;
use crate::model::format;
use crate::wire::{BatchState, BatchStatus};
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`Timing`].
#[derive(Properties)]
pub struct TimingProps {
    /// The status shown.
    pub status: Rc<BatchStatus>,
    /// Formatters.
    pub intl: Rc<Intl>,
    /// Now, epoch ms.
    pub now: f64,
    /// When the status arrived.
    pub received_at: Option<f64>,
    /// When the batch should finish.
    pub eta_at: Option<f64>,
}

impl PartialEq for TimingProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.status, &other.status)
            && self.now == other.now
            && self.received_at == other.received_at
            && self.eta_at == other.eta_at
            && self.intl == other.intl
    }
}

/// One term and its value.
fn row(term: &'static str, value: String, class: &'static str) -> Html {
    html! {
        <div class={classes!("bs-stat", class)} key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// The timing facts as a description list.
#[function_component(Timing)]
pub fn timing(props: &TimingProps) -> Html {
    let status = &props.status;
    let intl = &props.intl;
    let finished = status.is_finished();
    let mut rows = Vec::new();
    rows.push(row(
        "Started",
        status
            .start_time
            .map_or_else(|| "Not yet".to_owned(), |t| intl.date_time(t)),
        "is-started",
    ));
    let end = if finished {
        status.completed_time
    } else {
        Some(props.now)
    };
    if let (Some(start), Some(end)) = (status.start_time, end) {
        if end >= start {
            rows.push(row(
                "Elapsed",
                format::duration((end - start) / 1000.0),
                "is-elapsed",
            ));
        }
    }
    rows.push(row(
        "Average call",
        status
            .average_call_secs
            .filter(|s| *s > 0.0)
            .map_or_else(|| "—".to_owned(), format::duration),
        "is-average",
    ));
    if status.state == BatchState::Processing && !finished {
        let eta = match props.eta_at {
            Some(at) if at > props.now => format!(
                "about {} (≈ {})",
                format::duration((at - props.now) / 1000.0),
                intl.clock(at)
            ),
            Some(_) => "any moment now".to_owned(),
            None => "Estimating…".to_owned(),
        };
        rows.push(row("Time left", eta, "is-eta"));
    }
    if let Some(done) = status.completed_time.filter(|_| finished) {
        rows.push(row("Finished", intl.date_time(done), "is-finished"));
    }
    if let Some(at) = props.received_at {
        rows.push(row("Updated", format::ago(at, props.now), "is-updated"));
    }
    html! { <dl class="bs-stats" part="stats">{ for rows }</dl> }
}
