//! Why one poll did not produce data: what the fetch measured, in terms the
//! rules, the messages and the events all read.

use crate::wire::ErrorBody;

/// Why one poll did not produce data.
#[derive(Debug, Clone, PartialEq)]
pub enum PollError {
    /// The request never got an HTTP answer: offline, DNS, CORS refused.
    Network,
    /// No answer within the timeout; the request was aborted.
    Timeout {
        /// The timeout that ran out.
        after_ms: f64,
    },
    /// The server answered with an error status.
    Http {
        /// The HTTP status.
        status: u16,
        /// The `{error, message}` body, as far as it could be read.
        body: ErrorBody,
        /// How long `Retry-After` asked to wait, if it was sent and readable.
        retry_after_ms: Option<f64>,
    },
    /// A success status whose body is not a batch status.
    Malformed,
    /// A body larger than the widget accepts.
    TooLarge {
        /// The size that was refused, in bytes (at least this many).
        bytes: usize,
    },
}

impl PollError {
    /// A short machine name, used in the `batch-error` event and CSS.
    pub fn kind(&self) -> &'static str {
        match self {
            PollError::Network => "network",
            PollError::Timeout { .. } => "timeout",
            PollError::Http { status: 401, .. } => "unauthorized",
            PollError::Http { status: 403, .. } => "forbidden",
            PollError::Http { status: 404, .. } => "not-found",
            PollError::Http { status: 429, .. } => "rate-limited",
            PollError::Http { .. } => "http",
            PollError::Malformed => "malformed",
            PollError::TooLarge { .. } => "too-large",
        }
    }

    /// The HTTP status, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            PollError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How long the server asked to wait, when it did.
    pub fn retry_after_ms(&self) -> Option<f64> {
        match self {
            PollError::Http { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }

    /// Whether polling should stop for good: asking again cannot help. Every 4xx
    /// but 408 (timeout), 425 (too early) and 429 (too many requests).
    pub fn is_fatal(&self) -> bool {
        match self {
            PollError::Http { status, .. } => {
                (400..500).contains(status) && !matches!(status, 408 | 425 | 429)
            }
            _ => false,
        }
    }
}

/// An HTTP error with no body, for the tests of the rules.
#[cfg(test)]
pub(crate) fn http_error(status: u16, retry_after_ms: Option<f64>) -> PollError {
    PollError::Http {
        status,
        body: ErrorBody::default(),
        retry_after_ms,
    }
}
