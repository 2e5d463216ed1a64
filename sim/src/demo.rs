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
/// Calls in a demo batch.
const CALLS: usize = 180;
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
        let mut rng = SplitMix(seed_of(id));
        let mut line_free_at = [QUEUED_SECS; LINES];
        let calls = (0..CALLS)
            .map(|i| {
                let line = (0..LINES)
                    .min_by(|a, b| line_free_at[*a].total_cmp(&line_free_at[*b]))
                    .unwrap_or(0);
                let start = line_free_at[line] + rng.unit() * 0.5;
                let fails = rng.unit() < 0.12;
                // Failed calls end sooner: nobody picked up.
                let length = if fails {
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
        }
    }

    /// Seconds from the first request until every call has ended.
    pub fn duration_secs(&self) -> f64 {
        self.calls.iter().map(|c| c.end).fold(0.0, f64::max)
    }

    /// The documented status body, `elapsed` seconds after the batch's clock began
    /// at `epoch_ms`.
    pub fn status(&self, epoch_ms: f64, elapsed: f64) -> Value {
        let at = |secs: f64| (epoch_ms + secs * 1000.0).round() as i64;
        let ended: Vec<&Call> = self.calls.iter().filter(|c| c.end <= elapsed).collect();
        let failed = ended.iter().filter(|c| c.failure.is_some()).count();
        let completed = ended.len() - failed;
        let active = self
            .calls
            .iter()
            .filter(|c| c.start <= elapsed && c.end > elapsed)
            .count();
        let waiting = CALLS - ended.len() - active;
        let done = ended.len() == CALLS;
        let status = if elapsed < QUEUED_SECS {
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
            "totalCalls": CALLS,
            "progress": {
                "waiting": waiting,
                "active": active,
                "completed": completed,
                "failed": failed,
                "total": CALLS,
                "startTime": (elapsed >= QUEUED_SECS).then(|| at(QUEUED_SECS)),
                "lastCompletedTime": last_completed.map(at),
                "completedTime": done.then(|| at(self.duration_secs())),
                "averageCallDuration": average,
                "recent_calls": recent_calls,
            },
            "timestamp": at(elapsed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert!(p["active"].as_u64().unwrap() <= LINES as u64);
        }
    }
}
