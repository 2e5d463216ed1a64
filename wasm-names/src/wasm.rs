//! Just enough of the wasm binary format to rename imports and exports, and to
//! repoint table entries (`prune.rs`): a module is read as its sections, and
//! written back with the few it changes rewritten.

/// What every module of this version starts with.
const HEADER: &[u8] = b"\0asm\x01\0\0\0";
/// The custom sections' id (the name section is one).
pub const CUSTOM: u8 = 0;
/// The import section's id.
const IMPORTS: u8 = 2;
/// The export section's id.
pub const EXPORTS: u8 = 7;
/// The element section's id: the function table's entries.
pub const ELEMENTS: u8 = 9;

/// The one export read by name outside the glue (by `make bench`, and by
/// hosts through the glue's init): every other export is only ever called by
/// the glue, as `wasm.NAME`.
const KEPT_EXPORT: &str = "memory";

/// A reader over a module's bytes; every read fails on bytes that end early.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` from `at`.
    pub fn new(bytes: &'a [u8], at: usize) -> Self {
        Reader { bytes, at }
    }

    /// Where the next read starts.
    pub fn at(&self) -> usize {
        self.at
    }

    /// Whether every byte has been read.
    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// The bytes read since `start`.
    pub fn since(&self, start: usize) -> &'a [u8] {
        &self.bytes[start..self.at]
    }

    pub fn byte(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.at).ok_or("the module ends early")?;
        self.at += 1;
        Ok(byte)
    }

    /// An unsigned LEB128 number.
    pub fn number(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number runs on too long".into())
    }

    pub fn take(&mut self, count: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(count)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or("the module ends early")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    pub fn name(&mut self) -> Result<String, String> {
        let length = self.number()? as usize;
        String::from_utf8(self.take(length)?.to_vec()).map_err(|_| "a name is not UTF-8".into())
    }

    /// Table or memory limits: flags, the minimum, and the maximum if flagged.
    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.number()?;
        if flags & 1 != 0 {
            self.number()?;
        }
        Ok(())
    }
}

pub fn push_number(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub fn push_name(out: &mut Vec<u8>, name: &str) {
    push_number(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

/// Each renamed import's old name and new one, in order.
pub type Renamed = Vec<(String, String)>;

/// A module's sections, each id and content, in order.
pub fn sections(module: &[u8]) -> Result<Vec<(u8, &[u8])>, String> {
    if module.get(..HEADER.len()) != Some(HEADER) {
        return Err("not a wasm module (version 1)".into());
    }
    let mut reader = Reader::new(module, HEADER.len());
    let mut sections = Vec::new();
    while !reader.done() {
        let id = reader.byte()?;
        let size = reader.number()? as usize;
        sections.push((id, reader.take(size)?));
    }
    Ok(sections)
}

/// The module of `sections`, each rewritten by `rewrite` (its id and content
/// in, the content to write out).
pub fn write_module(
    sections: &[(u8, &[u8])],
    mut rewrite: impl FnMut(u8, &[u8]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, String> {
    let mut out = HEADER.to_vec();
    for (id, content) in sections {
        let content = rewrite(*id, content)?;
        out.push(*id);
        push_number(&mut out, content.len() as u64);
        out.extend_from_slice(&content);
    }
    Ok(out)
}

/// `module` with every import from `from` renamed `name(0)`, `name(1)`, … in
/// order, then every export but `memory` `export_name(0)`, … in order; and the
/// old and new names of each kind.
pub fn shorten_names(
    module: &[u8],
    from: &str,
    name: impl Fn(usize) -> String,
    export_name: impl Fn(usize) -> String,
) -> Result<(Vec<u8>, Renamed, Renamed), String> {
    let mut renamed = Vec::new();
    let mut exported = Vec::new();
    let out = write_module(&sections(module)?, |id, content| match id {
        IMPORTS => imports(content, from, &name, &mut renamed),
        EXPORTS => exports(content, &export_name, &mut exported),
        _ => Ok(content.to_vec()),
    })?;
    if renamed.is_empty() {
        return Err(format!("nothing is imported from {from}"));
    }
    Ok((out, renamed, exported))
}

/// A section that is a vector of entries (`content`), rewritten by `entry`,
/// which reads one entry and writes what stands for it. Fails on bytes left
/// over, as a section of another form would leave.
pub fn rewrite_entries(
    content: &[u8],
    what: &str,
    mut entry: impl FnMut(&mut Reader, &mut Vec<u8>) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    let mut reader = Reader::new(content, 0);
    let mut out = Vec::with_capacity(content.len());
    let count = reader.number()?;
    push_number(&mut out, count);
    for _ in 0..count {
        entry(&mut reader, &mut out)?;
    }
    if !reader.done() {
        return Err(format!("the {what} section has bytes past its entries"));
    }
    Ok(out)
}

/// Writes an import's or export's `field`: if `rename`, as the next new name
/// (`name` of how many were renamed before), and remembers both names.
fn push_field(
    out: &mut Vec<u8>,
    field: String,
    rename: bool,
    name: &impl Fn(usize) -> String,
    renamed: &mut Renamed,
) {
    if rename {
        let new = name(renamed.len());
        push_name(out, &new);
        renamed.push((field, new));
    } else {
        push_name(out, &field);
    }
}

/// The export section `content` with every export but [`KEPT_EXPORT`] renamed.
fn exports(
    content: &[u8],
    name: &impl Fn(usize) -> String,
    renamed: &mut Renamed,
) -> Result<Vec<u8>, String> {
    rewrite_entries(content, "export", |reader, out| {
        let field = reader.name()?;
        let start = reader.at();
        // Its kind and index.
        reader.byte()?;
        reader.number()?;
        let rename = field != KEPT_EXPORT;
        push_field(out, field, rename, name, renamed);
        out.extend_from_slice(reader.since(start));
        Ok(())
    })
}

/// The import section `content` rewritten.
fn imports(
    content: &[u8],
    from: &str,
    name: &impl Fn(usize) -> String,
    renamed: &mut Renamed,
) -> Result<Vec<u8>, String> {
    rewrite_entries(content, "import", |reader, out| {
        let module = reader.name()?;
        let field = reader.name()?;
        let start = reader.at();
        match reader.byte()? {
            // A function: its type.
            0 => {
                reader.number()?;
            }
            // A table: its element type and limits.
            1 => {
                reader.byte()?;
                reader.limits()?;
            }
            // A memory: its limits.
            2 => reader.limits()?,
            // A global: its type and mutability.
            3 => {
                reader.byte()?;
                reader.byte()?;
            }
            // A tag: its attribute and type.
            4 => {
                reader.byte()?;
                reader.number()?;
            }
            kind => return Err(format!("an import of unknown kind {kind}")),
        }
        push_name(out, &module);
        push_field(out, field, module == from, name, renamed);
        out.extend_from_slice(reader.since(start));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `names` from `from` (functions of type 0) and a
    /// memory from `env`, with a custom section after, exporting `exports`.
    fn module(from: &str, names: &[&str], exports: &[&str]) -> Vec<u8> {
        let mut section = Vec::new();
        push_number(&mut section, names.len() as u64 + 1);
        for name in names {
            push_name(&mut section, from);
            push_name(&mut section, name);
            section.extend_from_slice(&[0, 0]);
        }
        push_name(&mut section, "env");
        push_name(&mut section, "memory");
        section.extend_from_slice(&[2, 1, 1, 200, 1]);
        let mut out = HEADER.to_vec();
        out.push(IMPORTS);
        push_number(&mut out, section.len() as u64);
        out.extend_from_slice(&section);
        out.extend_from_slice(&[0, 4, 1, b'x', 9, 9]);
        let mut section = Vec::new();
        push_number(&mut section, exports.len() as u64);
        for (index, name) in exports.iter().enumerate() {
            push_name(&mut section, name);
            section.extend_from_slice(&[0, index as u8]);
        }
        out.push(EXPORTS);
        push_number(&mut out, section.len() as u64);
        out.extend_from_slice(&section);
        out
    }

    #[test]
    fn imports_from_the_glue_are_renamed_and_nothing_else_changes() {
        let long: Vec<String> = (0..200)
            .map(|i| format!("__wbg_f{i}_0123456789abcdef"))
            .collect();
        let names: Vec<&str> = long.iter().map(String::as_str).collect();
        let exports = [
            "memory",
            "__wbindgen_malloc",
            "mountWidget",
            "wasm_bindgen_1_invoke",
        ];
        let (out, renamed, exported) = shorten_names(
            &module("./m_bg.js", &names, &exports),
            "./m_bg.js",
            |i| format!("_{i}"),
            |i| format!("${i}"),
        )
        .unwrap();
        let short: Vec<String> = (0..200).map(|i| format!("_{i}")).collect();
        let shorts: Vec<&str> = short.iter().map(String::as_str).collect();
        let kept = ["memory", "$0", "$1", "$2"];
        assert_eq!(out, module("./m_bg.js", &shorts, &kept));
        assert_eq!(renamed.len(), 200);
        assert_eq!(renamed[7], (long[7].clone(), "_7".to_owned()));
        assert_eq!(
            exported[2],
            ("wasm_bindgen_1_invoke".to_owned(), "$2".to_owned())
        );
    }

    #[test]
    fn broken_or_foreign_modules_are_refused() {
        let whole = module("./m_bg.js", &["a"], &["memory"]);
        let name = |i: usize| i.to_string();
        assert!(shorten_names(&whole, "./other_bg.js", name, name).is_err());
        assert!(shorten_names(&whole[..whole.len() - 3], "./m_bg.js", name, name).is_err());
        assert!(shorten_names(b"not wasm", "./m_bg.js", name, name).is_err());
    }
}
