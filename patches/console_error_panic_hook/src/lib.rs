//! A silent stand-in for `console_error_panic_hook`, with the same two functions.
//!
//! Yew's `Renderer` installs `console_error_panic_hook::hook` unless a hook was
//! set first. The widget always sets its own silent hook first (see
//! `src/embed.rs`), so the real crate's hook, which formats the panic message and
//! prints it to the host page's console, is never called, yet its formatting code
//! was linked into every download. This crate keeps the names and drops the body.

use std::panic::PanicHookInfo;

/// Does nothing: a panic in the widget is reported by its crash boundary, never
/// in the host page's console.
pub fn hook(_info: &PanicHookInfo) {}

/// Does nothing, as [`hook`] does nothing.
pub fn set_once() {}
