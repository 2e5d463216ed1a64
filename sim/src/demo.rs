//! The built-in demo batch: a reproducible run of calls that goes queued →
//! processing → completed in about two minutes.
//!
//! Every call's start, length and outcome are drawn once from a seeded generator,
//! so a batch id always plays out the same way; the clock of each batch starts at
//! its first request, so a page opened late still sees the whole run.

use serde_json::{json, Value};

/// Seconds a demo batch stays queued before calls start.
const QUEUED_SECS: f64 = 6.0;
/// Calls placed at once.
const LINES: usize = 16;
/// The share of a demo batch's calls placed on half of its lines.
const SLOW_START: f64 = 0.1;
/// The stretch of a demo batch where calls are a quarter shorter.
const FAST_MIDDLE: std::ops::Range<f64> = 0.25..0.55;
/// The stretch of a demo batch (as shares of its calls) where most calls fail.
const FAILURE_BURST: std::ops::Range<f64> = 0.55..0.62;
/// Calls in a demo batch.
const CALLS: usize = 180;
/// Calls and lines of a large demo batch (ids starting `demo-large`): enough
/// that the explorer's paging is real.
const LARGE: (usize, usize) = (4_200, 120);
/// Calls and lines of a long-running one (ids starting `demo-long`): it runs
/// for minutes of the sim's clock, so a test has time to cancel it.
const LONG: (usize, usize) = (2_000, 16);
/// Calls and lines of an extra-large one (ids starting `demo-xl`), for the
/// benchmark's 10,000-row export.
const EXTRA_LARGE: (usize, usize) = (10_000, 240);
/// Entries in `recent_calls`.
const RECENT: usize = 15;

const FAILURE_REASONS: [&str; 4] = ["no-answer", "busy", "voicemail", "invalid-number"];

/// One simulated call.
#[derive(Debug, Clone)]
struct Call {
    job_id: String,
    phone: String,
    start: f64,
    end: f64,
    failure: Option<&'static str>,
}

/// A whole simulated batch, fixed at creation.
#[derive(Debug, Clone)]
pub struct DemoBatch {
    id: String,
    calls: Vec<Call>,
    /// When it was cancelled, seconds into its run: calls not started by then
    /// are dropped, the ones in progress finish.
    cancelled_at: Option<f64>,
}

/// A small, fast, seedable generator (SplitMix64): no dependency, same numbers
/// on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn seed_of(id: &str) -> u64 {
    id.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    })
}

impl DemoBatch {
    /// Draws the batch for `id`; the same id always gives the same batch.
    pub fn new(id: &str) -> Self {
        let (size, lines) = if id.starts_with("demo-large") {
            LARGE
        } else if id.starts_with("demo-xl") {
            EXTRA_LARGE
        } else if id.starts_with("demo-long") {
            LONG
        } else {
            (CALLS, LINES)
        };
        let mut rng = SplitMix(seed_of(id));
        let mut line_free_at = vec![QUEUED_SECS; lines];
        let calls = (0..size)
            .map(|i| {
                // The rate varies, so the throughput chart has something to
                // show: a slow start on half the lines, a faster middle (shorter
                // calls), and a burst of failures after it. A demo batch still
                // takes about as long as it did with a steady rate.
                let through = i as f64 / size as f64;
                let open_lines = if through < SLOW_START {
                    lines.div_ceil(2)
                } else {
                    lines
                };
                let line = (0..open_lines)
                    .min_by(|a, b| line_free_at[*a].total_cmp(&line_free_at[*b]))
                    .unwrap_or(0);
                let start = line_free_at[line] + rng.unit() * 0.5;
                let failure_rate = if FAILURE_BURST.contains(&through) {
                    0.6
                } else {
                    0.12
                };
                let fails = rng.unit() < failure_rate;
                // Failed calls end sooner: nobody picked up.
                let pace = if FAST_MIDDLE.contains(&through) {
                    0.75
                } else {
                    1.0
                };
                let length = pace
                    * if fails {
                        2.0 + rng.unit() * 5.0
                    } else {
                        7.0 + rng.unit() * 9.0
                    };
                line_free_at[line] = start + length;
                Call {
                    job_id: format!("call_{:05}", i + 1),
                    phone: format!("+1415555{:04}", rng.next() % 10_000),
                    start,
                    end: start + length,
                    failure: fails.then(|| FAILURE_REASONS[(rng.next() % 4) as usize]),
                }
            })
            .collect();
        DemoBatch {
            id: id.to_owned(),
            calls,
            cancelled_at: None,
        }
    }

    /// Seconds from the first request until every call has ended.
    pub fn duration_secs(&self) -> f64 {
        self.calls.iter().map(|c| c.end).fold(0.0, f64::max)
    }

    /// The documented status body, `elapsed` seconds after the batch's clock began
    /// at `epoch_ms`.
    /// Whether `call` was dropped by a cancel before it started.
    fn dropped(&self, call: &Call) -> bool {
        self.cancelled_at.is_some_and(|at| call.start > at)
    }

    /// Cancels the batch `elapsed` seconds in, as the API's DELETE does: the
    /// calls not started are dropped, the ones in progress finish. Returns the
    /// documented `details`, or `None` if it has ended or was cancelled already.
    pub fn cancel(&mut self, elapsed: f64) -> Option<Value> {
        let finished = self.calls.iter().all(|c| c.end <= elapsed);
        if finished || self.cancelled_at.is_some() {
            return None;
        }
        self.cancelled_at = Some(elapsed);
        let ended = |ok: bool| {
            self.calls
                .iter()
                .filter(|c| c.end <= elapsed && c.failure.is_none() == ok)
                .count()
        };
        let dropped = self.calls.iter().filter(|c| self.dropped(c)).count();
        Some(json!({
            "completedCalls": ended(true),
            "failedCalls": ended(false),
            "cancelledCalls": dropped,
            "totalCalls": self.calls.len(),
        }))
    }

    pub fn status(&self, epoch_ms: f64, elapsed: f64) -> Value {
        let at = |secs: f64| (epoch_ms + secs * 1000.0).round() as i64;
        let ended: Vec<&Call> = self
            .calls
            .iter()
            .filter(|c| c.end <= elapsed && !self.dropped(c))
            .collect();
        let failed = ended.iter().filter(|c| c.failure.is_some()).count();
        let completed = ended.len() - failed;
        let active = self
            .calls
            .iter()
            .filter(|c| c.start <= elapsed && c.end > elapsed && !self.dropped(c))
            .count();
        let total = self.calls.len();
        let dropped = self.calls.iter().filter(|c| self.dropped(c)).count();
        let waiting = total - ended.len() - active - dropped;
        let done = ended.len() + dropped == total;
        let status = if self.cancelled_at.is_some() {
            "cancelled"
        } else if elapsed < QUEUED_SECS {
            "queued"
        } else if done {
            "completed"
        } else {
            "processing"
        };
        let ok_lengths: Vec<f64> = ended
            .iter()
            .filter(|c| c.failure.is_none())
            .map(|c| c.end - c.start)
            .collect();
        let average = (!ok_lengths.is_empty()).then(|| {
            (ok_lengths.iter().sum::<f64>() / ok_lengths.len() as f64 * 10.0).round() / 10.0
        });
        let last_completed = ended
            .iter()
            .filter(|c| c.failure.is_none())
            .map(|c| c.end)
            .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
        let mut recent: Vec<&&Call> = ended.iter().collect();
        recent.sort_by(|a, b| b.end.total_cmp(&a.end));
        let recent_calls: Vec<Value> = recent
            .iter()
            .take(RECENT)
            .map(|c| match c.failure {
                None => json!({
                    "jobId": c.job_id, "status": "completed", "phone_number": c.phone,
                    "completedAt": at(c.end), "duration": ((c.end - c.start) * 10.0).round() / 10.0,
                }),
                Some(reason) => json!({
                    "jobId": c.job_id, "status": "failed", "phone_number": c.phone,
                    "failedAt": at(c.end), "error": reason,
                }),
            })
            .collect();
        json!({
            "id": self.id,
            "status": status,
            "isComplete": done,
            "totalCalls": total,
            "progress": {
                "waiting": waiting,
                "active": active,
                "completed": completed,
                "failed": failed,
                "total": total,
                "startTime": (elapsed >= QUEUED_SECS).then(|| at(QUEUED_SECS)),
                "lastCompletedTime": last_completed.map(at),
                "completedTime": done.then(|| at(self.duration_secs())),
                "averageCallDuration": average,
                "recent_calls": recent_calls,
            },
            "timestamp": at(elapsed),
        })
    }

    /// What a call is doing `elapsed` seconds in: `waiting`, `active`,
    /// `completed`, `failed`, or `cancelled` (dropped by a cancel).
    fn state_of(&self, call: &Call, elapsed: f64) -> &'static str {
        if self.dropped(call) {
            "cancelled"
        } else if call.end <= elapsed {
            if call.failure.is_some() {
                "failed"
            } else {
                "completed"
            }
        } else if call.start <= elapsed {
            "active"
        } else {
            "waiting"
        }
    }

    /// One page of `GET …/{id}/calls`, as the contract describes it, at the same
    /// moment as [`DemoBatch::status`]: the calls in upload order, filtered by
    /// `filter` (`all` or a call state), `limit` a page.
    pub fn calls_page(
        &self,
        epoch_ms: f64,
        elapsed: f64,
        filter: &str,
        page: u64,
        limit: u64,
    ) -> Value {
        let at = |secs: f64| (epoch_ms + secs * 1000.0).round() as i64;
        let mut summary = json!({
            "total": self.calls.len(), "waiting": 0, "active": 0, "completed": 0, "failed": 0,
        });
        let mut matching = Vec::new();
        for (row, call) in self.calls.iter().enumerate() {
            let state = self.state_of(call, elapsed);
            if state != "cancelled" {
                summary[state] = json!(summary[state].as_u64().unwrap_or(0) + 1);
            }
            if filter == "all" || filter == state {
                matching.push((row, call, state));
            }
        }
        let total = matching.len() as u64;
        let total_pages = total.div_ceil(limit);
        let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
        let calls: Vec<Value> = matching
            .iter()
            .skip(skip)
            .take(limit as usize)
            .map(|(row, call, state)| {
                let started = matches!(*state, "active" | "completed" | "failed");
                let ended = matches!(*state, "completed" | "failed");
                json!({
                    "jobId": call.job_id,
                    "status": state,
                    "phone_number": call.phone,
                    "startTime": started.then(|| at(call.start)),
                    "endTime": ended.then(|| at(call.end)),
                    "duration": (*state == "completed").then(|| ((call.end - call.start) * 10.0).round() / 10.0),
                    "error": if *state == "failed" { call.failure } else { None },
                    "metadata": { "row": row + 1 },
                })
            })
            .collect();
        json!({
            "calls": calls,
            "pagination": {
                "page": page,
                "limit": limit,
                "total": total,
                "totalPages": total_pages,
                "hasNext": page < total_pages,
                "hasPrev": page > 1,
            },
            "summary": summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_batch_starts_slowly_speeds_up_and_has_a_burst_of_failures() {
        let batch = DemoBatch::new("demo-large");
        let calls = &batch.calls;
        // Calls ending per second of the run, over a stretch of calls.
        let pace = |range: std::ops::Range<usize>| {
            let part = &calls[range];
            let first = part.iter().map(|c| c.end).fold(f64::MAX, f64::min);
            let last = part.iter().map(|c| c.end).fold(0.0, f64::max);
            part.len() as f64 / (last - first)
        };
        let failing = |range: std::ops::Range<usize>| {
            let part = &calls[range];
            part.iter().filter(|c| c.failure.is_some()).count() as f64 / part.len() as f64
        };
        let n = calls.len();
        assert!(
            pace(0..n / 10) * 1.5 < pace(n * 3 / 10..n / 2),
            "a slow start, a faster middle"
        );
        assert!(
            failing(n * 56 / 100..n * 61 / 100) > 3.0 * failing(0..n / 2),
            "a burst of failures"
        );
        let secs = batch.duration_secs();
        assert!(
            (300.0..460.0).contains(&secs),
            "about as long as a steady run: {secs}"
        );
    }

    #[test]
    fn a_demo_batch_is_reproducible() {
        let a = DemoBatch::new("demo").status(0.0, 50.0);
        let b = DemoBatch::new("demo").status(0.0, 50.0);
        assert_eq!(a, b);
        assert_ne!(
            a["progress"],
            DemoBatch::new("demo-2").status(0.0, 50.0)["progress"]
        );
    }

    #[test]
    fn a_demo_batch_runs_queued_processing_completed_in_about_two_minutes() {
        let batch = DemoBatch::new("demo");
        assert_eq!(batch.status(0.0, 1.0)["status"], "queued");
        assert_eq!(batch.status(0.0, 30.0)["status"], "processing");
        let secs = batch.duration_secs();
        assert!((80.0..150.0).contains(&secs), "{secs}");
        let end = batch.status(0.0, secs);
        assert_eq!(end["status"], "completed");
        assert_eq!(end["isComplete"], true);
        let p = &end["progress"];
        let (ok, failed) = (
            p["completed"].as_u64().unwrap(),
            p["failed"].as_u64().unwrap(),
        );
        assert_eq!(ok + failed, CALLS as u64);
        assert!(
            failed > 5 && failed < 50,
            "a realistic mix: {failed} failed"
        );
    }

    #[test]
    fn counts_always_add_up() {
        let batch = DemoBatch::new("demo");
        for step in 0..300 {
            let s = batch.status(0.0, f64::from(step) * 0.5);
            let p = &s["progress"];
            let sum: u64 = ["waiting", "active", "completed", "failed"]
                .iter()
                .map(|k| p[*k].as_u64().unwrap())
                .sum();
            assert_eq!(sum, CALLS as u64);
            let calls = batch.calls_page(0.0, f64::from(step) * 0.5, "all", 1, 20);
            for state in ["waiting", "active", "completed", "failed"] {
                assert_eq!(calls["summary"][state], p[state], "{state} at step {step}");
            }
            assert!(p["active"].as_u64().unwrap() <= LINES as u64);
        }
    }

    #[test]
    fn the_calls_pages_agree_with_the_status() {
        let batch = DemoBatch::new("demo");
        let status = batch.status(0.0, 60.0);
        let recent: Vec<&str> = status["progress"]["recent_calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["jobId"].as_str().unwrap())
            .collect();
        let mut seen = Vec::new();
        for filter in ["completed", "failed"] {
            let first = batch.calls_page(0.0, 60.0, filter, 1, 100);
            let pages = first["pagination"]["totalPages"].as_u64().unwrap();
            for page in 1..=pages {
                let body = batch.calls_page(0.0, 60.0, filter, page, 100);
                for call in body["calls"].as_array().unwrap() {
                    assert_eq!(call["status"], filter);
                    seen.push(call["jobId"].as_str().unwrap().to_owned());
                }
            }
            assert_eq!(
                first["pagination"]["total"], status["progress"][filter],
                "{filter}"
            );
        }
        assert!(recent.iter().all(|id| seen.iter().any(|s| s == id)));
    }

    #[test]
    fn a_cancel_drops_the_queued_calls_and_lets_the_active_ones_finish() {
        let mut batch = DemoBatch::new("demo");
        let before = batch.status(0.0, 30.0);
        let active = before["progress"]["active"].as_u64().unwrap();
        let waiting = before["progress"]["waiting"].as_u64().unwrap();
        let details = batch.cancel(30.0).expect("a running batch cancels");
        assert_eq!(details["cancelledCalls"].as_u64().unwrap(), waiting);
        assert_eq!(details["totalCalls"], CALLS);
        let now = batch.status(0.0, 30.0);
        assert_eq!(now["status"], "cancelled");
        assert_eq!(now["progress"]["waiting"], 0);
        assert_eq!(now["progress"]["active"].as_u64().unwrap(), active);
        assert_eq!(now["isComplete"], false);
        let later = batch.status(0.0, 60.0);
        assert_eq!(later["progress"]["active"], 0);
        assert_eq!(later["isComplete"], true);
        assert!(batch.cancel(61.0).is_none(), "a second cancel conflicts");
        let page = batch.calls_page(0.0, 60.0, "all", 1, 100);
        assert_eq!(page["summary"]["waiting"], 0);
        assert!(page["calls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["status"] == "cancelled"));
        let finished = DemoBatch::new("demo").duration_secs() + 1.0;
        assert!(
            DemoBatch::new("demo").cancel(finished).is_none(),
            "a finished batch conflicts"
        );
    }

    #[test]
    fn a_large_batch_pages_past_four_thousand() {
        let batch = DemoBatch::new("demo-large");
        let body = batch.calls_page(0.0, 0.0, "all", 169, 25);
        assert_eq!(body["pagination"]["total"], 4_200);
        assert_eq!(body["pagination"]["totalPages"], 168);
        assert_eq!(body["calls"].as_array().unwrap().len(), 0);
        let last = batch.calls_page(0.0, 0.0, "waiting", 168, 25);
        assert_eq!(last["calls"][24]["jobId"], "call_04200");
        assert_eq!(last["pagination"]["hasNext"], false);
    }
}
