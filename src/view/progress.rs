//! The progress bar, segmented by outcome, and its legend.
//!
//! The bar is an SVG whose segment widths are attributes, not inline styles, so it
//! draws under a Content-Security-Policy without `'unsafe-inline'`.

use super::intl::Intl;
use crate::model::html::escape;
use crate::model::{percent_label, Breakdown};
use crate::wire::Counts;

/// Width of the bar in SVG user units: fine enough for a 0.01 % segment, and
/// whole numbers, so no float formatting is compiled into the wasm.
const BAR_UNITS: f64 = 10_000.0;

/// One outcome's place on the bar and in the legend.
struct Segment {
    key: &'static str,
    label: &'static str,
    count: u64,
    fraction: f64,
}

fn segments(breakdown: &Breakdown) -> [Segment; 4] {
    let (c, f) = (breakdown.counts, breakdown.fractions());
    [
        Segment {
            key: "completed",
            label: "Completed",
            count: c.completed,
            fraction: f.completed,
        },
        Segment {
            key: "failed",
            label: "Failed",
            count: c.failed,
            fraction: f.failed,
        },
        Segment {
            key: "active",
            label: "In progress",
            count: c.active,
            fraction: f.active,
        },
        Segment {
            key: "waiting",
            label: "Waiting",
            count: c.waiting,
            fraction: f.waiting,
        },
    ]
}

/// The text a screen reader hears for the bar: "95 of 150 calls finished, 5 failed".
pub fn progress_text(breakdown: &Breakdown, intl: &Intl) -> String {
    format!(
        "{} of {} calls finished, {} failed",
        intl.count(breakdown.finished()),
        intl.count(breakdown.scale),
        intl.count(breakdown.counts.failed)
    )
}

/// The segmented bar with its summary line, as markup.
///
/// This and the other parts of the card are plain functions, not components:
/// they redraw with the card, and each component type would add code to the
/// wasm. Both are one piece of markup, as the calls table is (see
/// `calls_table`): nothing in them listens, and Yew's nodes for them cost more
/// download than the markup. Every text in them goes through [`escape`].
pub fn progress_bar(counts: Counts, intl: &Intl) -> String {
    let breakdown = Breakdown::new(counts);
    let text = escape(&progress_text(&breakdown, intl));
    // Segment edges from the running total, so rounding never leaves a gap.
    let mut done = 0.0;
    let rects: String = segments(&breakdown)
        .into_iter()
        .filter(|s| s.fraction > 0.0)
        .map(|s| {
            let start = (done * BAR_UNITS).round() as u32;
            done += s.fraction;
            let end = ((done * BAR_UNITS).round() as u32).min(BAR_UNITS as u32);
            format!(
                r#"<rect class="bs-seg is-{}" x="{start}" y="0" width="{}" height="10"/>"#,
                s.key,
                end.saturating_sub(start)
            )
        })
        .collect();
    let success = breakdown
        .success_rate()
        .map(|rate| format!(" · {} succeeded", percent_label(rate)))
        .unwrap_or_default();
    format!(
        concat!(
            r#"<div class="bs-progress" part="progress">"#,
            r#"<p class="bs-progress-summary" aria-hidden="true"><strong class="bs-percent">{}</strong>"#,
            r#" finished · {text}{}</p>"#,
            r#"<div class="bs-bar" role="progressbar" aria-label="Calls finished" aria-valuemin="0""#,
            r#" aria-valuemax="{}" aria-valuenow="{}" aria-valuetext="{text}">"#,
            r#"<svg viewBox="0 0 10000 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">"#,
            r#"<defs><pattern id="bs-hatch" width="80" height="10" patternUnits="userSpaceOnUse">"#,
            r#"<rect class="bs-hatch-bg" width="80" height="10"/><path class="bs-hatch-line" d="M0 10 L80 0"/>"#,
            r#"</pattern></defs><rect class="bs-track" x="0" y="0" width="10000" height="10"/>"#,
            r#"{}</svg></div></div>"#,
        ),
        escape(&percent_label(breakdown.finished_fraction())),
        escape(&success),
        breakdown.scale.max(1),
        breakdown.finished(),
        rects,
        text = text,
    )
}

/// Counts and shares of each outcome, with the same marks as the bar, as markup.
pub fn legend(counts: Counts, intl: &Intl) -> String {
    let breakdown = Breakdown::new(counts);
    let items: String = segments(&breakdown)
        .into_iter()
        .map(|s| {
            format!(
                concat!(
                    r#"<li class="bs-legend-item is-{}"><span class="bs-swatch" aria-hidden="true"></span>"#,
                    r#"<span class="bs-legend-label">{}</span><span class="bs-legend-count">{}</span>"#,
                    r#"<span class="bs-legend-share">{}</span></li>"#,
                ),
                s.key,
                s.label,
                escape(&intl.count(s.count)),
                escape(&percent_label(s.fraction)),
            )
        })
        .collect();
    format!(r#"<ul class="bs-legend" part="legend" aria-label="Calls by outcome">{items}</ul>"#)
}
