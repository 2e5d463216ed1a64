//! When to poll next: the pure rules of the polling controller.
//!
//! The browser side only measures (did the request work, what status, which
//! headers) and sets a timer for whatever [`Schedule`] decides here.

use crate::wire::{BatchStatus, ErrorBody};

/// The longest wait between retries after failures.
pub const BACKOFF_CAP_MS: f64 = 60_000.0;
/// The longest `Retry-After` the widget honours; beyond it, it tries again anyway.
pub const RETRY_AFTER_CAP_MS: f64 = 3_600_000.0;
/// The shortest wait before any request.
pub const FLOOR_MS: f64 = 1_000.0;

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
        /// The size that was refused, in bytes.
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

    /// Whether polling should stop for good: asking again cannot help.
    pub fn is_fatal(&self) -> bool {
        match self {
            PollError::Http { status, .. } => {
                (400..500).contains(status) && !matches!(status, 408 | 425 | 429)
            }
            _ => false,
        }
    }
}

/// What the controller does next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// Poll again after this many milliseconds.
    PollIn(f64),
    /// Stop polling: the batch is finished or the error is final.
    Stop,
}

/// The polling rules for one widget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// Time between polls while all is well.
    pub interval_ms: f64,
}

impl Schedule {
    /// After a good response.
    pub fn after_success(&self, status: &BatchStatus) -> Next {
        if status.is_finished() {
            Next::Stop
        } else {
            Next::PollIn(self.interval_ms.max(FLOOR_MS))
        }
    }

    /// After the `failures`-th failure in a row (1 for the first). `jitter` is a
    /// random number in `[0, 1)`, passed in so tests can fix it.
    pub fn after_error(&self, error: &PollError, failures: u32, jitter: f64) -> Next {
        if error.is_fatal() {
            return Next::Stop;
        }
        if let PollError::Http {
            retry_after_ms: Some(wait),
            ..
        } = error
        {
            return Next::PollIn(wait.clamp(FLOOR_MS, RETRY_AFTER_CAP_MS));
        }
        Next::PollIn(self.backoff_ms(failures, jitter))
    }

    /// Exponential backoff from the interval, ±20 % jitter, capped at
    /// [`BACKOFF_CAP_MS`]. The jitter spread (1.5×) is below the growth factor
    /// (2×), so each wait is longer than the last until the cap.
    pub fn backoff_ms(&self, failures: u32, jitter: f64) -> f64 {
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let base = self.interval_ms.clamp(FLOOR_MS, BACKOFF_CAP_MS);
        let exponent = failures.saturating_sub(1).min(16) as i32;
        let grown = (base * 2f64.powi(exponent)).min(BACKOFF_CAP_MS);
        (grown * (0.8 + 0.4 * jitter))
            .round()
            .clamp(FLOOR_MS, BACKOFF_CAP_MS)
    }
}

/// Reads a `Retry-After` header: delay-seconds or an HTTP-date, as milliseconds
/// from `now_ms`. A date in the past means "now" (0).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(|secs| secs as f64 * 1000.0);
    }
    http_date_ms(value).map(|at| (at - now_ms).max(0.0))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to epoch milliseconds.
fn http_date_ms(value: &str) -> Option<f64> {
    let (_weekday, rest) = value.split_once(',')?;
    let mut parts = rest.split_ascii_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + i64::from(h * 3600 + m * 60 + s)) * 1000) as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_index + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FIVE_S: Schedule = Schedule {
        interval_ms: 5_000.0,
    };

    fn http(status: u16, retry_after_ms: Option<f64>) -> PollError {
        PollError::Http {
            status,
            body: ErrorBody::default(),
            retry_after_ms,
        }
    }

    #[test]
    fn backoff_doubles_from_the_interval_and_caps() {
        let waits: Vec<f64> = (1..=7).map(|n| FIVE_S.backoff_ms(n, 0.5)).collect();
        assert_eq!(
            waits,
            vec![5_000.0, 10_000.0, 20_000.0, 40_000.0, 60_000.0, 60_000.0, 60_000.0]
        );
    }

    #[test]
    fn jitter_spreads_each_wait_by_a_fifth() {
        assert_eq!(FIVE_S.backoff_ms(2, 0.0), 8_000.0);
        assert_eq!(FIVE_S.backoff_ms(2, 1.0), 12_000.0);
        assert_eq!(
            FIVE_S.backoff_ms(9, 1.0),
            BACKOFF_CAP_MS,
            "never above the cap"
        );
    }

    #[test]
    fn transient_errors_retry_and_final_ones_stop() {
        for error in [
            PollError::Network,
            PollError::Malformed,
            http(500, None),
            http(502, None),
            http(408, None),
        ] {
            assert!(
                matches!(FIVE_S.after_error(&error, 1, 0.5), Next::PollIn(_)),
                "{error:?}"
            );
        }
        for status in [400, 401, 403, 404, 410] {
            assert_eq!(
                FIVE_S.after_error(&http(status, None), 1, 0.5),
                Next::Stop,
                "{status}"
            );
        }
    }

    #[test]
    fn retry_after_is_obeyed_within_bounds() {
        assert_eq!(
            FIVE_S.after_error(&http(429, Some(30_000.0)), 1, 0.5),
            Next::PollIn(30_000.0)
        );
        assert_eq!(
            FIVE_S.after_error(&http(503, Some(0.0)), 1, 0.5),
            Next::PollIn(FLOOR_MS)
        );
        assert_eq!(
            FIVE_S.after_error(&http(503, Some(1e12)), 1, 0.5),
            Next::PollIn(RETRY_AFTER_CAP_MS)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("120", 0.0), Some(120_000.0));
        assert_eq!(parse_retry_after(" 7 ", 0.0), Some(7_000.0));
        let now = http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(now, 784_111_777_000.0);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(30_000.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(0.0)
        );
        assert_eq!(parse_retry_after("-5", 0.0), None);
        assert_eq!(parse_retry_after("soon", 0.0), None);
        assert_eq!(
            parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0.0),
            None
        );
    }

    #[test]
    fn a_finished_batch_stops_polling() {
        let json = serde_json::from_str(r#"{"status": "completed"}"#).unwrap();
        let done = BatchStatus::from_json(&json).unwrap();
        assert_eq!(FIVE_S.after_success(&done), Next::Stop);
        let json = serde_json::from_str(r#"{"status": "processing"}"#).unwrap();
        let running = BatchStatus::from_json(&json).unwrap();
        assert_eq!(FIVE_S.after_success(&running), Next::PollIn(5_000.0));
    }

    proptest! {
        #[test]
        fn backoff_grows_until_the_cap(
            interval in 1_000.0f64..60_000.0, n in 1u32..40, j1 in 0.0f64..1.0, j2 in 0.0f64..1.0
        ) {
            let s = Schedule { interval_ms: interval };
            let (now, next) = (s.backoff_ms(n, j1), s.backoff_ms(n + 1, j2));
            prop_assert!((FLOOR_MS..=BACKOFF_CAP_MS).contains(&now));
            prop_assert!(next > now || next == BACKOFF_CAP_MS || now >= BACKOFF_CAP_MS * 0.8);
        }

        #[test]
        fn retry_after_never_panics(value in ".{0,40}", now in any::<f64>()) {
            if let Some(ms) = parse_retry_after(&value, now) {
                prop_assert!(ms >= 0.0 || ms.is_nan());
            }
        }
    }
}
