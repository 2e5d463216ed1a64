//! What the explorer and the sweeps share to carry out the pure rules: the
//! clock, the page's visibility, a timer for a moment, and reaching an owner
//! that callbacks hold only weakly.

#[cfg(feature = "explorer")]
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Weak;

/// The time, epoch ms, as the rules take it.
#[cfg(any(feature = "explorer", feature = "chart"))]
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// Whether the page is hidden now.
#[cfg(feature = "explorer")]
pub fn page_hidden() -> bool {
    gloo_utils::document().visibility_state() == web_sys::VisibilityState::Hidden
}

/// A timer that runs `then` at `at` (epoch ms), or at once if that has passed.
#[cfg(feature = "explorer")]
/// Dropping it cancels it.
pub fn timer_at(at: f64, then: impl FnOnce() + 'static) -> Timeout {
    Timeout::new((at - now()).max(0.0) as u32, then)
}

/// Runs `action` on the owner behind `me`, if it is still alive and not busy
/// (a callback never re-enters the owner's own work).
pub fn with<T>(me: &Weak<RefCell<T>>, action: impl FnOnce(&mut T)) {
    if let Some(owner) = me.upgrade() {
        if let Ok(mut owner) = owner.try_borrow_mut() {
            action(&mut owner);
        }
    }
}
