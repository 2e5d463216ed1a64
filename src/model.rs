//! The pure model: what to show, computed from parsed data and a time passed in.
//! Nothing here touches the browser, so all of it is tested with plain `cargo test`.

pub mod breakdown;
pub mod cancel;
pub mod clock;
pub mod csv;
pub mod eta;
pub mod failure_reasons;
pub mod format;
pub mod html;
pub mod mask;

pub use breakdown::{percent_digits, percent_label, Breakdown, Fractions};
pub use clock::{clock_face, next_change, ClockTimes};
pub use eta::EtaEstimator;
pub mod messages;
pub mod paging;
pub mod poll_error;
pub mod summary;
pub mod throughput;

pub use messages::{error_text, ErrorText};
pub use poll_error::PollError;
pub use summary::StatusSummary;
