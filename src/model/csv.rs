//! The calls export as CSV: RFC 4180 quoting, UTF-8 with a byte-order mark so
//! spreadsheet programs read it as UTF-8, and cells that a spreadsheet would run
//! as a formula defused.

use super::mask::{is_invisible, mask_phone};
use crate::wire::{CallOutcome, CallRecord};

/// The byte-order mark that starts the file: Excel reads UTF-8 only with it.
pub const BOM: &str = "\u{FEFF}";

/// The header row, with its line break.
pub const HEADER: &str =
    "call_id,status,phone_number,started_at,ended_at,duration_seconds,error\r\n";

/// The most rows an export writes: past it, the export stops and says so.
pub const MAX_EXPORT_ROWS: usize = 100_000;

/// Appends one cell to `out`. A cell that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'`, so a spreadsheet shows it as text
/// instead of running it (OWASP's advice on CSV injection). A cell holding a
/// comma, a quote or a line break is quoted, its quotes doubled.
pub fn push_cell(out: &mut String, text: &str) {
    let defused = matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    let quoted = defused && text.starts_with(['\t', '\r']) || text.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if defused {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

/// Appends one row of cells and its CRLF line break.
pub fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// Appends a call as a row of [`HEADER`]'s columns. Times are ISO 8601 in UTC,
/// which every spreadsheet reads whatever its locale; the phone is masked when
/// `mask_phones` is set; invisible characters are removed from every text.
pub fn push_call(out: &mut String, call: &CallRecord, mask_phones: bool) {
    let text = |value: &Option<String>| value.as_deref().map(cell_text).unwrap_or_default();
    let status = match &call.outcome {
        CallOutcome::Completed => "completed".to_owned(),
        CallOutcome::Failed => "failed".to_owned(),
        CallOutcome::Other(other) => cell_text(other),
        CallOutcome::Missing => String::new(),
    };
    let phone = match &call.phone_number {
        Some(phone) if mask_phones => mask_phone(phone),
        other => text(other),
    };
    let time = |at: Option<f64>| at.map(iso_utc).unwrap_or_default();
    let duration = call
        .duration_secs
        .map(|secs| whole(secs.round()))
        .unwrap_or_default();
    push_row(
        out,
        [
            text(&call.job_id).as_str(),
            &status,
            &phone,
            &time(call.start_time),
            &time(call.end_time),
            &duration,
            &text(&call.error),
        ],
    );
}

/// Server text as a cell holds it: line breaks and tabs kept (the quoting
/// carries them), every other control and invisible character removed.
fn cell_text(raw: &str) -> String {
    raw.chars()
        .filter(|c| matches!(c, '\n' | '\r' | '\t') || !(c.is_control() || is_invisible(*c)))
        .collect()
}

/// A whole, non-negative number of at most 15 digits, as digits.
fn whole(n: f64) -> String {
    (n.clamp(0.0, 999_999_999_999_999.0) as u64).to_string()
}

/// `2026-11-29T04:26:08Z` for an epoch-ms time (whole seconds, UTC).
pub fn iso_utc(epoch_ms: f64) -> String {
    let secs = (epoch_ms / 1000.0).floor();
    if !secs.is_finite() || secs.abs() > 1e13 {
        return String::new();
    }
    let secs = secs as i64;
    let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let two = |n: i64| format!("{n:02}");
    format!(
        "{year:04}-{}-{}T{}:{}:{}Z",
        two(month),
        two(day),
        two(day_secs / 3600),
        two(day_secs / 60 % 60),
        two(day_secs % 60)
    )
}

/// The proleptic Gregorian date (year, month, day) of a day count from
/// 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The export's file name: `batch-<id>-<state>-<date>.csv`, the id reduced to
/// characters every file system accepts.
pub fn file_name(batch_id: &str, state: &str, epoch_ms: f64) -> String {
    let id: String = batch_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(64)
        .collect();
    let date = iso_utc(epoch_ms);
    format!(
        "batch-{id}-{state}-{}.csv",
        date.get(..10).unwrap_or("undated")
    )
}

#[cfg(test)]
mod tests;
