//! Fault injection for the end-to-end suite, compiled only with the cargo feature
//! `fault-injection` (never in the shipped build): a batch whose top-level `error`
//! is [`PANIC_TRIGGER`] makes the widget panic while it handles the answer, the way
//! a bug would, so the suite can prove a panic stays inside one widget.

use crate::wire::BatchStatus;

/// The batch `error` text that makes a fault-injection build panic.
pub const PANIC_TRIGGER: &str = "fault-injection: panic";

/// Panics if `status` carries [`PANIC_TRIGGER`].
pub fn panic_if_triggered(status: &BatchStatus) {
    if status.error.as_deref() == Some(PANIC_TRIGGER) {
        panic!("fault injection: a panic while handling an answer");
    }
}
