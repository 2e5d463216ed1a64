//! Components mounted in a real DOM, in headless Chromium (`wasm-bindgen-test`).
//! Each test renders into its own container and waits for Yew with
//! `scheduler::flush`, never with a sleep.
#![cfg(target_arch = "wasm32")]

use batch_status_widget::config::Settings;
use batch_status_widget::controller::fetch::parse_json;
use batch_status_widget::embed::events::announce;
use batch_status_widget::embed::{mount_widget, WidgetHandle};
use batch_status_widget::model::PollError;
use batch_status_widget::view::{
    batch_view, BatchViewProps, ExplorerControl, Intl, Polling, WidgetEvent,
};
use batch_status_widget::wire::{BatchStatus, ErrorBody};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/fixtures/",
                $name
            )),
        )
    };
}

const STATUS_FIXTURES: [(&str, &str); 13] = [
    fixture!("status-processing-seed.json"),
    fixture!("status-queued.json"),
    fixture!("status-completed.json"),
    fixture!("status-cancelled.json"),
    fixture!("status-failed.json"),
    fixture!("status-minimal.json"),
    fixture!("status-nulls.json"),
    fixture!("status-unknown-and-extra.json"),
    fixture!("status-hostile-strings.json"),
    fixture!("status-inconsistent.json"),
    fixture!("status-zero-total.json"),
    fixture!("status-flattened.json"),
    fixture!("status-large-1000-calls.json"),
];

/// 2025-11-28T09:10:00Z: after every fixture's timestamps.
const NOW: f64 = 1_764_321_000_000.0;

fn status(text: &str) -> Rc<BatchStatus> {
    let json = parse_json(text).expect("fixture is JSON");
    Rc::new(BatchStatus::from_json(&json).expect("fixture is a status"))
}

fn settings() -> Rc<Settings> {
    Rc::new(Settings {
        batch_id: "batch_test".into(),
        workspace_id: "ws_test".into(),
        locale: Some("en-US".into()),
        ..Settings::default()
    })
}

#[derive(Properties, PartialEq)]
struct Harness {
    status: Option<Rc<BatchStatus>>,
    error: Option<Rc<PollError>>,
    settings: Rc<Settings>,
    #[prop_or_default]
    eta_at: Option<f64>,
    /// The "Show all calls" control: absent, closed or open.
    #[prop_or_default]
    explorer: Option<bool>,
    /// Polling paused (the page hidden, or the host's `pause()`): no retry is
    /// set.
    #[prop_or_default]
    paused: bool,
}

impl Harness {
    /// `status` and `error` with the test settings, and nothing else.
    fn of(status: Option<Rc<BatchStatus>>, error: Option<Rc<PollError>>) -> Harness {
        Harness {
            status,
            error,
            settings: settings(),
            eta_at: None,
            explorer: None,
            paused: false,
        }
    }
}

#[function_component(View)]
fn view(props: &Harness) -> Html {
    batch_view(&BatchViewProps {
        settings: props.settings.clone(),
        settings_error: props.settings.validate().err(),
        intl: Intl::new(Some("en-US")),
        status: props.status.clone(),
        received_at: Some(NOW - 12_000.0),
        now: NOW,
        eta_at: props.eta_at,
        error: props.error.clone(),
        retry_at: props
            .error
            .as_ref()
            .filter(|_| !props.paused)
            .map(|_| NOW + 20_000.0),
        held_until: None,
        polling: if props.paused {
            Polling::Paused
        } else {
            Polling::Live
        },
        root: NodeRef::default(),
        on_refresh: Callback::noop(),
        explorer: props.explorer.map(|open| ExplorerControl {
            open,
            button: NodeRef::default(),
            slot: NodeRef::default(),
            on_toggle: Callback::noop(),
        }),
        tools: NodeRef::default(),
    })
}

fn container() -> Element {
    let document = gloo_utils::document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

async fn render(props: Harness) -> Element {
    let root = container();
    yew::Renderer::<View>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn text_of(root: &Element) -> String {
    root.dyn_ref::<web_sys::HtmlElement>().unwrap().inner_text()
}

/// What a person must never see: broken numbers or leaked JS values.
fn assert_clean(name: &str, text: &str) {
    // Whole words only: the fixture `batch_nulls` may show its own name.
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .collect();
    for bad in ["NaN", "undefined", "null", "Infinity"] {
        assert!(!words.contains(&bad), "{name} shows {bad}:\n{text}");
    }
    let chars: Vec<char> = text.chars().collect();
    let negative = chars
        .windows(2)
        .any(|w| matches!(w[0], '-' | '\u{2212}') && w[1].is_ascii_digit());
    assert!(!negative, "{name} shows a negative number:\n{text}");
}

fn progressbar(root: &Element) -> Element {
    root.query_selector("[role=progressbar]")
        .unwrap()
        .expect("a progress bar")
}

/// The "Show all calls" button in `root` reads `text` and has `aria-expanded`
/// set to `expanded`.
fn assert_explore_button(root: &Element, text: &str, expanded: &str) {
    let button = root
        .query_selector("button.bs-explore")
        .unwrap()
        .expect("a button");
    assert_eq!(button.text_content().as_deref(), Some(text));
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some(expanded)
    );
}

#[wasm_bindgen_test]
async fn the_show_all_calls_control_says_whether_the_explorer_is_open() {
    let seed = status(fixture!("status-processing-seed.json").1);
    let harness = |explorer| Harness {
        explorer,
        ..Harness::of(Some(seed.clone()), None)
    };
    let off = render(harness(None)).await;
    assert!(
        off.query_selector(".bs-explore").unwrap().is_none(),
        "turned off: no control"
    );
    let closed = render(harness(Some(false))).await;
    assert_explore_button(&closed, "Show all calls", "false");
    assert!(closed
        .query_selector(".bs-explorer-slot")
        .unwrap()
        .is_none());
    let open = render(harness(Some(true))).await;
    assert_explore_button(&open, "Hide all calls", "true");
    let slot = open
        .query_selector(".bs-explorer-slot")
        .unwrap()
        .expect("a place for it");
    assert_eq!(slot.child_element_count(), 0, "the view never fills it");
    for root in [off, closed, open] {
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_place_for_the_cancel_control_and_the_chart_is_marked_once_the_batch_has_ended() {
    let harness = |status| Harness::of(status, Some(Rc::new(PollError::Network)));
    let tools = |root: &Element| {
        root.query_selector(".bs-tools")
            .unwrap()
            .map(|place| (place.class_name(), place.child_element_count()))
    };
    for (body, running) in [
        (fixture!("status-processing-seed.json").1, true),
        (fixture!("status-queued.json").1, true),
        (fixture!("status-completed.json").1, false),
        (fixture!("status-cancelled.json").1, false),
        (fixture!("status-failed.json").1, false),
        // No counts: the place is still made (the cancel control needs none).
        (fixture!("status-minimal.json").1, true),
    ] {
        let root = render(harness(Some(status(body)))).await;
        let expected = if running {
            "bs-tools"
        } else {
            "bs-tools is-ended"
        };
        assert_eq!(
            tools(&root),
            Some((expected.to_owned(), 0)),
            "the view never fills it"
        );
        root.remove();
    }
    // Before there is a status, there is nothing to cancel or chart: no place.
    let waiting = render(harness(None)).await;
    assert_eq!(tools(&waiting), None);
    waiting.remove();
}

#[wasm_bindgen_test]
async fn every_fixture_renders_its_numbers_and_nothing_broken() {
    for (name, body) in STATUS_FIXTURES {
        let status = status(body);
        let root = render(Harness::of(Some(status.clone()), None)).await;
        let text = text_of(&root);
        assert_clean(name, &text);
        if !status.counts_known {
            assert!(
                text.contains("The API sent no call counts"),
                "{name}: {text}"
            );
            root.remove();
            continue;
        }
        let bar = progressbar(&root);
        let finished = status.counts.completed + status.counts.failed;
        assert_eq!(
            bar.get_attribute("aria-valuenow"),
            Some(finished.to_string()),
            "{name}"
        );
        let now: u64 = bar.get_attribute("aria-valuenow").unwrap().parse().unwrap();
        let max: u64 = bar.get_attribute("aria-valuemax").unwrap().parse().unwrap();
        assert!(now <= max, "{name}: {now} > {max}");
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_documented_example_reads_right_to_a_screen_reader() {
    let root = render(Harness::of(Some(status(STATUS_FIXTURES[0].1)), None)).await;
    let bar = progressbar(&root);
    assert_eq!(bar.get_attribute("aria-valuemin").as_deref(), Some("0"));
    assert_eq!(bar.get_attribute("aria-valuemax").as_deref(), Some("150"));
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("100"));
    assert_eq!(
        bar.get_attribute("aria-valuetext").as_deref(),
        Some("100 of 150 calls finished, 5 failed")
    );
    let text = text_of(&root);
    assert!(text.contains("66%"), "{text}");
    assert!(text.contains("Processing"), "{text}");
    assert!(text.contains("batch_7891011121314"), "{text}");
    assert!(
        text.contains("+1 •••• ••7890"),
        "the number is masked: {text}"
    );
    assert!(!text.contains("+1234567890"), "{text}");
    let live = root
        .query_selector("[aria-live=polite]")
        .unwrap()
        .expect("a live region");
    assert_eq!(live.text_content().as_deref(), Some("Batch processing"));
    root.remove();
}

#[wasm_bindgen_test]
async fn large_counts_use_the_locale_grouping() {
    let root = render(Harness::of(Some(status(STATUS_FIXTURES[12].1)), None)).await;
    let text = text_of(&root);
    assert!(text.contains("39,950 of 100,000 calls finished"), "{text}");
    assert!(text.contains("latest 10 of 1,000"), "{text}");
    assert_eq!(root.query_selector_all("tbody tr").unwrap().length(), 10);
    root.remove();
}

#[wasm_bindgen_test]
async fn hostile_strings_render_as_inert_text() {
    let root = render(Harness::of(Some(status(STATUS_FIXTURES[8].1)), None)).await;
    for tag in ["img", "script", "b"] {
        assert!(
            root.query_selector(tag).unwrap().is_none(),
            "a <{tag}> element was created"
        );
    }
    assert!(root.query_selector("svg [onload]").unwrap().is_none());
    let text = text_of(&root);
    assert!(
        text.contains("batch_<b>x</b>"),
        "the id shows as text: {text}"
    );
    assert!(text.contains("<svg onload=window.__xss=3>"), "{text}");
    assert!(!text.contains('\u{202E}'), "the bidi override is removed");
    let xss = js_sys::Reflect::get(&gloo_utils::window(), &"__xss".into()).unwrap();
    assert!(xss.is_undefined());
    root.remove();
}

#[wasm_bindgen_test]
async fn calls_are_listed_newest_first_with_their_error_or_duration() {
    let root = render(Harness::of(Some(status(STATUS_FIXTURES[2].1)), None)).await;
    let rows = root.query_selector_all("tbody tr").unwrap();
    let first = rows.item(0).unwrap().text_content().unwrap();
    assert!(
        first.contains("call_9000") && first.contains("30 s"),
        "{first}"
    );
    let failed = rows.item(3).unwrap().text_content().unwrap();
    assert!(
        failed.contains("Failed") && failed.contains("no-answer"),
        "{failed}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn an_error_keeps_the_last_data_and_says_it_is_stale() {
    let error = Rc::new(PollError::Http {
        status: 500,
        body: ErrorBody {
            error: None,
            message: Some("Failed to retrieve batch information".into()),
        },
        retry_after_ms: None,
    });
    let root = render(Harness::of(Some(status(STATUS_FIXTURES[0].1)), Some(error))).await;
    let text = text_of(&root);
    assert!(text.contains("The batch API failed (HTTP 500)"), "{text}");
    assert!(text.contains("Retrying in 20 s"), "{text}");
    assert!(text.contains("Showing the last data received at"), "{text}");
    assert!(
        text.contains("100 of 150 calls finished"),
        "the numbers stay: {text}"
    );
    assert!(root.query_selector(".is-stale").unwrap().is_some());
    root.remove();

    // Paused, by a hidden page or by the host: no countdown, and the banner
    // does not speak of the page when it is the host that paused.
    let root = render(Harness {
        paused: true,
        ..Harness::of(
            Some(status(STATUS_FIXTURES[0].1)),
            Some(Rc::new(PollError::Network)),
        )
    })
    .await;
    let text = text_of(&root);
    assert!(text.contains("Will retry when updates resume."), "{text}");
    assert!(!text.contains("Retrying"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn not_found_names_the_batch_and_workspace() {
    let error = Rc::new(PollError::Http {
        status: 404,
        body: ErrorBody::default(),
        retry_after_ms: None,
    });
    let root = render(Harness::of(None, Some(error))).await;
    let text = text_of(&root);
    assert!(
        text.contains("Batch batch_test was not found in workspace ws_test"),
        "{text}"
    );
    root.remove();
}

/// Makes the glue's `buildCalls` a global, from the source the release build
/// appends to the glue (scripts/build-site.sh); the test runner's glue has none.
fn install_build_calls() {
    let source = concat!(
        include_str!("../src/embed/event_calls.js"),
        "\nreturn buildCalls;"
    );
    let build = js_sys::Function::new_no_args(source)
        .call0(&JsValue::NULL)
        .unwrap();
    js_sys::Reflect::set(&js_sys::global(), &"buildCalls".into(), &build).unwrap();
}

/// An event's recent calls are each call as the widget read it, texts of any
/// width (astral emoji are two UTF-16 units) and missing fields as `null`.
#[wasm_bindgen_test]
fn events_carry_each_recent_call_with_its_texts_and_nulls_in_place() {
    install_build_calls();
    let host = gloo_utils::document().create_element("div").unwrap();
    let record = js_sys::Function::new_with_args("e", "globalThis.__detail = e.detail");
    host.add_event_listener_with_callback("batch-update", &record)
        .unwrap();
    let status = status(
        r#"{"status":"processing","progress":{"recent_calls":[
            {"jobId":"c1 😀 é","status":"failed","phone_number":"+14155550123",
             "failedAt":1764320000000,"error":"no-answer 🚫"},
            {"status":"completed","completedAt":1764320001000,"duration":42.5}]}}"#,
    );
    let event = WidgetEvent::Update {
        status,
        eta_ms: None,
    };
    announce(&host, &event, "b", "w", false);
    let detail = js_sys::Reflect::get(&js_sys::global(), &"__detail".into()).unwrap();
    let calls = js_sys::Reflect::get(&detail, &"recentCalls".into()).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&calls)
            .unwrap()
            .as_string()
            .unwrap(),
        concat!(
            r#"[{"jobId":null,"status":"completed","phoneNumber":null,"endedAt":1764320001000,"duration":42.5,"error":null},"#,
            r#"{"jobId":"c1 😀 é","status":"failed","phoneNumber":"+14155550123","endedAt":1764320000000,"duration":null,"error":"no-answer 🚫"}]"#,
        )
    );
}

/// Mounts a widget with `options` (camelCase names, text values) in `host`,
/// and lets Yew draw it.
async fn mount_with(host: &Element, options: &[(&str, &str)]) -> WidgetHandle {
    install_build_calls();
    let object = js_sys::Object::new();
    for (name, value) in options {
        js_sys::Reflect::set(&object, &(*name).into(), &(*value).into()).unwrap();
    }
    let handle = mount_widget(host.clone(), object.into(), None, None).expect("mounts");
    yew::scheduler::flush().await;
    handle
}

/// The text of a mounted widget's shadow root.
fn shadow_text(host: &Element) -> String {
    host.shadow_root()
        .expect("an open shadow root")
        .text_content()
        .unwrap_or_default()
}

/// Counts the page's `fetch` calls from now on: the widget's requests go through
/// `window.fetch`, so a wrapper sees each one.
fn count_fetches() -> impl Fn() -> u32 {
    js_sys::Function::new_no_args(
        "if (!window.__fetchCount) { const real = window.fetch; window.__fetchCount = { n: 0 };
           window.fetch = function (...args) { window.__fetchCount.n += 1; return real.apply(this, args); }; }
         window.__fetchCount.n = 0;",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    || {
        let counter = js_sys::Reflect::get(&gloo_utils::window(), &"__fetchCount".into()).unwrap();
        js_sys::Reflect::get(&counter, &"n".into())
            .unwrap()
            .as_f64()
            .unwrap() as u32
    }
}

/// Lets every queued task and promise run (a zero-delay timeout: one turn of the
/// event loop, not a wait for time to pass), then lets Yew draw. A widget starts
/// its request in a promise job of its mount, so after this it has called
/// `fetch` if it was going to.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        gloo_utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_widget_without_a_batch_asks_for_one_and_requests_nothing() {
    let fetches = count_fetches();
    let host = container();
    let mut handle = mount_with(&host, &[("workspaceId", "ws")]).await;
    let shadow = host.shadow_root().expect("an open shadow root");
    let text = shadow_text(&host);
    assert!(text.contains("Set batch-id"), "{text}");
    next_task().await;
    assert_eq!(fetches(), 0, "no request without a batch");
    assert_eq!(
        shadow.adopted_style_sheets().length(),
        1,
        "styles stay in the shadow root"
    );
    let head = gloo_utils::document().head().unwrap();
    assert!(
        head.query_selector("style").unwrap().is_none(),
        "no global CSS"
    );
    handle.destroy();
    assert_eq!(
        shadow.child_element_count(),
        0,
        "destroy empties the shadow root"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn an_invalid_batch_id_is_refused_with_a_message() {
    let host = container();
    let mut handle = mount_with(&host, &[("batchId", "../admin"), ("workspaceId", "ws")]).await;
    let text = shadow_text(&host);
    assert!(
        text.contains("batch-id may only hold letters, digits"),
        "{text}"
    );
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_workspace_id_no_header_can_carry_gets_a_settings_message_an_event_and_no_request() {
    let fetches = count_fetches();
    let host = container();
    let seen = Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let record = {
        let seen = seen.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(
            move |e: web_sys::CustomEvent| {
                let detail = e.detail();
                let field = |k: &str| js_sys::Reflect::get(&detail, &k.into()).unwrap();
                seen.borrow_mut().push(format!(
                    "{}|{}|{}",
                    field("kind").as_string().unwrap(),
                    field("final").as_bool().unwrap(),
                    field("message").as_string().unwrap()
                ));
            },
        )
    };
    host.add_event_listener_with_callback("batch-error", record.as_ref().unchecked_ref())
        .unwrap();
    let options = [
        ("batchId", "b_1"),
        ("workspaceId", "ws\u{2013}1"),
        ("apiKey", "sk_test_secret_key"),
        ("apiBase", "http://127.0.0.1:9"),
    ];
    let mut handle = mount_with(&host, &options).await;
    let text = shadow_text(&host);
    assert!(
        text.contains("workspace-id has a character that cannot be sent"),
        "{text}"
    );
    assert!(text.contains("U+2013 at position 3"), "{text}");
    next_task().await;
    assert_eq!(fetches(), 0, "nothing is sent");
    let events = seen.borrow().clone();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(
        events[0].starts_with("settings|true|workspace-id has a character"),
        "{events:?}"
    );
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn the_time_left_row_counts_down_to_the_estimate() {
    let mut running = (*status(STATUS_FIXTURES[0].1)).clone();
    running.start_time = Some(NOW - 600_000.0);
    let root = render(Harness {
        eta_at: Some(NOW + 90_000.0),
        ..Harness::of(Some(Rc::new(running)), None)
    })
    .await;
    let eta = root
        .query_selector(".is-eta dd")
        .unwrap()
        .expect("a Time left row");
    let text = eta.text_content().unwrap();
    assert!(text.starts_with("about 1 min 30 s (≈ "), "{text}");
    let elapsed = root.query_selector(".is-elapsed dd").unwrap().unwrap();
    assert_eq!(elapsed.text_content().as_deref(), Some("10 min"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_body_without_counts_says_so_instead_of_showing_zeros() {
    let root = render(Harness::of(
        Some(status(r#"{"id": "b", "status": "processing"}"#)),
        None,
    ))
    .await;
    let text = text_of(&root);
    assert!(text.contains("The API sent no call counts"), "{text}");
    assert!(!text.contains("0 of 0"), "{text}");
    assert!(root.query_selector("[role=progressbar]").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
fn times_intl_refuses_read_as_unknown_instead_of_throwing() {
    let intl = Intl::new(Some("en-US"));
    assert_eq!(intl.date_time(9e15), "–");
    assert_eq!(intl.clock(f64::NAN), "–");
    assert!(intl.date_time(NOW).contains("2025"));
}

/// The wasm stack's size, set by `build.rs` (`-zstack-size`).
const STACK_BYTES: usize = {
    let digits = env!("WASM_STACK_BYTES").as_bytes();
    let mut value = 0;
    let mut i = 0;
    while i < digits.len() {
        value = value * 10 + (digits[i] - b'0') as usize;
        i += 1;
    }
    value
};

/// The stack is laid out first, from address 0 up to `STACK_BYTES`, and grows
/// down from the top over memory that starts as zeros: the lowest non-zero byte
/// below the top is as deep as it has ever been. Tests run in one instance, so
/// this covers every test run before it too.
fn stack_high_water() -> usize {
    // Allocate first: growing the memory would detach a view taken before.
    let mut low = vec![0u8; STACK_BYTES];
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::Uint8Array::new(&memory.buffer())
        .subarray(0, STACK_BYTES as u32)
        .copy_to(&mut low);
    STACK_BYTES - low.iter().position(|b| *b != 0).unwrap_or(STACK_BYTES)
}

#[wasm_bindgen_test]
async fn the_deepest_screen_uses_at_most_a_quarter_of_the_stack() {
    // The most the widget draws at once: 500 rows of a 1,000-call body, the
    // error banner over stale data, a live widget beside it, and the crash-free
    // settings card.
    let mut settings = (*settings()).clone();
    settings.max_rows = 500;
    let error = Rc::new(PollError::Http {
        status: 503,
        body: ErrorBody::default(),
        retry_after_ms: Some(30_000.0),
    });
    let root = render(Harness {
        settings: Rc::new(settings),
        eta_at: Some(NOW + 60_000.0),
        ..Harness::of(Some(status(STATUS_FIXTURES[12].1)), Some(error))
    })
    .await;
    let host = container();
    let mut handle = mount_with(
        &host,
        &[
            ("batchId", "b_1"),
            ("workspaceId", "w"),
            ("apiBase", "http://127.0.0.1:9"),
        ],
    )
    .await;
    next_task().await;
    let used = stack_high_water();
    console_log!("stack high-water mark: {used} of {STACK_BYTES} bytes");
    assert!(used > 0, "the measurement sees the stack");
    assert!(
        used * 4 <= STACK_BYTES,
        "{used} bytes of a {STACK_BYTES}-byte stack"
    );
    handle.destroy();
    host.remove();
    root.remove();
}

/// The message a leader tells for `answer` read with `key`, and what a
/// follower reads back from it.
fn told_and_heard(
    answer: batch_status_widget::controller::fetch::Answer,
    key: &str,
) -> (String, Option<batch_status_widget::controller::share::Told>) {
    use batch_status_widget::config::ApiKey;
    use batch_status_widget::controller::{fetch::read_status, share};
    let (_, text) = read_status(&answer, &ApiKey::new(key), 100);
    let message = share::tell(1_000.0, &Ok(answer), text);
    let json = js_sys::JSON::stringify(&message)
        .unwrap()
        .as_string()
        .unwrap();
    (json, share::read(&message))
}

#[wasm_bindgen_test]
fn a_leaders_answer_reads_back_the_same_and_never_carries_the_key() {
    use batch_status_widget::controller::fetch::Answer;
    use batch_status_widget::controller::share::Told;
    const KEY: &str = "sk_live_\"quoted\\slash/0123";
    let clean = r#"{"id":"b","status":"processing","progress":{"total":3}}"#;
    let (json, heard) = told_and_heard(
        Answer {
            status: 200,
            retry_at: Some(5_000.0),
            text: clean.into(),
        },
        KEY,
    );
    assert!(!json.contains("0123"), "{json}");
    let Some(Told::Answer {
        next_at,
        answer: Some(Ok(answer)),
    }) = heard
    else {
        panic!("a clean body is told as it came: {json}")
    };
    assert_eq!(
        (next_at, answer.status, answer.retry_at),
        (1_000.0, 200, Some(5_000.0))
    );
    assert_eq!(answer.text.as_string().as_deref(), Some(clean));
    // An echo of the key, however it is written, keeps the body at home.
    let escaped: String = KEY
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let json_key = KEY.replace('\\', "\\\\").replace('"', "\\\"");
    for echo in [
        json_key.clone(),
        escaped,
        format!("{}\u{200B}{}", &json_key[..5], &json_key[5..]),
    ] {
        for status in [200, 401] {
            let body = format!(r#"{{"id":"b","status":"processing","error":"key {echo}"}}"#);
            let (json, heard) = told_and_heard(
                Answer {
                    status,
                    retry_at: None,
                    text: body.into(),
                },
                KEY,
            );
            for window in KEY.as_bytes().windows(8) {
                let run = std::str::from_utf8(window).unwrap();
                assert!(!json.contains(run), "{run:?} told in {json}");
            }
            assert!(
                matches!(heard, Some(Told::Answer { answer: None, .. })),
                "withheld: {json}"
            );
        }
    }
    // A body that is not JSON has nothing that is read: it is told empty.
    let (json, _) = told_and_heard(
        Answer {
            status: 502,
            retry_at: None,
            text: format!("<h1>{KEY}</h1>").into(),
        },
        KEY,
    );
    assert!(!json.contains("0123"), "{json}");
}

#[wasm_bindgen_test]
fn failures_parts_and_refreshes_read_back_as_sent() {
    use batch_status_widget::controller::share::{read, tell, Told};
    use batch_status_widget::controller::Role;
    for error in [
        PollError::Network,
        PollError::Timeout { after_ms: 10_000.0 },
        PollError::TooLarge { bytes: 3_000_000 },
    ] {
        let message = tell(f64::INFINITY, &Err(error.clone()), None);
        let Some(Told::Answer {
            next_at,
            answer: Some(Err(heard)),
        }) = read(&message)
        else {
            panic!("{error:?} is told")
        };
        assert_eq!((next_at, heard), (f64::INFINITY, error));
    }
    for (number, role) in [(0, Role::Leader), (1, Role::Follower), (2, Role::Solo)] {
        assert!(matches!(read(&JsValue::from(number)), Some(Told::Role(r)) if r == role));
    }
    assert!(matches!(read(&JsValue::from(3)), Some(Told::Refresh)));
    for other in [JsValue::from(9), JsValue::from_str("last"), JsValue::NULL] {
        assert!(read(&other).is_none(), "{other:?} is not understood");
    }
}

/// The recent calls are read apart from the rest of the body, and only the
/// newest that are kept are read in full (the others by their end times
/// alone): what comes out is what reading the whole body as one tree and
/// keeping its newest calls gives, whatever the body's shape, and a trace of
/// the key anywhere, in a call kept or not or beside the calls, written
/// plainly, as escapes or split by an invisible character, still keeps it
/// from being told.
#[wasm_bindgen_test]
fn a_status_reads_the_same_with_only_its_newest_calls_read() {
    use batch_status_widget::config::ApiKey;
    use batch_status_widget::controller::fetch::{parse_json, read_status, Answer};
    use batch_status_widget::wire::BatchStatus;
    const KEY: &str = "sk_live_0123456789";
    const KEEP: usize = 3;
    let answer = |body: &str| Answer {
        status: 200,
        retry_at: None,
        text: body.into(),
    };
    let call = r#"{"jobId":"j1","status":"failed","error":"busy","failedAt":1764320000}"#;
    // Ended in every unit and shape the reader accepts, out of order, with
    // ties, and some never.
    let many: Vec<String> = [
        r#""completedAt":1764320005000"#,
        r#""failedAt":"1764320009""#,
        r#""endTime":1764320001000000"#,
        r#""completedAt":null,"failedAt":1764320009000"#,
        "",
        r#""completedAt":"soon""#,
        r#""endTime":1764320007000000000"#,
        r#""completedAt":1764320003"#,
    ]
    .iter()
    .enumerate()
    .map(|(i, ended)| {
        format!(r#"{{"jobId":"m{i}","status":"completed",{ended}}}"#).replace(",}", "}")
    })
    .collect();
    let many = many.join(",");
    let bodies = [
        format!(
            r#"{{"id":"b","status":"processing","progress":{{"total":3,"recent_calls":[{call},7,null,{call}]}}}}"#
        ),
        format!(r#"{{"id":"b","status":"processing","total":3,"recent_calls":[{call}]}}"#),
        format!(r#"{{"id":"b","progress":[1],"recent_calls":[{call}]}}"#),
        format!(r#"{{"id":"b","progress":{{"total":1}},"recent_calls":[{call}]}}"#),
        format!(r#"{{"id":"b","progress":{{"recent_calls":{{"0":{call}}}}}}}"#),
        r#"{"id":"b","progress":{"recent_calls":[[[[[[[[[[1]]]]]]]]]]}}"#.to_owned(),
        format!(r#"{{"id":"b","progress":{{"recent_calls":[{many},[],"x"]}}}}"#),
        // Escapes the raw text cannot vouch for: the calls are read after all.
        format!(r#"{{"id":"b\u00e9","progress":{{"recent_calls":[{many}]}}}}"#),
    ];
    for body in &bodies {
        let (read, told) = read_status(&answer(body), &ApiKey::new(KEY), KEEP);
        let mut whole = BatchStatus::from_json(&parse_json(body).unwrap()).unwrap();
        whole.recent_calls.truncate(KEEP);
        assert_eq!(read.unwrap(), whole, "{body}");
        assert!(told.is_some(), "a clean body is told: {body}");
    }
    let kept = read_status(&answer(&bodies[6]), &ApiKey::new(KEY), KEEP)
        .0
        .unwrap();
    let ids: Vec<_> = kept
        .recent_calls
        .iter()
        .map(|c| c.job_id.as_deref().unwrap())
        .collect();
    assert_eq!((ids, kept.recent_calls_sent), (vec!["m1", "m3", "m6"], 8));
    let escaped: String = KEY
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let traces = [
        format!("bad key {KEY}"),
        format!("bad key {escaped}"),
        "bad key sk_live_\u{200B}0123456789".to_owned(),
        "bad key sk_live_\u{7F}0123456789".to_owned(),
    ];
    for trace in &traces {
        let traced = format!(r#"{{"jobId":"j2","error":"{trace}"}}"#);
        for body in [
            format!(r#"{{"id":"b","progress":{{"recent_calls":[{call},{traced}]}}}}"#),
            format!(
                r#"{{"id":"b","progress":{{"recent_calls":[{call}]}},"recent_calls":[{traced}]}}"#
            ),
            // In a call that is not kept, so never read in full.
            format!(r#"{{"id":"b","progress":{{"recent_calls":[{many},{traced}]}}}}"#),
        ] {
            let (read, told) = read_status(&answer(&body), &ApiKey::new(KEY), KEEP);
            assert!(
                told.is_none(),
                "a trace of the key keeps the body at home: {body}"
            );
            assert!(
                !format!("{:?}", read.unwrap()).contains("0123456789"),
                "{body}"
            );
        }
    }
}
