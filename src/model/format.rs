//! Durations and relative times as short human text ("1 h 3 min", "12 s ago").
//!
//! Counts and calendar times go through the browser's `Intl` for the page's locale;
//! these spans are the widget's own short forms, the same in every locale.

/// Spans longer than this are not believable for a batch of calls: they read as
/// [`UNKNOWN`] rather than as thousands of days.
pub const LONGEST_SPAN_SECS: f64 = 365.0 * 86_400.0;
/// What an unknown or unbelievable value reads as.
pub const UNKNOWN: &str = "–";

/// A span of seconds as at most two units: `45 s`, `3 min 5 s`, `1 h 3 min`, `2 d 4 h`.
/// Negative input reads as `0 s` (a start in the future has not begun); anything
/// over a year, or not finite, as `–`.
pub fn duration(seconds: f64) -> String {
    if seconds.is_nan() || seconds > LONGEST_SPAN_SECS {
        return UNKNOWN.to_owned();
    }
    let total = seconds.max(0.0).round() as u64;
    let (days, hours, minutes, secs) = (
        total / 86_400,
        total / 3_600 % 24,
        total / 60 % 60,
        total % 60,
    );
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) if secs == 0 || m >= 10 => format!("{m} min"),
        (0, 0, m) => format!("{m} min {secs} s"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// How long ago `then_ms` was, seen at `now_ms`: `just now`, `12 s ago`,
/// `3 min ago`, `2 h ago`, `4 d ago`. A time in the future (clock skew) is `just now`.
pub fn ago(then_ms: f64, now_ms: f64) -> String {
    let seconds = (now_ms - then_ms) / 1000.0;
    if !seconds.is_finite() || seconds < 5.0 {
        return "just now".to_owned();
    }
    let seconds = seconds.floor() as u64;
    match seconds {
        0..=59 => format!("{seconds} s ago"),
        60..=3_599 => format!("{} min ago", seconds / 60),
        3_600..=86_399 => format!("{} h ago", seconds / 3_600),
        _ => format!("{} d ago", seconds / 86_400),
    }
}

/// "Updated …" for data received at `then_ms`: `just now` while it is younger
/// than `fresh_ms` (at least 5 s), then as [`ago`]. The widget passes its poll
/// interval plus a second: while polls arrive on schedule the data is as fresh
/// as polling makes it, and the text does not flip between "just now" and
/// "5 s ago" (a redraw) at every poll.
pub fn updated(then_ms: f64, now_ms: f64, fresh_ms: f64) -> String {
    if now_ms - then_ms < fresh_ms {
        return "just now".to_owned();
    }
    ago(then_ms, now_ms)
}

/// `n` in decimal digits, written without `core::fmt`: the chart, a module
/// of its own loaded after the first data, builds its texts from this and
/// `concat`, and so downloads none of the formatting machinery.
pub fn digits(mut n: u64) -> String {
    let mut text = String::new();
    loop {
        text.insert(0, char::from(b'0' + (n % 10) as u8));
        n /= 10;
        if n == 0 {
            return text;
        }
    }
}

/// [`digits`], with a minus sign when `n` is negative.
pub fn decimal(n: i64) -> String {
    let digits = digits(n.unsigned_abs());
    if n < 0 {
        ["-", &digits].concat()
    } else {
        digits
    }
}

/// A countdown to a retry: `in 12 s`, `in 1 min`; `now` when due.
pub fn countdown(remaining_ms: f64) -> String {
    if !remaining_ms.is_finite() || remaining_ms < 500.0 {
        return "now".to_owned();
    }
    format!("in {}", duration((remaining_ms / 1000.0).ceil()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn durations_use_at_most_two_units() {
        assert_eq!(duration(45.2), "45 s");
        assert_eq!(duration(0.0), "0 s");
        assert_eq!(duration(185.0), "3 min 5 s");
        assert_eq!(duration(600.0), "10 min");
        assert_eq!(duration(659.0), "10 min");
        assert_eq!(duration(3_780.0), "1 h 3 min");
        assert_eq!(duration(7_200.0), "2 h");
        assert_eq!(duration(187_200.0), "2 d 4 h");
        assert_eq!(duration(172_800.0), "2 d");
    }

    #[test]
    fn negative_durations_read_as_zero_and_unbelievable_ones_as_unknown() {
        assert_eq!(duration(-3.0), "0 s");
        assert_eq!(duration(f64::NAN), "–");
        assert_eq!(duration(f64::INFINITY), "–");
        assert_eq!(duration(1e300), "–");
        assert_eq!(duration(366.0 * 86_400.0), "–");
        assert_eq!(duration(364.0 * 86_400.0), "364 d");
    }

    #[test]
    fn relative_times_round_down() {
        assert_eq!(ago(0.0, 4_999.0), "just now");
        assert_eq!(ago(0.0, 12_900.0), "12 s ago");
        assert_eq!(ago(0.0, 185_000.0), "3 min ago");
        assert_eq!(ago(0.0, 7_300_000.0), "2 h ago");
        assert_eq!(ago(0.0, 4.0 * 86_400_000.0), "4 d ago");
        assert_eq!(ago(10_000.0, 0.0), "just now");
        assert_eq!(updated(0.0, 5_900.0, 6_000.0), "just now");
        assert_eq!(updated(0.0, 6_000.0, 6_000.0), "6 s ago");
        assert_eq!(updated(0.0, 4_000.0, 0.0), "just now");
        assert_eq!(updated(0.0, 61_000.0, 61_000.0), "1 min ago");
    }

    #[test]
    fn decimals_at_the_ends_of_the_range() {
        for n in [0, 7, -7, 10, i64::MIN, i64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
        assert_eq!(digits(u64::MAX), "18446744073709551615");
    }

    #[test]
    fn countdowns_round_up() {
        assert_eq!(countdown(11_200.0), "in 12 s");
        assert_eq!(countdown(60_000.0), "in 1 min");
        assert_eq!(countdown(100.0), "now");
    }

    proptest! {
        #[test]
        fn decimal_writes_what_display_writes(n in any::<i64>(), u in any::<u64>()) {
            prop_assert_eq!(decimal(n), n.to_string());
            prop_assert_eq!(digits(u), u.to_string());
        }

        #[test]
        fn no_text_shows_nan_or_a_minus(a in any::<f64>(), b in any::<f64>()) {
            for text in [duration(a), ago(a, b), countdown(a)] {
                prop_assert!(!text.contains("NaN") && !text.contains('-') && !text.contains("inf"), "{text}");
            }
        }
    }
}
