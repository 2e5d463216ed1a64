//! Scripted batches for fault tests: `PUT /__sim/scenarios/{id}` with a JSON list
//! of responses; each request for that batch takes the next one, and the last
//! repeats. Everything a bad day can bring: latency, error statuses, `Retry-After`
//! in both forms, a request that never answers, malformed, HTML, empty and huge
//! bodies, any fixture verbatim, and missing CORS headers.
//!
//! ```json
//! {"steps": [{"status": 500}, {"status": 429, "retryAfter": "30"}, {"fixture": "processing-seed"}]}
//! ```

use serde::Deserialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A scripted batch: its responses in order.
#[derive(Debug, Clone, Deserialize)]
pub struct Script {
    /// The responses, one per request; the last one repeats.
    pub steps: Vec<Step>,
    /// Start again at the first step after the last, instead of repeating it.
    #[serde(default)]
    pub cycle: bool,
}

/// One scripted response. Unset fields take the documented success: the demo
/// batch's current state.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Step {
    /// HTTP status; 200 unless set.
    pub status: Option<u16>,
    /// Serve `status-NAME.json` from the fixtures folder verbatim.
    pub fixture: Option<String>,
    /// Serve this text as the body; `{apiKey}` in it becomes the key the request
    /// carried, as servers that echo what they were sent do.
    pub body: Option<String>,
    /// Content type of `body` (default `application/json`).
    pub content_type: Option<String>,
    /// A body of this many bytes (valid JSON, a long string), for size limits.
    pub big_bytes: Option<usize>,
    /// Send the body in chunks with no `Content-Length`, so only reading it
    /// tells its size.
    pub chunked: bool,
    /// An HTML error page, as a proxy in front of the API would send.
    pub html: bool,
    /// `Retry-After` as given (delay-seconds, or any text).
    pub retry_after: Option<String>,
    /// `Retry-After` as an HTTP-date this many seconds from now.
    pub retry_after_date_in: Option<u64>,
    /// Wait this long before answering.
    pub latency_ms: u64,
    /// Never answer.
    pub hang: bool,
    /// Leave out the CORS headers (default: send them).
    pub cors: Option<bool>,
}

impl Script {
    /// The step for the `n`-th request (0-based).
    pub fn step(&self, n: usize) -> Option<&Step> {
        let last = self.steps.len().checked_sub(1)?;
        let index = if self.cycle {
            n % self.steps.len()
        } else {
            n.min(last)
        };
        self.steps.get(index)
    }
}

impl Step {
    /// The `Retry-After` value to send, if any.
    pub fn retry_after_value(&self) -> Option<String> {
        if let Some(seconds) = self.retry_after_date_in {
            let at = SystemTime::now() + Duration::from_secs(seconds);
            return Some(http_date(at));
        }
        self.retry_after.clone()
    }

    /// A JSON body of about `bytes` bytes.
    pub fn big_body(bytes: usize) -> String {
        format!(
            "{{\"id\":\"big\",\"status\":\"processing\",\"padding\":\"{}\"}}",
            "x".repeat(bytes)
        )
    }
}

/// An IMF-fixdate, as `Retry-After` and `Date` use.
pub fn http_date(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let (year, month, day) = batch_status_widget::model::csv::civil_from_days(days);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdates() {
        let at = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(http_date(leap), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn the_last_step_repeats_unless_cycling() {
        let json = r#"{"steps": [{"status": 500}, {"fixture": "queued"}]}"#;
        let script: Script = serde_json::from_str(json).unwrap();
        assert_eq!(script.step(0).unwrap().status, Some(500));
        assert_eq!(script.step(5).unwrap().fixture.as_deref(), Some("queued"));
        let cycling = Script {
            cycle: true,
            ..script
        };
        assert_eq!(cycling.step(2).unwrap().status, Some(500));
    }
}
