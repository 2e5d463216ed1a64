//! The `/calls` parser over every fixture shape, and over bodies nobody has shown.

use super::*;
use crate::wire::CallOutcome;
use proptest::prelude::*;

fn fixture(name: &str) -> Json {
    let path = format!("{}/../shared/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

fn page(name: &str) -> CallsPage {
    CallsPage::from_json(&fixture(name), 1, 20).unwrap_or_else(|| panic!("{name} parses"))
}

#[test]
fn the_documented_shape_reads_as_documented() {
    let p = page("calls-page-all-1.json");
    assert!(!p.calls.is_empty());
    let first = &p.calls[0];
    assert!(first
        .job_id
        .as_deref()
        .is_some_and(|id| id.starts_with("job_")));
    assert!(first.start_time.is_some());
    assert_eq!(p.pagination.page, 1);
    assert!(p.pagination.total_pages >= 1);
    let summary = p.summary.expect("summary");
    assert_eq!(
        summary.total,
        summary.waiting + summary.active + summary.completed + summary.failed
    );
}

#[test]
fn the_last_failed_page_keeps_its_errors_and_position() {
    let p = page("calls-page-failed-last.json");
    assert!(p.calls.iter().all(|c| c.outcome == CallOutcome::Failed));
    assert!(p.calls.iter().all(|c| c.error.is_some()));
    assert_eq!(p.calls[0].error.as_deref(), Some("busy"));
    assert_eq!(p.calls[0].duration_secs, None);
    assert_eq!(p.pagination.page, p.pagination.total_pages);
}

#[test]
fn an_empty_page_is_one_page_of_nothing() {
    let p = page("calls-page-empty.json");
    assert!(p.calls.is_empty());
    assert_eq!(p.pagination.total, 0);
    assert_eq!(p.pagination.total_pages, 1);
}

#[test]
fn wrong_types_leave_what_is_readable() {
    let p = page("calls-page-wrong-types.json");
    // null, 7 and "x" are not calls; the object with every field wrong is a call
    // with nothing known; the good one is whole.
    assert_eq!(p.calls.len(), 2);
    assert_eq!(p.calls[0], CallRecord::default());
    assert_eq!(p.calls[1].job_id.as_deref(), Some("job_ok"));
    assert_eq!(p.calls[1].duration_secs, Some(20.0));
    // "2" is read as a number; the negative total is not believed.
    assert_eq!(p.pagination.page, 2);
    assert_eq!(p.pagination.limit, 20);
    assert_eq!(p.pagination.total, 22);
    assert_eq!(p.pagination.total_pages, 2);
    assert_eq!(p.summary, None);
}

#[test]
fn hostile_strings_are_kept_as_text() {
    let p = page("calls-page-hostile.json");
    assert_eq!(
        p.calls[0].phone_number.as_deref(),
        Some("=HYPERLINK(\"http://evil.example\",\"click\")")
    );
    assert!(p.calls[0].error.as_deref().unwrap().contains('\n'));
}

#[test]
fn a_body_without_calls_is_not_a_page() {
    for body in [r#"{"error":"x"}"#, "[]", "null", r#"{"calls":{}}"#] {
        let json: Json = serde_json::from_str(body).unwrap();
        assert_eq!(CallsPage::from_json(&json, 1, 25), None, "{body}");
    }
}

#[test]
fn filters_read_their_wire_names_only() {
    for filter in CallFilter::ALL {
        assert_eq!(CallFilter::parse(filter.wire()), Some(filter));
        assert_eq!(
            CallFilter::parse(&filter.wire().to_uppercase()),
            Some(filter)
        );
    }
    assert_eq!(CallFilter::parse("queued"), None);
    assert_eq!(CallFilter::parse(""), None);
}

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        prop_oneof![
            any::<f64>(),
            Just(-1.0),
            Just(1e300),
            Just(1.764e12),
            Just(1.764e9),
            Just(1.764e18)
        ]
        .prop_map(Json::Number),
        prop_oneof![
            Just("12".to_owned()),
            Just("-4".to_owned()),
            Just("\u{202e}x\u{200b}".to_owned()),
            any::<String>()
        ]
        .prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let keys = prop_oneof![
            Just("calls"),
            Just("pagination"),
            Just("summary"),
            Just("page"),
            Just("limit"),
            Just("total"),
            Just("totalPages"),
            Just("failed"),
            Just("waiting"),
            Just("jobId"),
            Just("status"),
            Just("startTime"),
            Just("duration"),
            Just("error"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((keys.prop_map(str::to_owned), inner), 0..6)
                .prop_map(Json::Object),
        ]
    })
}

proptest! {
    /// Whatever the body, a page that parses has sane paging: page and limit at
    /// least 1, at least one page, a total that covers the calls on this page,
    /// times in the plausible range and no negative duration.
    #[test]
    fn any_body_parses_to_sane_paging(body in any_json(), asked in 1u64..500, limit in 1u64..=100) {
        if let Some(p) = CallsPage::from_json(&body, asked, limit) {
            prop_assert!(p.pagination.page >= 1);
            prop_assert!(p.pagination.limit >= 1);
            prop_assert!(p.pagination.total_pages >= 1);
            for call in &p.calls {
                prop_assert!(call.duration_secs.is_none_or(|d| d >= 0.0 && d.is_finite()));
                for t in [call.start_time, call.end_time].into_iter().flatten() {
                    prop_assert!((1e11..1e14).contains(&t));
                }
            }
            if let Some(s) = p.summary {
                let parts = [s.active, s.completed, s.failed]
                    .iter()
                    .fold(s.waiting, |sum, n| sum.saturating_add(*n));
                prop_assert!(s.total >= parts);
            }
        }
    }
}
