// A stylesheet minifier for the build scripts (build.rs, explorer/build.rs):
// the stylesheets travel inside the wasm, so comments and indentation would be
// bytes every page downloads.

/// Drops comments, indentation and blank lines; keeps one space only where two
/// words would otherwise run together; then drops the spaces next to
/// punctuation that never needs them (`: , { } ; >`) and each block's last
/// `;`. Strings survive whole, and so do the spaces `calc()` needs around `+`
/// and `-`, and a space before `:` (a descendant's pseudo-class).
fn minify(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    without_comments.push_str(rest);
    let mut out = String::with_capacity(without_comments.len());
    for line in without_comments
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let joins_words = out.ends_with(|c: char| c.is_alphanumeric() || c == ')')
            && line.starts_with(|c: char| c.is_alphanumeric() || c == '.' || c == '(');
        if joins_words {
            out.push(' ');
        }
        out.push_str(line);
    }
    tighten(&out)
}

/// The spaces next to `: , { } ; >` and the `;` before `}`, outside strings.
fn tighten(css: &str) -> String {
    let chars: Vec<char> = css.chars().collect();
    let mut out = String::with_capacity(css.len());
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                out.push(c);
            }
            ' ' => {
                let after_punctuation = out.ends_with([',', '{', '}', ';', '>']);
                let after_colon = out.ends_with(':');
                let before = chars[i + 1..].iter().find(|n| **n != ' ');
                let before_punctuation = matches!(before, Some(',' | '{' | '}' | ';' | '>'));
                if !(after_punctuation || after_colon || before_punctuation) {
                    out.push(' ');
                }
            }
            '}' if out.ends_with(';') => {
                out.pop();
                out.push('}');
            }
            _ => out.push(c),
        }
    }
    out
}
