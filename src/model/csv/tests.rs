//! The CSV writer, read back by a real CSV parser.

use super::*;
use proptest::prelude::*;

/// Parses `text` (after the BOM) with the `csv` crate, as a spreadsheet import
/// would: every record, header included.
fn read_back(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix(BOM).expect("starts with the BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect()
}

/// What a cell reads as once imported: the text, with `'` before anything a
/// spreadsheet would run.
fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[test]
fn quoting_follows_rfc_4180() {
    let mut out = String::new();
    push_row(&mut out, ["plain", "a,b", "say \"hi\"", "two\nlines", ""]);
    assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
}

#[test]
fn formulas_are_defused() {
    for (cell, written) in [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\tx", "\"'\tx\""),
        ("\rx", "\"'\rx\""),
        (
            "=HYPERLINK(\"http://e\",\"c\")",
            "\"'=HYPERLINK(\"\"http://e\"\",\"\"c\"\")\"",
        ),
        ("a=b", "a=b"),
    ] {
        let mut out = String::new();
        push_cell(&mut out, cell);
        assert_eq!(out, written, "{cell:?}");
    }
}

#[test]
fn a_hostile_call_is_one_defused_row() {
    let call = CallRecord {
        job_id: Some("job_x\"<img src=x>".into()),
        outcome: CallOutcome::Failed,
        phone_number: Some("=HYPERLINK(\"http://evil.example\")+15555550100".into()),
        start_time: Some(1_764_320_000_000.0),
        end_time: None,
        duration_secs: Some(12.4),
        error: Some("+cmd\nsecond, \"line\"\u{200b}".into()),
    };
    let mut out = String::from(BOM);
    out.push_str(HEADER);
    push_call(&mut out, &call, false);
    let rows = read_back(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "call_id");
    assert_eq!(
        rows[1],
        [
            "job_x\"<img src=x>",
            "failed",
            "'=HYPERLINK(\"http://evil.example\")+15555550100",
            "2025-11-28T08:53:20Z",
            "",
            "12",
            "'+cmd\nsecond, \"line\"",
        ]
    );
    let mut masked = String::new();
    push_call(&mut masked, &call, true);
    assert!(!masked.contains("5555550100"), "{masked}");
    assert!(masked.contains("0100"));
}

#[test]
fn dates_are_utc_iso_8601() {
    assert_eq!(iso_utc(0.0), "1970-01-01T00:00:00Z");
    assert_eq!(iso_utc(951_782_400_000.0), "2000-02-29T00:00:00Z");
    assert_eq!(iso_utc(1_796_531_168_000.0), "2026-12-06T04:26:08Z");
    assert_eq!(iso_utc(f64::NAN), "");
    assert_eq!(iso_utc(1e300), "");
}

#[test]
fn file_names_are_safe_everywhere() {
    assert_eq!(
        file_name("batch_12/../x y", "failed", 1_796_531_168_000.0),
        "batch-batch_12xy-failed-2026-12-06.csv"
    );
}

proptest! {
    /// Any cells written as rows read back as the same cells, defused, through a
    /// real CSV parser: no quote, comma, line break or Unicode breaks a row.
    #[test]
    fn rows_read_back_as_written(rows in prop::collection::vec(
        prop::collection::vec(
            prop_oneof![
                any::<String>(),
                "[=+@,\"\\-\t\r\n a-z]{0,12}",
            ],
            1..6,
        ),
        1..8,
    )) {
        let mut out = String::from(BOM);
        for row in &rows {
            push_row(&mut out, row.iter().map(String::as_str));
        }
        let expected: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().map(|c| defused(c)).collect()).collect();
        // A row of one empty cell is a blank line, which CSV readers skip.
        let expected: Vec<Vec<String>> =
            expected.into_iter().filter(|r| r != &[String::new()]).collect();
        prop_assert_eq!(read_back(&out), expected);
    }

    /// No cell of an export starts with a character that makes a formula.
    #[test]
    fn no_exported_cell_starts_a_formula(job in any::<String>(), phone in any::<String>(), error in any::<String>()) {
        let call = CallRecord {
            job_id: Some(job),
            phone_number: Some(phone),
            error: Some(error),
            ..CallRecord::default()
        };
        let mut out = String::from(BOM);
        push_call(&mut out, &call, false);
        for row in read_back(&out) {
            for cell in row {
                prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
            }
        }
    }
}
