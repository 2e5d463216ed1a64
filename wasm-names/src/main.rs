//! `wasm-names MODULE.wasm GLUE.js`: gives every function the wasm imports from
//! its wasm-bindgen glue a short name (`_0`, `_1`, … in base 36), in the wasm's
//! import section and in the glue's import object alike; and every export but
//! `memory`, which only the glue calls, one too (`$0`, `$1`, …), where the glue
//! calls it. Run after wasm-opt.
//!
//! `wasm-names prune MODULE.wasm`: unhooks the closure shims nothing calls from
//! the function table (see `prune.rs`). Run before wasm-opt, while the module
//! still has its name section.
//!
//! wasm-bindgen names each import after its JS function plus a 16-digit hash
//! (`__wbg_removeChild_d2dc6fc1d6db896b`), and both files carry every name: a
//! hundred imports are about 4 KB of text that gzip can hardly shrink, in every
//! page's download. wasm-opt's own minifier would rename `memory` as well,
//! which `make bench` and hosts of the glue read by name. Fails, changing
//! nothing, when an import's name is not exactly once in the glue or a new name
//! is already there: a wasm-bindgen that writes its glue differently stops the
//! build rather than ship a module whose imports cannot be found.

use std::{env, fs, process::ExitCode};

mod prune;
mod wasm;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (wasm_path, done) = match args.as_slice() {
        [wasm_path, glue_path] if wasm_path != "prune" => (
            wasm_path,
            rename(wasm_path, glue_path).map(|n| format!("{n} imports and exports renamed")),
        ),
        [command, wasm_path] if command == "prune" => (
            wasm_path,
            prune(wasm_path).map(|n| format!("{n} unused closure shims unhooked")),
        ),
        _ => {
            eprintln!("usage: wasm-names MODULE.wasm GLUE.js | wasm-names prune MODULE.wasm");
            return ExitCode::from(2);
        }
    };
    match done {
        Ok(what) => {
            println!("wasm-names: {wasm_path}: {what}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("wasm-names: {wasm_path}: {why}");
            ExitCode::FAILURE
        }
    }
}

/// Unhooks the unused closure shims of the module at `wasm_path` (see
/// [`prune::prune_shims`]): run before wasm-opt, which then drops them, and
/// while the module still has its name section.
fn prune(wasm_path: &str) -> Result<usize, String> {
    let module = fs::read(wasm_path).map_err(|e| e.to_string())?;
    let (module, count) = prune::prune_shims(&module)?;
    fs::write(wasm_path, module).map_err(|e| e.to_string())?;
    Ok(count)
}

fn rename(wasm_path: &str, glue_path: &str) -> Result<usize, String> {
    let module = fs::read(wasm_path).map_err(|e| e.to_string())?;
    let glue = fs::read_to_string(glue_path).map_err(|e| e.to_string())?;
    // The glue's own module: wasm-bindgen names it after the wasm file.
    let stem = wasm_path.rsplit('/').next().unwrap_or(wasm_path);
    let from = format!("./{}.js", stem.trim_end_matches(".wasm"));
    let (module, renamed, exported) = wasm::shorten_names(&module, &from, short_name, |index| {
        short_name(index).replacen('_', "$", 1)
    })?;
    let glue = rename_in_glue(&glue, &renamed)?;
    let glue = rename_calls_in_glue(&glue, &exported)?;
    fs::write(wasm_path, module).map_err(|e| e.to_string())?;
    fs::write(glue_path, glue).map_err(|e| e.to_string())?;
    Ok(renamed.len() + exported.len())
}

/// The `index`th short name: `_` and the index in base 36.
fn short_name(index: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = Vec::new();
    let mut rest = index;
    loop {
        digits.push(DIGITS[rest % 36]);
        rest /= 36;
        if rest == 0 {
            break;
        }
    }
    digits.push(b'_');
    digits.reverse();
    String::from_utf8(digits).expect("ASCII digits")
}

/// `glue` with each old name replaced by its new one, each checked to stand
/// once in the glue as a whole word, and each new name to stand nowhere.
fn rename_in_glue(glue: &str, renamed: &[(String, String)]) -> Result<String, String> {
    let mut out = glue.to_owned();
    for (old, new) in renamed {
        if word_from(glue, new, 0).is_some() {
            return Err(format!("{new} is already in the glue"));
        }
        let Some(at) = word_from(&out, old, 0) else {
            return Err(format!("{old} is not in the glue"));
        };
        if word_from(&out, old, at + 1).is_some() {
            return Err(format!("{old} is in the glue more than once"));
        }
        out.replace_range(at..at + old.len(), new);
    }
    Ok(out)
}

/// `glue` with every call of each old export, `wasm.OLD`, made to the new
/// one: an export may be called from many places, or from none (wasm-bindgen
/// exports its allocator whether or not the glue frees anything), and the
/// glue's own functions of the same name (`mountWidget`, a closure's adapter)
/// stay as they are. No new name may be there already.
fn rename_calls_in_glue(glue: &str, renamed: &[(String, String)]) -> Result<String, String> {
    let mut out = glue.to_owned();
    for (old, new) in renamed {
        if word_from(glue, new, 0).is_some() {
            return Err(format!("{new} is already in the glue"));
        }
        let (old, new) = (format!("wasm.{old}"), format!("wasm.{new}"));
        let mut from = 0;
        while let Some(at) = word_from(&out, &old, from) {
            out.replace_range(at..at + old.len(), &new);
            from = at + new.len();
        }
    }
    Ok(out)
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

/// Where `word` stands in `text` as a whole word, from `from` on.
fn word_from(text: &str, word: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut start = from;
    while let Some(found) = text[start..].find(word) {
        let at = start + found;
        let end = at + word.len();
        let before = at == 0 || !is_word(bytes[at - 1]);
        let after = end == bytes.len() || !is_word(bytes[end]);
        if before && after {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..2000).map(short_name).collect();
        assert_eq!(&names[..3], ["_0", "_1", "_2"]);
        assert_eq!(names[36], "_10");
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn the_glue_keeps_everything_but_the_names() {
        let glue = "const i={__wbg_a_1:function(){},__wbg_a_12:function(){}};x.__wbg_a_1x;";
        let renamed = [
            ("__wbg_a_1".to_owned(), "_0".to_owned()),
            ("__wbg_a_12".to_owned(), "_1".to_owned()),
        ];
        assert_eq!(
            rename_in_glue(glue, &renamed).unwrap(),
            "const i={_0:function(){},_1:function(){}};x.__wbg_a_1x;"
        );
    }

    #[test]
    fn an_export_is_renamed_wherever_the_glue_calls_it() {
        let glue = "export function mountWidget(){wasm.mountWidget(wasm.__wbindgen_malloc)}wasm.__wbindgen_malloc(1);x.wasm.mountWidget2;";
        let renamed = [
            ("mountWidget".to_owned(), "$0".to_owned()),
            ("__wbindgen_malloc".to_owned(), "$1".to_owned()),
        ];
        assert_eq!(
            rename_calls_in_glue(glue, &renamed).unwrap(),
            "export function mountWidget(){wasm.$0(wasm.$1)}wasm.$1(1);x.wasm.mountWidget2;"
        );
        assert_eq!(rename_calls_in_glue("{}", &renamed).unwrap(), "{}");
        assert!(rename_calls_in_glue("wasm.mountWidget;$0", &renamed).is_err());
    }

    #[test]
    fn a_glue_written_differently_stops_the_build() {
        let twice = "a:{__wbg_a_1:1};b.__wbg_a_1()";
        let renamed = [("__wbg_a_1".to_owned(), "_0".to_owned())];
        assert!(rename_in_glue(twice, &renamed).is_err());
        assert!(rename_in_glue("{}", &renamed).is_err());
        assert!(rename_in_glue("{__wbg_a_1:1,_0:2}", &renamed).is_err());
    }
}
