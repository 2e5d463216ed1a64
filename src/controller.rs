//! The polling controller: the pure state machine that decides when to fetch,
//! wait or stop, and in the browser the fetch that carries a request out.

pub mod poller;
pub mod schedule;

pub use poller::{Command, Event, Outcome, Poller, Wait};

#[cfg(target_arch = "wasm32")]
pub mod fetch;
