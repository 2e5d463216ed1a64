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

    /// Whether `raw`, a part of a body's JSON text as UTF-8, shows without
    /// reading it that none of its strings holds a trace of the key: it is
    /// plain printable ASCII (line breaks and tabs allowed: a JSON string holds
    /// no raw control character), with no backslash, and holds no window of the
    /// key (see [`Redactor`]). In such text each string is written as it reads
    /// (no escape can spell a character) and scrubbing leaves it be (nothing in
    /// it is invisible), so a trace in a string would be a window of the text.
    /// `false` when the key is too short to look for.
    ///
    /// A status body's calls beyond those the widget keeps are checked this
    /// way instead of each being read (see `read_status`); text that proves
    /// nothing (any other character, or a trace) has its calls read and
    /// scrubbed after all.
    pub fn raw_part_clean(&self, raw: &[u8]) -> bool {
        self.redactor.as_ref().is_some_and(|redactor| {
            raw.iter().all(|b| *b != b'\\' && *b < 0x7F) && redactor.hidden(raw).is_none()
        })
    }
}

/// The UTF-16 units in one part of a raw body text (see [`raw_parts`]).
const RAW_PART: u32 = 4096;
/// By how many UTF-16 units the parts overlap: more than a window of the key
/// (eight characters of printable ASCII, as a key must be to be sent) or a
/// surrogate pair, so that each lies whole in some part.
const RAW_OVERLAP: u32 = 16;

/// The parts, as `(from, to)` ranges of UTF-16 units, that a raw text of `len`
/// units is checked in by [`Scrubber::raw_part_clean`]: a part at a time, so
/// that a body of megabytes never has to be copied into the wasm whole.
pub fn raw_parts(len: u32) -> impl Iterator<Item = (u32, u32)> {
    (0..)
        .map(|part| part * (RAW_PART - RAW_OVERLAP))
        .take_while(move |from| *from == 0 || from + RAW_OVERLAP < len)
        .map(move |from| (from, (from + RAW_PART).min(len)))
}

/// What a redacted secret reads as.
pub const REDACTED: &str = "••••";
/// Runs of a secret at least this long are hidden wherever they appear.
const SECRET_RUN: usize = 8;

/// Hides one secret in many texts: every occurrence of the whole secret, and
/// every run of [`SECRET_RUN`] or more of its characters in a row, reads as
/// [`REDACTED`]. A server that echoes the key ("Invalid API key sk_…", or part of
/// it) then shows none of it. Built once per response: a body can hold tens of
/// thousands of strings, and its raw text megabytes.
pub struct Redactor<'a> {
    secret: &'a [u8],
    /// Byte ranges of the secret's windows: every run of SECRET_RUN characters
    /// (the whole secret when it is shorter). Any longer run is covered by them.
    windows: Vec<(usize, usize)>,
    /// Which pairs of bytes follow each other in the secret, hashed to 4,096
    /// bits (see [`pair_bit`]).
    pairs: [u64; 64],
    /// Every `step`-th pair of a text is looked up in `pairs`: fewer than the
    /// pairs in the shortest window, so each window in a text has one looked at.
    step: usize,
    /// How far before a pair found in `pairs` a window may start: the pairs
    /// in the longest window, less one.
    reach: usize,
}

/// The bit of `pairs` for the pair of bytes `a`, `b`.
fn pair_bit(a: u8, b: u8) -> usize {
    (usize::from(a) << 4 ^ usize::from(b)) & 0xFFF
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
        let windows: Vec<(usize, usize)> = (0..=chars.len() - window)
            .map(|start| {
                let end = chars.get(start + window).copied();
                (chars[start], end.unwrap_or(secret.len()))
            })
            .collect();
        let bytes = secret.as_bytes();
        let mut pairs = [0; 64];
        for pair in bytes.windows(2) {
            let bit = pair_bit(pair[0], pair[1]);
            pairs[bit / 64] |= 1 << (bit % 64);
        }
        let lengths = windows.iter().map(|(from, to)| to - from);
        Some(Redactor {
            step: lengths.clone().min().unwrap_or(2) - 1,
            reach: lengths.max().unwrap_or(2) - 2,
            secret: bytes,
            windows,
            pairs,
        })
    }

    /// Which bytes of `text` are in a window of the secret; `None` when none
    /// is there. Bytes are compared rather than `str::match_indices` used: that
    /// keeps the string searcher out of the wasm, and a window that starts on a
    /// character boundary of the secret can only match on one in the text.
    fn hidden(&self, text: &[u8]) -> Option<Vec<bool>> {
        let mut hidden: Option<Vec<bool>> = None;
        let mut at = 0;
        while at < text.len() {
            if self.has_pair(text, at) {
                // A window starts with one of the secret's pairs too.
                for start in
                    (at.saturating_sub(self.reach)..=at).filter(|&s| self.has_pair(text, s))
                {
                    for &(from, to) in &self.windows {
                        if text[start..].starts_with(&self.secret[from..to]) {
                            hidden.get_or_insert_with(|| vec![false; text.len()])
                                [start..start + to - from]
                                .fill(true);
                        }
                    }
                }
            }
            at += self.step;
        }
        hidden
    }

    /// Whether the bytes of `text` at `at` and after it are a pair in the
    /// secret (or one of the few that share its bit).
    fn has_pair(&self, text: &[u8], at: usize) -> bool {
        text.get(at + 1).is_some_and(|&next| {
            let bit = pair_bit(text[at], next);
            self.pairs[bit / 64] & 1 << (bit % 64) != 0
        })
    }

    /// `text` with the secret hidden, or `None` when none of it is there.
    pub fn redact(&self, text: &str) -> Option<String> {
        let hidden = self.hidden(text.as_bytes())?;
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
    fn raw_text_without_escapes_or_traces_is_clean() {
        let scrubber = Scrubber::new(KEY);
        assert!(scrubber.raw_part_clean(b"{\"id\": \"b\",\n\t\"error\": \"no-answer\"}"));
        for unsure in [
            format!("{{\"error\": \"bad key {}\"}}", &KEY[3..12]),
            r#"{"error": "\u0073k_live_0123"}"#.to_owned(),
            "{\"error\": \"sk_live\u{200B}_0123\"}".to_owned(),
            "{\"error\": \"sk_live\u{85}_0123\"}".to_owned(),
            "{\"error\": \"sk_live\u{7F}_0123\"}".to_owned(),
            "{\"error\": \"no-answer é\"}".to_owned(),
        ] {
            assert!(!scrubber.raw_part_clean(unsure.as_bytes()), "{unsure}");
        }
        assert!(
            !Scrubber::new("abc").raw_part_clean(b"{}"),
            "a key too short"
        );
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

        /// The search that looks at every few pairs of bytes hides exactly
        /// what comparing every window at every place would, whatever the
        /// secret's and the text's characters.
        #[test]
        fn redaction_hides_every_window_and_nothing_else(
            secret in "[a-c_é\u{1F600}]{4,14}", before in "[a-c_é\u{1F600} ]{0,12}",
            after in "[a-c_é\u{1F600} ]{0,12}", from in 0usize..14, len in 0usize..14,
        ) {
            let redactor = Redactor::new(&secret).unwrap();
            let part: String = secret.chars().skip(from).take(len).collect();
            let text = format!("{before}{part}{after}");
            let bytes = text.as_bytes();
            let mut expected = vec![false; bytes.len()];
            for start in 0..bytes.len() {
                for &(from, to) in &redactor.windows {
                    if bytes[start..].starts_with(&secret.as_bytes()[from..to]) {
                        expected[start..start + to - from].fill(true);
                    }
                }
            }
            let expected = expected.contains(&true).then_some(expected);
            prop_assert_eq!(redactor.hidden(bytes), expected);
        }

        /// Raw text is only ever said to be clean when scrubbing the body it
        /// spells finds no trace of the key: whatever the strings hold
        /// (escapes, invisible and control characters, echoes of the key,
        /// whole, in part or split) and however the text is written.
        #[test]
        fn raw_text_proves_clean_only_what_scrubbing_finds_clean(
            key in "[!-~]{4,24}",
            texts in prop::collection::vec("[a-z0-9_ é]{0,12}", 1..6),
            odd in prop::option::weighted(0.3, (0usize..6, prop::sample::select(vec!['\\', '"', '\u{7F}', '\u{85}', '\u{202E}', '\u{E0041}']))),
            echo in prop::option::of((0usize..6, 0usize..24, 1usize..24)),
            split in prop::option::weighted(0.3, (1usize..24, prop::sample::select(vec!['\u{7F}', '\u{85}', '\u{200B}', '\u{E0041}']))),
            escaped in prop::bool::weighted(0.3), ascii_only in prop::bool::weighted(0.3),
            pretty in any::<bool>(),
        ) {
            let mut texts = texts;
            if let Some((at, odd)) = odd {
                let at = at % texts.len();
                texts[at].push(odd);
            }
            let mut echoed = String::new();
            if let Some((at, from, len)) = echo {
                let from = from.min(key.len() - 1);
                echoed = key[from..(from + len).min(key.len())].to_owned();
                if let Some((cut, hidden)) = split {
                    echoed.insert(cut.min(echoed.len()), hidden);
                }
                // A mark where the echo goes, written in after serde's escaping.
                let at = at % texts.len();
                texts[at].push('\u{E000}');
            }
            let calls: Vec<_> = texts.iter().map(|t| serde_json::json!({"error": t})).collect();
            let body = serde_json::json!({"id": texts[0], "progress": {"recent_calls": calls}});
            let raw = if pretty { serde_json::to_string_pretty(&body).unwrap() } else { body.to_string() };
            let escape = |text: &str| -> String {
                text.encode_utf16().map(|u| format!("\\u{u:04x}")).collect()
            };
            // The echo as serde writes it, or as escapes, as a server may write any text.
            let written = serde_json::to_string(&echoed).unwrap();
            let written = if escaped { escape(&echoed) } else { written[1..written.len() - 1].to_owned() };
            let mut raw = raw.replace('\u{E000}', &written);
            if ascii_only {
                // As some servers write JSON: everything past ASCII escaped.
                raw = raw.chars().map(|c| if c.is_ascii() { c.to_string() } else { escape(&c.to_string()) }).collect();
            }
            let mut json: Json = serde_json::from_str(&raw).unwrap();
            if Scrubber::new(&key).raw_part_clean(raw.as_bytes()) {
                prop_assert!(scrub(&mut json, &key), "{raw} was said to be clean");
            }
        }

        /// The parts a raw text is checked in cover it, in order, and every
        /// run of up to 16 UTF-16 units lies whole in one of them.
        #[test]
        fn raw_parts_cover_every_window(len in 0u32..40_000, at in 0u32..40_000, width in 1u32..=16) {
            let parts: Vec<(u32, u32)> = raw_parts(len).collect();
            prop_assert_eq!(parts.first().map(|p| p.0), Some(0));
            prop_assert_eq!(parts.last().map(|p| p.1), Some(len));
            prop_assert!(parts.windows(2).all(|w| w[0].0 < w[1].0 && w[1].0 < w[0].1));
            if at + width <= len {
                prop_assert!(parts.iter().any(|(from, to)| *from <= at && at + width <= *to));
            }
        }

        #[test]
        fn visible_text_has_no_override(raw in ".{0,40}") {
            let has_override = visible_text(&raw).chars().any(|c| ('\u{202A}'..='\u{202E}').contains(&c));
            prop_assert!(!has_override);
        }
    }
}
