//! What the routes share, and the constant-time comparison of secrets they check.

use std::sync::Arc;

use crate::drive::Worker;
use crate::scheduler::Running;
use crate::store::Inbox;

/// What the routes share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The drives' worker (database, drivers, clock).
    pub worker: Worker,
    /// The drives running in this process.
    pub running: Running,
    /// Where MX's webhooks are stored, in groups.
    pub inbox: Inbox,
    /// The bearer token every route but the open ones needs.
    pub api_token: Option<Arc<str>>,
    /// `USER:PASS` MX's webhooks must carry as Basic auth.
    pub webhook_basic_auth: Option<Arc<str>>,
}

/// Compares without stopping at the first difference.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
