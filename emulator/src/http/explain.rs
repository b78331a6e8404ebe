//! Every answer explained: the `X-Emulator-Rule` header naming the rule that produced an
//! answer (`202: inside the 3-hour window until 2026-03-02T12:00:00Z`).

use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

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

/// Marks an answer to a call that can start a job (create or update member, a job call)
/// as having started one, for the request journal's `job_started`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JobStarted;

/// `response` marked as having started a job.
pub(crate) fn job_started(mut response: Response) -> Response {
    response.extensions_mut().insert(JobStarted);
    response
}

/// `response` with `X-Emulator-Rule: text`.
pub(crate) fn with_rule(mut response: Response, text: &str) -> Response {
    set_rule(response.headers_mut(), text);
    response
}
