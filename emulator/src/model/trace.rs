//! A member's trace: every transition it made, with the lifecycle edge that allowed it
//! (`GET /emulator/members/{member}/trace` shows it).

use chrono::{DateTime, Utc};

use mx_aggregation_tooling::lifecycle::{LifecycleEvent, Node, Transition};

/// One transition of a member.
#[derive(Debug, Clone)]
pub(crate) struct TraceEntry {
    pub(crate) at: DateTime<Utc>,
    pub(crate) from: Node,
    pub(crate) event: LifecycleEvent,
    pub(crate) to: Node,
    /// The model's edge, `None` when the move is off the model.
    pub(crate) edge: Option<&'static Transition>,
}
