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
