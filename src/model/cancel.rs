//! Cancelling a batch: when it may be offered, what the dialog says will
//! happen, and what each outcome of the one DELETE means. A DELETE is sent once
//! per confirmation and never retried: cancelling twice is not harmless.

use super::mask::visible_text;
use super::PollError;
use crate::wire::{BatchState, CancelResult, Counts, Json};

/// Whether a batch in `state` can still be cancelled: queued or processing.
pub fn cancellable(state: &BatchState) -> bool {
    matches!(state, BatchState::Queued | BatchState::Processing)
}

/// What the dialog says a cancel will do, counts written by `number`. Before
/// the counts are known (or when they cannot be read) it says the same without
/// numbers, so the dialog is never empty.
pub fn consequence(counts: Option<Counts>, number: impl Fn(u64) -> String) -> String {
    match counts {
        Some(c) => format!(
            "{} of {} calls have finished. {} queued calls will not be made; {} calls in progress will finish. This cannot be undone.",
            number(c.completed + c.failed),
            number(c.total),
            number(c.waiting),
            number(c.active)
        ),
        None => "Queued calls will not be made; calls in progress will finish. This cannot be undone.".to_owned(),
    }
}

/// What a cancel of a batch that has ended says: the API's 409, or a
/// confirmation that came after the widget saw the batch end (no DELETE then).
pub const ALREADY_ENDED: &str = "The batch had already ended, so there was nothing to cancel.";

/// How the DELETE ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome {
    /// Cancelled: what the API says it did.
    Done(CancelResult),
    /// No answer in time, or none at all: it may or may not have happened.
    Unknown,
    /// The answer's HTTP status, with the server's message if it sent one.
    Refused(u16, Option<String>),
}

impl CancelOutcome {
    /// What the answer to the DELETE means. Only an answer with a status says
    /// what happened; no answer (the timeout, the network, a body too large to
    /// read) leaves it unknown.
    pub fn from_answer(answer: Result<Json, PollError>) -> CancelOutcome {
        match answer {
            Ok(body) => CancelOutcome::Done(CancelResult::from_json(&body).unwrap_or_default()),
            Err(PollError::Http { status, body, .. }) => {
                CancelOutcome::Refused(status, body.message)
            }
            // A success without a JSON body: done, with nothing to report.
            Err(PollError::Malformed) => CancelOutcome::Done(CancelResult::default()),
            Err(_) => CancelOutcome::Unknown,
        }
    }
}

/// What to tell a person about an outcome, and whether to fetch the status at
/// once to show where the batch now stands.
pub fn outcome_text(outcome: &CancelOutcome, number: impl Fn(u64) -> String) -> (String, bool) {
    match outcome {
        CancelOutcome::Done(result) => (
            format!(
                "Batch cancelled: {} queued calls will not be made ({} completed, {} failed of {}).",
                number(result.cancelled),
                number(result.completed),
                number(result.failed),
                number(result.total)
            ),
            true,
        ),
        CancelOutcome::Unknown => (
            "The cancel got no answer, so whether it happened is unknown. It is not sent again; the status is being checked."
                .to_owned(),
            true,
        ),
        CancelOutcome::Refused(404, _) => (
            "The API does not know this batch, so nothing was cancelled.".to_owned(),
            false,
        ),
        CancelOutcome::Refused(409, _) => (
            ALREADY_ENDED.to_owned(),
            true,
        ),
        CancelOutcome::Refused(status, message) => {
            let said = message
                .as_deref()
                .map(|m| format!(" It said: {}", visible_text(m)))
                .unwrap_or_default();
            let what = if *status >= 500 {
                "The API failed to cancel the batch"
            } else {
                "The API refused to cancel the batch"
            };
            (
                format!("{what} (HTTP {}).{said} Nothing was retried.", u64::from(*status)),
                false,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(value: u64) -> String {
        value.to_string()
    }

    #[test]
    fn only_a_running_batch_is_offered() {
        assert!(cancellable(&BatchState::Queued));
        assert!(cancellable(&BatchState::Processing));
        for state in [
            BatchState::Completed,
            BatchState::Cancelled,
            BatchState::Failed,
            BatchState::Missing,
            BatchState::Other("paused".into()),
        ] {
            assert!(!cancellable(&state), "{state:?}");
        }
    }

    #[test]
    fn the_dialog_says_what_will_happen() {
        let counts = Counts {
            waiting: 45,
            active: 5,
            completed: 95,
            failed: 5,
            total: 150,
        };
        assert_eq!(
            consequence(Some(counts), n),
            "100 of 150 calls have finished. 45 queued calls will not be made; 5 calls in progress will finish. This cannot be undone."
        );
        let unknown = consequence(None, n);
        assert!(
            unknown.starts_with("Queued calls will not be made")
                && unknown.ends_with("cannot be undone.")
        );
    }

    #[test]
    fn only_an_answer_says_what_happened() {
        let body = Json::Object(vec![
            ("status".into(), Json::String("cancelled".into())),
            (
                "details".into(),
                Json::Object(vec![("cancelledCalls".into(), Json::Number(45.0))]),
            ),
        ]);
        match CancelOutcome::from_answer(Ok(body)) {
            CancelOutcome::Done(result) => assert_eq!(result.cancelled, 45),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            CancelOutcome::from_answer(Err(PollError::Malformed)),
            CancelOutcome::Done(CancelResult::default()),
            "a 2xx without JSON still cancelled"
        );
        let refused = PollError::Http {
            status: 404,
            body: crate::wire::ErrorBody {
                message: Some("Batch not found".into()),
                ..Default::default()
            },
            retry_after_ms: None,
        };
        assert_eq!(
            CancelOutcome::from_answer(Err(refused)),
            CancelOutcome::Refused(404, Some("Batch not found".into()))
        );
        for no_answer in [
            PollError::Network,
            PollError::Timeout { after_ms: 10_000.0 },
            PollError::TooLarge { bytes: 3_000_000 },
        ] {
            assert_eq!(
                CancelOutcome::from_answer(Err(no_answer)),
                CancelOutcome::Unknown
            );
        }
    }

    #[test]
    fn every_outcome_has_its_own_words_and_only_some_refresh() {
        let done = outcome_text(
            &CancelOutcome::Done(CancelResult {
                cancelled: 45,
                completed: 95,
                failed: 5,
                total: 150,
                ..CancelResult::default()
            }),
            n,
        );
        assert!(
            done.0.contains("45 queued calls will not be made"),
            "{}",
            done.0
        );
        assert!(done.1);
        let unknown = outcome_text(&CancelOutcome::Unknown, n);
        assert!(unknown.0.contains("unknown") && unknown.0.contains("not sent again"));
        assert!(unknown.1, "an unknown outcome is found out by polling");
        let missing = outcome_text(&CancelOutcome::Refused(404, None), n);
        assert!(missing.0.contains("does not know this batch") && !missing.1);
        let server = outcome_text(&CancelOutcome::Refused(503, Some("busy\u{202e}".into())), n);
        assert_eq!(
            server.0,
            "The API failed to cancel the batch (HTTP 503). It said: busy Nothing was retried."
        );
        assert!(!server.1);
        assert!(outcome_text(&CancelOutcome::Refused(409, None), n).1);
    }
}
