//! The polling controller: pure scheduling rules, and in the browser the fetch and
//! the timers that carry them out.

pub mod schedule;

pub use schedule::{Next, PollError, Schedule};

#[cfg(target_arch = "wasm32")]
pub mod fetch;
