//! The sweep's rules, driven with time as a number.

use super::*;
use proptest::prelude::*;

const T0: f64 = 1_764_321_000_000.0;

use crate::model::poll_error::http_error as http;

fn fetch(command: SweepCommand) -> (u64, u32) {
    match command {
        SweepCommand::Fetch {
            page, generation, ..
        } => (page, generation),
        other => panic!("expected a fetch, got {other:?}"),
    }
}

fn full(total_pages: u64) -> Result<PageRead, &'static PollError> {
    Ok(PageRead {
        rows: 100,
        total_pages,
    })
}

#[test]
fn reads_every_page_in_order_then_ends() {
    let mut sweep = Sweep::new(100_000, 5_000.0, 10_000.0);
    let (mut page, mut generation) = fetch(sweep.start(false, T0));
    let mut asked = vec![page];
    loop {
        let (command, kept) = sweep.answered(generation, full(4), 0.5, T0 + 1.0);
        assert_eq!(kept, 100);
        if let SweepCommand::Done(end) = command {
            assert_eq!(end, SweepEnd::Complete);
            break;
        }
        (page, generation) = fetch(command);
        asked.push(page);
    }
    assert_eq!(asked, [1, 2, 3, 4]);
    assert_eq!(sweep.rows(), 400);
}

#[test]
fn stops_at_the_cap_keeping_only_what_fits() {
    let mut sweep = Sweep::new(250, 5_000.0, 10_000.0);
    let (_, g) = fetch(sweep.start(false, T0));
    let (c, kept) = sweep.answered(g, full(50), 0.5, T0);
    assert_eq!(kept, 100);
    let (_, g) = fetch(c);
    let (c, _) = sweep.answered(g, full(50), 0.5, T0);
    let (_, g) = fetch(c);
    let (c, kept) = sweep.answered(g, full(50), 0.5, T0);
    assert_eq!(kept, 50);
    assert_eq!(c, SweepCommand::Done(SweepEnd::Capped));
    assert_eq!(sweep.rows(), 250);
}

#[test]
fn an_empty_page_ends_it_whatever_the_page_count_says() {
    let mut sweep = Sweep::new(1_000, 5_000.0, 10_000.0);
    let (_, g) = fetch(sweep.start(false, T0));
    let empty = Ok(PageRead {
        rows: 0,
        total_pages: 999,
    });
    assert_eq!(
        sweep.answered(g, empty, 0.5, T0).0,
        SweepCommand::Done(SweepEnd::Complete)
    );
}

#[test]
fn a_failure_backs_off_and_retries_the_same_page() {
    let mut sweep = Sweep::new(1_000, 5_000.0, 10_000.0);
    let (_, g) = fetch(sweep.start(false, T0));
    let (c, _) = sweep.answered(g, full(3), 0.5, T0);
    let (page, g) = fetch(c);
    assert_eq!(page, 2);
    let (c, _) = sweep.answered(g, Err(&PollError::Network), 0.5, T0);
    assert_eq!(c, SweepCommand::WaitUntil(T0 + 5_000.0));
    assert_eq!(
        sweep.timer(T0 + 4_999.0),
        SweepCommand::WaitUntil(T0 + 5_000.0)
    );
    assert_eq!(fetch(sweep.timer(T0 + 5_000.0)).0, 2);
}

#[test]
fn retry_after_holds_the_next_page() {
    let mut sweep = Sweep::new(1_000, 5_000.0, 10_000.0);
    let (_, g) = fetch(sweep.start(false, T0));
    let (c, _) = sweep.answered(g, Err(&http(429, Some(30_000.0))), 0.5, T0);
    assert_eq!(c, SweepCommand::WaitUntil(T0 + 30_000.0));
    assert_eq!(fetch(sweep.timer(T0 + 30_000.0)).0, 1);
}

#[test]
fn a_final_error_ends_it_at_once() {
    for status in [401, 403, 404, 400] {
        let mut sweep = Sweep::new(1_000, 5_000.0, 10_000.0);
        let (_, g) = fetch(sweep.start(false, T0));
        let (c, _) = sweep.answered(g, Err(&http(status, None)), 0.5, T0);
        assert_eq!(c, SweepCommand::Done(SweepEnd::Failed), "{status}");
    }
}

#[test]
fn it_gives_up_after_failures_in_a_row() {
    let mut sweep = Sweep::new(1_000, 1_000.0, 10_000.0);
    let mut now = T0;
    let mut command = sweep.start(false, now);
    for _ in 0..MAX_FAILURES {
        let (_, g) = fetch(command);
        let (next, _) = sweep.answered(g, Err(&http(503, None)), 0.5, now);
        command = next;
        if let SweepCommand::WaitUntil(at) = command {
            now = at;
            command = sweep.timer(now);
        }
    }
    assert_eq!(command, SweepCommand::Done(SweepEnd::Failed));
}

#[test]
fn nothing_is_fetched_while_hidden() {
    let mut sweep = Sweep::new(1_000, 5_000.0, 10_000.0);
    assert_eq!(sweep.start(true, T0), SweepCommand::Idle);
    assert_eq!(sweep.timer(T0 + 60_000.0), SweepCommand::Idle);
    assert_eq!(fetch(sweep.hidden(false, T0 + 60_000.0)).0, 1);
}

#[test]
fn a_stale_answer_changes_nothing() {
    let mut sweep = Sweep::new(1_000, 5_000.0, 10_000.0);
    let (_, g) = fetch(sweep.start(false, T0));
    let (c, _) = sweep.answered(g, full(3), 0.5, T0);
    let (page, current) = fetch(c);
    assert_eq!(page, 2);
    assert_eq!(
        sweep.answered(g, full(3), 0.5, T0).1,
        0,
        "an old generation"
    );
    assert_eq!(sweep.rows(), 100);
    assert_eq!(sweep.answered(current, full(3), 0.5, T0).1, 100);
    assert_eq!(sweep.rows(), 200);
}

proptest! {
    /// Whatever the server answers, a sweep asks for pages in order without
    /// gaps, keeps at most its cap, and ends.
    #[test]
    fn any_answers_end_within_the_cap(
        cap in 1usize..1_000,
        answers in prop::collection::vec((0usize..=100, 1u64..20, any::<bool>()), 1..60),
    ) {
        let mut sweep = Sweep::new(cap, 1_000.0, 10_000.0);
        let mut now = T0;
        let mut command = sweep.start(false, now);
        let mut last_page = 0;
        for (rows, total_pages, fails) in answers {
            command = match command {
                SweepCommand::Fetch { page, generation, .. } => {
                    prop_assert!(page == last_page || page == last_page + 1);
                    last_page = page;
                    let error = PollError::Network;
                    let result = if fails { Err(&error) } else { Ok(PageRead { rows, total_pages }) };
                    sweep.answered(generation, result, 0.5, now).0
                }
                SweepCommand::WaitUntil(at) => {
                    prop_assert!(at >= now);
                    now = at;
                    sweep.timer(now)
                }
                SweepCommand::Idle => panic!("idle while visible"),
                SweepCommand::Done(_) => break,
            };
            prop_assert!(sweep.rows() <= cap);
        }
        if let SweepCommand::Done(SweepEnd::Capped) = command {
            prop_assert_eq!(sweep.rows(), cap);
        }
    }
}
