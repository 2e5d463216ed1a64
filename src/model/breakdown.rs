//! How a batch's calls split by outcome, as fractions safe to draw.

use crate::wire::Counts;

/// The share of the bar each outcome takes. Each fraction is in `[0, 1]` and they
/// sum to at most 1, even when the server's counts do not add up.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Fractions {
    /// Completed calls.
    pub completed: f64,
    /// Failed calls.
    pub failed: f64,
    /// Calls in progress.
    pub active: f64,
    /// Calls waiting.
    pub waiting: f64,
}

/// Counts made consistent for display: the scale is the larger of the stated
/// total and the sum of the parts, so no part ever exceeds the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Breakdown {
    /// The counts as sent (already non-negative).
    pub counts: Counts,
    /// The number every fraction is taken of.
    pub scale: u64,
}

impl Breakdown {
    /// Builds the breakdown of a set of counts.
    pub fn new(counts: Counts) -> Self {
        let parts = counts
            .completed
            .saturating_add(counts.failed)
            .saturating_add(counts.active)
            .saturating_add(counts.waiting);
        Breakdown {
            counts,
            scale: counts.total.max(parts),
        }
    }

    /// Calls that have ended, successfully or not.
    pub fn finished(&self) -> u64 {
        self.counts.completed.saturating_add(self.counts.failed)
    }

    /// Calls not yet ended, as far as the scale tells.
    pub fn remaining(&self) -> u64 {
        self.scale.saturating_sub(self.finished())
    }

    /// The share of the scale that has ended, in `[0, 1]`.
    pub fn finished_fraction(&self) -> f64 {
        share(self.finished(), self.scale)
    }

    /// The finished share as a percentage with one decimal, rounded down: 100
    /// only when every call has ended, so 9,999 of 10,000 reads 99.9.
    pub fn percent_finished(&self) -> f64 {
        if self.scale > 0 && self.finished() >= self.scale {
            return 100.0;
        }
        ((self.finished_fraction() * 1000.0).floor() / 10.0).min(99.9)
    }

    /// The share of each outcome. Each takes at most what the ones before it left,
    /// so the sum stays within 1 even where the scale saturated at `u64::MAX`.
    pub fn fractions(&self) -> Fractions {
        let c = &self.counts;
        let mut left = 1.0;
        let mut take = |count: u64| {
            let part = share(count, self.scale).min(left);
            left = (left - part).max(0.0);
            part
        };
        Fractions {
            completed: take(c.completed),
            failed: take(c.failed),
            active: take(c.active),
            waiting: take(c.waiting),
        }
    }

    /// The share of ended calls that succeeded, when any call has ended.
    pub fn success_rate(&self) -> Option<f64> {
        let finished = self.finished();
        (finished > 0).then(|| share(self.counts.completed, finished))
    }
}

/// `part / whole`, 0 for an empty whole, never above 1.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64).clamp(0.0, 1.0)
    }
}

/// A whole-number percent label that never overstates progress: it shows `100%`
/// only when the fraction is exactly 1, and `<1%` for a start that would round to 0.
pub fn percent_label(fraction: f64) -> String {
    percent_label_with(fraction, |whole| format!("{whole}%"))
}

/// [`percent_label`] written with [`digits`](super::format::digits): the
/// chart, a module of its own, uses this and so downloads no `core::fmt`,
/// which the widget has anyway for its other texts.
pub fn percent_digits(fraction: f64) -> String {
    percent_label_with(fraction, |whole| super::format::digits(whole) + "%")
}

/// The rule of [`percent_label`], the whole percent written by `label`.
fn percent_label_with(fraction: f64, label: impl Fn(u64) -> String) -> String {
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if fraction > 0.0 && fraction < 0.01 {
        return "<1%".to_owned();
    }
    let whole = (fraction * 100.0).floor() as u64;
    label(if whole == 100 && fraction < 1.0 {
        99
    } else {
        whole
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counts(completed: u64, failed: u64, active: u64, waiting: u64, total: u64) -> Counts {
        Counts {
            completed,
            failed,
            active,
            waiting,
            total,
        }
    }

    #[test]
    fn the_documented_example_is_two_thirds_done() {
        let b = Breakdown::new(counts(95, 5, 5, 45, 150));
        assert_eq!(b.finished(), 100);
        assert_eq!(b.remaining(), 50);
        assert_eq!(percent_label(b.finished_fraction()), "66%");
        assert_eq!(b.success_rate(), Some(0.95));
    }

    #[test]
    fn inconsistent_counts_scale_to_their_sum() {
        let b = Breakdown::new(counts(140, 7, 3, 0, 100));
        assert_eq!(b.scale, 150);
        let f = b.fractions();
        assert!(f.completed + f.failed + f.active + f.waiting <= 1.0);
    }

    #[test]
    fn an_empty_batch_divides_by_nothing() {
        let b = Breakdown::new(Counts::default());
        assert_eq!(b.finished_fraction(), 0.0);
        assert_eq!(b.success_rate(), None);
        assert_eq!(percent_label(b.finished_fraction()), "0%");
    }

    #[test]
    fn percent_labels_never_overstate() {
        assert_eq!(percent_label(0.0), "0%");
        assert_eq!(percent_label(0.001), "<1%");
        assert_eq!(percent_label(0.999), "99%");
        assert_eq!(percent_label(0.9999), "99%");
        assert_eq!(percent_label(1.0), "100%");
        assert_eq!(percent_label(f64::NAN), "0%");
    }

    proptest! {
        #[test]
        fn both_percent_labels_agree(fraction in any::<f64>()) {
            prop_assert_eq!(percent_digits(fraction), percent_label(fraction));
        }

        #[test]
        fn fractions_are_bounded_and_sum_to_at_most_one(
            c in any::<u64>(), f in any::<u64>(), a in any::<u64>(), w in any::<u64>(), t in any::<u64>()
        ) {
            let b = Breakdown::new(counts(c, f, a, w, t));
            let fr = b.fractions();
            for x in [fr.completed, fr.failed, fr.active, fr.waiting, b.finished_fraction()] {
                prop_assert!((0.0..=1.0).contains(&x), "{x}");
            }
            // Four roundings of f64 division may overshoot 1 by a few ulps.
            prop_assert!(fr.completed + fr.failed + fr.active + fr.waiting <= 1.0 + 1e-9);
            if let Some(rate) = b.success_rate() {
                prop_assert!((0.0..=1.0).contains(&rate));
            }
            prop_assert!(!percent_label(b.finished_fraction()).contains("NaN"));
            prop_assert_eq!(percent_digits(b.finished_fraction()), percent_label(b.finished_fraction()));
        }

        #[test]
        fn small_counts_sum_exactly_within_one(
            c in 0u64..100_000, f in 0u64..100_000, a in 0u64..1000, w in 0u64..100_000, t in 0u64..300_000
        ) {
            let fr = Breakdown::new(counts(c, f, a, w, t)).fractions();
            prop_assert!(fr.completed + fr.failed + fr.active + fr.waiting <= 1.0 + 1e-12);
        }
    }
}
