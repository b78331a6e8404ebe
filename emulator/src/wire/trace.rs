//! A member's trace as `GET /emulator/members/{member}/trace` shows it: each transition
//! with the lifecycle edge (its basis tag and guard) and the edge's source.

use serde_json::{Value, json};

use crate::model::trace::TraceEntry;
use crate::wire::views::rfc3339;

/// One entry of the trace.
pub(crate) fn entry(entry: &TraceEntry) -> Value {
    let rule = entry.edge.map_or_else(
        || {
            format!(
                "{} --{}--> {} (off the lifecycle model)",
                entry.from, entry.event, entry.to
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
        "event": entry.event.as_str(),
        "to": entry.to.to_string(),
        "cause": entry.event.cause().as_str(),
        "rule": rule,
        "source": entry.edge.map(|edge| edge.source),
    })
}
