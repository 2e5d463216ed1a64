//! The static site's page: a small form, and the `<batch-status>` element it
//! configures. Settings come from the URL query (`batch`, `workspace`, `base`,
//! `interval`); the API key is typed into a password field, kept in memory only,
//! and never written to the URL.

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement, UrlSearchParams};
use yew::prelude::*;

/// What the form holds.
#[derive(Clone, PartialEq, Default)]
struct Watch {
    batch: String,
    workspace: String,
    base: String,
    interval: String,
    key: String,
}

impl Watch {
    /// From the URL query; on a loopback host with no query (`make demo`), the
    /// simulated demo batch, whose API accepts any key.
    fn from_page() -> Self {
        let location = gloo_utils::window().location();
        let query = location.search().unwrap_or_default();
        let params = UrlSearchParams::new_with_str(&query).ok();
        let get = |name: &str| {
            params
                .as_ref()
                .and_then(|p| p.get(name))
                .unwrap_or_default()
        };
        let host = location.hostname().unwrap_or_default();
        let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
        if query.len() <= 1 && loopback {
            return Watch {
                batch: "demo".into(),
                workspace: "ws_demo".into(),
                base: location.origin().unwrap_or_default(),
                interval: "2".into(),
                key: "demo-key".into(),
            };
        }
        Watch {
            batch: get("batch"),
            workspace: get("workspace"),
            base: get("base"),
            interval: get("interval"),
            key: String::new(),
        }
    }

    /// Whether to start watching: batch and workspace are set, and either a key
    /// was typed or the base is a root-relative path, a same-origin proxy that
    /// adds the key itself.
    fn ready(&self) -> bool {
        let keyless_proxy = self.base.starts_with('/') && !self.base.starts_with("//");
        !self.batch.is_empty()
            && !self.workspace.is_empty()
            && (!self.key.is_empty() || keyless_proxy)
    }

    /// Puts everything but the key in the URL, so the page can be bookmarked.
    fn write_query(&self) {
        let Ok(params) = UrlSearchParams::new() else {
            return;
        };
        for (name, value) in [
            ("batch", &self.batch),
            ("workspace", &self.workspace),
            ("base", &self.base),
            ("interval", &self.interval),
        ] {
            if !value.is_empty() {
                params.append(name, value);
            }
        }
        let url = format!("?{}", String::from(params.to_string()));
        if let Ok(history) = gloo_utils::window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    }
}

fn field(
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    value: &str,
    hint: &'static str,
    node: NodeRef,
) -> Html {
    let id = format!("field-{name}");
    html! {
        <label class="field" for={id.clone()}>
            <span class="field-label">{label}</span>
            <input id={id} name={name} type={kind} value={value.to_owned()} ref={node}
                autocomplete="off" spellcheck="false" />
            <span class="field-hint">{hint}</span>
        </label>
    }
}

/// The page: form plus widget.
#[function_component(SitePage)]
fn site_page() -> Html {
    let watch = use_state(Watch::from_page);
    let refs: [NodeRef; 5] = Default::default();
    let onsubmit = {
        let watch = watch.clone();
        let refs = refs.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let read = |node: &NodeRef| {
                node.cast::<HtmlInputElement>()
                    .map(|i| i.value().trim().to_owned())
                    .unwrap_or_default()
            };
            let next = Watch {
                batch: read(&refs[0]),
                workspace: read(&refs[1]),
                base: read(&refs[2]),
                interval: read(&refs[3]),
                key: read(&refs[4]),
            };
            next.write_query();
            watch.set(next);
        })
    };
    let widget = watch.ready().then(|| {
        html! {
            <batch-status
                key={format!("{}|{}|{}", watch.batch, watch.workspace, watch.base)}
                batch-id={watch.batch.clone()}
                workspace-id={watch.workspace.clone()}
                api-base={(!watch.base.is_empty()).then(|| watch.base.clone())}
                interval={(!watch.interval.is_empty()).then(|| watch.interval.clone())}
                ~apiKey={watch.key.clone()}
            />
        }
    });
    html! {
        <>
            <section class="site-widget" aria-label="Batch progress">
                { widget.unwrap_or_else(|| html! {
                    <p class="site-empty">{"Enter a batch, its workspace and an API key to watch its progress."}</p>
                }) }
            </section>
            <form class="site-form" onsubmit={onsubmit} aria-label="What to watch">
                { field("Batch id", "batch", "text", &watch.batch, "For example batch_7891011121314", refs[0].clone()) }
                { field("Workspace id", "workspace", "text", &watch.workspace, "Sent as x-workspace-id", refs[1].clone()) }
                { field("API base", "base", "url", &watch.base, "Default https://api.trillet.ai", refs[2].clone()) }
                { field("Interval (s)", "interval", "number", &watch.interval, "Default 5, at least 1", refs[3].clone()) }
                { field("API key", "key", "password", &watch.key, "Kept in memory only, never in the URL", refs[4].clone()) }
                <button type="submit">{"Watch"}</button>
            </form>
        </>
    }
}

/// Renders the site page into `root`. Called by the site's `site.js`.
#[wasm_bindgen(js_name = mountSite)]
pub fn mount_site(root: Element) {
    super::quiet_panics();
    yew::Renderer::<SitePage>::with_root(root).render();
}
