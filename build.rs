//! Minifies the widget's stylesheet at build time: it travels inside the wasm, and
//! comments and indentation are bytes every embedding page would download.

use std::{env, fs, path::Path};

/// The wasm stack, in bytes. rustc's default is 1 MB, laid out before the data,
/// and every widget instance pays for it in memory. Sized from a measurement:
/// the browser test `the_deepest_screen_uses_at_most_a_quarter_of_the_stack`,
/// run on the optimised build as shipped (`make browser` tests `--release`),
/// saw at most 13.8 KB used, and fails if use ever passes a quarter of this.
/// An overflow traps like a panic and stops only that widget's instance.
const WASM_STACK_BYTES: usize = 64 * 1024;

fn main() {
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        // The widget and its browser tests: the tests measure the stack they get.
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={WASM_STACK_BYTES}");
        println!("cargo:rustc-link-arg-tests=-zstack-size={WASM_STACK_BYTES}");
    }
    println!("cargo:rustc-env=WASM_STACK_BYTES={WASM_STACK_BYTES}");
    let source = "src/embed/widget.css";
    println!("cargo:rerun-if-changed={source}");
    let css = fs::read_to_string(source).expect("widget.css is readable");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("widget.min.css");
    fs::write(out, minify(&css)).expect("OUT_DIR is writable");
}

// `minify`, shared with explorer/build.rs.
include!("scripts/minify_css.rs");
