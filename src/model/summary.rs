//! The plain summary of a status that the widget hands to the host page in its
//! `batch-update` and `batch-complete` events. Field names are given in the
//! camelCase the events use; `embed::events` turns it into a JS object.

use super::breakdown::Breakdown;
use super::mask::{mask_phone, visible_text};
use crate::wire::{BatchStatus, CallOutcome};

/// At most this many recent calls travel in an event; the host can read the rest
/// from the API itself.
pub const EVENT_CALLS: usize = 100;

/// A batch status as the host page sees it, counts made consistent; its recent
/// calls, phone numbers masked unless masking was turned off, are
/// [`CallSummary::newest`].
#[derive(Debug, Clone, PartialEq)]
pub struct StatusSummary {
    /// The batch id, if the server sent one.
    pub batch_id: Option<String>,
    /// `queued`, `processing`, `completed`, `cancelled`, `failed`, `other` or `unknown`.
    pub status: String,
    /// The status text exactly as sent, for statuses the widget does not know.
    pub status_text: Option<String>,
    /// Whether polling has stopped because the batch is finished.
    pub is_complete: bool,
    /// Whether the server sent any readable count: when not, the counts are
    /// zeros that mean "not said".
    pub counts_known: bool,
    /// Calls in the batch (never less than the parts).
    pub total: u64,
    /// Waiting calls.
    pub waiting: u64,
    /// Active calls.
    pub active: u64,
    /// Completed calls.
    pub completed: u64,
    /// Failed calls.
    pub failed: u64,
    /// Finished calls (completed + failed), as a percentage of the total, 0–100.
    pub percent_finished: f64,
    /// `startTime`, epoch ms.
    pub start_time: Option<f64>,
    /// `completedTime`, epoch ms.
    pub completed_time: Option<f64>,
    /// Average call length in seconds.
    pub average_call_duration: Option<f64>,
    /// The estimate of milliseconds left, when shown.
    pub eta_ms: Option<f64>,
    /// Calls finishing per minute at the rate the estimate assumes: the calls
    /// left over the minutes left (`null` without an estimate).
    pub rate_per_minute: Option<f64>,
    /// The share of finished calls that completed, 0 to 1 (`null` before any
    /// has finished).
    pub success_rate: Option<f64>,
}

/// One recent call in an event.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSummary {
    /// `jobId`.
    pub job_id: Option<String>,
    /// The call's status as sent.
    pub status: String,
    /// The phone number, masked unless masking is off.
    pub phone_number: Option<String>,
    /// When it ended, epoch ms.
    pub ended_at: Option<f64>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Why it failed.
    pub error: Option<String>,
}

impl StatusSummary {
    /// Summarises `status` (its calls are [`CallSummary::newest`]).
    pub fn new(status: &BatchStatus, eta_ms: Option<f64>) -> Self {
        let breakdown = Breakdown::new(status.counts);
        let c = status.counts;
        StatusSummary {
            batch_id: status.id.as_deref().map(visible_text),
            status: status.state.key().to_owned(),
            status_text: match &status.state {
                crate::wire::BatchState::Other(text) => Some(visible_text(text)),
                _ => None,
            },
            is_complete: status.is_finished(),
            counts_known: status.counts_known,
            total: breakdown.scale,
            waiting: c.waiting,
            active: c.active,
            completed: c.completed,
            failed: c.failed,
            percent_finished: breakdown.percent_finished(),
            start_time: status.start_time,
            completed_time: status.completed_time,
            average_call_duration: status.average_call_secs,
            eta_ms,
            rate_per_minute: eta_ms
                .filter(|eta| *eta > 0.0)
                .map(|eta| breakdown.remaining() as f64 / (eta / 60_000.0)),
            success_rate: breakdown.success_rate(),
        }
    }
}

impl CallSummary {
    /// The recent calls of `status` as an event carries them: newest first, at
    /// most [`EVENT_CALLS`], phone numbers masked unless `mask_phones` is off.
    /// One at a time: an event's calls go straight into its JS detail, and are
    /// never all held as summaries beside the status they come from.
    pub fn newest(status: &BatchStatus, mask_phones: bool) -> impl Iterator<Item = Self> + '_ {
        status
            .recent_calls
            .iter()
            .take(EVENT_CALLS)
            .map(move |call| CallSummary {
                job_id: call.job_id.as_deref().map(visible_text),
                status: match &call.outcome {
                    CallOutcome::Completed => "completed".to_owned(),
                    CallOutcome::Failed => "failed".to_owned(),
                    CallOutcome::Other(text) => visible_text(text),
                    CallOutcome::Missing => "unknown".to_owned(),
                },
                phone_number: call.phone_number.as_deref().map(|phone| {
                    if mask_phones {
                        mask_phone(phone)
                    } else {
                        visible_text(phone)
                    }
                }),
                ended_at: call.ended_at,
                duration: call.duration_secs,
                error: call.error.as_deref().map(visible_text),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Json;

    fn status(text: &str) -> BatchStatus {
        BatchStatus::from_json(&serde_json::from_str::<Json>(text).unwrap()).unwrap()
    }

    #[test]
    fn events_carry_masked_numbers_by_default() {
        let s = status(
            r#"{"status":"processing","progress":{"recent_calls":[{"jobId":"c","status":"completed","phone_number":"+1234567890"}]}}"#,
        );
        assert_eq!(
            CallSummary::newest(&s, true)
                .next()
                .unwrap()
                .phone_number
                .as_deref(),
            Some("+1 •••• ••7890")
        );
        assert_eq!(
            CallSummary::newest(&s, false)
                .next()
                .unwrap()
                .phone_number
                .as_deref(),
            Some("+1234567890")
        );
    }

    #[test]
    fn events_report_consistent_counts() {
        let s = status(
            r#"{"status":"processing","totalCalls":100,"progress":{"completed":140,"failed":7,"active":3,"waiting":-5}}"#,
        );
        let summary = StatusSummary::new(&s, None);
        assert_eq!(summary.total, 150);
        assert_eq!(summary.waiting, 0);
        assert_eq!(summary.percent_finished, 98.0);
    }

    #[test]
    fn percent_finished_never_overstates() {
        let s = status(r#"{"status":"processing","progress":{"total":10000,"completed":9999}}"#);
        assert_eq!(StatusSummary::new(&s, None).percent_finished, 99.9);
        let s = status(r#"{"status":"completed","progress":{"total":10000,"completed":10000}}"#);
        assert_eq!(StatusSummary::new(&s, None).percent_finished, 100.0);
    }

    #[test]
    fn the_rate_is_the_estimates_and_the_success_rate_counts_finished_calls() {
        let s = status(
            r#"{"status":"processing","progress":{"total":200,"completed":90,"failed":10,"active":20,"waiting":80}}"#,
        );
        // 100 calls left in 10 minutes: 10 a minute, as the ETA assumes.
        let summary = StatusSummary::new(&s, Some(600_000.0));
        assert_eq!(summary.rate_per_minute, Some(10.0));
        assert_eq!(summary.success_rate, Some(0.9));
        let none = StatusSummary::new(
            &status(r#"{"status":"queued","progress":{"total":5,"waiting":5}}"#),
            None,
        );
        assert_eq!((none.rate_per_minute, none.success_rate), (None, None));
    }
}
