//! The record of every API request the sim received, served at `/__sim/requests`
//! so tests can check how the widget (or a proxy in front of the sim) behaved.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One received request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Milliseconds since the sim started.
    pub at_ms: u64,
    /// HTTP method.
    pub method: String,
    /// Path as received (still percent-encoded).
    pub path: String,
    /// The query string as received, without `?` (empty when none).
    pub query: String,
    /// Which endpoint: `status` or `calls`.
    pub endpoint: &'static str,
    /// The batch id, for batch requests.
    pub batch_id: Option<String>,
    /// Whether `x-api-key` was present and non-empty.
    pub has_api_key: bool,
    /// Whether `x-workspace-id` was present and non-empty.
    pub has_workspace_id: bool,
    /// The `x-api-key` value, for proxy tests that check which key reached upstream.
    pub api_key: Option<String>,
    /// The `Origin` header, if any.
    pub origin: Option<String>,
    /// Whether another request for the same batch and endpoint was still open
    /// when this arrived.
    pub overlapped: bool,
}

/// Shared request log plus the count of open requests per batch.
#[derive(Clone)]
pub struct RequestLog {
    started: Instant,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    entries: Vec<Entry>,
    open: HashMap<String, usize>,
}

/// Marks a batch request open until dropped (answered, or abandoned by the client).
pub struct OpenRequest {
    log: RequestLog,
    batch_id: String,
}

impl Drop for OpenRequest {
    fn drop(&mut self) {
        let mut inner = self.log.lock();
        if let Some(count) = inner.open.get_mut(&self.batch_id) {
            *count = count.saturating_sub(1);
        }
    }
}

impl RequestLog {
    /// An empty log whose clock starts now.
    pub fn new() -> Self {
        RequestLog {
            started: Instant::now(),
            inner: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        crate::locked(&self.inner)
    }

    /// Milliseconds since the sim started.
    pub fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Records a request; for batch requests, also marks it open.
    pub fn record(&self, mut entry: Entry) -> Option<OpenRequest> {
        entry.at_ms = self.now_ms();
        let mut inner = self.lock();
        let open = entry.batch_id.as_ref().map(|batch_id| {
            // Keyed by endpoint too: the status poll and the explorer are two
            // request streams, each one at a time.
            let batch_id = format!("{batch_id} {}", entry.endpoint);
            let count = inner.open.entry(batch_id.clone()).or_default();
            entry.overlapped = *count > 0;
            *count += 1;
            OpenRequest {
                log: self.clone(),
                batch_id,
            }
        });
        inner.entries.push(entry);
        open
    }

    /// Every entry so far.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().entries.clone()
    }

    /// Forgets all entries (open requests stay counted).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }
}
