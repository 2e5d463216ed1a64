//! The run at a glance: finished calls per minute over the run, built from the
//! counts seen at each poll.
//!
//! The history is the deltas between successive polls, put in the minute of the
//! poll that saw them. A minute with a poll is a bucket (zero if nothing
//! finished); a minute without one is a gap, never a zero. Counts that go down
//! (the server corrected itself) or a clock that went back start a new baseline
//! and draw nothing, so no bar is ever negative; another batch id starts a new
//! history. The sum of the buckets is always the sum of the deltas taken.

use super::format::{decimal, digits};

/// A minute, in milliseconds.
pub const MINUTE_MS: f64 = 60_000.0;
/// At most this many bars are drawn: longer runs merge minutes into each bar.
pub const MAX_BARS: usize = 120;
/// Minutes kept (a day); older ones are dropped, so the stored history is bounded.
pub const MAX_MINUTES: usize = 1_440;
/// The "recent" window of the summary line, in minutes.
pub const RECENT_MINUTES: i64 = 10;
// `Summary::text` names the span as it is.
const _: () = assert!(RECENT_MINUTES == 10, "the summary says \"Last 10 min\"");

/// Calls finished, by outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Completed calls.
    pub completed: u64,
    /// Failed calls.
    pub failed: u64,
}

impl Tally {
    /// Both outcomes together.
    pub fn finished(self) -> u64 {
        self.completed.saturating_add(self.failed)
    }

    /// The share that completed, 0 to 1; `None` when none finished.
    pub fn success(self) -> Option<f64> {
        let finished = self.finished();
        (finished > 0).then(|| self.completed as f64 / finished as f64)
    }

    fn add(&mut self, other: Tally) {
        self.completed = self.completed.saturating_add(other.completed);
        self.failed = self.failed.saturating_add(other.failed);
    }

    /// `self - earlier`, unless either count went down.
    fn since(self, earlier: Tally) -> Option<Tally> {
        Some(Tally {
            completed: self.completed.checked_sub(earlier.completed)?,
            failed: self.failed.checked_sub(earlier.failed)?,
        })
    }
}

/// The minute (since the epoch) that `at_ms` falls in.
pub fn minute_of(at_ms: f64) -> i64 {
    (at_ms / MINUTE_MS).floor() as i64
}

/// One batch's calls finished per minute.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    batch_id: String,
    /// Minutes with a poll, oldest first, and what finished in each.
    minutes: Vec<(i64, Tally)>,
    /// The last poll: when, and the counts it saw.
    last: Option<(f64, Tally)>,
    /// Started from the recent calls' end times rather than from polls kept
    /// across a reload: it covers only what this page has seen.
    from_recent_calls: bool,
}

impl History {
    /// An empty history for `batch_id`.
    pub fn new(batch_id: &str) -> Self {
        History {
            batch_id: batch_id.to_owned(),
            ..History::default()
        }
    }

    /// The batch this is the history of.
    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// Minutes with a poll, oldest first.
    pub fn minutes(&self) -> &[(i64, Tally)] {
        &self.minutes
    }

    /// Whether it only covers what this page has seen (see [`History::seed`]).
    pub fn from_recent_calls(&self) -> bool {
        self.from_recent_calls
    }

    /// Records a poll of `batch_id` at `at_ms` that saw `counts` finished so
    /// far. Says whether it opened a minute: one in which nothing finished is
    /// a bar too, although the counts did not move.
    pub fn observe(&mut self, batch_id: &str, at_ms: f64, counts: Tally) -> bool {
        if batch_id != self.batch_id {
            *self = History::new(batch_id);
        }
        if !at_ms.is_finite() {
            return false;
        }
        let at_ms = at_ms.round();
        let delta = match self.last {
            // Time went back, or a count went down: a new baseline, nothing drawn.
            Some((then, seen)) if at_ms >= then => counts.since(seen),
            _ => None,
        };
        self.last = Some((at_ms, counts));
        delta.is_some_and(|delta| self.add(minute_of(at_ms), delta))
    }

    /// Starts an empty history from the recent calls, when nothing was kept (a
    /// new tab, or storage blocked): each call's end time (epoch ms) and whether
    /// it failed.
    pub fn seed(&mut self, ended: impl IntoIterator<Item = (f64, bool)>) {
        if !self.minutes.is_empty() {
            return;
        }
        self.from_recent_calls = true;
        for (at, failed) in ended {
            if at.is_finite() {
                let tally = Tally {
                    completed: u64::from(!failed),
                    failed: u64::from(failed),
                };
                self.add(minute_of(at), tally);
            }
        }
    }

    /// Adds `delta` to `minute`; says whether that minute is new.
    fn add(&mut self, minute: i64, delta: Tally) -> bool {
        let found = self.minutes.binary_search_by_key(&minute, |(m, _)| *m);
        match found {
            Ok(at) => self.minutes[at].1.add(delta),
            Err(at) => self.minutes.insert(at, (minute, delta)),
        }
        if self.minutes.len() > MAX_MINUTES {
            let extra = self.minutes.len() - MAX_MINUTES;
            self.minutes.drain(..extra);
        }
        found.is_err()
    }

    /// The bars to draw at `now_ms`: the minutes from the first bucket to now,
    /// merged so there are at most [`MAX_BARS`].
    pub fn bars(&self, now_ms: f64) -> Vec<Bar> {
        let Some(&(first, _)) = self.minutes.first() else {
            return Vec::new();
        };
        let newest = self.minutes.last().map_or(first, |(m, _)| *m);
        let now = minute_of(now_ms).max(newest);
        let span = (now - first + 1) as usize;
        let width = span.div_ceil(MAX_BARS).max(1);
        let count = span.div_ceil(width);
        let mut bars: Vec<Bar> = (0..count)
            .map(|i| Bar {
                start_minute: first + (i * width) as i64,
                minutes: width as u32,
                tally: None,
                partial: false,
            })
            .collect();
        for (minute, tally) in &self.minutes {
            let bar = &mut bars[((minute - first) as usize) / width];
            bar.tally.get_or_insert_with(Tally::default).add(*tally);
        }
        if let Some(last) = bars.last_mut() {
            // The minute now running is not over: its bar is still filling.
            last.partial = last.start_minute + i64::from(last.minutes) > minute_of(now_ms);
        }
        bars
    }

    /// What the last [`RECENT_MINUTES`] say: the rate, the share that succeeded,
    /// and whether that is faster or slower than before them. `None` until a
    /// whole minute has been seen.
    pub fn summary(&self, now_ms: f64) -> Option<Summary> {
        let now = minute_of(now_ms);
        // The minute now running is partial: it would read as a slowdown.
        let whole = self.minutes.iter().filter(|(m, _)| *m < now);
        let (mut recent, mut recent_minutes) = (Tally::default(), 0u64);
        let (mut earlier, mut earlier_minutes) = (Tally::default(), 0u64);
        for (minute, tally) in whole {
            if *minute >= now - RECENT_MINUTES {
                recent.add(*tally);
                recent_minutes += 1;
            } else {
                earlier.add(*tally);
                earlier_minutes += 1;
            }
        }
        if recent_minutes == 0 {
            return None;
        }
        let rate = recent.finished() as f64 / recent_minutes as f64;
        let before =
            (earlier_minutes > 0).then(|| earlier.finished() as f64 / earlier_minutes as f64);
        Some(Summary {
            rate_per_minute: rate,
            success: recent.success(),
            trend: before.map(|before| Trend::of(rate, before)),
        })
    }

    /// The history as text for `sessionStorage`: the batch id (only letters,
    /// digits, `_` and `-`) and numbers, never anything else.
    pub fn to_storage(&self) -> String {
        let mut text = ["v1 ", &self.batch_id].concat();
        // Whole milliseconds, as `Date.now()` gives them: no float formatting
        // or parsing code in the wasm.
        let last = self.last.map(|(at, seen)| (at.round() as i64, seen));
        match last {
            Some(last) => push_triple(&mut text, last),
            None => text.push_str(" -"),
        }
        for &minute in &self.minutes {
            push_triple(&mut text, minute);
        }
        text
    }

    /// Reads [`History::to_storage`] text back; `None` for anything else.
    pub fn from_storage(text: &str) -> Option<History> {
        let mut words = text.split(' ');
        if words.next()? != "v1" {
            return None;
        }
        let batch_id = words.next()?;
        let valid_id = !batch_id.is_empty()
            && batch_id.len() <= 128
            && batch_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid_id {
            return None;
        }
        fn triple<T: std::str::FromStr>(word: &str) -> Option<(T, Tally)> {
            let mut parts = word.split(':');
            let first = parts.next()?.parse().ok()?;
            let completed = parts.next()?.parse().ok()?;
            let failed = parts.next()?.parse().ok()?;
            parts
                .next()
                .is_none()
                .then_some((first, Tally { completed, failed }))
        }
        let last = match words.next()? {
            "-" => None,
            word => Some(triple::<i64>(word).map(|(at, seen)| (at as f64, seen))?),
        };
        let mut minutes: Vec<(i64, Tally)> = Vec::new();
        for word in words {
            let bucket = triple::<i64>(word)?;
            if minutes.last().is_some_and(|(m, _)| *m >= bucket.0) || minutes.len() == MAX_MINUTES {
                return None;
            }
            minutes.push(bucket);
        }
        Some(History {
            batch_id: batch_id.to_owned(),
            minutes,
            last,
            from_recent_calls: false,
        })
    }
}

/// Appends " first:completed:failed" to the stored text.
fn push_triple(text: &mut String, (first, tally): (i64, Tally)) {
    for (separator, n) in [
        (" ", decimal(first)),
        (":", digits(tally.completed)),
        (":", digits(tally.failed)),
    ] {
        text.push_str(separator);
        text.push_str(&n);
    }
}

/// One drawn bar: `minutes` minutes from `start_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Its first minute (since the epoch).
    pub start_minute: i64,
    /// How many minutes it covers (more than one for long runs).
    pub minutes: u32,
    /// What finished in it; `None` when no poll fell in it (a gap).
    pub tally: Option<Tally>,
    /// It holds the minute now running, so it is still filling.
    pub partial: bool,
}

impl Bar {
    /// Finished calls per minute over the bar.
    pub fn rate_per_minute(&self) -> f64 {
        self.tally
            .map_or(0.0, |t| t.finished() as f64 / f64::from(self.minutes))
    }
}

/// Faster, slower or about the same as before the recent window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// More than 15 % faster.
    Faster,
    /// More than 15 % slower.
    Slower,
    /// Within 15 %.
    Steady,
}

impl Trend {
    fn of(recent: f64, before: f64) -> Trend {
        if recent > before * 1.15 {
            Trend::Faster
        } else if recent < before * 0.85 {
            Trend::Slower
        } else {
            Trend::Steady
        }
    }
}

/// What the recent minutes say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Finished calls per minute.
    pub rate_per_minute: f64,
    /// The share of them that completed, 0 to 1; `None` if none finished.
    pub success: Option<f64>,
    /// Against the minutes before; `None` when there were none.
    pub trend: Option<Trend>,
}

impl Summary {
    /// The one-line text: "Last 10 min: 42 calls/min, 95 % succeeded; slower
    /// than before". `number` writes a count in the page's locale.
    pub fn text(&self, number: impl Fn(u64) -> String) -> String {
        let mut text = [
            "Last 10 min: ",
            &number(self.rate_per_minute.round() as u64),
            " calls/min",
        ]
        .concat();
        if let Some(success) = self.success {
            text.push_str(", ");
            text.push_str(&super::percent_digits(success));
            text.push_str(" succeeded");
        }
        text.push_str(match self.trend {
            Some(Trend::Faster) => "; faster than before",
            Some(Trend::Slower) => "; slower than before",
            Some(Trend::Steady) => "; steady",
            None => "",
        });
        text
    }
}

/// The dashed projection: the calls left, at the rate the estimate assumes,
/// from now until the estimated finish. Built from the widget's own estimate
/// (`etaMs`), so it ends exactly where the "Time left" text says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Where it starts (now), epoch ms.
    pub from_ms: f64,
    /// The estimated finish, epoch ms.
    pub until_ms: f64,
    /// Calls per minute it assumes.
    pub rate_per_minute: f64,
}

impl Projection {
    /// The projection for `remaining` calls finishing `eta_ms` from `now_ms`;
    /// `None` without a usable estimate or with nothing left.
    pub fn new(now_ms: f64, eta_ms: Option<f64>, remaining: u64) -> Option<Projection> {
        let eta = eta_ms.filter(|eta| eta.is_finite() && *eta > 0.0)?;
        (remaining > 0 && now_ms.is_finite()).then(|| Projection {
            from_ms: now_ms,
            until_ms: now_ms + eta,
            rate_per_minute: remaining as f64 / (eta / MINUTE_MS),
        })
    }
}

#[cfg(test)]
mod tests;
