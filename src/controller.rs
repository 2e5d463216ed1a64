//! The polling controller: the pure state machine that decides when to fetch,
//! wait or stop, and in the browser the fetch that carries a request out.

pub mod poller;
pub mod schedule;
pub mod sweep;

pub use poller::{Command, Event, Outcome, Poller, Role, Shared, Wait};
pub use sweep::{PageRead, Sweep, SweepCommand, SweepEnd};

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
pub mod share;
