//! Wire types: what the batch-calls API sends, read without trusting it.

pub mod batch;
pub mod calls_page;
pub mod cancel;
#[cfg(target_arch = "wasm32")]
pub mod js;
pub mod json;
pub mod newest;

pub use batch::{BatchState, BatchStatus, CallOutcome, Counts, ErrorBody, RecentCall};
pub use calls_page::{summary_of, CallFilter, CallRecord, CallsPage, Pagination};
pub use cancel::CancelResult;
pub use json::Json;
pub use newest::Newest;

#[cfg(test)]
mod tests;
