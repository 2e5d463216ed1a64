//! One page of `GET {apiBase}{apiPath}/{batchId}/calls?page=&limit=&status=`,
//! read as tolerantly as the status body: every field is optional, numbers may
//! come as text, and anything of the wrong type is simply absent.

use super::batch::{count, instant, non_negative, text, CallOutcome, Counts};
use super::json::Json;

/// Which calls a page lists: the endpoint's `status` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallFilter {
    /// Every call.
    All,
    /// Calls still queued.
    Waiting,
    /// Calls in progress.
    Active,
    /// Calls that completed.
    Completed,
    /// Calls that failed.
    Failed,
}

impl CallFilter {
    /// Every filter, in the order the explorer's tabs show them.
    pub const ALL: [CallFilter; 5] = [
        CallFilter::All,
        CallFilter::Waiting,
        CallFilter::Active,
        CallFilter::Completed,
        CallFilter::Failed,
    ];

    /// The value of the `status` query parameter.
    pub fn wire(self) -> &'static str {
        match self {
            CallFilter::All => "all",
            CallFilter::Waiting => "waiting",
            CallFilter::Active => "active",
            CallFilter::Completed => "completed",
            CallFilter::Failed => "failed",
        }
    }

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            CallFilter::All => "All",
            CallFilter::Waiting => "Waiting",
            CallFilter::Active => "In progress",
            CallFilter::Completed => "Completed",
            CallFilter::Failed => "Failed",
        }
    }

    /// Reads a `status` value as a host would pass it; unknown text is `None`.
    pub fn parse(text: &str) -> Option<CallFilter> {
        let text = text.trim();
        CallFilter::ALL
            .into_iter()
            .find(|filter| filter.wire().eq_ignore_ascii_case(text))
    }
}

/// One entry of `calls[]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallRecord {
    /// `jobId`.
    pub job_id: Option<String>,
    /// `status`.
    pub outcome: CallOutcome,
    /// `phone_number`, unmasked: masking is the view's job.
    pub phone_number: Option<String>,
    /// `startTime`, epoch ms.
    pub start_time: Option<f64>,
    /// `endTime`, epoch ms.
    pub end_time: Option<f64>,
    /// `duration`, seconds.
    pub duration_secs: Option<f64>,
    /// `error`.
    pub error: Option<String>,
}

/// `pagination`, with what is missing worked out from what is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The page this is, from 1.
    pub page: u64,
    /// Calls per page.
    pub limit: u64,
    /// Calls in the filter.
    pub total: u64,
    /// Pages in the filter, at least 1.
    pub total_pages: u64,
}

/// What the `/calls` summary adds to the batch's counts: reading them per
/// filter, and whether the list can still change.
impl Counts {
    /// The count of one filter (`total` for [`CallFilter::All`]).
    pub fn of(&self, filter: CallFilter) -> u64 {
        match filter {
            CallFilter::All => self.total,
            CallFilter::Waiting => self.waiting,
            CallFilter::Active => self.active,
            CallFilter::Completed => self.completed,
            CallFilter::Failed => self.failed,
        }
    }

    /// Whether no call is queued or in progress: the list can no longer change.
    pub fn is_settled(&self) -> bool {
        self.waiting == 0 && self.active == 0
    }
}

/// A parsed page of calls.
#[derive(Debug, Clone, PartialEq)]
pub struct CallsPage {
    /// The calls, in the order sent.
    pub calls: Vec<CallRecord>,
    /// Where this page is.
    pub pagination: Pagination,
    /// The batch's counts, when the body has a readable `summary`; `total`
    /// is at least the sum of the others.
    pub summary: Option<Counts>,
}

impl CallsPage {
    /// Reads a page; `asked` is the page and limit that were requested, used
    /// where the body does not say. `None` when the body is not an object with a
    /// `calls` array.
    pub fn from_json(root: &Json, asked_page: u64, asked_limit: u64) -> Option<Self> {
        let calls: Vec<CallRecord> = root
            .array("calls")?
            .iter()
            .filter(|item| item.is_object())
            .map(call_record)
            .collect();
        let paging = root.get("pagination").filter(|p| p.is_object());
        let read = |key: &str| paging.map_or(0, |p| count(p, key));
        let page = Some(read("page"))
            .filter(|p| *p > 0)
            .unwrap_or(asked_page.max(1));
        let limit = Some(read("limit"))
            .filter(|l| *l > 0)
            .unwrap_or(asked_limit.max(1));
        let seen = (page - 1)
            .saturating_mul(limit)
            .saturating_add(calls.len() as u64);
        let stated_total = paging
            .and_then(|p| p.numeric("total"))
            .filter(|t| *t >= 0.0);
        let total = stated_total.map_or(seen, |t| t.round() as u64);
        let total_pages = Some(read("totalPages"))
            .filter(|p| *p > 0)
            .unwrap_or_else(|| total.div_ceil(limit))
            .max(1);
        Some(CallsPage {
            calls,
            pagination: Pagination {
                page,
                limit,
                total,
                total_pages,
            },
            summary: summary_of(root),
        })
    }
}

/// The batch's counts from the `summary` of a `/calls` body, when it has a
/// readable one; `total` is at least the sum of the others. Read on its own
/// where only the counts matter (the cancel dialog asks for one call).
pub fn summary_of(root: &Json) -> Option<Counts> {
    root.get("summary").filter(|s| s.is_object()).map(|s| {
        let mut summary = Counts {
            total: count(s, "total"),
            waiting: count(s, "waiting"),
            active: count(s, "active"),
            completed: count(s, "completed"),
            failed: count(s, "failed"),
        };
        let parts = [summary.active, summary.completed, summary.failed]
            .iter()
            .fold(summary.waiting, |sum, n| sum.saturating_add(*n));
        summary.total = summary.total.max(parts);
        summary
    })
}

fn call_record(item: &Json) -> CallRecord {
    CallRecord {
        job_id: text(item, "jobId"),
        outcome: CallOutcome::from_wire(item.string("status")),
        phone_number: text(item, "phone_number"),
        start_time: instant(item, "startTime"),
        end_time: instant(item, "endTime"),
        duration_secs: non_negative(item, "duration"),
        error: text(item, "error"),
    }
}

#[cfg(test)]
mod tests;
