//! Making untrusted text safe and private to show.

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

/// Removes characters that could disguise text on screen: bidirectional overrides
/// and isolates, other invisible format characters, and control characters.
/// Markup needs no escaping here: the view only ever sets text, never HTML.
pub fn visible_text(raw: &str) -> String {
    raw.chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(*c,
                    '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
        })
        .collect()
}

/// Replaces every occurrence of `secret` in `text`, so an error message that echoes
/// the API key never shows it. Secrets shorter than four characters are left alone:
/// hiding them would mangle ordinary words.
pub fn redact(text: &str, secret: &str) -> String {
    if secret.chars().count() < 4 {
        return text.to_owned();
    }
    text.replace(secret, "[redacted]")
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

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact("bad key sk_live_123", "sk_live_123"),
            "bad key [redacted]"
        );
        assert_eq!(redact("abc", "ab"), "abc");
    }

    proptest! {
        #[test]
        fn a_masked_phone_shows_at_most_five_digits(raw in ".{0,40}") {
            let masked = mask_phone(&raw);
            prop_assert!(masked.chars().filter(char::is_ascii_digit).count() <= 5);
        }

        #[test]
        fn visible_text_has_no_override(raw in ".{0,40}") {
            let has_override = visible_text(&raw).chars().any(|c| ('\u{202A}'..='\u{202E}').contains(&c));
            prop_assert!(!has_override);
        }
    }
}
