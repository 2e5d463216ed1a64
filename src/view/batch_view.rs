//! The widget's face: everything on screen, drawn from what the controller knows.
//! No timers and no fetch here, so browser tests draw it with any data.

use super::calls_table::calls_table;
use super::error_banner::{error_banner, ErrorBanner};
use super::intl::Intl;
use super::progress::{legend, progress_bar};
use super::timing::timing;
use crate::config::{Settings, SettingsError};
use crate::model::cancel::cancellable;
use crate::model::html::escape;
use crate::model::mask::visible_text;
use crate::model::PollError;
use crate::wire::{BatchState, BatchStatus};
use std::rc::Rc;
use yew::prelude::*;

/// Where polling stands, for the header and the error banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Polling {
    /// The first request is under way.
    #[default]
    Loading,
    /// Polling on schedule.
    Live,
    /// Paused: the page is hidden or the host called `pause()`.
    Paused,
    /// Stopped for good: the batch finished, or an error retrying cannot fix.
    Stopped,
}

/// Everything the card shows. [`batch_view`] draws it.
pub struct BatchViewProps {
    /// The widget's settings.
    pub settings: Rc<Settings>,
    /// Why the settings (or the key) cannot be used; nothing is fetched then.
    pub settings_error: Option<SettingsError>,
    /// Number and time formatters.
    pub intl: Rc<Intl>,
    /// The last good status, kept through errors.
    pub status: Option<Rc<BatchStatus>>,
    /// When `status` arrived, epoch ms.
    pub received_at: Option<f64>,
    /// The time to draw relative times against, epoch ms.
    pub now: f64,
    /// When the batch should finish, epoch ms, when that can be said.
    pub eta_at: Option<f64>,
    /// The last poll's error; `None` when it succeeded.
    pub error: Option<Rc<PollError>>,
    /// When the next retry happens, epoch ms.
    pub retry_at: Option<f64>,
    /// Until when the server asked (`Retry-After`) not to be asked again.
    pub held_until: Option<f64>,
    /// Where polling stands.
    pub polling: Polling,
    /// The card's root section. The widget sets `aria-busy` on it directly while
    /// a request is under way, so starting a poll costs no redraw.
    pub root: NodeRef,
    /// The Refresh button.
    pub on_refresh: Callback<()>,
    /// The "Show all calls" control, unless the host turned it off.
    pub explorer: Option<ExplorerControl>,
    /// The place under the progress bar for the cancel control and the
    /// throughput chart, drawn while there is a status; never given children
    /// here (their modules fill it). Marked `is-ended` once the batch can no
    /// longer be cancelled.
    pub tools: NodeRef,
}

/// The "Show all calls" button and, while open, the place the calls explorer
/// is mounted in (by the entry script: its code loads on first use).
pub struct ExplorerControl {
    /// Whether the explorer is open.
    pub open: bool,
    /// The button, which takes the focus back when the explorer closes.
    pub button: NodeRef,
    /// The explorer's place: an element this view never gives children.
    pub slot: NodeRef,
    /// Opens or closes it.
    pub on_toggle: Callback<()>,
}

/// The words on the status badge.
pub fn state_label(state: &BatchState) -> String {
    match state {
        BatchState::Queued => "Queued".to_owned(),
        BatchState::Processing => "Processing".to_owned(),
        BatchState::Completed => "Completed".to_owned(),
        BatchState::Cancelled => "Cancelled".to_owned(),
        BatchState::Failed => "Failed".to_owned(),
        BatchState::Other(text) => {
            let text: String = visible_text(text).chars().take(40).collect();
            let mut chars = text.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_else(|| "Unknown".to_owned())
        }
        BatchState::Missing => "Unknown".to_owned(),
    }
}

/// The whole widget as drawn. A plain function rather than a component: the
/// [`Widget`](super::Widget) redraws it on every change anyway, and a component
/// type costs wasm bytes.
pub fn batch_view(props: &BatchViewProps) -> Html {
    let settings = &props.settings;
    // Plain strings, not `classes!`: its ordered set costs bytes the widget can spare.
    let theme = format!("bs theme-{}", settings.theme.key());
    if let Some(problem) = &props.settings_error {
        return markup(format!(
            concat!(
                r#"<section class="{theme}" part="root" aria-label="Batch status" aria-busy="false">"#,
                r#"<div class="bs-error is-config" part="error" role="alert">"#,
                r#"<p class="bs-error-title">This widget is not set up yet</p>"#,
                r#"<p class="bs-error-detail">{}</p></div></section>"#,
            ),
            escape(&problem.to_string()),
            theme = theme,
        ));
    }
    let status = props.status.as_deref();
    let shown_id = status
        .and_then(|s| s.id.as_deref())
        .map(visible_text)
        .unwrap_or_else(|| settings.batch_id.clone());
    let (badge_key, badge_text) = match (status, props.polling) {
        (Some(s), _) => (s.state.key().to_owned(), state_label(&s.state)),
        (None, Polling::Loading) => ("loading".to_owned(), "Loading".to_owned()),
        (None, _) => ("unknown".to_owned(), "No data".to_owned()),
    };
    let stale = props.error.is_some() && status.is_some();
    let announcement = match status {
        Some(s) => format!("Batch {}", state_label(&s.state).to_ascii_lowercase()),
        None => String::new(),
    };
    let on_refresh = props.on_refresh.reform(|_: MouseEvent| ());
    html! {
        <section
            ~className={if stale { format!("{theme} is-stale") } else { theme }}
            part="root"
            aria-label={format!("Batch {shown_id} status")}
            ref={props.root.clone()}
        >
            <header class="bs-header" part="header">
                { markup(format!(
                    concat!(
                        r#"<h2 class="bs-title"><span class="bs-title-label">Batch</span>"#,
                        r#"<span class="bs-id" title="{id}">{id}</span></h2>"#,
                        r#"<span class="bs-badge is-{}" part="status"><span class="bs-badge-dot" aria-hidden="true"></span>{}</span>{}"#,
                    ),
                    escape(&badge_key),
                    escape(&badge_text),
                    polling_note(props.polling, stale),
                    id = escape(&shown_id),
                )) }
                <button
                    type="button"
                    class="bs-refresh"
                    part="refresh"
                    onclick={on_refresh}
                    aria-label="Refresh now"
                    title="Refresh now"
                >
                    { raw(r#"<span aria-hidden="true" class="bs-refresh-icon">↻</span><span class="bs-refresh-text">Refresh</span>"#) }
                </button>
            </header>
            <p class="bs-visually-hidden" role="status" aria-live="polite">{announcement}</p>
            if let Some(error) = props.error.as_deref() {
                { error_banner(&ErrorBanner {
                    error,
                    batch_id: &settings.batch_id,
                    workspace_id: &settings.workspace_id,
                    now: props.now,
                    retry_at: props.retry_at,
                    held_until: props.held_until,
                    polling: props.polling,
                    last_good_at: if stale { props.received_at } else { None },
                }, &props.intl) }
            }
            if let Some(status) = props.status.clone() {
                { markup(status.error.as_deref().map_or_else(String::new, |error| format!(
                    r#"<p class="bs-batch-error" part="batch-error"><strong>The batch reported an error: </strong>{}</p>"#,
                    escape(&visible_text(error)),
                )) + &if status.counts_known {
                    progress_bar(status.counts, &props.intl) + &legend(status.counts, &props.intl)
                } else {
                    r#"<p class="bs-no-counts" part="no-counts">The API sent no call counts for this batch, so progress cannot be shown.</p>"#.to_owned()
                }) }
                <div
                    ref={props.tools.clone()}
                    ~className={if cancellable(&status.state) { "bs-tools" } else { "bs-tools is-ended" }}
                ></div>
                // Apart: the timing reads differently as time passes, and the
                // table (replaced whenever its markup differs) need not follow.
                { markup(timing(&status, &props.intl, props.now, props.received_at, props.eta_at, fresh_ms(settings))) }
                { markup(calls_table(&status, &props.intl, settings.mask_phones, settings.max_rows)) }
                if let Some(explorer) = &props.explorer {
                    { explorer_control(explorer) }
                }
            } else if props.error.is_none() {
                { raw(concat!(
                    r#"<div class="bs-skeleton" aria-hidden="true"><div class="bs-skeleton-bar"></div>"#,
                    r#"<div class="bs-skeleton-line"></div><div class="bs-skeleton-line short"></div></div>"#,
                    r#"<p class="bs-visually-hidden">Loading batch status</p>"#,
                )) }
            }
        </section>
    }
}

/// Markup built here, every server string in it escaped: one parse costs
/// less download than the code that builds the same nodes one by one.
pub fn markup(markup: String) -> Html {
    Html::from_html_unchecked(markup.into())
}

/// Fixed markup, never with a server string in it: one parse costs less
/// download than the code that builds the same nodes one by one.
pub fn raw(markup: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(markup))
}

/// How long data reads "Updated just now": a poll interval and a second, so an
/// answer on schedule never flips the text (and redraws the card) at every poll.
pub fn fresh_ms(settings: &Settings) -> f64 {
    settings.interval_ms + 1_000.0
}

fn explorer_control(control: &ExplorerControl) -> Html {
    let open = control.open;
    html! {
        <>
            <button
                type="button"
                class="bs-explore"
                part="explore"
                aria-expanded={if open { "true" } else { "false" }}
                ref={control.button.clone()}
                onclick={control.on_toggle.reform(|_: MouseEvent| ())}
            >
                {if open { "Hide all calls" } else { "Show all calls" }}
            </button>
            if open {
                <div class="bs-explorer-slot" ref={control.slot.clone()}></div>
            }
        </>
    }
}

/// The note beside the badge, as markup: "Paused" or "Stale", or nothing.
fn polling_note(polling: Polling, stale: bool) -> &'static str {
    match polling {
        Polling::Paused => r#"<span class="bs-note" part="note">Paused</span>"#,
        _ if stale => r#"<span class="bs-note" part="note">Stale</span>"#,
        _ => "",
    }
}
