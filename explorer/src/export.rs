//! The CSV export: every page of a state at 100 calls a request, written as it
//! arrives (one page's rows at a time, so no long task), then one `Blob`.

use crate::job::{JobNews, SweepJob};
use batch_status_widget::config::{ApiKey, Settings};
use batch_status_widget::controller::SweepEnd;
use batch_status_widget::model::csv::{push_call, BOM, HEADER, MAX_EXPORT_ROWS};
use batch_status_widget::model::PollError;
use batch_status_widget::wire::CallFilter;
use js_sys::Array;
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag};

/// What an export reports.
pub enum ExportNews {
    /// Calls written so far, of the state's `total`.
    Progress {
        /// Rows written.
        rows: usize,
        /// Calls in the state, as the server said last.
        total: u64,
    },
    /// The file. `capped` when it stopped at [`MAX_EXPORT_ROWS`] with more left.
    Done {
        /// The CSV file.
        file: Blob,
        /// Rows in it.
        rows: usize,
        /// Calls in the state.
        total: u64,
        /// It stopped at the row cap.
        capped: bool,
    },
    /// It stopped on an error (after retries, or one that retrying cannot fix).
    Failed(PollError),
}

/// An export under way; dropping it cancels it.
pub struct ExportRun {
    _job: SweepJob,
}

impl ExportRun {
    /// Starts exporting the calls of `filter`; `on_news` hears progress and the
    /// end. Phones are masked unless `settings.mask_phones` is off.
    pub fn start(
        settings: &Settings,
        key: &ApiKey,
        filter: CallFilter,
        mut on_news: impl FnMut(ExportNews) + 'static,
    ) -> ExportRun {
        let chunks = Array::of1(&JsValue::from_str(&format!("{BOM}{HEADER}")));
        let mask = settings.mask_phones;
        let (mut rows, mut total, mut last_error) = (0, 0, None);
        let job = SweepJob::start(
            settings,
            key,
            filter,
            MAX_EXPORT_ROWS,
            move |news| match news {
                JobNews::Page {
                    calls,
                    total: state_total,
                } => {
                    let mut text = String::with_capacity(calls.len() * 96);
                    for call in calls {
                        push_call(&mut text, call, mask);
                    }
                    chunks.push(&JsValue::from_str(&text));
                    rows += calls.len();
                    total = state_total;
                    last_error = None;
                    on_news(ExportNews::Progress { rows, total });
                }
                JobNews::Failed(error) => last_error = Some(error.clone()),
                JobNews::Done(SweepEnd::Failed) => on_news(ExportNews::Failed(
                    last_error.take().unwrap_or(PollError::Network),
                )),
                JobNews::Done(end) => {
                    let options = BlobPropertyBag::new();
                    options.set_type("text/csv;charset=utf-8");
                    match Blob::new_with_str_sequence_and_options(&chunks, &options) {
                        Ok(file) => on_news(ExportNews::Done {
                            file,
                            rows,
                            total: total.max(rows as u64),
                            capped: end == SweepEnd::Capped,
                        }),
                        Err(_) => on_news(ExportNews::Failed(PollError::TooLarge { bytes: 0 })),
                    }
                }
            },
        );
        ExportRun { _job: job }
    }
}
