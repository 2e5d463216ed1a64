//! Why calls failed, grouped: "No answer × 12, Busy × 4, other × 1", most
//! frequent first, from the failed calls the explorer has read.

use super::mask::visible_text;

/// The most failed calls read to build the reasons; past it, the summary says
/// it is built from the first ones only.
pub const MAX_REASON_CALLS: usize = 5_000;

/// Reasons shown by name; the rest are counted as "other".
pub const NAMED_REASONS: usize = 8;

/// One reason and how many calls failed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// What groups the calls: the error text, trimmed and lower-cased. Filtering
    /// the table by a reason compares [`reason_key`] of each call with it.
    pub key: String,
    /// How a person reads it: `no-answer` → `No answer`.
    pub label: String,
    /// Calls with this reason.
    pub count: usize,
}

/// The reasons of a set of failed calls.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reasons {
    /// The most frequent reasons, most frequent first; ties by label.
    pub named: Vec<Reason>,
    /// Calls whose reason is not among `named`, or who gave none.
    pub other: usize,
    /// Calls read.
    pub read: usize,
}

/// The key a call's error groups under: `None` for a call that gave no reason.
/// Case is folded for ASCII only: error codes are ASCII, and Unicode's case
/// tables would cost the explorer's download more than they could ever merge.
pub fn reason_key(error: Option<&str>) -> Option<String> {
    let text = visible_text(error?);
    let key = text.trim().to_ascii_lowercase();
    (!key.is_empty()).then_some(key)
}

/// `no-answer` or `NO_ANSWER` → `No answer`; free text keeps its words and only
/// gets a capital (ASCII only, as for the key). Long texts are cut at 60
/// characters.
pub fn reason_label(key: &str) -> String {
    key.chars()
        .take(60)
        .enumerate()
        .map(|(i, c)| match c {
            '-' | '_' => ' ',
            c if i == 0 => c.to_ascii_uppercase(),
            c => c,
        })
        .collect()
}

impl Reasons {
    /// Groups the errors of failed calls.
    pub fn group<'a>(errors: impl IntoIterator<Item = Option<&'a str>>) -> Reasons {
        let mut tally: Vec<Reason> = Vec::new();
        let (mut read, mut unnamed) = (0, 0);
        for error in errors {
            read += 1;
            let Some(key) = reason_key(error) else {
                unnamed += 1;
                continue;
            };
            match tally.iter_mut().find(|reason| reason.key == key) {
                Some(reason) => reason.count += 1,
                None => tally.push(Reason {
                    label: reason_label(&key),
                    key,
                    count: 1,
                }),
            }
        }
        // The named few, most frequent first, ties by label: picked one by one
        // rather than sorting them all (there may be thousands of free-text
        // errors, and the standard sort's code would be most of this module).
        let named = NAMED_REASONS.min(tally.len());
        for slot in 0..named {
            let best = (slot..tally.len()).fold(slot, |best, i| {
                if before(&tally[i], &tally[best]) {
                    i
                } else {
                    best
                }
            });
            tally.swap(slot, best);
        }
        let rest: usize = tally[named..].iter().map(|r| r.count).sum();
        tally.truncate(named);
        Reasons {
            named: tally,
            other: unnamed + rest,
            read,
        }
    }
}

/// Whether `a` is listed before `b`.
fn before(a: &Reason, b: &Reason) -> bool {
    a.count > b.count || a.count == b.count && a.label < b.label
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn groups_most_frequent_first() {
        let errors = [
            "busy",
            "no-answer",
            "no-answer",
            "Invalid-Number",
            "no-answer",
            "busy",
            " No-Answer ",
            "invalid-number",
        ];
        let reasons = Reasons::group(errors.iter().map(|e| Some(*e)).chain([None]));
        let shown: Vec<(&str, usize)> = reasons
            .named
            .iter()
            .map(|r| (r.label.as_str(), r.count))
            .collect();
        assert_eq!(
            shown,
            [("No answer", 4), ("Busy", 2), ("Invalid number", 2)]
        );
        assert_eq!(reasons.other, 1);
        assert_eq!(reasons.read, 9);
    }

    #[test]
    fn past_the_named_reasons_everything_is_other() {
        let keys: Vec<String> = (0..12).map(|i| format!("code-{i:02}")).collect();
        let reasons = Reasons::group(keys.iter().map(|k| Some(k.as_str())));
        assert_eq!(reasons.named.len(), NAMED_REASONS);
        assert_eq!(reasons.other, 12 - NAMED_REASONS);
    }

    #[test]
    fn hidden_characters_do_not_split_a_reason() {
        let reasons = Reasons::group([Some("busy"), Some("bu\u{200b}sy"), Some("\u{202e}")]);
        assert_eq!(reasons.named.len(), 1);
        assert_eq!(reasons.named[0].count, 2);
        assert_eq!(reasons.other, 1);
    }

    proptest! {
        /// Every call read is counted exactly once, named or other, and the
        /// named reasons are in order.
        #[test]
        fn every_call_counts_once(errors in prop::collection::vec(
            prop::option::of(prop_oneof![Just("busy".to_owned()), Just("no-answer".to_owned()), any::<String>()]),
            0..200,
        )) {
            let reasons = Reasons::group(errors.iter().map(Option::as_deref));
            let named: usize = reasons.named.iter().map(|r| r.count).sum();
            prop_assert_eq!(named + reasons.other, errors.len());
            prop_assert_eq!(reasons.read, errors.len());
            prop_assert!(reasons.named.windows(2).all(|w| !before(&w[1], &w[0])));
            prop_assert!(reasons.named.iter().all(|r| r.count > 0 && !r.label.is_empty()));
        }
    }
}
