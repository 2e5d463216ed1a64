//! The answer to `DELETE {apiBase}{apiPath}/{batchId}`, read tolerantly:
//! `{batchId, status: "cancelled", message, details: {completedCalls,
//! failedCalls, cancelledCalls, totalCalls}}`.

use super::batch::{count, text};
use super::json::Json;

/// What a cancel did, as far as the body says; counts that are missing read 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CancelResult {
    /// `batchId`.
    pub batch_id: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// Calls that had completed.
    pub completed: u64,
    /// Calls that had failed.
    pub failed: u64,
    /// Queued calls that will not be made.
    pub cancelled: u64,
    /// Calls in the batch.
    pub total: u64,
}

impl CancelResult {
    /// Reads a cancel answer; `None` when the body is not an object.
    pub fn from_json(root: &Json) -> Option<Self> {
        if !root.is_object() {
            return None;
        }
        let details = root
            .get("details")
            .filter(|d| d.is_object())
            .unwrap_or(root);
        Some(CancelResult {
            batch_id: text(root, "batchId"),
            message: text(root, "message"),
            completed: count(details, "completedCalls"),
            failed: count(details, "failedCalls"),
            cancelled: count(details, "cancelledCalls"),
            total: count(details, "totalCalls"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<CancelResult> {
        CancelResult::from_json(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn the_documented_answer_reads_as_documented() {
        let path = format!(
            "{}/../shared/fixtures/cancel-response.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let result = parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(result.batch_id.as_deref(), Some("batch_7891011121314"));
        assert_eq!(
            (
                result.completed,
                result.failed,
                result.cancelled,
                result.total
            ),
            (95, 5, 45, 150)
        );
    }

    #[test]
    fn odd_answers_lose_nothing_readable() {
        let result = parse(r#"{"details": {"cancelledCalls": "12", "totalCalls": -4}}"#).unwrap();
        assert_eq!((result.cancelled, result.total), (12, 0));
        assert_eq!(parse("[]"), None);
        assert_eq!(parse(r#"{}"#), Some(CancelResult::default()));
    }
}
