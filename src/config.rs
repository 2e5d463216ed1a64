//! The widget's settings: read from attributes or options, checked before any
//! request, and turned into the URL to poll.

use crate::wire::CallFilter;
use std::fmt;

/// The vendor's API, used when no `api-base` is given.
pub const DEFAULT_API_BASE: &str = "https://api.trillet.ai";
/// The documented path of the batch endpoints; some of the vendor's examples drop
/// `/api`, so it can be changed with `api-path`.
pub const DEFAULT_API_PATH: &str = "/v1/api/batch-calls";
/// Poll every 5 s unless told otherwise.
pub const DEFAULT_INTERVAL_MS: f64 = 5_000.0;
/// Give up on a request after 10 s unless told otherwise.
pub const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;
/// Rows of the recent-calls table unless told otherwise.
pub const DEFAULT_MAX_ROWS: usize = 10;

const INTERVAL_BOUNDS_MS: (f64, f64) = (1_000.0, 3_600_000.0);
const TIMEOUT_BOUNDS_MS: (f64, f64) = (1_000.0, 120_000.0);
const MAX_ROWS_BOUND: usize = 500;
/// Calls per page of the explorer when `page-size` is not set.
pub const DEFAULT_PAGE_SIZE: u64 = 25;
/// The endpoint's largest `limit`.
pub const MAX_PAGE_SIZE: u64 = 100;

/// The colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the page's `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Reads `light`, `dark` or anything else as `auto`.
    pub fn parse(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some(v) if v.eq_ignore_ascii_case("light") => Theme::Light,
            Some(v) if v.eq_ignore_ascii_case("dark") => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The name used as a CSS class.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Everything that configures one widget, except the API key.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The batch to watch.
    pub batch_id: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// Origin (and optional path prefix) of the API, or a root-relative path for a
    /// same-origin proxy.
    pub api_base: String,
    /// Path of the batch endpoints under `api_base`.
    pub api_path: String,
    /// Time between polls, clamped to 1 s – 1 h.
    pub interval_ms: f64,
    /// Request timeout, clamped to 1 s – 2 min.
    pub timeout_ms: f64,
    /// Whether phone numbers are masked (on unless turned off).
    pub mask_phones: bool,
    /// BCP 47 locale for numbers and times; the page's when absent.
    pub locale: Option<String>,
    /// Colour scheme.
    pub theme: Theme,
    /// Rows in the recent-calls table.
    pub max_rows: usize,
    /// Whether the "Show all calls" explorer is offered (on unless turned off).
    pub explorer: bool,
    /// Whether the widget shares one poll with the other watchers of the same
    /// batch in this browser (on unless turned off).
    pub share: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            batch_id: String::new(),
            workspace_id: String::new(),
            api_base: DEFAULT_API_BASE.to_owned(),
            api_path: DEFAULT_API_PATH.to_owned(),
            interval_ms: DEFAULT_INTERVAL_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            mask_phones: true,
            locale: None,
            theme: Theme::Auto,
            max_rows: DEFAULT_MAX_ROWS,
            explorer: true,
            share: true,
        }
    }
}

/// A setting that stops the widget from making any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// No batch id was given.
    MissingBatchId,
    /// The batch id has characters outside `[A-Za-z0-9_-]` or is over 128 long.
    InvalidBatchId,
    /// The workspace id is empty or over 128 characters.
    InvalidWorkspaceId,
    /// `api-base` is not an http(s) URL or a root-relative path.
    InvalidApiBase,
    /// A value sent as a header holds a character no header can carry.
    NotSendable {
        /// Which setting: `workspace-id` or `the API key`.
        setting: &'static str,
        /// The character's code point.
        code: u32,
        /// Its position in the value, counted in characters from 1.
        position: usize,
    },
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SettingsError::MissingBatchId => "Set batch-id to the batch to watch.",
            SettingsError::InvalidBatchId => {
                "batch-id may only hold letters, digits, '_' and '-' (at most 128)."
            }
            SettingsError::InvalidWorkspaceId => "Set workspace-id (at most 128 characters).",
            SettingsError::InvalidApiBase => {
                "api-base must be an http:// or https:// URL, or a path starting with '/'."
            }
            // The character is named by its code point, never shown: that way the
            // message quotes nothing of the value, which may be the key.
            SettingsError::NotSendable {
                setting,
                code,
                position,
            } => {
                return write!(
                    f,
                    "{setting} has a character that cannot be sent in a request header \
                     (U+{code:04X} at position {position}). Type it again without it."
                )
            }
        })
    }
}

impl Settings {
    /// Builds settings from attribute-like lookups (`batch-id`, `interval` in
    /// seconds, ...). Missing or unreadable values take their defaults; numbers are
    /// clamped to their bounds.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let defaults = Settings::default();
        let seconds = |name: &str| {
            get(name)
                .and_then(|v| parse_decimal(v.trim()))
                .map(|v| v * 1000.0)
        };
        // A text setting, trimmed; `None` when absent or blank.
        let text = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Settings {
            batch_id: clean_id(&get("batch-id").unwrap_or_default()),
            workspace_id: clean_id(&get("workspace-id").unwrap_or_default()),
            api_base: text("api-base").unwrap_or(defaults.api_base),
            api_path: text("api-path").unwrap_or(defaults.api_path),
            interval_ms: clamp(seconds("interval"), DEFAULT_INTERVAL_MS, INTERVAL_BOUNDS_MS),
            timeout_ms: clamp(seconds("timeout"), DEFAULT_TIMEOUT_MS, TIMEOUT_BOUNDS_MS),
            mask_phones: !turned_off(get("mask-phones")),
            locale: text("locale").filter(|v| v.len() <= 35),
            theme: Theme::parse(get("theme").as_deref()),
            max_rows: get("max-rows")
                .and_then(|v| whole_number(v.trim()))
                .map_or(DEFAULT_MAX_ROWS, |rows| {
                    rows.min(MAX_ROWS_BOUND as f64) as usize
                }),
            explorer: !turned_off(get("explorer")),
            share: !turned_off(get("share")),
        }
    }

    /// Checks everything a request depends on.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.batch_id.is_empty() {
            return Err(SettingsError::MissingBatchId);
        }
        if !is_valid_batch_id(&self.batch_id) {
            return Err(SettingsError::InvalidBatchId);
        }
        if self.workspace_id.is_empty() || self.workspace_id.chars().count() > 128 {
            return Err(SettingsError::InvalidWorkspaceId);
        }
        unsendable("workspace-id", &self.workspace_id)?;
        if !is_valid_api_base(&self.api_base) || !self.api_path.starts_with('/') {
            return Err(SettingsError::InvalidApiBase);
        }
        Ok(())
    }

    /// Checks the settings, then that `key` can be sent.
    pub fn validate_with(&self, key: &ApiKey) -> Result<(), SettingsError> {
        self.validate()?;
        unsendable("The API key", &key.0)
    }

    /// The URL of one page of the batch's calls: `{status_url}/calls?page=&limit=&status=`.
    pub fn calls_url(&self, filter: CallFilter, page: u64, limit: u64) -> String {
        format!(
            "{}/calls?page={page}&limit={limit}&status={}",
            self.status_url(),
            filter.wire()
        )
    }

    /// What must be equal for two widgets to share a poll: where the status is
    /// fetched from, the workspace, the interval and the key, one to a line
    /// (none of them can hold a line break), after a line that names this use.
    /// Only its SHA-256 digest is ever shared (SECURITY.md).
    pub fn share_material(&self, key: &ApiKey) -> String {
        format!(
            "batch-status share 1\n{}\n{}\n{}\n{}",
            self.status_url(),
            self.workspace_id,
            self.interval_ms as u32,
            key.0
        )
    }

    /// How many of a status's recent calls a widget keeps, newest first: the
    /// rows it shows, and never fewer than an event tells
    /// ([`EVENT_CALLS`](crate::model::summary::EVENT_CALLS)).
    pub fn calls_kept(&self) -> usize {
        self.max_rows.max(crate::model::summary::EVENT_CALLS)
    }

    /// The URL of the batch's status: base, path and the percent-encoded id.
    pub fn status_url(&self) -> String {
        format!(
            "{}/{}/{}",
            self.api_base.trim_end_matches('/'),
            self.api_path.trim_matches('/'),
            encode_path_segment(&self.batch_id)
        )
    }
}

/// Whether an on/off setting says off: `off`, `false`, `no` or `0`.
/// Whether an opt-in setting (`allow-cancel`) is on: present, even empty, and
/// not `off`, `false`, `no` or `0`, as a boolean attribute reads.
pub fn is_on(value: Option<&str>) -> bool {
    value.is_some_and(|v| !turned_off(Some(v.to_owned())))
}

/// Whether a setting that is on by default (`explorer`, `chart`,
/// `chart-storage`) was turned off: `off`, `false`, `no` or `0`.
pub fn turned_off(value: Option<String>) -> bool {
    matches!(
        value.as_deref().map(str::trim),
        Some("off" | "false" | "no" | "0")
    )
}

/// An id as a person pasted it, cleaned: surrounding whitespace and invisible
/// characters (zero-width spaces and joiners, byte-order marks, tag characters)
/// removed. Nothing else is changed: what cannot be sent is reported, not guessed.
pub fn clean_id(raw: &str) -> String {
    raw.chars()
        .filter(|c| !crate::model::mask::is_invisible(*c))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The first character of `value` that cannot go in an HTTP header value, as a
/// [`SettingsError`]. Only printable ASCII and inner spaces and tabs pass: the
/// browser refuses anything above U+00FF, and CR, LF and other controls would
/// end or break the header.
pub fn unsendable(setting: &'static str, value: &str) -> Result<(), SettingsError> {
    match value
        .chars()
        .enumerate()
        .find(|(_, c)| !matches!(c, ' '..='~' | '\t'))
    {
        Some((index, c)) => Err(SettingsError::NotSendable {
            setting,
            code: u32::from(c),
            position: index + 1,
        }),
        None => Ok(()),
    }
}

/// Reads `12`, `2.5` or `.5`: the numbers a person types into an attribute.
/// Signs are refused: no setting is negative.
pub fn parse_decimal(text: &str) -> Option<f64> {
    if text.starts_with(['-', '+']) {
        return None;
    }
    crate::wire::json::decimal(text)
}

/// Calls per page of the explorer from its `page-size` setting: 1–100, 25 when
/// unset or unreadable. Read by the explorer only, so the widget's own download
/// carries none of it.
pub fn page_size(setting: Option<&str>) -> u64 {
    setting
        .and_then(|v| whole_number(v.trim()))
        .map_or(DEFAULT_PAGE_SIZE, |size| {
            size.clamp(1.0, MAX_PAGE_SIZE as f64) as u64
        })
}

/// Reads a whole, unsigned number (`12`, `500`), through the same small reader
/// as [`parse_decimal`]: the standard integer parsers would add their code to
/// the wasm for this alone.
pub fn whole_number(text: &str) -> Option<f64> {
    parse_decimal(text).filter(|n| n.fract() == 0.0)
}

fn clamp(value: Option<f64>, default: f64, (low, high): (f64, f64)) -> f64 {
    value.unwrap_or(default).clamp(low, high)
}

/// Whether `id` matches `[A-Za-z0-9_-]{1,128}`, the pattern the proxy enforces too.
pub fn is_valid_batch_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `base` is a root-relative path: a same-origin proxy, which adds the
/// API key itself. (`//host` is protocol-relative, another origin.)
pub fn is_same_origin_path(base: &str) -> bool {
    base.starts_with('/') && !base.starts_with("//")
}

/// The origin of an absolute http(s) URL, as browsers write it: scheme and host
/// in lower case, the port only when it is not the scheme's default
/// (`HTTPS://API.Example:443/x` → `https://api.example`). `None` for anything
/// else, and for URLs with credentials.
pub fn origin_of(url: &str) -> Option<String> {
    // `find` of a character and `strip_prefix`, not `split_once("://")`: no
    // string searcher in the wasm for this.
    let colon = url.find(':')?;
    let rest = url[colon + 1..].strip_prefix("//")?;
    let scheme = url[..colon].to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let authority = rest
        .split(['/', '?', '#', '\\'])
        .next()?
        .to_ascii_lowercase();
    if authority.is_empty() || authority.contains(['@', ' ']) {
        return None;
    }
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(format!("{scheme}://{host}"))
}

/// Whether the static site may send a typed key to `base`: a root-relative path
/// (this page's own server), the page's own origin, or an origin listed in
/// `allowed` (the site's `batch-status-api-origins` setting). Anything else, a
/// link to `?base=https://attacker.example` for one, is refused.
pub fn is_allowed_destination(base: &str, page_origin: &str, allowed: &[String]) -> bool {
    if is_same_origin_path(base) {
        return true;
    }
    let Some(origin) = origin_of(base) else {
        return false;
    };
    origin_of(page_origin).as_deref() == Some(origin.as_str())
        || allowed
            .iter()
            .any(|a| origin_of(a).as_deref() == Some(origin.as_str()))
}

/// Reads the site's list of allowed API origins: origins separated by spaces or
/// commas. An absent setting means the vendor's API only.
pub fn allowed_origins(setting: Option<&str>) -> Vec<String> {
    match setting {
        Some(list) => list.split([' ', ',']).filter_map(origin_of).collect(),
        None => vec![DEFAULT_API_BASE.to_owned()],
    }
}

fn is_valid_api_base(base: &str) -> bool {
    if is_same_origin_path(base) {
        return !base.contains(char::is_whitespace);
    }
    let Some(rest) = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // No credentials in the URL, no spaces, and a host to talk to.
    !host.is_empty() && !host.contains('@') && !base.contains(char::is_whitespace)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The API key: kept apart from [`Settings`] so it can never be printed with them.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimmed and with invisible characters removed (as pasted
    /// keys often carry them); blank keys mean "send no key" (a same-origin proxy adds it).
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(clean_id(&key.into()))
    }

    /// The key for the request header, when there is one.
    pub fn header_value(&self) -> Option<&str> {
        (!self.0.is_empty()).then_some(self.0.as_str())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "ApiKey(none)"
        } else {
            "ApiKey(set)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn widgets_share_a_poll_only_when_source_workspace_interval_and_key_agree() {
        let base = [
            ("batch-id", "batch_1"),
            ("workspace-id", "ws_1"),
            ("api-base", "https://api.example"),
            ("interval", "5"),
        ];
        let key = ApiKey::new("sk_live_1");
        let material = settings(&base).share_material(&key);
        // The same batch spelt the same way, the timeout aside, shares.
        let mut same = base.to_vec();
        same.push(("timeout", "30"));
        assert_eq!(settings(&same).share_material(&key), material);
        assert!(settings(&base).share);
        for (name, value) in [
            ("batch-id", "batch_2"),
            ("workspace-id", "ws_2"),
            ("api-base", "https://other.example"),
            ("api-path", "/v2/batches"),
            ("interval", "6"),
        ] {
            let mut changed: Vec<(&str, &str)> =
                base.iter().filter(|(n, _)| *n != name).copied().collect();
            changed.push((name, value));
            assert_ne!(settings(&changed).share_material(&key), material, "{name}");
        }
        assert_ne!(
            settings(&base).share_material(&ApiKey::new("sk_live_2")),
            material
        );
        assert_ne!(settings(&base).share_material(&ApiKey::new("")), material);
        let mut off = base.to_vec();
        off.push(("share", "off"));
        assert!(!settings(&off).share);
    }

    #[test]
    fn defaults_poll_the_vendor_every_five_seconds() {
        let s = settings(&[("batch-id", "batch_1"), ("workspace-id", "ws_1")]);
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(
            s.status_url(),
            "https://api.trillet.ai/v1/api/batch-calls/batch_1"
        );
        assert_eq!(s.interval_ms, 5_000.0);
        assert_eq!(s.timeout_ms, 10_000.0);
        assert!(s.mask_phones);
        assert_eq!(s.theme, Theme::Auto);
        assert!(s.explorer);
        assert_eq!(page_size(None), 25);
    }

    #[test]
    fn the_explorer_can_be_turned_off_and_its_page_size_is_bounded() {
        let s = settings(&[("explorer", " off")]);
        assert!(!s.explorer);
        assert!(!is_on(None), "cancel is opt-in");
        assert!(is_on(Some("")), "a boolean attribute: present is on");
        assert!(is_on(Some("on")));
        assert!(!is_on(Some(" off")));
        assert!(!turned_off(None), "the chart is on unless turned off");
        assert!(turned_off(Some("off".into())));
        assert_eq!(page_size(Some("500")), 100);
        assert_eq!(page_size(Some(" 40 ")), 40);
        assert_eq!(page_size(Some("0")), 1);
        assert_eq!(page_size(Some("ten")), 25);
        assert_eq!(page_size(Some("2.5")), 25);
    }

    #[test]
    fn calls_pages_are_under_the_status_url() {
        let s = settings(&[("batch-id", "b 1/x"), ("api-base", "/proxy/")]);
        assert_eq!(
            s.calls_url(CallFilter::Failed, 3, 100),
            "/proxy/v1/api/batch-calls/b%201%2Fx/calls?page=3&limit=100&status=failed"
        );
    }

    #[test]
    fn numbers_are_clamped_to_sane_bounds() {
        let s = settings(&[
            ("interval", "0.01"),
            ("timeout", "9999"),
            ("max-rows", "100000"),
        ]);
        assert_eq!(s.interval_ms, 1_000.0);
        assert_eq!(s.timeout_ms, 120_000.0);
        assert_eq!(s.max_rows, 500);
        assert_eq!(s.calls_kept(), 500, "every row shown is kept");
        assert_eq!(settings(&[]).calls_kept(), 100, "and all an event tells");
        let s = settings(&[("interval", "NaN"), ("timeout", "soon")]);
        assert_eq!((s.interval_ms, s.timeout_ms), (5_000.0, 10_000.0));
    }

    #[test]
    fn batch_ids_are_checked_before_any_request() {
        let with = |id: &str| settings(&[("batch-id", id), ("workspace-id", "w")]).validate();
        assert_eq!(with(""), Err(SettingsError::MissingBatchId));
        assert_eq!(with("../admin"), Err(SettingsError::InvalidBatchId));
        assert_eq!(with("a%2Fb"), Err(SettingsError::InvalidBatchId));
        assert_eq!(with(&"x".repeat(129)), Err(SettingsError::InvalidBatchId));
        assert_eq!(with(&"x".repeat(128)), Ok(()));
    }

    #[test]
    fn api_bases_must_be_http_or_a_local_path() {
        let with = |base: &str| {
            settings(&[("batch-id", "b"), ("workspace-id", "w"), ("api-base", base)]).validate()
        };
        assert_eq!(with("http://127.0.0.1:8080"), Ok(()));
        assert_eq!(with("https://portal.example/proxy/"), Ok(()));
        assert_eq!(with("/proxy"), Ok(()));
        for bad in [
            "javascript:alert(1)",
            "ftp://x",
            "//evil.example",
            "https://",
            "https://u:p@x",
        ] {
            assert_eq!(with(bad), Err(SettingsError::InvalidApiBase), "{bad}");
        }
    }

    #[test]
    fn the_url_joins_base_path_and_encoded_id() {
        let mut s = settings(&[
            ("batch-id", "b-1"),
            ("api-base", "https://h/x/"),
            ("api-path", "/v1/batch-calls/"),
        ]);
        assert_eq!(s.status_url(), "https://h/x/v1/batch-calls/b-1");
        s.batch_id = "a/b c".into();
        assert!(s.status_url().ends_with("/a%2Fb%20c"));
    }

    #[test]
    fn ids_lose_invisible_characters_and_keep_the_rest() {
        let s = settings(&[
            ("batch-id", " \u{200B}b_1\u{FEFF} "),
            ("workspace-id", "ws\u{200B}_1\u{E0041}"),
        ]);
        assert_eq!(
            (s.batch_id.as_str(), s.workspace_id.as_str()),
            ("b_1", "ws_1")
        );
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn values_no_header_can_carry_are_named_by_character_and_position() {
        for (workspace, code, position) in [
            ("ws\u{2013}1", 0x2013, 3),
            ("ws\r\n1", 0x0D, 3),
            ("wsé", 0xE9, 3),
            ("\u{1F600}", 0x1F600, 1),
        ] {
            let s = settings(&[("batch-id", "b"), ("workspace-id", workspace)]);
            let expected = SettingsError::NotSendable {
                setting: "workspace-id",
                code,
                position,
            };
            assert_eq!(s.validate(), Err(expected.clone()), "{workspace:?}");
            let message = expected.to_string();
            assert!(
                message.contains(&format!("U+{code:04X} at position {position}")),
                "{message}"
            );
        }
        let s = settings(&[("batch-id", "b"), ("workspace-id", "ws 1\t2")]);
        assert_eq!(s.validate(), Ok(()), "inner spaces and tabs are fine");
    }

    #[test]
    fn a_key_that_cannot_be_sent_is_refused_without_being_quoted() {
        let s = settings(&[("batch-id", "b"), ("workspace-id", "w")]);
        assert_eq!(
            s.validate_with(&ApiKey::new(" \u{200B}sk_live_abc\n")),
            Ok(())
        );
        let problem = s
            .validate_with(&ApiKey::new("sk_live\u{201C}secret"))
            .unwrap_err();
        let message = problem.to_string();
        assert!(message.contains("U+201C at position 8"), "{message}");
        assert!(
            !message.contains("sk_live") && !message.contains("secret"),
            "{message}"
        );
    }

    #[test]
    fn origins_are_written_as_browsers_write_them() {
        assert_eq!(
            origin_of("HTTPS://API.Trillet.ai:443/v1").as_deref(),
            Some("https://api.trillet.ai")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("http://h:80?x").as_deref(), Some("http://h"));
        for bad in [
            "/proxy",
            "//evil",
            "ftp://x",
            "https://",
            "https://u@evil",
            "javascript:x",
        ] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_site_sends_keys_only_where_the_deployment_allows() {
        let allowed = allowed_origins(Some("https://api.trillet.ai, https://proxy.example:8443"));
        let page = "https://status.example";
        let ok = |base: &str| is_allowed_destination(base, page, &allowed);
        assert!(ok("https://api.trillet.ai"));
        assert!(ok("https://API.trillet.ai/"));
        assert!(ok("https://proxy.example:8443/prefix"));
        assert!(ok("/proxy"));
        assert!(ok("https://status.example/api"), "the page's own origin");
        for refused in [
            "https://attacker.example",
            "https://api.trillet.ai.attacker.example",
            "https://api.trillet.ai:444",
            "http://api.trillet.ai",
            "https://proxy.example",
            "//api.trillet.ai",
            "https://api.trillet.ai@attacker.example",
            "https://attacker.example\\@api.trillet.ai",
        ] {
            assert!(!ok(refused), "{refused}");
        }
        assert_eq!(
            allowed_origins(None),
            vec!["https://api.trillet.ai".to_owned()]
        );
    }

    proptest::proptest! {
        /// Any text: either every character can go in a header, or the error
        /// names the first one that cannot, at its position; cleaning never
        /// leaves an invisible character or surrounding space behind.
        #[test]
        fn header_values_are_sendable_or_named(raw in "\\PC{0,24}|[ -~\u{200B}\u{2013}\r\n\u{E0041}]{0,24}") {
            let cleaned = clean_id(&raw);
            proptest::prop_assert_eq!(cleaned.trim(), cleaned.as_str());
            proptest::prop_assert!(!cleaned.chars().any(crate::model::mask::is_invisible));
            match unsendable("workspace-id", &cleaned) {
                Ok(()) => proptest::prop_assert!(cleaned.chars().all(|c| matches!(c, ' '..='~' | '\t'))),
                Err(SettingsError::NotSendable { code, position, .. }) => {
                    let bad = cleaned.chars().nth(position - 1).map(u32::from);
                    proptest::prop_assert_eq!(bad, Some(code));
                    proptest::prop_assert!(cleaned.chars().take(position - 1).all(|c| matches!(c, ' '..='~' | '\t')));
                }
                Err(other) => proptest::prop_assert!(false, "{other:?}"),
            }
        }
    }

    #[test]
    fn the_key_never_prints() {
        let key = ApiKey::new("sk_live_secret");
        assert_eq!(format!("{key:?}"), "ApiKey(set)");
        assert_eq!(ApiKey::new("  ").header_value(), None);
    }

    #[test]
    fn decimals_read_like_a_person_writes_them() {
        assert_eq!(parse_decimal("12"), Some(12.0));
        assert_eq!(parse_decimal("2.5"), Some(2.5));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("3."), Some(3.0));
        for bad in ["", ".", "-1", "1e3", "NaN", "1.2.3", "x"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn masking_turns_off_only_when_asked() {
        assert!(!settings(&[("mask-phones", "off")]).mask_phones);
        assert!(settings(&[("mask-phones", "banana")]).mask_phones);
    }
}
