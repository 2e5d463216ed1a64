//! The pure model: what to show, computed from parsed data and a time passed in.
//! Nothing here touches the browser, so all of it is tested with plain `cargo test`.

pub mod breakdown;
pub mod eta;
pub mod format;
pub mod mask;

pub use breakdown::{percent_label, Breakdown, Fractions};
pub use eta::EtaEstimator;
pub mod messages;
pub mod summary;

pub use messages::{error_text, ErrorText};
pub use summary::StatusSummary;

use crate::wire::RecentCall;

/// Recent calls, newest first: by end time, calls without one last, ties in the
/// order sent. The API does not promise an order, so the widget makes its own.
pub fn newest_first(calls: &[RecentCall]) -> Vec<&RecentCall> {
    let mut sorted: Vec<&RecentCall> = calls.iter().collect();
    // A stable sort keeps the order sent among equal times.
    sorted.sort_by(|a, b| match (a.ended_at, b.ended_at) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    sorted
}
