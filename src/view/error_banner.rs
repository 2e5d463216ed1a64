//! The error banner: what went wrong, what the widget does next, and how old the
//! numbers still on screen are.

use super::batch_view::{markup, Polling};
use super::intl::Intl;
use crate::model::html::escape;
use crate::model::PollError;
use crate::model::{error_text, format};
use yew::prelude::*;

/// What the banner needs to know.
pub struct ErrorBanner<'a> {
    /// The error.
    pub error: &'a PollError,
    /// The batch being watched.
    pub batch_id: &'a str,
    /// Its workspace.
    pub workspace_id: &'a str,
    /// Now, epoch ms.
    pub now: f64,
    /// When the next try happens.
    pub retry_at: Option<f64>,
    /// Until when the server asked not to be asked again.
    pub held_until: Option<f64>,
    /// Where polling stands: stopped (no retry comes by itself), or paused
    /// (the page is hidden or the host paused it).
    pub polling: Polling,
    /// When the data still on screen arrived, when there is some.
    pub last_good_at: Option<f64>,
}

/// Shown above the (stale) data while polls fail.
pub fn error_banner(props: &ErrorBanner, intl: &Intl) -> Html {
    let text = error_text(props.error, props.batch_id, props.workspace_id);
    let stopped = props.polling == Polling::Stopped;
    let next = if stopped {
        "Updates stopped. Use Refresh to try again.".to_owned()
    } else if let Some(at) = props.retry_at {
        let countdown = format::countdown(at - props.now);
        match props.held_until {
            Some(until) => format!(
                "The API asked to wait until {}. Retrying {countdown}.",
                intl.clock(until)
            ),
            None => format!("Retrying {countdown}."),
        }
    } else if props.polling == Polling::Paused {
        // The page is hidden, or the host paused the widget: either way the
        // retry waits for polling to resume.
        "Will retry when updates resume.".to_owned()
    } else {
        // No wait: the retry is under way (a Refresh).
        "Retrying now.".to_owned()
    };
    let stale = props.last_good_at.map_or_else(String::new, |at| {
        format!(
            r#"<p class="bs-error-stale">Showing the last data received at {} ({}).</p>"#,
            escape(&intl.clock(at)),
            escape(&format::ago(at, props.now))
        )
    });
    // The banner stays one live region while its text changes; its text is
    // one piece of markup, as the calls table is (see `calls_table`).
    let inner = format!(
        concat!(
            r#"<p class="bs-error-title">{}</p><p class="bs-error-detail">{}</p>{}"#,
            r#"<p class="bs-error-next">{}</p>"#,
        ),
        escape(&text.title),
        escape(&text.detail),
        stale,
        escape(&next)
    );
    html! {
        <div
            ~className={if stopped { "bs-error is-final" } else { "bs-error" }}
            part="error"
            role={if stopped { "alert" } else { "status" }}
            data-kind={props.error.kind()}
        >
            { markup(inner) }
        </div>
    }
}
