//! Every shared fixture parses, and each one keeps the facts it exists to carry.

use super::batch::epoch_ms;
use super::*;
use proptest::prelude::*;

fn fixture(name: &str) -> Json {
    let path = format!("{}/../shared/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

fn status(name: &str) -> BatchStatus {
    BatchStatus::from_json(&fixture(name)).unwrap_or_else(|| panic!("{name} parses"))
}

#[test]
fn every_status_fixture_parses() {
    let dir = format!("{}/../shared/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("fixtures folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("utf-8");
        if name.starts_with("status-") {
            status(&name);
            seen += 1;
        }
    }
    assert!(seen >= 13, "only {seen} status fixtures found");
}

#[test]
fn the_documented_example_reads_as_documented() {
    let s = status("status-processing-seed.json");
    assert_eq!(s.id.as_deref(), Some("batch_7891011121314"));
    assert_eq!(s.state, BatchState::Processing);
    assert_eq!(s.is_complete, Some(false));
    assert_eq!(
        s.counts,
        Counts {
            waiting: 45,
            active: 5,
            completed: 95,
            failed: 5,
            total: 150
        }
    );
    assert_eq!(s.start_time, Some(1703097600000.0));
    assert_eq!(s.completed_time, None);
    assert_eq!(s.average_call_secs, Some(45.2));
    assert_eq!(s.recent_calls.len(), 1);
    assert_eq!(s.recent_calls[0].outcome, CallOutcome::Completed);
    assert_eq!(s.recent_calls[0].ended_at, Some(1703101200000.0));
    assert!(!s.is_finished());
}

#[test]
fn failed_calls_carry_their_time_and_error() {
    let s = status("status-completed.json");
    let failed = s
        .recent_calls
        .iter()
        .find(|c| c.outcome == CallOutcome::Failed)
        .expect("a failed call");
    assert_eq!(failed.ended_at, Some(1764323540000.0));
    assert_eq!(failed.error.as_deref(), Some("no-answer"));
    assert_eq!(s.recent_calls[0].duration_secs, Some(30.0));
    assert!(s.is_finished());
}

#[test]
fn terminal_states_finish_polling() {
    for name in [
        "status-completed.json",
        "status-cancelled.json",
        "status-failed.json",
    ] {
        assert!(status(name).is_finished(), "{name}");
    }
    assert_eq!(
        status("status-failed.json").error.as_deref(),
        Some("Agent configuration invalid")
    );
}

#[test]
fn missing_and_null_fields_read_as_zero_or_unknown() {
    let minimal = status("status-minimal.json");
    assert_eq!(minimal.counts, Counts::default());
    assert!(minimal.recent_calls.is_empty());
    let nulls = status("status-nulls.json");
    assert_eq!(nulls.counts.completed, 3);
    assert_eq!(nulls.is_complete, None);
    assert_eq!(nulls.start_time, None);
}

#[test]
fn unknown_statuses_are_kept_as_text() {
    let s = status("status-unknown-and-extra.json");
    assert_eq!(s.state, BatchState::Other("paused".into()));
    assert_eq!(
        s.recent_calls[0].outcome,
        CallOutcome::Other("no-answer".into())
    );
    assert!(!s.is_finished());
}

#[test]
fn negative_counts_and_times_are_dropped() {
    let s = status("status-inconsistent.json");
    assert_eq!(s.counts.waiting, 0);
    assert_eq!(s.counts.completed, 140);
    assert_eq!(s.average_call_secs, None);
    assert_eq!(s.recent_calls[0].phone_number, None);
}

#[test]
fn the_flattened_status_shape_is_accepted() {
    let s = status("status-flattened.json");
    assert_eq!(s.id, None);
    assert_eq!(
        s.counts,
        Counts {
            waiting: 20,
            active: 4,
            completed: 70,
            failed: 6,
            total: 100
        }
    );
    assert_eq!(s.recent_calls.len(), 2);
    assert_eq!(s.recent_calls[1].error.as_deref(), Some("busy"));
}

#[test]
fn a_large_body_keeps_every_call() {
    let s = status("status-large-1000-calls.json");
    assert_eq!((s.recent_calls.len(), s.recent_calls_sent), (1000, 1000));
}

#[test]
fn the_calls_are_kept_newest_first_and_counted() {
    let body: Json = serde_json::from_str(
        r#"{"status": "processing", "progress": {"recent_calls": [
            {"jobId": "old", "completedAt": 1764320000},
            7, null, [1],
            {"jobId": "none"},
            {"jobId": "new", "failedAt": "1764320005000"},
            {"jobId": "mid", "endTime": 1764320002000000}
        ]}}"#,
    )
    .unwrap();
    let s = BatchStatus::from_json(&body).unwrap();
    let ids: Vec<_> = s.recent_calls.iter().map(|c| c.job_id.as_deref()).collect();
    assert_eq!(ids, [Some("new"), Some("mid"), Some("old"), Some("none")]);
    assert_eq!(s.recent_calls_sent, 4, "only the objects are calls");
}

#[test]
fn error_bodies_parse_and_survive_when_absent() {
    let body = ErrorBody::from_json(&fixture("error-404.json"));
    assert_eq!(body.error.as_deref(), Some("Batch not found"));
    assert!(body.message.is_some());
    assert_eq!(ErrorBody::from_json(&Json::Null), ErrorBody::default());
    assert_eq!(
        ErrorBody::from_json(&Json::String("<html>".into())),
        ErrorBody::default()
    );
}

#[test]
fn an_error_body_is_not_a_status() {
    assert_eq!(BatchStatus::from_json(&fixture("error-500.json")), None);
    assert_eq!(BatchStatus::from_json(&Json::Array(vec![])), None);
}

fn arbitrary_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<f64>().prop_map(Json::Number),
        "[a-z<>\"]{0,8}".prop_map(Json::String),
    ];
    let keys = prop::sample::select(vec![
        "id",
        "status",
        "isComplete",
        "totalCalls",
        "progress",
        "waiting",
        "active",
        "completed",
        "failed",
        "total",
        "startTime",
        "averageCallDuration",
        "recent_calls",
        "jobId",
        "phone_number",
        "completedAt",
        "failedAt",
        "duration",
        "error",
        "x",
    ]);
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((keys.clone().prop_map(String::from), inner), 0..8)
                .prop_map(Json::Object),
        ]
    })
}

proptest! {
    #[test]
    fn any_json_value_parses_without_panicking(value in arbitrary_json()) {
        if let Some(s) = BatchStatus::from_json(&value) {
            prop_assert!(s.start_time.is_none_or(|t| t > 0.0));
            prop_assert!(s.average_call_secs.is_none_or(|d| d >= 0.0));
        }
        let _ = ErrorBody::from_json(&value);
    }

    /// Bodies of the documented shape with values from every class a real
    /// server has sent: times in four units, numbers as text, huge, negative and
    /// future values, hostile text. Written out as JSON text and read back the way
    /// the widget reads a body: every time lands in epoch ms or is unknown, and
    /// the counts never overstate what finished.
    #[test]
    fn bodies_of_every_class_read_sanely(body in status_body()) {
        let text = body.to_string();
        let value: Json = serde_json::from_str(&text).expect("serde_json wrote it");
        let status = BatchStatus::from_json(&value).expect("an object with a status");
        for time in [status.start_time, status.completed_time, status.timestamp]
            .into_iter()
            .chain(status.recent_calls.iter().map(|c| c.ended_at))
            .flatten()
        {
            prop_assert!((1e11..1e14).contains(&time), "{time} is not epoch ms");
        }
        prop_assert!(status.average_call_secs.is_none_or(|d| d >= 0.0 && d.is_finite()));
        let summary = crate::model::StatusSummary::new(&status, None);
        let c = status.counts;
        let finished = c.completed.saturating_add(c.failed);
        prop_assert!(summary.percent_finished >= 0.0 && summary.percent_finished <= 100.0);
        if summary.percent_finished == 100.0 {
            prop_assert!(finished >= summary.total, "100 % with {finished} of {}", summary.total);
        }
    }
}

/// One number in any of the forms servers send it.
fn number_like(typical: f64) -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    prop_oneof![
        (0.0..2.0f64).prop_map(move |f| json!(typical * f)),
        (0.0..2.0f64).prop_map(move |f| Value::String(format!("{}", (typical * f).round()))),
        Just(json!(1e300)),
        Just(json!(-1e300)),
        (-1e6..0.0f64).prop_map(|n| json!(n)),
        Just(json!(null)),
        Just(json!("")),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

/// A time in seconds, ms, µs or ns, as a number or as text, or any of the odd
/// values of [`number_like`].
fn time_like() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let seconds = 1.0e9..2.5e9f64;
    prop_oneof![
        (
            seconds.clone(),
            prop::sample::select(vec![1.0, 1e3, 1e6, 1e9])
        )
            .prop_map(|(s, unit)| json!((s * unit).round())),
        seconds.prop_map(|s| Value::String(format!("{}", (s * 1e3).round()))),
        Just(json!(4.1e12)),
        number_like(1.8e12),
    ]
}

fn status_body() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let call = (
        time_like(),
        number_like(60.0),
        "\\PC{0,20}",
        prop::sample::select(vec!["completed", "failed", "no-answer"]),
    )
        .prop_map(|(at, duration, error, status)| {
            json!({
                "jobId": error.clone(), "status": status, "completedAt": at,
                "duration": duration, "error": error, "phone_number": "+1555\u{202E}0100",
            })
        });
    (
        prop::collection::vec(number_like(5_000.0), 5),
        (time_like(), time_like(), time_like()),
        number_like(45.0),
        prop::collection::vec(call, 0..4),
        prop::sample::select(vec!["processing", "completed", "queued", "PAUSED"]),
    )
        .prop_map(|(counts, (start, done, stamp), average, calls, state)| {
            json!({
                "id": "batch_prop",
                "status": state,
                "totalCalls": counts[0],
                "progress": {
                    "total": counts[0], "waiting": counts[1], "active": counts[2],
                    "completed": counts[3], "failed": counts[4],
                    "startTime": start, "completedTime": done,
                    "averageCallDuration": average, "recent_calls": calls,
                },
                "timestamp": stamp,
            })
        })
}

#[test]
fn times_in_any_unit_land_on_the_same_moment() {
    let ms = 1_764_321_000_000.0;
    for value in [ms / 1e3, ms, ms * 1e3, ms * 1e6] {
        assert_eq!(epoch_ms(value), Some(ms), "{value}");
    }
    for unknown in [0.0, -ms, 12.0, 1e25, f64::NAN, f64::INFINITY] {
        assert_eq!(epoch_ms(unknown), None, "{unknown}");
    }
}

#[test]
fn counts_sent_as_text_count_and_absent_counts_are_said() {
    let json: Json = serde_json::from_str(
        r#"{"status":"processing","progress":{"total":"150","completed":"95","failed":"5","startTime":"1764321000"}}"#,
    )
    .unwrap();
    let s = BatchStatus::from_json(&json).unwrap();
    assert_eq!(
        (s.counts.total, s.counts.completed, s.counts.failed),
        (150, 95, 5)
    );
    assert!(s.counts_known);
    assert_eq!(s.start_time, Some(1_764_321_000_000.0));
    assert!(!status("status-minimal.json").counts_known);
    assert!(status("status-queued.json").counts_known);
}
