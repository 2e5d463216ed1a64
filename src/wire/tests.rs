//! Every shared fixture parses, and each one keeps the facts it exists to carry.

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
    assert_eq!(
        status("status-large-1000-calls.json").recent_calls.len(),
        1000
    );
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

    #[test]
    fn any_text_is_either_json_or_a_clean_error(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(value) = serde_json::from_str::<Json>(&text) {
            let _ = BatchStatus::from_json(&value);
        }
    }
}
