//! Every answer explained: the `X-Emulator-Rule` header naming the rule that produced an
//! answer (`202: inside the 3-hour window until 2026-03-02T12:00:00Z`), and each member's
//! trace of transitions with the lifecycle edge, its basis and source.

use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::lifecycle::{LifecycleEvent, Node, Transition};
use crate::views;

/// The header naming the rule behind an answer.
pub(crate) const RULE_HEADER: &str = "x-emulator-rule";

/// Sets `X-Emulator-Rule` to `text`, made a valid header value (visible ASCII, 300
/// characters at most).
pub(crate) fn set_rule(headers: &mut HeaderMap, text: &str) {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(300)
        .collect();
    if let Ok(value) = HeaderValue::from_str(&clean) {
        headers.insert(RULE_HEADER, value);
    }
}

/// `response` with `X-Emulator-Rule: text`.
pub(crate) fn with_rule(mut response: Response, text: &str) -> Response {
    set_rule(response.headers_mut(), text);
    response
}

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

impl TraceEntry {
    /// The entry as `GET /emulator/members/{member}/trace` shows it.
    pub(crate) fn view(&self) -> Value {
        let rule = self.edge.map_or_else(
            || {
                format!(
                    "{} --{}--> {} (off the lifecycle model)",
                    self.from, self.event, self.to
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
            "at": views::rfc3339(self.at),
            "from": self.from.to_string(),
            "event": self.event.as_str(),
            "to": self.to.to_string(),
            "cause": self.event.cause().as_str(),
            "rule": rule,
            "source": self.edge.map(|edge| edge.source),
        })
    }
}
