//! The calls explorer and the CSV export: a second wasm module that the entry
//! script (`batch-status.js`) fetches only when a widget's "Show all calls" is
//! first used, or when the host calls `exportCalls()`. Pages that never open it
//! never download it, and the widget's first paint never waits for it.
//!
//! Built on the widget crate's pure layers (the `/calls` parser, the page
//! sweep, the CSV writer, the reasons) and its fetch; its own code is the DOM
//! of the explorer and the shell that carries the pure rules out.

#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod explorer;
#[cfg(target_arch = "wasm32")]
mod export;
#[cfg(target_arch = "wasm32")]
mod job;
#[cfg(target_arch = "wasm32")]
mod live;
#[cfg(target_arch = "wasm32")]
mod request;
#[cfg(target_arch = "wasm32")]
mod view;

#[cfg(target_arch = "wasm32")]
pub use exports::*;

#[cfg(target_arch = "wasm32")]
mod exports {
    use crate::explorer::Explorer;
    use crate::export::{ExportNews, ExportRun};
    use batch_status_widget::config::{page_size, ApiKey, Settings};
    use batch_status_widget::model::error_text;
    use batch_status_widget::options::Options;
    use batch_status_widget::wire::CallFilter;
    use js_sys::{Array, Function, Promise};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::{AbortSignal, CssStyleSheet, Element, ShadowRoot};

    const CSS: &str = include_str!("explorer.css");

    /// The settings of a widget's options, and its explorer's page size.
    fn settings_of(options: &JsValue) -> (Settings, u64) {
        let mut parsed = Options::default();
        parsed.merge(options);
        let size = page_size(parsed.get("page-size").as_deref());
        (parsed.settings(), size)
    }

    thread_local! {
        /// One stylesheet for every explorer of this instance.
        static SHEET: Option<CssStyleSheet> = CssStyleSheet::new()
            .ok()
            .filter(|sheet| sheet.replace_sync(CSS).is_ok());
    }

    /// Gives the shadow root holding `slot` the explorer's styles, beside the
    /// widget's own.
    fn adopt_styles(slot: &Element) {
        let Ok(root) = slot.get_root_node().dyn_into::<ShadowRoot>() else {
            return;
        };
        SHEET.with(|sheet| {
            let Some(sheet) = sheet else {
                return;
            };
            let sheets = Array::from(&root.adopted_style_sheets());
            if !sheets.includes(sheet, 0) {
                sheets.push(sheet);
                root.set_adopted_style_sheets(&sheets);
            }
        });
    }

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
    /// with `api_key`. `on_close` is called when the person closes it.
    #[wasm_bindgen(js_name = openExplorer)]
    pub fn open_explorer(
        slot: Element,
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

    /// Hands this instance the signal that, once aborted, removes every listener
    /// it put on the document (see the widget's `setLifeline`).
    #[wasm_bindgen(js_name = setLifeline)]
    pub fn set_lifeline(signal: AbortSignal) {
        batch_status_widget::view::lifeline::set(signal);
    }
}
