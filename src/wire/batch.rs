//! The batch status body, read tolerantly from a [`Json`] value.
//!
//! Follows `GET /v1/api/batch-calls/{batchId}` as documented, and also accepts the
//! flattened shape of the sibling `/status` endpoint (progress fields at the top
//! level). Every field is optional: numbers may come as text (`"150"`); counts
//! that are missing, null, negative or unreadable read as zero, and a body with no
//! readable count at all says so ([`BatchStatus::counts_known`]); times are read
//! by [`epoch_ms`], and anything it cannot place is unknown.

use super::json::Json;
use super::newest::newest_first;

/// The state of a whole batch, as the `status` field names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchState {
    /// Waiting to be processed.
    Queued,
    /// Calls are being made.
    Processing,
    /// All calls have been made.
    Completed,
    /// Cancelled before all calls ran.
    Cancelled,
    /// Failed as a whole.
    Failed,
    /// A status the documentation does not list, kept as its text.
    Other(String),
    /// No status in the body.
    Missing,
}

impl BatchState {
    /// Reads a `status` value; unknown values are kept, not rejected.
    pub fn from_wire(text: Option<&str>) -> Self {
        let Some(text) = text else {
            return BatchState::Missing;
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "queued" => BatchState::Queued,
            "processing" => BatchState::Processing,
            "completed" => BatchState::Completed,
            "cancelled" | "canceled" => BatchState::Cancelled,
            "failed" => BatchState::Failed,
            "" => BatchState::Missing,
            _ => BatchState::Other(text.trim().to_owned()),
        }
    }

    /// Whether the batch can no longer change.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            BatchState::Completed | BatchState::Cancelled | BatchState::Failed
        )
    }

    /// A stable machine name, for CSS classes and the host's `status` attribute.
    pub fn key(&self) -> &str {
        match self {
            BatchState::Queued => "queued",
            BatchState::Processing => "processing",
            BatchState::Completed => "completed",
            BatchState::Cancelled => "cancelled",
            BatchState::Failed => "failed",
            BatchState::Other(_) => "other",
            BatchState::Missing => "unknown",
        }
    }
}

/// How one call ended, as the call's `status` field names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CallOutcome {
    /// The call completed.
    Completed,
    /// The call failed.
    Failed,
    /// Any other value (`no-answer`, `active`, ...), kept as its text.
    Other(String),
    /// No status on the call.
    #[default]
    Missing,
}

impl CallOutcome {
    pub(crate) fn from_wire(text: Option<&str>) -> Self {
        match text.map(str::trim) {
            None | Some("") => CallOutcome::Missing,
            Some(t) if t.eq_ignore_ascii_case("completed") => CallOutcome::Completed,
            Some(t) if t.eq_ignore_ascii_case("failed") => CallOutcome::Failed,
            Some(t) => CallOutcome::Other(t.to_owned()),
        }
    }
}

/// One entry of `recent_calls`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentCall {
    /// `jobId`.
    pub job_id: Option<String>,
    /// `status`.
    pub outcome: CallOutcome,
    /// `phone_number`, unmasked: masking is the view's job.
    pub phone_number: Option<String>,
    /// When the call ended, epoch ms: `completedAt`, `failedAt` or `endTime`.
    pub ended_at: Option<f64>,
    /// Call length in seconds.
    pub duration_secs: Option<f64>,
    /// Why the call failed.
    pub error: Option<String>,
}

/// Call counts, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Calls waiting in the queue.
    pub waiting: u64,
    /// Calls in progress.
    pub active: u64,
    /// Calls completed successfully.
    pub completed: u64,
    /// Calls that failed.
    pub failed: u64,
    /// Calls in the batch, as the server states it (0 when unknown).
    pub total: u64,
}

/// A parsed batch status body.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchStatus {
    /// `id`; the flattened shape has none.
    pub id: Option<String>,
    /// `status`.
    pub state: BatchState,
    /// `isComplete`.
    pub is_complete: Option<bool>,
    /// The counts of `progress` (or of the top level, for the flattened shape).
    pub counts: Counts,
    /// Whether the body held at least one readable count: without any, the zeros
    /// in `counts` mean "not said", not "none".
    pub counts_known: bool,
    /// `startTime`, epoch ms.
    pub start_time: Option<f64>,
    /// `completedTime`, epoch ms.
    pub completed_time: Option<f64>,
    /// `averageCallDuration`, seconds.
    pub average_call_secs: Option<f64>,
    /// The newest of `recent_calls`, newest first (see `Newest`): all of
    /// them from [`BatchStatus::from_json`]; the widget's reader keeps only as
    /// many as it can show or tell.
    pub recent_calls: Vec<RecentCall>,
    /// How many calls `recent_calls` held (its objects), kept or not.
    pub recent_calls_sent: usize,
    /// `timestamp`, epoch ms.
    pub timestamp: Option<f64>,
    /// A top-level `error` string (a batch that failed as a whole).
    pub error: Option<String>,
}

impl BatchStatus {
    /// Reads a status body. Returns `None` only when the body is not a JSON object,
    /// or is an object with nothing of a batch status in it.
    pub fn from_json(root: &Json) -> Option<Self> {
        let mut status = Self::without_calls(root)?;
        status.recent_calls = progress_of(root)
            .array("recent_calls")
            .unwrap_or_default()
            .iter()
            .filter_map(RecentCall::from_json)
            .collect();
        newest_first(&mut status.recent_calls);
        status.recent_calls_sent = status.recent_calls.len();
        Some(status)
    }

    /// Reads a status body as [`BatchStatus::from_json`] does, but for its
    /// recent calls: the widget's reader finds the newest of those itself,
    /// without reading them all.
    pub fn without_calls(root: &Json) -> Option<Self> {
        if !root.is_object() {
            return None;
        }
        let progress = progress_of(root);
        let knows_something = [
            "id",
            "status",
            "isComplete",
            "totalCalls",
            "progress",
            "total",
        ]
        .iter()
        .any(|key| root.get(key).is_some());
        if !knows_something {
            return None;
        }
        let total = count(progress, "total").max(count(root, "totalCalls"));
        let counts_known = [
            (progress, "total"),
            (root, "totalCalls"),
            (progress, "waiting"),
            (progress, "active"),
            (progress, "completed"),
            (progress, "failed"),
        ]
        .iter()
        .any(|(object, key)| object.numeric(key).is_some());
        Some(BatchStatus {
            id: text(root, "id").or_else(|| text(root, "batchId")),
            state: BatchState::from_wire(root.string("status")),
            is_complete: root.boolean("isComplete"),
            counts: Counts {
                waiting: count(progress, "waiting"),
                active: count(progress, "active"),
                completed: count(progress, "completed"),
                failed: count(progress, "failed"),
                total,
            },
            counts_known,
            start_time: instant(progress, "startTime"),
            completed_time: instant(progress, "completedTime"),
            average_call_secs: non_negative(progress, "averageCallDuration"),
            recent_calls: Vec::new(),
            recent_calls_sent: 0,
            timestamp: instant(root, "timestamp"),
            error: text(root, "error").or_else(|| text(progress, "error")),
        })
    }

    /// Whether polling should stop: the server says complete, or the state is final.
    pub fn is_finished(&self) -> bool {
        self.is_complete == Some(true) || self.state.is_terminal()
    }
}

impl RecentCall {
    /// The fields that may say when a call ended, in the order they are tried
    /// (see [`RecentCall::end_time`]).
    pub const END_FIELDS: [&'static str; 3] = ["completedAt", "failedAt", "endTime"];

    /// When a call ended, epoch ms: the first of its [`END_FIELDS`] that
    /// `field(i)` (the i-th, as a [`Json::as_numeric`] would read it) gives a
    /// time in, by [`epoch_ms`]. The reader asks only for these fields to find
    /// the newest of thousands of calls, and reads only those in full.
    ///
    /// [`END_FIELDS`]: RecentCall::END_FIELDS
    pub fn end_time(field: impl FnMut(usize) -> Option<f64>) -> Option<f64> {
        (0..Self::END_FIELDS.len())
            .map(field)
            .find_map(|value| value.and_then(epoch_ms))
    }

    /// Reads one entry of `recent_calls`; `None` when it is not an object.
    pub fn from_json(item: &Json) -> Option<Self> {
        item.is_object().then(|| RecentCall {
            job_id: text(item, "jobId"),
            outcome: CallOutcome::from_wire(item.string("status")),
            phone_number: text(item, "phone_number"),
            ended_at: Self::end_time(|i| item.numeric(Self::END_FIELDS[i])),
            duration_secs: non_negative(item, "duration"),
            error: text(item, "error"),
        })
    }
}

/// Where a status body keeps its progress: under `progress` when that is an
/// object, else at the top (the flattened shape).
fn progress_of(root: &Json) -> &Json {
    root.get("progress")
        .filter(|p| p.is_object())
        .unwrap_or(root)
}

/// A count: absent, null, negative or unreadable values read as 0; fractions
/// round; numbers sent as text count.
pub(crate) fn count(object: &Json, key: &str) -> u64 {
    match object.numeric(key) {
        // `as` saturates, so 1e300 reads as u64::MAX rather than wrapping.
        Some(n) if n > 0.0 => n.round() as u64,
        _ => 0,
    }
}

/// A point in time, normalised to epoch ms by [`epoch_ms`].
pub(crate) fn instant(object: &Json, key: &str) -> Option<f64> {
    object.numeric(key).and_then(epoch_ms)
}

/// Reads an epoch timestamp in whatever unit the server chose, by its magnitude.
/// A date between 1973 and 5138 is 1e8–1e11 in seconds, 1e11–1e14 in
/// milliseconds, 1e14–1e17 in microseconds and 1e17–1e20 in nanoseconds (2026 is
/// about 1.8e9, 1.8e12, 1.8e15 and 1.8e18): each band is scaled to milliseconds.
/// Anything else, or anything not finite, is unknown.
pub fn epoch_ms(value: f64) -> Option<f64> {
    let scale = match value {
        v if (1e8..1e11).contains(&v) => 1e3,
        v if (1e11..1e14).contains(&v) => 1.0,
        v if (1e14..1e17).contains(&v) => 1e-3,
        v if (1e17..1e20).contains(&v) => 1e-6,
        _ => return None,
    };
    Some(value * scale)
}

/// A non-negative quantity.
pub(crate) fn non_negative(object: &Json, key: &str) -> Option<f64> {
    object.numeric(key).filter(|n| *n >= 0.0)
}

/// A non-empty string.
pub(crate) fn text(object: &Json, key: &str) -> Option<String> {
    object
        .string(key)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// The body of an error response, `{error, message}`; both parts optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorBody {
    /// `error`: a short name of what went wrong.
    pub error: Option<String>,
    /// `message`: more context.
    pub message: Option<String>,
}

impl ErrorBody {
    /// Reads an error body; anything that is not the documented shape gives an
    /// empty [`ErrorBody`].
    pub fn from_json(root: &Json) -> Self {
        ErrorBody {
            error: text(root, "error"),
            message: text(root, "message"),
        }
    }
}
