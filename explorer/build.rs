//! Minifies the stylesheets of the parts loaded on first use: they travel
//! inside the wasm, like the widget's own.

use std::{env, fs, path::Path};

/// The wasm stack of each part, in bytes, as the widget's (see the root
/// build.rs): rustc's default 1 MB would be memory every page pays for.
const WASM_STACK_BYTES: usize = 64 * 1024;

fn main() {
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={WASM_STACK_BYTES}");
    }
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in ["explorer", "cancel", "chart"] {
        let source = format!("src/{name}.css");
        println!("cargo:rerun-if-changed={source}");
        let css = fs::read_to_string(&source).expect("the stylesheet is readable");
        fs::write(
            Path::new(&out).join(format!("{name}.min.css")),
            minify(&css),
        )
        .expect("OUT_DIR is writable");
    }
}

include!("../scripts/minify_css.rs");
