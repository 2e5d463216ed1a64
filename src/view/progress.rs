//! The progress bar, segmented by outcome, and its legend.
//!
//! The bar is an SVG whose segment widths are attributes, not inline styles, so it
//! draws under a Content-Security-Policy without `'unsafe-inline'`.

use super::batch_view::raw;
use super::intl::Intl;
use crate::model::{percent_label, Breakdown};
use crate::wire::Counts;
use yew::prelude::*;

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

/// The segmented bar with its summary line.
///
/// This and the other parts of the card are plain functions, not components:
/// they redraw with the card, and each component type would add code to the wasm.
pub fn progress_bar(counts: Counts, intl: &Intl) -> Html {
    let breakdown = Breakdown::new(counts);
    let text = progress_text(&breakdown, intl);
    // Segment edges from the running total, so rounding never leaves a gap.
    let mut done = 0.0;
    let rects = segments(&breakdown)
        .into_iter()
        .filter(|s| s.fraction > 0.0)
        .map(|s| {
            let start = (done * BAR_UNITS).round() as u32;
            done += s.fraction;
            let end = ((done * BAR_UNITS).round() as u32).min(BAR_UNITS as u32);
            html! {
                <rect
                    class={format!("bs-seg is-{}", s.key)}
                    x={start.to_string()}
                    y="0"
                    width={end.saturating_sub(start).to_string()}
                    height="10"
                />
            }
        })
        .collect::<Html>();
    let success = breakdown
        .success_rate()
        .map(|rate| format!(" · {} succeeded", percent_label(rate)));
    html! {
        <div class="bs-progress" part="progress">
            <p class="bs-progress-summary" aria-hidden="true">
                <strong class="bs-percent">{percent_label(breakdown.finished_fraction())}</strong>
                {" finished · "}{text.clone()}{success}
            </p>
            <div
                class="bs-bar"
                role="progressbar"
                aria-label="Calls finished"
                aria-valuemin="0"
                aria-valuemax={breakdown.scale.max(1).to_string()}
                aria-valuenow={breakdown.finished().to_string()}
                aria-valuetext={text}
            >
                <svg viewBox="0 0 10000 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    // The fixed part (parsed in the SVG namespace).
                    { raw(concat!(
                        r#"<defs><pattern id="bs-hatch" width="80" height="10" patternUnits="userSpaceOnUse">"#,
                        r#"<rect class="bs-hatch-bg" width="80" height="10"/><path class="bs-hatch-line" d="M0 10 L80 0"/>"#,
                        r#"</pattern></defs><rect class="bs-track" x="0" y="0" width="10000" height="10"/>"#,
                    )) }
                    {rects}
                </svg>
            </div>
        </div>
    }
}

/// Counts and shares of each outcome, with the same marks as the bar.
pub fn legend(counts: Counts, intl: &Intl) -> Html {
    let breakdown = Breakdown::new(counts);
    html! {
        <ul class="bs-legend" part="legend" aria-label="Calls by outcome">
            { for segments(&breakdown).into_iter().map(|s| html! {
                <li class={format!("bs-legend-item is-{}", s.key)} key={s.key}>
                    { raw(r#"<span class="bs-swatch" aria-hidden="true"></span>"#) }
                    <span class="bs-legend-label">{s.label}</span>
                    <span class="bs-legend-count">{intl.count(s.count)}</span>
                    <span class="bs-legend-share">{percent_label(s.fraction)}</span>
                </li>
            }) }
        </ul>
    }
}
