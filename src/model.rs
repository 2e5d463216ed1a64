//! The pure model: what to show, computed from parsed data and a time passed in.
//! Nothing here touches the browser, so all of it is tested with plain `cargo test`.

pub mod breakdown;
pub mod cancel;
pub mod clock;
pub mod csv;
pub mod eta;
pub mod failure_reasons;
pub mod format;
pub mod html;
pub mod mask;

pub use breakdown::{percent_label, Breakdown, Fractions};
pub use clock::{clock_face, next_change, ClockTimes};
pub use eta::EtaEstimator;
pub mod messages;
pub mod paging;
pub mod poll_error;
pub mod summary;
pub mod throughput;

pub use messages::{error_text, ErrorText};
pub use poll_error::PollError;
pub use summary::StatusSummary;

use crate::wire::RecentCall;

/// The `limit` most recent calls, newest first: by end time, calls without one
/// last, ties in the order sent. The API does not promise an order.
///
/// An insertion into a short list rather than a full sort: the widget shows a
/// handful of rows out of up to thousands of calls, and this keeps the standard
/// sort's code out of the wasm.
pub fn newest_first(calls: &[RecentCall], limit: usize) -> Vec<&RecentCall> {
    let newer = |a: &RecentCall, b: &RecentCall| match (a.ended_at, b.ended_at) {
        (Some(x), Some(y)) => x > y,
        (Some(_), None) => true,
        _ => false,
    };
    let mut top: Vec<&RecentCall> = Vec::with_capacity(limit.min(calls.len()));
    for call in calls {
        // After the last kept call that is at least as new: ties keep their order.
        let at = top
            .iter()
            .rposition(|kept| !newer(call, kept))
            .map_or(0, |i| i + 1);
        if at < limit {
            if top.len() == limit {
                top.pop();
            }
            top.insert(at, call);
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::CallOutcome;

    fn call(id: &str, ended_at: Option<f64>) -> RecentCall {
        RecentCall {
            job_id: Some(id.into()),
            outcome: CallOutcome::Completed,
            phone_number: None,
            ended_at,
            duration_secs: None,
            error: None,
        }
    }

    fn ids(calls: &[&RecentCall]) -> Vec<String> {
        calls.iter().map(|c| c.job_id.clone().unwrap()).collect()
    }

    #[test]
    fn newest_first_orders_by_end_time_and_keeps_ties_in_order() {
        let calls = [
            call("a", Some(1.0)),
            call("b", None),
            call("c", Some(3.0)),
            call("d", Some(3.0)),
            call("e", Some(2.0)),
        ];
        assert_eq!(ids(&newest_first(&calls, 10)), ["c", "d", "e", "a", "b"]);
        assert_eq!(ids(&newest_first(&calls, 2)), ["c", "d"]);
        assert!(newest_first(&calls, 0).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn newest_first_matches_a_stable_sort(
            times in proptest::collection::vec(proptest::option::of(0u8..20), 0..40),
            limit in 0usize..50,
        ) {
            let calls: Vec<RecentCall> = times
                .iter()
                .enumerate()
                .map(|(i, t)| call(&i.to_string(), t.map(f64::from)))
                .collect();
            let mut expected: Vec<&RecentCall> = calls.iter().collect();
            expected.sort_by(|a, b| match (a.ended_at, b.ended_at) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            expected.truncate(limit);
            proptest::prop_assert_eq!(ids(&newest_first(&calls, limit)), ids(&expected));
        }
    }
}
