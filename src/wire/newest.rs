//! Which of a body's recent calls are kept: the newest few, found in one pass.

use super::RecentCall;

/// Keeps the `limit` newest of the items offered, newest first: by end time,
/// items without one last, ties in the order offered. The API does not promise
/// an order, and a body may send thousands of calls of which a widget shows a
/// handful.
///
/// Each offer finds its place by binary search in the short list kept, so a
/// body sent oldest first (each call the newest so far) costs no more than one
/// sent newest first; and no full sort is compiled into the wasm.
pub struct Newest<T> {
    limit: usize,
    kept: Vec<(Option<f64>, T)>,
}

impl<T> Newest<T> {
    /// Keeps at most `limit` items.
    pub fn new(limit: usize) -> Self {
        Newest {
            limit,
            kept: Vec::new(),
        }
    }

    /// Offers `item`, which ended at `ended` (epoch ms), if known.
    pub fn offer(&mut self, ended: Option<f64>, item: T) {
        // After the last kept item at least as new: ties keep their order.
        let at = self
            .kept
            .partition_point(|(kept, _)| !is_newer(ended, *kept));
        if at < self.limit {
            if self.kept.len() == self.limit {
                self.kept.pop();
            }
            self.kept.insert(at, (ended, item));
        }
    }

    /// The items kept, newest first.
    pub fn into_items(self) -> impl Iterator<Item = T> {
        self.kept.into_iter().map(|(_, item)| item)
    }
}

/// Puts `calls` in the order [`Newest`] keeps them, newest first, where they
/// lie: an insertion sort, stable, so ties keep their order. For the calls of a
/// body that are all kept, which then need no second buffer.
pub fn newest_first(calls: &mut [RecentCall]) {
    for sorted in 1..calls.len() {
        let mut at = sorted;
        while at > 0 && is_newer(calls[at].ended_at, calls[at - 1].ended_at) {
            calls.swap(at, at - 1);
            at -= 1;
        }
    }
}

/// Whether an end time `a` is newer than `b`: a known time is newer than none.
fn is_newer(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn newest(times: &[Option<f64>], limit: usize) -> Vec<usize> {
        let mut newest = Newest::new(limit);
        for (index, ended) in times.iter().enumerate() {
            newest.offer(*ended, index);
        }
        newest.into_items().collect()
    }

    #[test]
    fn orders_by_end_time_and_keeps_ties_in_order() {
        let times = [Some(1.0), None, Some(3.0), Some(3.0), Some(2.0)];
        assert_eq!(newest(&times, 10), [2, 3, 4, 0, 1]);
        assert_eq!(newest(&times, 2), [2, 3]);
        assert!(newest(&times, 0).is_empty());
    }

    proptest::proptest! {
        /// Put in order where they lie, calls come out as [`Newest`] keeps them.
        #[test]
        fn calls_in_place_are_ordered_as_kept(
            times in proptest::collection::vec(proptest::option::of(0u8..20), 0..60),
        ) {
            let times: Vec<Option<f64>> = times.into_iter().map(|t| t.map(f64::from)).collect();
            let mut calls: Vec<RecentCall> = times
                .iter()
                .enumerate()
                .map(|(index, ended_at)| RecentCall {
                    job_id: Some(index.to_string()),
                    outcome: crate::wire::CallOutcome::Missing,
                    phone_number: None,
                    ended_at: *ended_at,
                    duration_secs: None,
                    error: None,
                })
                .collect();
            newest_first(&mut calls);
            let order: Vec<usize> = calls.iter().map(|c| c.job_id.as_ref().unwrap().parse().unwrap()).collect();
            proptest::prop_assert_eq!(order, newest(&times, usize::MAX));
        }

        #[test]
        fn keeps_what_a_stable_sort_puts_first(
            times in proptest::collection::vec(proptest::option::of(0u8..20), 0..60),
            limit in 0usize..70,
        ) {
            let times: Vec<Option<f64>> = times.into_iter().map(|t| t.map(f64::from)).collect();
            let mut expected: Vec<usize> = (0..times.len()).collect();
            // Newest first, none last; `sort_by_key` is stable, so ties stay in order.
            expected.sort_by_key(|&i| times[i].map_or(i64::MAX, |t| -(t as i64)));
            expected.truncate(limit);
            proptest::prop_assert_eq!(newest(&times, limit), expected);
        }
    }
}
