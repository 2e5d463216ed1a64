//! The error banner: what went wrong, what the widget does next, and how old the
//! numbers still on screen are.

use super::intl::Intl;
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
    /// Polling stopped: no retry will come by itself.
    pub stopped: bool,
    /// When the data still on screen arrived, when there is some.
    pub last_good_at: Option<f64>,
}

/// Shown above the (stale) data while polls fail.
pub fn error_banner(props: &ErrorBanner, intl: &Intl) -> Html {
    let text = error_text(props.error, props.batch_id, props.workspace_id);
    let next = if props.stopped {
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
    } else {
        "Will retry when the page is visible again.".to_owned()
    };
    let stale = props.last_good_at.map(|at| {
        html! {
            <p class="bs-error-stale">
                {format!("Showing the last data received at {} ({}).", intl.clock(at), format::ago(at, props.now))}
            </p>
        }
    });
    html! {
        <div
            class={if props.stopped { "bs-error is-final" } else { "bs-error" }}
            part="error"
            role={if props.stopped { "alert" } else { "status" }}
            data-kind={props.error.kind()}
        >
            <p class="bs-error-title">{text.title}</p>
            <p class="bs-error-detail">{text.detail}</p>
            {stale}
            <p class="bs-error-next">{next}</p>
        </div>
    }
}
