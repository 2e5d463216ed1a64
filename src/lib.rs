//! An embeddable widget that shows the live progress of a batch of outbound AI
//! phone calls.
//!
//! Data flows one way through the modules:
//! [`wire`] (tolerant parsing) → [`model`] (pure progress, ETA, formatting) →
//! [`controller`] (when to poll; in the browser, fetch and timers) → `view` (Yew
//! components) → `embed` (custom element and JS API). The first three and
//! [`config`] have no browser dependency and are tested with `cargo test`.

pub mod config;
pub mod controller;
pub mod model;
pub mod wire;

#[cfg(all(target_arch = "wasm32", feature = "embed"))]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod options;
#[cfg(target_arch = "wasm32")]
pub mod view;

#[cfg(target_arch = "wasm32")]
mod heap;

/// Talc instead of the standard dlmalloc: 2.6 KB gzip less for every embedding
/// page, no slower on the widget's allocation pattern (`make bench`), and it
/// grows the memory only as far as the widget's working set needs, starting
/// with the pages the module is given (see `heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: heap::Heap = heap::heap();
