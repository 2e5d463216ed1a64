//! Points the function table's entries for wasm-bindgen's unused closure shims
//! at a function that is kept, so that wasm-opt can drop their bodies.
//!
//! wasm-bindgen makes an "invoke" shim for every closure type any imported
//! function takes, and every crate's imports are described to it, used or not:
//! js-sys alone brings shims for typed arrays, sets and maps that nothing here
//! calls. Each shim's address sits in the function table, so wasm-opt must keep
//! them all. The glue calls the shims it uses through exports, by name; a shim
//! that is not exported is called by nothing (its address was only ever in the
//! descriptors wasm-bindgen read and removed). Its entry is pointed at the
//! table's first entry instead: were it ever called, the call would trap on
//! the function's type, as a panic does, and stop only that instance.

use crate::wasm::{
    push_number, rewrite_entries, sections, write_module, Reader, CUSTOM, ELEMENTS, EXPORTS,
};

/// What marks a closure shim's name in the module's name section.
const SHIM: &str = "::convert::closures::";

/// `module` with the table entries of unexported closure shims pointed at the
/// first entry, and how many were.
pub fn prune_shims(module: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let sections = sections(module)?;
    let names = sections
        .iter()
        .find(|(id, content)| *id == CUSTOM && content.starts_with(b"\x04name"))
        .map(|(_, content)| function_names(&content[5..]))
        .transpose()?
        .ok_or("the module has no name section")?;
    let exported: Vec<u64> = match sections.iter().find(|(id, _)| *id == EXPORTS) {
        Some((_, content)) => exported_functions(content)?,
        None => Vec::new(),
    };
    let is_shim = |function: u64| {
        !exported.contains(&function)
            && names
                .iter()
                .any(|(index, name)| *index == function && name.contains(SHIM))
    };
    let mut pruned = 0;
    let out = write_module(&sections, |id, content| {
        if id != ELEMENTS {
            return Ok(content.to_vec());
        }
        let (content, count) = elements(content, &is_shim)?;
        pruned = count;
        Ok(content)
    })?;
    Ok((out, pruned))
}

/// The function names of a name section's content (after its own name).
fn function_names(content: &[u8]) -> Result<Vec<(u64, String)>, String> {
    let mut reader = Reader::new(content, 0);
    while !reader.done() {
        let id = reader.byte()?;
        let size = reader.number()? as usize;
        let mut sub = Reader::new(reader.take(size)?, 0);
        if id == 1 {
            let count = sub.number()?;
            return (0..count)
                .map(|_| Ok((sub.number()?, sub.name()?)))
                .collect();
        }
    }
    Ok(Vec::new())
}

/// The indices of the exported functions.
fn exported_functions(content: &[u8]) -> Result<Vec<u64>, String> {
    let mut reader = Reader::new(content, 0);
    let count = reader.number()?;
    let mut functions = Vec::new();
    for _ in 0..count {
        reader.name()?;
        let kind = reader.byte()?;
        let index = reader.number()?;
        if kind == 0 {
            functions.push(index);
        }
    }
    Ok(functions)
}

/// The element section with each entry that `is_shim` pointed at the
/// segment's first entry. Only the form rustc's linker writes is read: active
/// segments of function indices for table 0 (flags 0).
fn elements(content: &[u8], is_shim: &impl Fn(u64) -> bool) -> Result<(Vec<u8>, usize), String> {
    let mut pruned = 0;
    let out = rewrite_entries(content, "element", |reader, out| {
        if reader.number()? != 0 {
            return Err(
                "an element segment of a form other than an active one of functions".into(),
            );
        }
        out.push(0);
        // The offset: `i32.const N`, `end`.
        let start = reader.at();
        let constant = reader.byte()? == 0x41 && reader.number().is_ok() && reader.byte()? == 0x0b;
        if !constant {
            return Err("an element segment whose offset is not a constant".into());
        }
        out.extend_from_slice(reader.since(start));
        let count = reader.number()?;
        push_number(out, count);
        let mut first = None;
        for _ in 0..count {
            let function = reader.number()?;
            let kept = *first.get_or_insert(function);
            if is_shim(function) && function != kept {
                push_number(out, kept);
                pruned += 1;
            } else {
                push_number(out, function);
            }
        }
        Ok(())
    })?;
    Ok((out, pruned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm::push_name;

    fn section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
        out.push(id);
        push_number(out, content.len() as u64);
        out.extend_from_slice(content);
    }

    /// A module (sections only, no code) whose table holds `entries`, which
    /// exports function `exported` and names functions 1 to 4: 2 and 3 are
    /// closure shims.
    fn module(entries: &[u64], exported: u64) -> Vec<u8> {
        module_named(entries, exported, true)
    }

    /// As [`module`], with or without its name section.
    fn module_named(entries: &[u64], exported: u64, named: bool) -> Vec<u8> {
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        let mut exports = Vec::new();
        push_number(&mut exports, 2);
        push_name(&mut exports, "memory");
        exports.extend_from_slice(&[2, 0]);
        push_name(&mut exports, "shim");
        exports.push(0);
        push_number(&mut exports, exported);
        section(&mut out, EXPORTS, &exports);
        let mut elements = vec![1, 0, 0x41, 1, 0x0b];
        push_number(&mut elements, entries.len() as u64);
        for entry in entries {
            push_number(&mut elements, *entry);
        }
        section(&mut out, ELEMENTS, &elements);
        if !named {
            return out;
        }
        let mut functions = Vec::new();
        push_number(&mut functions, 4);
        for (index, name) in [
            "<u8 as core::fmt::UpperHex>::fmt",
            "wasm_bindgen[1]::convert::closures::_::invoke::<(), true>",
            "wasm_bindgen[1]::convert::closures::_::invoke::<i8, u32, js_sys[2]::Int8Array, (), true>",
            "yew::scheduler::start",
        ]
        .iter()
        .enumerate()
        {
            push_number(&mut functions, index as u64 + 1);
            push_name(&mut functions, name);
        }
        let mut names = Vec::new();
        push_name(&mut names, "name");
        names.push(1);
        push_number(&mut names, functions.len() as u64);
        names.extend_from_slice(&functions);
        section(&mut out, CUSTOM, &names);
        out
    }

    #[test]
    fn only_the_unexported_shims_are_unhooked() {
        let (out, pruned) = prune_shims(&module(&[1, 2, 3, 4], 2)).unwrap();
        assert_eq!(pruned, 1);
        assert_eq!(out, module(&[1, 2, 1, 4], 2));
        let (out, pruned) = prune_shims(&module(&[1, 2, 3, 4], 3)).unwrap();
        assert_eq!((out, pruned), (module(&[1, 1, 3, 4], 3), 1));
    }

    #[test]
    fn a_module_it_cannot_read_is_refused() {
        let whole = module(&[1, 2, 3], 2);
        assert!(prune_shims(&whole[..whole.len() - 2]).is_err());
        assert!(prune_shims(b"not wasm").is_err());
        // Without a name section, no shim can be told.
        assert!(prune_shims(&module_named(&[1, 2, 3], 2, false)).is_err());
    }
}
