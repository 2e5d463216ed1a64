//! What to tell a person when a poll fails: one wording per outcome the user
//! can act on differently.

use super::format;
use super::mask::visible_text;
use super::PollError;

/// An error as shown in the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorText {
    /// One line saying what happened.
    pub title: String,
    /// What the server said, or what to do about it.
    pub detail: String,
}

/// The words for `error` while watching `batch_id` in `workspace_id`.
///
/// The server's own `message` is shown (cleaned of invisible characters) after the
/// widget's words, never instead of them, and the API key is never part of either.
pub fn error_text(error: &PollError, batch_id: &str, workspace_id: &str) -> ErrorText {
    let (title, hint) = match error {
        PollError::Network => (
            "Cannot reach the batch API".to_owned(),
            "Check the network connection and the API address.".to_owned(),
        ),
        PollError::Timeout { after_ms } => (
            format!(
                "The batch API did not answer within {}",
                format::duration(after_ms / 1000.0)
            ),
            "It may be overloaded; the widget keeps trying.".to_owned(),
        ),
        PollError::Http { status: 401, .. } => (
            "The API key was not accepted (HTTP 401)".to_owned(),
            "Check the API key and workspace id, then refresh.".to_owned(),
        ),
        PollError::Http { status: 403, .. } => (
            format!("This key may not read workspace {workspace_id} (HTTP 403)"),
            "Use a key of that workspace, then refresh.".to_owned(),
        ),
        PollError::Http { status: 404, .. } => (
            format!("Batch {batch_id} was not found in workspace {workspace_id}"),
            "Check the batch id and workspace id.".to_owned(),
        ),
        PollError::Http { status: 429, .. } => (
            "Too many requests (HTTP 429)".to_owned(),
            "The widget waits as long as the API asks before trying again.".to_owned(),
        ),
        // As u64: every number the widget writes goes through one formatter.
        PollError::Http { status, .. } if *status >= 500 => (
            format!("The batch API failed (HTTP {})", u64::from(*status)),
            "The widget keeps trying.".to_owned(),
        ),
        PollError::Http { status, .. } => (
            format!(
                "The batch API refused the request (HTTP {})",
                u64::from(*status)
            ),
            "Check the widget's settings.".to_owned(),
        ),
        PollError::Malformed => (
            "The batch API sent a response the widget cannot read".to_owned(),
            "The widget keeps trying.".to_owned(),
        ),
        PollError::TooLarge { bytes } => (
            format!("The response was too large ({} MB)", bytes / 1_000_000),
            "The widget keeps trying.".to_owned(),
        ),
    };
    let detail = match error {
        PollError::Http { body, .. } => match body.message.as_deref().or(body.error.as_deref()) {
            Some(said) => format!("{} {hint}", sentence(&visible_text(said))),
            None => hint,
        },
        _ => hint,
    };
    ErrorText {
        title: visible_text(&title),
        detail,
    }
}

/// The server's words as one short sentence: at most 200 characters, ending in a stop.
fn sentence(text: &str) -> String {
    let mut text: String = text.trim().chars().take(200).collect();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ErrorBody;

    fn http(status: u16, message: Option<&str>) -> PollError {
        PollError::Http {
            status,
            body: ErrorBody {
                error: None,
                message: message.map(str::to_owned),
            },
            retry_after_ms: None,
        }
    }

    #[test]
    fn not_found_names_the_batch_and_workspace() {
        let text = error_text(&http(404, None), "batch_x", "ws_y");
        assert_eq!(text.title, "Batch batch_x was not found in workspace ws_y");
    }

    #[test]
    fn each_auth_failure_has_its_own_words() {
        assert!(error_text(&http(401, None), "b", "w")
            .title
            .contains("API key"));
        assert!(error_text(&http(403, None), "b", "w")
            .title
            .contains("workspace w"));
    }

    #[test]
    fn the_servers_message_is_kept_and_cleaned() {
        let text = error_text(
            &http(500, Some("Failed to retrieve\u{202E} batch")),
            "b",
            "w",
        );
        assert_eq!(text.title, "The batch API failed (HTTP 500)");
        assert_eq!(
            text.detail,
            "Failed to retrieve batch. The widget keeps trying."
        );
    }

    #[test]
    fn timeouts_say_how_long_was_waited() {
        let text = error_text(&PollError::Timeout { after_ms: 10_000.0 }, "b", "w");
        assert_eq!(text.title, "The batch API did not answer within 10 s");
    }
}
