//! The numbers behind the polling rules: the backoff curve, its caps, and how a
//! `Retry-After` header reads.

/// The longest wait between retries after failures.
pub const BACKOFF_CAP_MS: f64 = 60_000.0;
/// The longest `Retry-After` the widget honours; beyond it, it tries again anyway.
pub const RETRY_AFTER_CAP_MS: f64 = 3_600_000.0;
/// How much longer than the leader a follower waits for an answer before it
/// counts the poll as timed out: the leader's own timeout is told first.
pub const AWAIT_GRACE_MS: f64 = 1_000.0;
/// The shortest wait before any request.
pub const FLOOR_MS: f64 = 1_000.0;

/// Exponential backoff from `interval_ms` after the `failures`-th failure in a row
/// (1 for the first), ±20 % jitter, capped at [`BACKOFF_CAP_MS`]. `jitter` is a
/// random number in `[0, 1)`. The jitter spread (1.5×) is below the growth factor
/// (2×), so each wait is longer than the last until the cap.
pub fn backoff_ms(interval_ms: f64, failures: u32, jitter: f64) -> f64 {
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let base = if interval_ms.is_finite() {
        interval_ms.clamp(FLOOR_MS, BACKOFF_CAP_MS)
    } else {
        BACKOFF_CAP_MS
    };
    let exponent = failures.saturating_sub(1).min(16) as i32;
    let grown = (base * 2f64.powi(exponent)).min(BACKOFF_CAP_MS);
    (grown * (0.8 + 0.4 * jitter))
        .round()
        .clamp(FLOOR_MS, BACKOFF_CAP_MS)
}

/// Reads a `Retry-After` header as milliseconds from `now_ms`, within
/// `0..=`[`RETRY_AFTER_CAP_MS`]: delay-seconds, or an HTTP-date read by
/// `parse_date` (the browser's `Date.parse`; `httpdate` in host tests), which
/// gives epoch ms or `None`. A date in the past means "now" (0).
pub fn parse_retry_after(
    value: &str,
    now_ms: f64,
    parse_date: impl Fn(&str) -> Option<f64>,
) -> Option<f64> {
    let value = value.trim();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than any sane wait: as long as the cap.
        crate::wire::json::decimal(value).map_or(f64::INFINITY, |secs| secs * 1000.0)
    } else if value.ends_with(" GMT") && value.contains(',') {
        parse_date(value).filter(|at| at.is_finite())? - now_ms
    } else {
        return None;
    };
    (!wait.is_nan()).then(|| wait.clamp(0.0, RETRY_AFTER_CAP_MS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn http_date(value: &str) -> Option<f64> {
        let at = httpdate::parse_http_date(value).ok()?;
        let since = at.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(since.as_millis() as f64)
    }

    #[test]
    fn backoff_doubles_from_the_interval_and_caps() {
        let waits: Vec<f64> = (1..=7).map(|n| backoff_ms(5_000.0, n, 0.5)).collect();
        assert_eq!(
            waits,
            vec![5_000.0, 10_000.0, 20_000.0, 40_000.0, 60_000.0, 60_000.0, 60_000.0]
        );
    }

    #[test]
    fn jitter_spreads_each_wait_by_a_fifth() {
        assert_eq!(backoff_ms(5_000.0, 2, 0.0), 8_000.0);
        assert_eq!(backoff_ms(5_000.0, 2, 1.0), 12_000.0);
        assert_eq!(
            backoff_ms(5_000.0, 9, 1.0),
            BACKOFF_CAP_MS,
            "never above the cap"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let at = |v: &str, now: f64| parse_retry_after(v, now, http_date);
        assert_eq!(at("120", 0.0), Some(120_000.0));
        assert_eq!(at(" 7 ", 0.0), Some(7_000.0));
        let now = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(now, 784_111_777_000.0);
        assert_eq!(at("Sun, 06 Nov 1994 08:50:07 GMT", now), Some(30_000.0));
        assert_eq!(at("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(0.0));
        assert_eq!(at("-5", 0.0), None);
        assert_eq!(at("soon", 0.0), None);
        assert_eq!(at("Sun, 06 Foo 1994 08:49:37 GMT", 0.0), None);
    }

    #[test]
    fn retry_after_never_exceeds_the_cap() {
        let at = |v: &str| parse_retry_after(v, 0.0, http_date);
        assert_eq!(at("99999999999999999999999999"), Some(RETRY_AFTER_CAP_MS));
        assert_eq!(at("86400"), Some(RETRY_AFTER_CAP_MS));
        // A year far beyond i64 seconds: the date reader refuses it, nothing overflows.
        assert_eq!(at("Sun, 06 Nov 99999999999999999999 08:49:37 GMT"), None);
        assert_eq!(
            at("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(RETRY_AFTER_CAP_MS)
        );
    }

    proptest! {
        #[test]
        fn backoff_grows_until_the_cap(
            interval in 1_000.0f64..60_000.0, n in 1u32..40, j1 in 0.0f64..1.0, j2 in 0.0f64..1.0
        ) {
            let (now, next) = (backoff_ms(interval, n, j1), backoff_ms(interval, n + 1, j2));
            prop_assert!((FLOOR_MS..=BACKOFF_CAP_MS).contains(&now));
            prop_assert!(next > now || next == BACKOFF_CAP_MS || now >= BACKOFF_CAP_MS * 0.8);
        }

        #[test]
        fn retry_after_is_always_within_bounds(
            value in ".{0,40}", now in any::<f64>(), date in proptest::option::of(any::<f64>())
        ) {
            if let Some(ms) = parse_retry_after(&value, now, |_| date) {
                prop_assert!((0.0..=RETRY_AFTER_CAP_MS).contains(&ms), "{ms}");
            }
        }
    }
}
