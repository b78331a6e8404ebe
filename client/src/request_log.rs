//! [`RequestLog`]: every call a client made and what came back, for tests and audits
//! (e.g. "no aggregate was sent inside MX's window").

use std::sync::{Arc, Mutex, PoisonError};

/// One call and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The call's name, e.g. `aggregate`.
    pub endpoint: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path and query.
    pub path: String,
    /// The HTTP status; `None` when no answer came.
    pub status: Option<u16>,
    /// The response body (empty when none).
    pub body: String,
}

/// A shared, append-only list of calls. Cloning shares the list.
///
/// Opt in with [`MxClient::with_request_log`](crate::MxClient::with_request_log): a
/// service in production would keep every body in memory.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    entries: Arc<Mutex<Vec<LoggedRequest>>>,
}

impl RequestLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&self, entry: LoggedRequest) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// A copy of the calls so far, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The calls named `endpoint` so far.
    pub fn named(&self, endpoint: &str) -> Vec<LoggedRequest> {
        self.entries()
            .into_iter()
            .filter(|e| e.endpoint == endpoint)
            .collect()
    }
}

/// Counts of calls by name and HTTP status, and the `Retry-After` of MX's latest `429`:
/// what a long-running service keeps for its metrics and its one global respect of
/// MX's rate limit, in bounded memory (no bodies, no paths).
///
/// Opt in with [`MxClient::with_call_tally`](crate::MxClient::with_call_tally).
/// Cloning shares the tally.
#[derive(Debug, Clone, Default)]
pub struct CallTally {
    inner: Arc<Mutex<Tally>>,
}

#[derive(Debug, Default)]
struct Tally {
    counts: std::collections::BTreeMap<(&'static str, Option<u16>), u64>,
    retry_after: Option<String>,
}

impl CallTally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn count(
        &self,
        endpoint: &'static str,
        status: Option<u16>,
        retry_after: Option<&str>,
    ) {
        let mut tally = self.lock();
        let entry = tally.counts.entry((endpoint, status)).or_insert(0);
        *entry = entry.saturating_add(1);
        if status == Some(429) {
            tally.retry_after = Some(retry_after.unwrap_or_default().to_owned());
        }
    }

    /// The calls so far: name, status (`None`: no answer came), count; by name.
    pub fn counts(&self) -> Vec<(&'static str, Option<u16>, u64)> {
        self.lock()
            .counts
            .iter()
            .map(|(&(endpoint, status), &count)| (endpoint, status, count))
            .collect()
    }

    /// The `Retry-After` value of the latest `429` (empty when MX sent none), once:
    /// a second call returns `None` until the next `429`.
    pub fn take_retry_after(&self) -> Option<String> {
        self.lock().retry_after.take()
    }
}
