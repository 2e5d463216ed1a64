//! What a widget loads only on first use, as two more wasm modules built from
//! this crate, so a page downloads neither until it needs it and each only
//! for what it uses:
//! - the calls explorer and the CSV export (feature `explorer`), fetched when a
//!   widget's "Show all calls" is first used or the host calls `exportCalls()`;
//! - the cancel control (feature `cancel`), fetched only by a widget with
//!   `allow-cancel`, once it shows a batch;
//! - the throughput chart (feature `chart`), fetched once a widget shows a
//!   batch's counts, unless `chart="off"`.
//!
//! Each exports `open(place, host, options, apiKey, tell)`, which puts its
//! part in the place the widget made for it and returns a handle with
//! `destroy()`. Built on the widget crate's pure layers (the `/calls` parser,
//! the page sweep, the CSV writer, the reasons, the cancel rules) and its
//! fetch; its own code is the DOM and the shell that carries the rules out.

#[cfg(all(target_arch = "wasm32", feature = "cancel"))]
mod cancel;
#[cfg(all(target_arch = "wasm32", feature = "chart"))]
mod chart;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
mod explorer;
#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
mod export;
#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
mod job;
#[cfg(target_arch = "wasm32")]
mod live;
#[cfg(all(target_arch = "wasm32", any(feature = "explorer", feature = "cancel")))]
mod request;
#[cfg(target_arch = "wasm32")]
mod shell;
#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
mod view;

#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
pub use explorer_exports::*;

#[cfg(all(target_arch = "wasm32", feature = "cancel"))]
pub use cancel_exports::*;

#[cfg(all(target_arch = "wasm32", feature = "chart"))]
pub use chart_exports::*;

#[cfg(target_arch = "wasm32")]
pub use shell::set_lifeline;

#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
mod explorer_exports {
    use crate::explorer::Explorer;
    use crate::export::{ExportNews, ExportRun};
    use crate::shell::{adopt_styles, settings_of};
    use batch_status_widget::config::ApiKey;
    use batch_status_widget::model::error_text;
    use batch_status_widget::wire::CallFilter;
    use js_sys::{Function, Promise};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::{AbortSignal, Element};

    /// An open explorer. `destroy()` stops its requests, timers and listeners
    /// and removes it.
    #[wasm_bindgen]
    pub struct ExplorerHandle {
        explorer: Option<Rc<RefCell<Explorer>>>,
    }

    #[wasm_bindgen]
    impl ExplorerHandle {
        /// Closes the explorer. Idempotent.
        pub fn destroy(&mut self) {
            let Some(explorer) = self.explorer.take() else {
                return;
            };
            let busy = explorer.try_borrow_mut().map(|mut e| e.close()).is_err();
            if busy {
                // Called from inside the explorer's own work: close right after it.
                wasm_bindgen_futures::spawn_local(async move { explorer.borrow_mut().close() });
            }
        }
    }

    /// Opens the explorer in `slot` for the batch the widget `options` name,
    /// with `api_key`. `on_close` is called when the person closes it. (`_host`
    /// is the widget's element: the entry opens every part alike.)
    #[wasm_bindgen]
    pub fn open(
        slot: Element,
        _host: Element,
        options: JsValue,
        api_key: String,
        on_close: Function,
    ) -> ExplorerHandle {
        adopt_styles(&slot);
        let (settings, page_size) = settings_of(&options);
        let explorer = Explorer::open(&slot, settings, page_size, ApiKey::new(api_key), on_close);
        ExplorerHandle {
            explorer: Some(explorer),
        }
    }

    /// Exports the calls of `status` (`all` unless one of the four call states)
    /// as a CSV `Blob`, with no UI. `on_progress(rows, total)` hears each page;
    /// aborting `signal` stops it (the promise rejects with an `AbortError`).
    #[wasm_bindgen(js_name = exportCalls)]
    pub fn export_calls(
        options: JsValue,
        api_key: String,
        status: Option<String>,
        on_progress: Option<Function>,
        signal: Option<AbortSignal>,
    ) -> Promise {
        let (settings, _) = settings_of(&options);
        let key = ApiKey::new(api_key);
        let filter = status
            .as_deref()
            .map_or(Some(CallFilter::All), CallFilter::parse);
        Promise::new(&mut |resolve: Function, reject: Function| {
            let fail = |message: &str| {
                let _ = reject.call1(&JsValue::NULL, &js_sys::Error::new(message));
            };
            let Some(filter) = filter else {
                return fail("status must be one of all, waiting, active, completed, failed");
            };
            if let Err(problem) = settings.validate_with(&key) {
                return fail(&problem.to_string());
            }
            if signal.as_ref().is_some_and(AbortSignal::aborted) {
                return abort_error(&reject);
            }
            // The run lives until it ends or the signal aborts it.
            let slot: Rc<RefCell<Option<ExportRun>>> = Rc::default();
            let run_slot = slot.clone();
            let (batch_id, workspace_id) =
                (settings.batch_id.clone(), settings.workspace_id.clone());
            let (done_resolve, done_reject, progress) =
                (resolve.clone(), reject.clone(), on_progress.clone());
            let run = ExportRun::start(&settings, &key, filter, move |news| match news {
                ExportNews::Progress { rows, total } => {
                    if let Some(progress) = &progress {
                        let _ = progress.call2(
                            &JsValue::NULL,
                            &(rows as f64).into(),
                            &(total as f64).into(),
                        );
                    }
                }
                ExportNews::Done { file, .. } => {
                    let _ = done_resolve.call1(&JsValue::NULL, &file);
                    run_slot.borrow_mut().take();
                }
                ExportNews::Failed(error) => {
                    let text = error_text(&error, &batch_id, &workspace_id);
                    let message = format!("{} {}", text.title, text.detail);
                    let _ = done_reject.call1(&JsValue::NULL, &js_sys::Error::new(&message));
                    run_slot.borrow_mut().take();
                }
            });
            *slot.borrow_mut() = Some(run);
            if let Some(signal) = &signal {
                let (abort_slot, abort_reject) = (slot.clone(), reject.clone());
                let on_abort = Closure::once_into_js(move || {
                    if abort_slot.borrow_mut().take().is_some() {
                        abort_error(&abort_reject);
                    }
                });
                let options = web_sys::AddEventListenerOptions::new();
                options.set_once(true);
                let _ = signal.add_event_listener_with_callback_and_add_event_listener_options(
                    "abort",
                    on_abort.unchecked_ref(),
                    &options,
                );
            }
        })
    }

    fn abort_error(reject: &Function) {
        let error = js_sys::Error::new("The export was cancelled.");
        error.set_name("AbortError");
        let _ = reject.call1(&JsValue::NULL, &error);
    }
}

#[cfg(all(target_arch = "wasm32", feature = "cancel"))]
mod cancel_exports {
    use crate::cancel::CancelControl;
    use crate::shell::{adopt_styles, option_text, settings_of};
    use batch_status_widget::config::{is_on, ApiKey};
    use js_sys::Function;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::Element;

    /// A widget's cancel control. `show()` opens its dialog; `destroy()`
    /// removes it.
    #[wasm_bindgen]
    pub struct CancelHandle {
        control: Option<Rc<RefCell<CancelControl>>>,
    }

    #[wasm_bindgen]
    impl CancelHandle {
        /// Opens the dialog (the host's `cancel()`): never a silent DELETE.
        pub fn show(&self) {
            if let Some(Ok(mut control)) = self.control.as_ref().map(|c| c.try_borrow_mut()) {
                control.show();
            }
        }

        /// Removes the control. Idempotent.
        pub fn destroy(&mut self) {
            if let Some(Ok(mut control)) = self.control.take().as_ref().map(|c| c.try_borrow_mut())
            {
                control.close();
            }
        }
    }

    /// Puts the cancel control in `place`, for the batch of the widget on
    /// `host` (which hears its events), if the options allow it
    /// (`allow-cancel`; the entry script loads this module only then).
    /// `refresh()` makes the widget poll now.
    #[wasm_bindgen]
    pub fn open(
        place: Element,
        host: Element,
        options: JsValue,
        api_key: String,
        refresh: Function,
    ) -> CancelHandle {
        if !is_on(option_text(&options, ["allow-cancel", "allowCancel"]).as_deref()) {
            return CancelHandle { control: None };
        }
        adopt_styles(&place);
        let (settings, _) = settings_of(&options);
        CancelHandle {
            control: Some(CancelControl::open(
                &place,
                host,
                settings,
                ApiKey::new(api_key),
                refresh,
            )),
        }
    }
}

#[cfg(all(target_arch = "wasm32", feature = "chart"))]
mod chart_exports {
    use crate::chart::Chart;
    use crate::shell::{adopt_styles, option_text};
    use batch_status_widget::config::{clean_id, turned_off};
    use batch_status_widget::options::Options;
    use js_sys::Function;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::Element;

    /// A widget's throughput chart. `destroy()` removes it.
    #[wasm_bindgen]
    pub struct ChartHandle {
        chart: Option<Rc<RefCell<Chart>>>,
    }

    #[wasm_bindgen]
    impl ChartHandle {
        /// Removes the chart and its listener. Idempotent.
        pub fn destroy(&mut self) {
            if let Some(Ok(mut chart)) = self.chart.take().as_ref().map(|c| c.try_borrow_mut()) {
                chart.close();
            }
        }
    }

    /// Draws the throughput chart in `place` for the widget on `host`, which
    /// it follows through its `batch-update` events. `chart-storage="off"`
    /// keeps the history out of `sessionStorage`. (`_key` and `_tell`: the
    /// entry opens every part alike; the chart needs neither.)
    #[wasm_bindgen]
    pub fn open(
        place: Element,
        host: Element,
        options: JsValue,
        _key: String,
        _tell: Function,
    ) -> ChartHandle {
        adopt_styles(&place);
        // Only the batch id and the locale: not the whole settings' code.
        let mut parsed = Options::default();
        parsed.merge(&options);
        let batch_id = clean_id(&parsed.get("batch-id").unwrap_or_default());
        let locale = parsed.get("locale").filter(|l| !l.trim().is_empty());
        let keep = !turned_off(option_text(&options, ["chart-storage", "chartStorage"]));
        ChartHandle {
            chart: Some(Chart::open(
                &place,
                &host,
                &batch_id,
                locale.as_deref(),
                keep,
            )),
        }
    }
}
