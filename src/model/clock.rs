//! Which moments look the same on the card, and when it next looks different.
//! Most seconds change nothing a person can see ("Elapsed 2 h 5 min" reads the
//! same for a minute): the widget wakes only when the face changes.

use super::format;
use crate::wire::BatchStatus;

/// The times the card measures against the clock, each epoch ms.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClockTimes {
    /// The start of the batch ("Elapsed", while it runs).
    pub started_at: Option<f64>,
    /// When the batch should finish ("Time left").
    pub eta_at: Option<f64>,
    /// When the data on screen arrived ("Updated 12 s ago").
    pub received_at: Option<f64>,
    /// When the next poll is due ("Retrying in 20 s").
    pub retry_at: Option<f64>,
    /// How long data reads "Updated just now" (see [`format::updated`]).
    pub fresh_ms: f64,
}

impl ClockTimes {
    /// The times the card measures, as the widget has them: the start only while
    /// the batch runs (a finished batch shows a fixed elapsed time), and the next
    /// poll only while an error is shown (it is the banner's "Retrying in 20 s";
    /// between good answers the card shows no countdown).
    pub fn of_card(
        status: Option<&BatchStatus>,
        eta_at: Option<f64>,
        received_at: Option<f64>,
        error_shown: bool,
        next_poll_at: Option<f64>,
        fresh_ms: f64,
    ) -> Self {
        ClockTimes {
            started_at: status
                .filter(|s| !s.is_finished())
                .and_then(|s| s.start_time),
            eta_at,
            received_at,
            retry_at: next_poll_at.filter(|_| error_shown),
            fresh_ms,
        }
    }
}

/// How far ahead [`next_change`] looks. A card whose face holds longer ("Elapsed
/// –" for an unbelievable start) is looked at again then.
pub const HORIZON_MS: f64 = 86_400_000.0;

/// Every span the card could show at `now`, in the card's words. Two moments
/// with the same face draw the same card. It may cover a span the card does not
/// show at the moment (an extra redraw), never miss one it does.
pub fn clock_face(times: &ClockTimes, now: f64) -> [Option<String>; 4] {
    [
        times
            .started_at
            .map(|t| format::duration((now - t) / 1000.0)),
        // The card says "any moment now" once the estimate has passed.
        times.eta_at.map(|t| {
            if t > now {
                format::duration((t - now) / 1000.0)
            } else {
                String::new()
            }
        }),
        times
            .received_at
            .map(|t| format::updated(t, now, times.fresh_ms)),
        times.retry_at.map(|t| format::countdown(t - now)),
    ]
}

/// The first moment after `now` at which [`clock_face`] reads differently,
/// within a millisecond, or `now + HORIZON_MS` if that comes first; `None`
/// when the card shows no span at all. The widget sleeps until then instead of
/// waking every second to find most seconds changed nothing.
///
/// Each span follows one number moving one way with time, and each of its
/// texts stands for one unbroken range of that number, so a text that has
/// changed never comes back: the moments with today's face are one unbroken
/// stretch from `now`, and halving the horizon 27 times finds its end.
pub fn next_change(times: &ClockTimes, now: f64) -> Option<f64> {
    let face = clock_face(times, now);
    let (mut same, mut other) = (now, now + HORIZON_MS);
    if face.iter().all(Option::is_none) {
        return None;
    }
    if clock_face(times, other) == face {
        return Some(other);
    }
    while other - same > 1.0 {
        let middle = same + (other - same) / 2.0;
        if clock_face(times, middle) == face {
            same = middle;
        } else {
            other = middle;
        }
    }
    Some(other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: f64 = 1_764_321_000_000.0;
    const DAY: f64 = 86_400_000.0;

    fn changes(times: ClockTimes, from: f64) -> bool {
        clock_face(&times, from) != clock_face(&times, from + 1000.0)
    }

    fn running(started_at: f64) -> BatchStatus {
        let json = serde_json::from_str(&format!(
            r#"{{"status": "processing", "progress": {{"startTime": {started_at}}}}}"#
        ))
        .unwrap();
        BatchStatus::from_json(&json).unwrap()
    }

    #[test]
    fn an_old_batch_polled_a_moment_ago_looks_the_same_a_second_later() {
        // As the widget builds them: a poll is due in 4 s, and no error shows.
        let status = running(NOW - 300.0 * DAY);
        let eta = Some(NOW + 3.0 * 3_600_000.0);
        let times = ClockTimes::of_card(
            Some(&status),
            eta,
            Some(NOW),
            false,
            Some(NOW + 5_000.0),
            6_000.0,
        );
        assert!(!changes(times, NOW + 1000.0));
        // With an error on screen the countdown shows, and moves.
        let times = ClockTimes::of_card(
            Some(&status),
            eta,
            Some(NOW),
            true,
            Some(NOW + 5_000.0),
            6_000.0,
        );
        assert!(changes(times, NOW + 1000.0));
    }

    #[test]
    fn a_young_batch_a_countdown_and_a_fresh_age_move_every_second() {
        let young = ClockTimes {
            started_at: Some(NOW - 30_000.0),
            ..ClockTimes::default()
        };
        assert!(changes(young, NOW));
        let retrying = ClockTimes {
            retry_at: Some(NOW + 20_000.0),
            ..ClockTimes::default()
        };
        assert!(changes(retrying, NOW));
        let aging = ClockTimes {
            received_at: Some(NOW - 20_000.0),
            ..ClockTimes::default()
        };
        assert!(changes(aging, NOW));
    }

    #[test]
    fn the_estimate_running_out_changes_the_face() {
        // "about 0 s" (0.4 s rounds down) becomes "any moment now".
        let times = ClockTimes {
            eta_at: Some(NOW + 400.0),
            ..ClockTimes::default()
        };
        assert!(changes(times, NOW));
    }

    #[test]
    fn the_card_sleeps_until_its_face_changes() {
        // Fresh data from a poll every 5 s: "just now" until 6 s, then "6 s ago".
        let polled = ClockTimes {
            received_at: Some(NOW),
            fresh_ms: 6_000.0,
            ..ClockTimes::default()
        };
        let at = next_change(&polled, NOW + 1000.0).unwrap();
        assert!(
            (NOW + 6_000.0..=NOW + 6_001.0).contains(&at),
            "{}",
            at - NOW
        );
        // "Elapsed 2 h 5 min": the next minute, when the rounded seconds reach it.
        let old = ClockTimes {
            started_at: Some(NOW - (2.0 * 3_600.0 + 5.0 * 60.0 + 10.0) * 1000.0),
            ..ClockTimes::default()
        };
        let at = next_change(&old, NOW).unwrap();
        assert!(
            (NOW + 49_500.0..=NOW + 49_501.0).contains(&at),
            "{}",
            at - NOW
        );
        // "Retrying in 12 s" moves every second.
        let retrying = ClockTimes {
            retry_at: Some(NOW + 11_200.0),
            ..ClockTimes::default()
        };
        let at = next_change(&retrying, NOW).unwrap();
        assert!((NOW + 200.0..=NOW + 201.0).contains(&at), "{}", at - NOW);
        // Nothing on the card ages: nothing to wake for.
        assert_eq!(next_change(&ClockTimes::default(), NOW), None);
        // A face that holds past the horizon is looked at again then.
        let unbelievable = ClockTimes {
            started_at: Some(NOW - 400.0 * DAY),
            ..ClockTimes::default()
        };
        assert_eq!(next_change(&unbelievable, NOW), Some(NOW + HORIZON_MS));
    }

    proptest! {
        /// The widget sleeps until `next_change`: the face holds until just
        /// before it and differs at it, so no change is missed or late by more
        /// than a millisecond.
        #[test]
        fn the_face_holds_until_the_next_change_and_differs_there(
            since in proptest::option::of(-1e7..4e10f64),
            eta in proptest::option::of(-1e7..4e10f64),
            age in proptest::option::of(-1e5..4e8f64),
            retry in proptest::option::of(-1e4..1e7f64),
            fresh in 0.0..4e6f64,
            samples in proptest::collection::vec(0.0..1.0f64, 8),
        ) {
            let times = ClockTimes {
                started_at: since.map(|s| NOW - s),
                eta_at: eta.map(|e| NOW + e),
                received_at: age.map(|a| NOW - a),
                retry_at: retry.map(|r| NOW + r),
                fresh_ms: fresh,
            };
            let face = clock_face(&times, NOW);
            let Some(next) = next_change(&times, NOW) else {
                prop_assert!(face.iter().all(Option::is_none));
                return Ok(());
            };
            prop_assert!(next > NOW && next <= NOW + HORIZON_MS);
            if next < NOW + HORIZON_MS {
                prop_assert_ne!(&clock_face(&times, next), &face);
            }
            for fraction in samples {
                let before = NOW + (next - 1.0 - NOW).max(0.0) * fraction;
                prop_assert_eq!(&clock_face(&times, before), &face, "at {}", before - NOW);
            }
        }

        /// Whatever the card shows at a moment is fixed by the face: equal faces
        /// mean equal spans, so skipping the redraw never leaves a wrong text.
        #[test]
        fn equal_faces_mean_equal_texts(
            since in 0.0..1e10f64, eta in -1e7..1e10f64, age in 0.0..1e10f64,
            retry in -1e4..1e7f64, step in 0.0..120_000.0f64, fresh in 0.0..4e6f64,
        ) {
            let times = ClockTimes {
                started_at: Some(NOW - since),
                eta_at: Some(NOW + eta),
                received_at: Some(NOW - age),
                retry_at: Some(NOW + retry),
                fresh_ms: fresh,
            };
            let later = NOW + step;
            if clock_face(&times, NOW) == clock_face(&times, later) {
                prop_assert_eq!(format::updated(NOW - age, NOW, fresh), format::updated(NOW - age, later, fresh));
                prop_assert_eq!(format::countdown(retry), format::countdown(NOW + retry - later));
                prop_assert_eq!(format::duration(since / 1000.0), format::duration((later - (NOW - since)) / 1000.0));
            }
        }
    }
}
