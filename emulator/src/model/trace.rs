//! A member's trace: every transition it made, with the lifecycle edge that allowed it
//! (`GET /emulator/members/{member}/trace` shows it).

use chrono::{DateTime, Utc};

use mx_aggregation_tooling::lifecycle::{LifecycleEvent, Node, Transition};

/// One transition of a member.
#[derive(Debug, Clone)]
pub(crate) struct TraceEntry {
    pub(crate) at: DateTime<Utc>,
    pub(crate) from: Node,
    /// The lifecycle event; `None` when the control plane set the status
    /// (`POST /emulator/members/{member}/connection_status`), which is no edge of the model.
    pub(crate) event: Option<LifecycleEvent>,
    pub(crate) to: Node,
    /// The model's edge, `None` when the move is off the model.
    pub(crate) edge: Option<&'static Transition>,
}
