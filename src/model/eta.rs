//! Estimating when a batch will finish.
//!
//! The best evidence is the finishing rate seen across polls, smoothed so one quiet
//! interval does not swing the estimate. Before two polls have been seen, the rate
//! since the batch started stands in; before anything has finished, the average call
//! length times the calls left over the number running at once.

use super::breakdown::Breakdown;
use crate::wire::{BatchState, BatchStatus};

/// Weight of the newest rate in the moving average.
const SMOOTHING: f64 = 0.3;
/// Estimates beyond this are not shown: they say nothing useful.
const LONGEST_ESTIMATE_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// Follows the finishing rate of one batch across polls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EtaEstimator {
    last: Option<Sample>,
    /// Calls finished per millisecond, smoothed.
    rate_per_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    at_ms: f64,
    finished: u64,
}

impl EtaEstimator {
    /// Records a poll's finished count, seen at `now_ms`.
    pub fn observe(&mut self, status: &BatchStatus, now_ms: f64) {
        let finished = Breakdown::new(status.counts).finished();
        let sample = Sample {
            at_ms: now_ms,
            finished,
        };
        match self.last {
            Some(last) if finished < last.finished => {
                // The count went backwards: a different or reset batch. Start over.
                *self = EtaEstimator::default();
            }
            Some(last) if now_ms > last.at_ms => {
                let rate = (finished - last.finished) as f64 / (now_ms - last.at_ms);
                self.rate_per_ms = Some(match self.rate_per_ms {
                    Some(old) => SMOOTHING * rate + (1.0 - SMOOTHING) * old,
                    None => rate,
                });
            }
            Some(_) => return,
            None => {
                self.rate_per_ms = status
                    .start_time
                    .filter(|start| now_ms > *start && finished > 0)
                    .map(|start| finished as f64 / (now_ms - start));
            }
        }
        self.last = Some(sample);
    }

    /// Milliseconds until the batch should finish, when that can be said.
    ///
    /// `None` unless the batch is processing with calls left, and the estimate is
    /// finite, positive and under a week.
    pub fn remaining_ms(&self, status: &BatchStatus) -> Option<f64> {
        if status.state != BatchState::Processing || status.is_finished() {
            return None;
        }
        let breakdown = Breakdown::new(status.counts);
        let remaining = breakdown.remaining();
        if remaining == 0 {
            return None;
        }
        let from_rate = self
            .rate_per_ms
            .filter(|rate| *rate > 0.0)
            .map(|rate| remaining as f64 / rate);
        let estimate = from_rate.or_else(|| {
            let per_call_ms = status.average_call_secs.filter(|s| *s > 0.0)? * 1000.0;
            let concurrency = status.counts.active.max(1) as f64;
            Some(per_call_ms * remaining as f64 / concurrency)
        })?;
        (estimate.is_finite() && estimate > 0.0 && estimate <= LONGEST_ESTIMATE_MS)
            .then_some(estimate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Counts;
    use proptest::prelude::*;

    fn processing(completed: u64, failed: u64, active: u64, total: u64) -> BatchStatus {
        BatchStatus {
            id: Some("b".into()),
            state: BatchState::Processing,
            is_complete: Some(false),
            counts: Counts {
                completed,
                failed,
                active,
                waiting: total.saturating_sub(completed + failed + active),
                total,
            },
            start_time: None,
            counts_known: true,
            completed_time: None,
            average_call_secs: None,
            recent_calls: vec![],
            recent_calls_sent: 0,
            timestamp: None,
            error: None,
        }
    }

    #[test]
    fn the_rate_across_polls_gives_the_estimate() {
        let mut eta = EtaEstimator::default();
        eta.observe(&processing(0, 0, 5, 100), 0.0);
        let later = processing(10, 0, 5, 100);
        eta.observe(&later, 10_000.0);
        // 10 calls in 10 s, 90 left: 90 s.
        assert_eq!(eta.remaining_ms(&later), Some(90_000.0));
    }

    #[test]
    fn the_rate_is_smoothed_across_polls() {
        let mut eta = EtaEstimator::default();
        eta.observe(&processing(0, 0, 5, 1000), 0.0);
        eta.observe(&processing(10, 0, 5, 1000), 10_000.0);
        // A quiet interval lowers the rate by the smoothing weight only.
        let quiet = processing(10, 0, 5, 1000);
        eta.observe(&quiet, 20_000.0);
        let expected = 990.0 / (0.7 * 0.001);
        assert!((eta.remaining_ms(&quiet).unwrap() - expected).abs() < 1e-6);
    }

    #[test]
    fn the_first_poll_uses_the_rate_since_start() {
        let mut eta = EtaEstimator::default();
        let mut status = processing(50, 0, 5, 100);
        status.start_time = Some(1_000.0);
        eta.observe(&status, 101_000.0);
        assert_eq!(eta.remaining_ms(&status), Some(100_000.0));
    }

    #[test]
    fn the_average_call_length_stands_in_before_any_rate() {
        let eta = EtaEstimator::default();
        let mut status = processing(0, 0, 5, 100);
        status.average_call_secs = Some(30.0);
        // 100 calls x 30 s over 5 lines.
        assert_eq!(eta.remaining_ms(&status), Some(600_000.0));
    }

    #[test]
    fn no_estimate_when_meaningless() {
        let eta = EtaEstimator::default();
        let mut status = processing(0, 0, 0, 100);
        assert_eq!(eta.remaining_ms(&status), None, "no rate and no average");
        status.average_call_secs = Some(30.0);
        status.state = BatchState::Queued;
        assert_eq!(eta.remaining_ms(&status), None, "not processing");
        status.state = BatchState::Processing;
        status.is_complete = Some(true);
        assert_eq!(eta.remaining_ms(&status), None, "complete");
        let done = processing(100, 0, 0, 100);
        assert_eq!(eta.remaining_ms(&done), None, "nothing left");
        let mut slow = processing(0, 0, 1, 100_000);
        slow.average_call_secs = Some(3600.0);
        assert_eq!(eta.remaining_ms(&slow), None, "years away");
    }

    #[test]
    fn a_count_going_backwards_resets_the_rate() {
        let mut eta = EtaEstimator::default();
        eta.observe(&processing(50, 0, 5, 100), 0.0);
        eta.observe(&processing(60, 0, 5, 100), 1_000.0);
        let reset = processing(5, 0, 5, 100);
        eta.observe(&reset, 2_000.0);
        assert_eq!(eta.remaining_ms(&reset), None);
    }

    proptest! {
        #[test]
        fn the_estimate_is_finite_and_positive_or_absent(
            polls in prop::collection::vec((0u64..10_000, 0u64..100, 0.0f64..1e7), 1..12),
            total in 0u64..20_000,
            average in prop::option::of(-10.0f64..1e4),
            start in prop::option::of(-1e7f64..1e7),
        ) {
            let mut eta = EtaEstimator::default();
            let mut status = processing(0, 0, 0, total);
            status.average_call_secs = average.filter(|a| *a >= 0.0);
            status.start_time = start.filter(|s| *s > 0.0);
            for (finished, active, at) in polls {
                status.counts.completed = finished;
                status.counts.active = active;
                eta.observe(&status, at);
                if let Some(ms) = eta.remaining_ms(&status) {
                    prop_assert!(ms.is_finite() && ms > 0.0 && ms <= LONGEST_ESTIMATE_MS);
                }
            }
        }
    }
}
