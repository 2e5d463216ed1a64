//! Text as HTML: the recent-calls table is drawn as one piece of markup (see
//! `view::calls_table`), and every server string in it goes through [`escape`].

/// `text` as HTML text or as a quoted attribute value: `&`, `<`, `>`, `"` and `'`
/// become character references, so no string can open a tag, close an
/// attribute or start a reference of its own.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a browser reads back from escaped text.
    fn unescape(html: &str) -> String {
        html.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn markup_in_a_server_string_stays_text() {
        assert_eq!(
            escape(r#"<img src=x onerror="alert('k')">&amp;"#),
            "&lt;img src=x onerror=&quot;alert(&#39;k&#39;)&quot;&gt;&amp;amp;"
        );
    }

    proptest! {
        /// Any string, hostile Unicode and markup included, comes out with no
        /// character that could end text or an attribute, every `&` starts one
        /// of the five references, and it reads back as it went in.
        #[test]
        fn escaped_text_is_inert_and_reads_back(text in any::<String>(), markup in "[<>&\"' a-z=/;#]{0,40}") {
            for input in [text, markup] {
                let html = escape(&input);
                prop_assert!(!html.contains(['<', '>', '"', '\'']), "{html}");
                for (i, _) in html.match_indices('&') {
                    let rest = &html[i..];
                    prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|r| rest.starts_with(r)), "{html}");
                }
                prop_assert_eq!(unescape(&html), input);
            }
        }
    }
}
