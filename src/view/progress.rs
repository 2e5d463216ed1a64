//! The progress bar, segmented by outcome, and its legend.
//!
//! The bar is an SVG whose segment widths are attributes, not inline styles, so it
//! draws under a Content-Security-Policy without `'unsafe-inline'`.

use super::intl::Intl;
use crate::model::{percent_label, Breakdown};
use crate::wire::Counts;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`ProgressBar`] and [`Legend`].
#[derive(Properties, PartialEq)]
pub struct CountsProps {
    /// The batch's counts.
    pub counts: Counts,
    /// Number formatter.
    pub intl: Rc<Intl>,
}

/// Width of the bar in SVG user units.
const BAR_UNITS: f64 = 1000.0;

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
#[function_component(ProgressBar)]
pub fn progress_bar(props: &CountsProps) -> Html {
    let breakdown = Breakdown::new(props.counts);
    let text = progress_text(&breakdown, &props.intl);
    let mut x = 0.0;
    let rects = segments(&breakdown)
        .into_iter()
        .filter(|s| s.fraction > 0.0)
        .map(|s| {
            let width = s.fraction * BAR_UNITS;
            let rect = html! {
                <rect
                    class={classes!("bs-seg", format!("is-{}", s.key))}
                    x={format!("{x:.2}")}
                    y="0"
                    width={format!("{width:.2}")}
                    height="10"
                />
            };
            x += width;
            rect
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
                <svg viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    <defs>
                        <pattern id="bs-hatch" width="8" height="10" patternUnits="userSpaceOnUse">
                            <rect class="bs-hatch-bg" width="8" height="10" />
                            <path class="bs-hatch-line" d="M0 10 L8 0" />
                        </pattern>
                    </defs>
                    <rect class="bs-track" x="0" y="0" width="1000" height="10" />
                    {rects}
                </svg>
            </div>
        </div>
    }
}

/// Counts and shares of each outcome, with the same marks as the bar.
#[function_component(Legend)]
pub fn legend(props: &CountsProps) -> Html {
    let breakdown = Breakdown::new(props.counts);
    html! {
        <ul class="bs-legend" part="legend" aria-label="Calls by outcome">
            { for segments(&breakdown).into_iter().map(|s| html! {
                <li class={classes!("bs-legend-item", format!("is-{}", s.key))} key={s.key}>
                    <span class="bs-swatch" aria-hidden="true"></span>
                    <span class="bs-legend-label">{s.label}</span>
                    <span class="bs-legend-count">{props.intl.count(s.count)}</span>
                    <span class="bs-legend-share">{percent_label(s.fraction)}</span>
                </li>
            }) }
        </ul>
    }
}
