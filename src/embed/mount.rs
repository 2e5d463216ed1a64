//! `mount(element, options)`: puts a widget in an element's shadow root and returns
//! the handle a host (or the `<batch-status>` element) drives it with.

use super::events::announce;
use super::styles;
use crate::config::ApiKey;
use crate::options::{api_key_of, Options};
use crate::view::widget::Msg;
use crate::view::{Widget, WidgetEvent, WidgetProps};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot, ShadowRootInit, ShadowRootMode};
use yew::{AppHandle, Callback, Renderer};

/// A mounted widget. Dropping or destroying it stops every timer, request and
/// listener it owns.
#[wasm_bindgen]
pub struct WidgetHandle {
    host: Element,
    root: ShadowRoot,
    options: Options,
    api_key: ApiKey,
    paused: bool,
    /// Called with a place for a part loaded on first use (and its [`Place`] number) when
    /// it appears, and `null` when it goes.
    explore: Option<js_sys::Function>,
    /// The shell's `join`, to share a poll with the batch's other watchers.
    join: Option<js_sys::Function>,
    app: Option<AppHandle<Widget>>,
}

fn shadow_root_of(host: &Element) -> Result<ShadowRoot, JsValue> {
    match host.shadow_root() {
        Some(root) => Ok(root),
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)),
    }
}

impl WidgetHandle {
    fn props(&self) -> WidgetProps {
        let settings = Rc::new(self.options.settings());
        let host = self.host.clone();
        let explore = self.explore.clone();
        let (batch_id, workspace_id, mask) = (
            settings.batch_id.clone(),
            settings.workspace_id.clone(),
            settings.mask_phones,
        );
        WidgetProps {
            settings,
            api_key: self.api_key.clone(),
            paused: self.paused,
            on_event: Callback::from(move |event| match event {
                WidgetEvent::Place(place, element) => {
                    if let Some(explore) = &explore {
                        let place = JsValue::from(place as u8);
                        let _ = explore.call2(&JsValue::NULL, &JsValue::from(element), &place);
                    }
                }
                event => announce(&host, &event, &batch_id, &workspace_id, mask),
            }),
            join: self.join.clone(),
        }
    }

    /// Renders the widget into a fresh container in the shadow root.
    fn mount(&mut self) {
        let document = gloo_utils::document();
        let Ok(container) = document.create_element("div") else {
            return;
        };
        container.set_class_name("bs-host");
        // Clear what an earlier mount left behind (a re-attached element).
        self.root.set_inner_html("");
        let _ = self.root.append_child(&container);
        styles::adopt(&self.root);
        super::silence_panics();
        self.app = Some(Renderer::<Widget>::with_root_and_props(container, self.props()).render());
    }

    /// Tells the mounted widget `msg`; after `destroy()` it does nothing.
    fn send(&self, msg: Msg) {
        if let Some(app) = &self.app {
            app.send_message(msg);
        }
    }

    /// Hands the current options to the mounted widget; after `destroy()` it
    /// does nothing, so a late call cannot bring the widget back.
    fn apply(&mut self) {
        let props = self.props();
        if let Some(app) = self.app.as_mut() {
            app.update(props);
        }
    }
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Changes options; those not named keep their values, `null` resets one.
    /// Changing `batchId` (or where it is fetched from) drops the old batch's data
    /// at once and polls the new one.
    pub fn update(&mut self, options: JsValue) {
        self.options.merge(&options);
        if let Some(key) = api_key_of(&options) {
            self.api_key = ApiKey::new(key);
        }
        self.apply();
    }

    /// Sets the API key (an empty string sends none). Restarts polling.
    #[wasm_bindgen(js_name = setApiKey)]
    pub fn set_api_key(&mut self, key: &str) {
        let key = ApiKey::new(key);
        if key != self.api_key {
            self.api_key = key;
            self.apply();
        }
    }

    /// Polls now.
    pub fn refresh(&self) {
        self.send(Msg::Refresh);
    }

    /// Stops polling until `resume()`.
    pub fn pause(&mut self) {
        self.paused = true;
        self.apply();
    }

    /// Polls at once if a poll came due while paused, then on schedule.
    pub fn resume(&mut self) {
        self.paused = false;
        self.apply();
    }

    /// Opens (`true`) or closes the calls explorer.
    #[wasm_bindgen(js_name = showExplorer)]
    pub fn show_explorer(&self, open: bool) {
        self.send(Msg::ShowExplorer(open));
    }

    /// Removes the widget and stops everything it started. Idempotent.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.set_inner_html("");
        let _ = self.host.remove_attribute("status");
    }
}

/// Mounts a widget in `element`'s shadow root (created open if missing).
///
/// `options` is an object with `batchId`, `workspaceId`, `apiBase`, `apiPath`,
/// `interval` and `timeout` (seconds), `maskPhones`, `locale`, `theme`, `maxRows`
/// and `apiKey`; attribute-style names (`batch-id`) work too. `explore` is told
/// where the calls explorer and the cancel control go (see [`WidgetEvent::Place`]).
/// `join` lets widgets watching the same batch share one poll (see
/// [`crate::controller::share`]); without it the widget polls alone.
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(
    element: Element,
    options: JsValue,
    explore: Option<js_sys::Function>,
    join: Option<js_sys::Function>,
) -> Result<WidgetHandle, JsValue> {
    let root = shadow_root_of(&element)?;
    let mut parsed = Options::default();
    parsed.merge(&options);
    let mut handle = WidgetHandle {
        host: element,
        root,
        options: parsed,
        api_key: ApiKey::new(api_key_of(&options).unwrap_or_default()),
        paused: false,
        explore,
        join,
        app: None,
    };
    handle.mount();
    Ok(handle)
}
