use super::*;
use proptest::prelude::*;

const T0: f64 = 1_700_000_040_000.0; // the start of a minute

fn tally(completed: u64, failed: u64) -> Tally {
    Tally { completed, failed }
}

fn n(value: u64) -> String {
    value.to_string()
}

#[test]
fn deltas_land_in_the_minute_of_the_poll_that_saw_them() {
    let mut history = History::new("b1");
    history.observe("b1", T0, tally(10, 1));
    history.observe("b1", T0 + 20_000.0, tally(14, 1));
    history.observe("b1", T0 + 70_000.0, tally(20, 3));
    let minute = minute_of(T0);
    assert_eq!(
        history.minutes(),
        &[(minute, tally(4, 0)), (minute + 1, tally(6, 2))]
    );
}

#[test]
fn a_minute_with_a_poll_is_a_zero_and_a_minute_without_one_is_a_gap() {
    let mut history = History::new("b1");
    // Each poll says whether it opened a minute (the chart keeps it then).
    assert!(
        !history.observe("b1", T0, tally(0, 0)),
        "a baseline opens none"
    );
    assert!(history.observe("b1", T0 + 10_000.0, tally(5, 0)));
    assert!(
        !history.observe("b1", T0 + 20_000.0, tally(6, 0)),
        "the same minute"
    );
    // Nothing finished in the next minute, but it was polled.
    assert!(
        history.observe("b1", T0 + 70_000.0, tally(6, 0)),
        "a minute in which nothing finished is opened too"
    );
    // Two minutes with no poll at all, then one more.
    assert!(history.observe("b1", T0 + 250_000.0, tally(10, 1)));
    let bars = history.bars(T0 + 250_000.0);
    let tallies: Vec<Option<Tally>> = bars.iter().map(|b| b.tally).collect();
    assert_eq!(
        tallies,
        vec![
            Some(tally(6, 0)),
            Some(tally(0, 0)),
            None,
            None,
            Some(tally(4, 1))
        ]
    );
    assert!(
        bars.last().unwrap().partial,
        "the minute now running is still filling"
    );
    assert!(!bars[0].partial);
}

#[test]
fn counts_that_go_down_draw_nothing_and_start_a_new_baseline() {
    let mut history = History::new("b1");
    history.observe("b1", T0, tally(50, 5));
    history.observe("b1", T0 + 5_000.0, tally(40, 5));
    history.observe("b1", T0 + 10_000.0, tally(43, 6));
    assert_eq!(history.minutes(), &[(minute_of(T0), tally(3, 1))]);
}

#[test]
fn a_clock_that_goes_back_draws_nothing() {
    let mut history = History::new("b1");
    history.observe("b1", T0, tally(1, 0));
    history.observe("b1", T0 - 120_000.0, tally(9, 0));
    history.observe("b1", T0 - 110_000.0, tally(10, 0));
    assert_eq!(
        history.minutes(),
        &[(minute_of(T0 - 110_000.0), tally(1, 0))]
    );
}

#[test]
fn another_batch_id_starts_a_new_history() {
    let mut history = History::new("b1");
    history.observe("b1", T0, tally(1, 0));
    history.observe("b1", T0 + 5_000.0, tally(3, 0));
    history.observe("b2", T0 + 10_000.0, tally(100, 0));
    history.observe("b2", T0 + 15_000.0, tally(101, 0));
    assert_eq!(history.batch_id(), "b2");
    assert_eq!(history.minutes(), &[(minute_of(T0), tally(1, 0))]);
}

#[test]
fn ten_hours_polled_every_second_draw_at_most_120_bars() {
    let mut history = History::new("long");
    let mut done = 0;
    for second in 0..36_000u64 {
        done += second % 3 / 2;
        history.observe("long", T0 + second as f64 * 1000.0, tally(done, 0));
    }
    let bars = history.bars(T0 + 35_999_000.0);
    assert_eq!(bars.len(), MAX_BARS);
    assert!(bars.iter().all(|b| b.minutes == 5));
    let drawn: u64 = bars
        .iter()
        .filter_map(|b| b.tally)
        .map(Tally::finished)
        .sum();
    assert_eq!(
        drawn, done,
        "every call finished after the first poll is in a bar"
    );
}

#[test]
fn the_summary_reads_the_last_ten_whole_minutes_against_the_ones_before() {
    let mut history = History::new("b1");
    let mut done = 0;
    history.observe("b1", T0, tally(0, 0));
    // Twenty minutes at 60 a minute, then ten at 30 (one in ten failing).
    for minute in 1..=30u64 {
        let per = if minute <= 20 { 60 } else { 30 };
        done += per;
        let failed = if minute > 20 { done / 10 } else { 0 };
        history.observe(
            "b1",
            T0 + minute as f64 * MINUTE_MS - 1.0,
            tally(done - failed, failed),
        );
    }
    let summary = history.summary(T0 + 30.5 * MINUTE_MS).unwrap();
    assert_eq!(summary.trend, Some(Trend::Slower));
    assert!(
        summary.text(n).starts_with("Last 10 min: "),
        "{}",
        summary.text(n)
    );
    assert!(
        summary.text(n).ends_with("; slower than before"),
        "{}",
        summary.text(n)
    );
    assert!(History::new("empty").summary(T0).is_none());
}

#[test]
fn the_summary_text_says_rate_success_and_trend() {
    let summary = Summary {
        rate_per_minute: 41.6,
        success: Some(0.95),
        trend: Some(Trend::Faster),
    };
    assert_eq!(
        summary.text(n),
        "Last 10 min: 42 calls/min, 95% succeeded; faster than before"
    );
    let first = Summary {
        rate_per_minute: 0.0,
        success: None,
        trend: None,
    };
    assert_eq!(first.text(n), "Last 10 min: 0 calls/min");
}

#[test]
fn the_projection_ends_at_the_estimate() {
    let projection = Projection::new(T0, Some(600_000.0), 300).unwrap();
    assert_eq!(projection.until_ms, T0 + 600_000.0);
    assert_eq!(projection.rate_per_minute, 30.0);
    assert_eq!(Projection::new(T0, None, 300), None);
    assert_eq!(Projection::new(T0, Some(f64::NAN), 300), None);
    assert_eq!(Projection::new(T0, Some(600_000.0), 0), None);
}

#[test]
fn the_recent_calls_seed_a_history_only_when_none_was_kept() {
    let mut history = History::new("b1");
    history.seed([
        (T0, false),
        (T0 + 1_000.0, true),
        (f64::NAN, false),
        (T0 + 61_000.0, false),
    ]);
    assert!(history.from_recent_calls());
    assert_eq!(
        history.minutes(),
        &[
            (minute_of(T0), tally(1, 1)),
            (minute_of(T0) + 1, tally(1, 0))
        ]
    );
    let mut kept = History::new("b1");
    kept.observe("b1", T0, tally(0, 0));
    kept.observe("b1", T0 + 1.0, tally(2, 0));
    kept.seed([(T0, true)]);
    assert!(!kept.from_recent_calls());
    assert_eq!(kept.minutes(), &[(minute_of(T0), tally(2, 0))]);
}

#[test]
fn stored_text_holds_only_the_batch_id_and_numbers() {
    let mut history = History::new("batch_7-x");
    history.observe("batch_7-x", T0, tally(1, 0));
    history.observe("batch_7-x", T0 + 1_000.0, tally(3, 1));
    let text = history.to_storage();
    assert_eq!(
        text,
        format!("v1 batch_7-x {:.0}:3:1 {}:2:1", T0 + 1_000.0, minute_of(T0))
    );
    assert_eq!(History::from_storage(&text), Some(history));
    for bad in [
        "",
        "v2 b - ",
        "v1 b<script> -",
        "v1 b 1:2",
        "v1 b - 5:1:1 4:1:1",
        "v1 b - 1:2:3:4",
    ] {
        assert_eq!(History::from_storage(bad), None, "{bad:?}");
    }
}

/// One poll of a random sequence: which batch, how far the clock moved
/// (sometimes back), and how the counts moved (sometimes down).
#[derive(Debug, Clone)]
struct Poll {
    other_batch: bool,
    step_ms: i64,
    completed: i64,
    failed: i64,
}

fn polls() -> impl Strategy<Value = Vec<Poll>> {
    prop::collection::vec(
        (
            prop::bool::weighted(0.05),
            prop_oneof![8 => 0i64..120_000, 1 => -300_000i64..0, 1 => Just(0)],
            prop_oneof![8 => 0i64..40, 1 => -50i64..0],
            prop_oneof![8 => 0i64..5, 1 => -5i64..0],
        )
            .prop_map(|(other_batch, step_ms, completed, failed)| Poll {
                other_batch,
                step_ms,
                completed,
                failed,
            }),
        1..300,
    )
}

proptest! {
    /// The sum of the buckets is the sum of the deltas a reference takes (those
    /// where the clock and both counts went forward, within one batch), none is
    /// negative, and the drawn bars add up to the same, at most 120 of them.
    #[test]
    fn buckets_and_bars_add_up_to_the_finished_delta(sequence in polls()) {
        let mut history = History::new("a");
        let (mut at, mut counts, mut batch) = (T0, (100i64, 10i64), "a");
        let mut last: Option<(f64, i64, i64)> = None;
        let mut expected = Tally::default();
        for poll in &sequence {
            if poll.other_batch {
                batch = if batch == "a" { "b" } else { "a" };
                last = None;
                expected = Tally::default();
            }
            at += poll.step_ms as f64;
            counts = ((counts.0 + poll.completed).max(0), (counts.1 + poll.failed).max(0));
            if let Some((then, c, f)) = last {
                if at >= then && counts.0 >= c && counts.1 >= f {
                    expected.add(tally((counts.0 - c) as u64, (counts.1 - f) as u64));
                }
            }
            last = Some((at, counts.0, counts.1));
            history.observe(batch, at, tally(counts.0 as u64, counts.1 as u64));
        }
        let mut kept = Tally::default();
        for (_, t) in history.minutes() {
            kept.add(*t);
        }
        prop_assert_eq!(kept, expected);
        prop_assert!(history.minutes().windows(2).all(|w| w[0].0 < w[1].0));
        let bars = history.bars(at);
        prop_assert!(bars.len() <= MAX_BARS);
        let mut drawn = Tally::default();
        for bar in &bars {
            if let Some(t) = bar.tally {
                drawn.add(t);
            }
            prop_assert!(bar.rate_per_minute() >= 0.0 && bar.rate_per_minute().is_finite());
        }
        prop_assert_eq!(drawn, expected);
        prop_assert_eq!(History::from_storage(&history.to_storage()), Some(history.clone()));
    }

    /// Whatever is in storage (a hand edit, another version), reading it never
    /// panics, and what it accepts it writes back the same.
    #[test]
    fn any_stored_text_is_read_safely(text in "(v1 [a-z_<>-]{0,8} (-|[0-9:]{0,12})( [0-9:-]{0,10}){0,4})|\\PC{0,40}") {
        if let Some(history) = History::from_storage(&text) {
            prop_assert_eq!(History::from_storage(&history.to_storage()), Some(history));
        }
    }
}
