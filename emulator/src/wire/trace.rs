//! A member's trace as `GET /emulator/members/{member}/trace` shows it: each transition
//! with the lifecycle edge (its basis tag and guard) and the edge's source.

use serde_json::{Value, json};

use crate::model::trace::TraceEntry;
use crate::wire::views::rfc3339;

/// The trace's `event` for a status set through the control plane.
pub(crate) const FORCED_EVENT: &str = "forced_status";

/// One entry of the trace.
pub(crate) fn entry(entry: &TraceEntry) -> Value {
    let Some(event) = entry.event else {
        return json!({
            "at": rfc3339(entry.at),
            "from": entry.from.to_string(),
            "event": FORCED_EVENT,
            "to": entry.to.to_string(),
            "cause": "emulator control plane",
            "rule": format!(
                "{} --{FORCED_EVENT}--> {}: set by POST /emulator/members/{{member}}/connection_status",
                entry.from, entry.to
            ),
            "source": Value::Null,
        });
    };
    let rule = entry.edge.map_or_else(
        || {
            format!(
                "{} --{}--> {} (off the lifecycle model)",
                entry.from, event, entry.to
            )
        },
        |edge| {
            let guard = edge.guard.description();
            let guard = if guard.is_empty() {
                String::new()
            } else {
                format!(", when {guard}")
            };
            format!(
                "{} --{}--> {} [{}{guard}]",
                edge.from,
                edge.event,
                edge.to,
                edge.basis.tag()
            )
        },
    );
    json!({
        "at": rfc3339(entry.at),
        "from": entry.from.to_string(),
        "event": event.as_str(),
        "to": entry.to.to_string(),
        "cause": event.cause().as_str(),
        "rule": rule,
        "source": entry.edge.map(|edge| edge.source),
    })
}
