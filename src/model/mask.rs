//! Making untrusted text safe and private to show.

use crate::wire::Json;

/// Masks a phone number to its country-code digit and last four digits, in a fixed
/// shape that does not reveal the number's length: `+1234567890` → `+1 •••• ••7890`.
/// Anything too short to be a phone number is masked whole.
pub fn mask_phone(raw: &str) -> String {
    let digits: Vec<char> = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return "•••".to_owned();
    }
    let last_four: String = digits[digits.len() - 4..].iter().collect();
    if raw.trim_start().starts_with('+') {
        format!("+{} •••• ••{last_four}", digits[0])
    } else {
        format!("•••• ••{last_four}")
    }
}

/// Whether `c` is invisible on screen yet changes what text means or how it
/// reads: zero-width spaces and joiners, direction marks, overrides and isolates
/// (U+061C, U+200E/F, U+202A–E, U+2066–9), word joiners, the byte-order mark,
/// soft hyphens and tag characters (U+E0000–E007F).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}

/// Removes characters that could disguise text on screen: invisible ones (see
/// [`is_invisible`]) and control characters. Markup needs no escaping here: the
/// view only ever sets text, never HTML.
pub fn visible_text(raw: &str) -> String {
    raw.chars().filter(|c| !is_hidden(*c)).collect()
}

/// Whether [`visible_text`] removes `c`.
fn is_hidden(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Cleans every string of a response body before anything reads it: invisible
/// characters removed first (so a key split by zero-width spaces cannot come
/// together again on screen), then the key hidden (see [`Redactor`]). Every text
/// the widget shows or sends on, from any field, has passed through here. A key
/// too short to hide leaves the body as it is.
///
/// Says whether the body held no trace of the key in any string: only such a
/// body may be told to other watchers of the batch (SECURITY.md). A key too
/// short to look for never counts as absent.
pub fn scrub(value: &mut Json, secret: &str) -> bool {
    let mut scrubber = Scrubber::new(secret);
    scrubber.scrub(value);
    scrubber.clean()
}

/// Scrubs the parts of one body as [`scrub`] does the whole, with one
/// [`Redactor`] for them all, and remembers whether any part held a trace of the
/// key. A status body is scrubbed in parts: its recent calls one at a time, as
/// they are read, so that no tree of them all is ever held.
pub struct Scrubber<'a> {
    redactor: Option<Redactor<'a>>,
    clean: bool,
}

impl<'a> Scrubber<'a> {
    /// A scrubber for `secret`, clean so far (unless the key is too short to
    /// look for).
    pub fn new(secret: &'a str) -> Self {
        let redactor = Redactor::new(secret);
        Scrubber {
            clean: redactor.is_some(),
            redactor,
        }
    }

    /// Cleans and redacts every string in `value`, in place.
    pub fn scrub(&mut self, value: &mut Json) {
        if let Some(redactor) = &self.redactor {
            self.clean &= !redactor.scrub(value);
        }
    }

    /// Whether no part scrubbed so far held a trace of the key.
    pub fn clean(&self) -> bool {
        self.clean
    }
}

/// What a redacted secret reads as.
pub const REDACTED: &str = "••••";
/// Runs of a secret at least this long are hidden wherever they appear.
const SECRET_RUN: usize = 8;

/// Hides one secret in many texts: every occurrence of the whole secret, and
/// every run of [`SECRET_RUN`] or more of its characters in a row, reads as
/// [`REDACTED`]. A server that echoes the key ("Invalid API key sk_…", or part of
/// it) then shows none of it. Built once per response: a body can hold tens of
/// thousands of strings, and most positions in them are passed over by one
/// table look-up.
pub struct Redactor<'a> {
    secret: &'a [u8],
    /// Byte ranges of the secret's windows: every run of SECRET_RUN characters
    /// (the whole secret when it is shorter). Any longer run is covered by them.
    windows: Vec<(usize, usize)>,
    /// Which bytes start a window.
    starts: [bool; 256],
}

impl<'a> Redactor<'a> {
    /// A redactor for `secret`; `None` for secrets shorter than four characters,
    /// which would mangle ordinary words.
    pub fn new(secret: &'a str) -> Option<Self> {
        let chars: Vec<usize> = secret.char_indices().map(|(at, _)| at).collect();
        if chars.len() < 4 {
            return None;
        }
        let window = SECRET_RUN.min(chars.len());
        let mut starts = [false; 256];
        let windows = (0..=chars.len() - window)
            .map(|start| {
                let from = chars[start];
                starts[usize::from(secret.as_bytes()[from])] = true;
                (
                    from,
                    chars.get(start + window).copied().unwrap_or(secret.len()),
                )
            })
            .collect();
        Some(Redactor {
            secret: secret.as_bytes(),
            windows,
            starts,
        })
    }

    /// `text` with the secret hidden, or `None` when none of it is there. Bytes
    /// are compared rather than `str::match_indices` used: that keeps the string
    /// searcher out of the wasm, and a window that starts on a character boundary
    /// of the secret can only match on one in the text.
    pub fn redact(&self, text: &str) -> Option<String> {
        let bytes = text.as_bytes();
        let mut hidden: Option<Vec<bool>> = None;
        for at in 0..bytes.len() {
            if !self.starts[usize::from(bytes[at])] {
                continue;
            }
            for &(from, to) in &self.windows {
                let window = &self.secret[from..to];
                // Most windows start with another byte: no comparison for them.
                if window.first() == bytes.get(at) && bytes[at..].starts_with(window) {
                    hidden.get_or_insert_with(|| vec![false; bytes.len()])[at..at + window.len()]
                        .fill(true);
                }
            }
        }
        let hidden = hidden?;
        let mut out = String::with_capacity(text.len());
        let mut in_run = false;
        for (at, c) in text.char_indices() {
            if hidden[at] {
                if !in_run {
                    out.push_str(REDACTED);
                }
                in_run = true;
            } else {
                out.push(c);
                in_run = false;
            }
        }
        Some(out)
    }

    /// Cleans and redacts every string in `value`, in place; says whether any
    /// trace of the secret was there. Field names are left as they are: they
    /// are only looked up, never shown.
    fn scrub(&self, value: &mut Json) -> bool {
        match value {
            Json::String(text) => {
                if text.chars().any(is_hidden) {
                    *text = visible_text(text);
                }
                let redacted = self.redact(text);
                let found = redacted.is_some();
                if let Some(redacted) = redacted {
                    *text = redacted;
                }
                found
            }
            Json::Array(items) => items
                .iter_mut()
                .fold(false, |found, item| self.scrub(item) | found),
            Json::Object(pairs) => pairs
                .iter_mut()
                .fold(false, |found, (_, item)| self.scrub(item) | found),
            _ => false,
        }
    }
}

/// `text` with `secret` hidden as [`Redactor`] does.
pub fn redact(text: &str, secret: &str) -> String {
    Redactor::new(secret)
        .and_then(|redactor| redactor.redact(text))
        .unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phones_keep_the_country_digit_and_last_four() {
        assert_eq!(mask_phone("+1234567890"), "+1 •••• ••7890");
        assert_eq!(mask_phone("+44 7700 900003"), "+4 •••• ••0003");
        assert_eq!(mask_phone("02025550123"), "•••• ••0123");
    }

    #[test]
    fn non_numbers_are_masked_whole() {
        assert_eq!(mask_phone("<script>window.__xss=2</script>"), "•••");
        assert_eq!(mask_phone(""), "•••");
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(visible_text("\u{202E}0987654321+"), "0987654321+");
        assert_eq!(visible_text("a\u{2066}b\u{0007}c"), "abc");
        assert_eq!(visible_text("<b>x</b>"), "<b>x</b>");
    }

    const KEY: &str = "sk_live_0123456789abcdef";

    #[test]
    fn the_key_and_any_long_run_of_it_are_hidden() {
        assert_eq!(
            redact(&format!("Invalid API key {KEY}."), KEY),
            "Invalid API key ••••."
        );
        assert_eq!(redact("key 0123456789ab…", KEY), "key ••••…");
        assert_eq!(redact(&format!("{KEY}{KEY}"), KEY), "••••");
        assert_eq!(
            redact("sk_live_ is a prefix", KEY),
            "•••• is a prefix",
            "8 in a row"
        );
        assert_eq!(redact("sk_live is too short", KEY), "sk_live is too short");
        assert_eq!(redact("abc", "ab"), "abc");
        assert_eq!(redact("a short key", "key1"), "a short key");
        assert_eq!(redact("uses key1 here", "key1"), "uses •••• here");
    }

    #[test]
    fn invisible_characters_cover_tags_and_the_arabic_mark() {
        assert_eq!(visible_text("a\u{061C}b\u{E0041}c\u{E007F}d"), "abcd");
    }

    proptest! {
        #[test]
        fn a_masked_phone_shows_at_most_five_digits(raw in ".{0,40}") {
            let masked = mask_phone(&raw);
            prop_assert!(masked.chars().filter(char::is_ascii_digit).count() <= 5);
        }

        /// Whatever the key and whatever the text around it, no run of eight of
        /// its characters survives.
        #[test]
        fn the_key_never_survives_redaction(
            key in "[!-~]{8,40}", before in "\\PC{0,20}", after in "\\PC{0,20}",
            cut in 0usize..32, len in 8usize..40,
        ) {
            let start = cut.min(key.len() - 8);
            let end = (start + len).min(key.len());
            for text in [format!("{before}{key}{after}"), format!("{before}{}{after}", &key[start..end])] {
                let out = redact(&text, &key);
                for window in key.as_bytes().windows(8) {
                    let run = std::str::from_utf8(window).unwrap();
                    prop_assert!(!out.contains(run), "{out:?} still holds {run:?}");
                }
            }
        }

        /// A server that echoes the key, whole or in part, plainly or split by
        /// invisible characters, in any field: after `scrub`, no string the card or
        /// an event is built from holds eight of its characters in a row.
        #[test]
        fn a_key_echoed_anywhere_in_a_body_is_shown_nowhere(
            key in "[A-Za-z0-9_]{12,40}", field in 0usize..6, split in any::<bool>(), cut in 1usize..11,
        ) {
            use crate::model::{error_text, summary::CallSummary, PollError, StatusSummary};
            use crate::wire::{BatchStatus, ErrorBody};
            let echoed = if split { format!("{}\u{200B}{}", &key[..cut], &key[cut..]) } else { key.clone() };
            let said = serde_json::Value::String(format!("Invalid API key {echoed}, sorry"));
            let mut body = serde_json::json!({
                "id": "b", "status": "processing", "error": null, "message": null,
                "progress": {"total": 3, "recent_calls": [{"jobId": "j", "status": "failed", "error": null, "phone_number": "+15550100"}]}
            });
            match field {
                0 => body["id"] = said,
                1 => body["status"] = said,
                2 => body["error"] = said,
                3 => body["progress"]["recent_calls"][0]["error"] = said,
                4 => body["progress"]["recent_calls"][0]["jobId"] = said,
                _ => body["message"] = said,
            }
            let mut json: Json = serde_json::from_str(&body.to_string()).unwrap();
            prop_assert!(!scrub(&mut json, &key), "an echo of the key counts as a trace");
            let status = BatchStatus::from_json(&json).unwrap();
            let error = PollError::Http { status: 401, body: ErrorBody::from_json(&json), retry_after_ms: None };
            let shown = format!(
                "{:?} {:?} {:?} {:?}",
                StatusSummary::new(&status, None),
                CallSummary::newest(&status, false).collect::<Vec<_>>(),
                status,
                error_text(&error, "b", "w"),
            );
            for window in key.as_bytes().windows(8) {
                let run = std::str::from_utf8(window).unwrap();
                prop_assert!(!shown.contains(run), "{run:?} in {shown}");
            }
        }

        /// A body is told to other watchers only if it holds no trace of the
        /// key: a run of eight of its characters in any string, at any depth,
        /// written plainly or as JSON escapes.
        #[test]
        fn a_body_counts_as_clean_only_without_a_trace_of_the_key(
            key in "[A-Za-z0-9_]{12,40}", words in prop::collection::vec("[a-z ]{0,12}", 1..6),
            place in 0usize..3, at in 0usize..5, escaped in any::<bool>(),
        ) {
            let trace = &key[at..at + 8];
            let written = if escaped {
                trace.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
            } else {
                trace.to_owned()
            };
            let texts: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            let clean = format!("{{\"id\":\"b\",\"list\":[{}]}}", texts.join(","));
            let traced = match place {
                0 => format!("{{\"id\":\"b{written}\",\"list\":[{}]}}", texts.join(",")),
                1 => format!("{{\"id\":\"b\",\"list\":[{},\"x{written}\"]}}", texts.join(",")),
                _ => format!("{{\"id\":{{\"deep\":[\"{written}\"]}}}}"),
            };
            let mut body: Json = serde_json::from_str(&clean).unwrap();
            prop_assert!(scrub(&mut body, &key));
            let mut body: Json = serde_json::from_str(&traced).unwrap();
            prop_assert!(!scrub(&mut body, &key), "{traced}");
            prop_assert!(!scrub(&mut Json::Null, "abc"), "a key too short to look for");
        }

        /// A status body is scrubbed in parts (its calls one at a time, then
        /// the rest): the parts come out as the whole would, and the body is
        /// clean exactly when the whole would be.
        #[test]
        fn scrubbing_in_parts_is_scrubbing_the_whole(
            key in "[A-Za-z0-9_]{4,20}", texts in prop::collection::vec("[a-zA-Z0-9_\u{200B} ]{0,30}", 1..8),
            traced in prop::option::of(0usize..8), short in any::<bool>(),
        ) {
            let key = if short { key[..3].to_owned() } else { key };
            let mut texts = texts;
            if let Some(at) = traced {
                let at = at % texts.len();
                texts[at] = format!("{}{key}", texts[at]);
            }
            let calls: Vec<Json> = texts.iter().map(|t| Json::Object(vec![("error".into(), Json::String(t.clone()))])).collect();
            let mut whole = Json::Array(calls.clone());
            let whole_clean = scrub(&mut whole, &key);
            let mut scrubber = Scrubber::new(&key);
            let parts: Vec<Json> = calls.into_iter().map(|mut call| { scrubber.scrub(&mut call); call }).collect();
            prop_assert_eq!(Json::Array(parts), whole);
            prop_assert_eq!(scrubber.clean(), whole_clean);
            prop_assert_eq!(whole_clean, !short && traced.is_none());
        }

        #[test]
        fn visible_text_has_no_override(raw in ".{0,40}") {
            let has_override = visible_text(&raw).chars().any(|c| ('\u{202A}'..='\u{202E}').contains(&c));
            prop_assert!(!has_override);
        }
    }
}
