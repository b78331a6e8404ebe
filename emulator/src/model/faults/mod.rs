//! Fault plans: answers on demand, so a service's error handling can be tested.
//!
//! A plan is a list of rules. A rule matches requests by path (a pattern whose `*` stands
//! for one segment), method, member (GUID or partner id as in the path), user, and call:
//! a name of `mx_aggregation::Call` (`aggregate`, `create`, `read`, `list_accounts`,
//! `create_user`, `list_members`, `credentials`…), `other`, or an older spelling (`create_member`, `read_member`, `update_member`). It answers them 202,
//! 409, 429 (with `Retry-After`) or 5xx instead of the emulator's rules: either as an
//! ordered sequence (`[429, 429]`: the first two matching requests get 429, the ones after
//! them the normal answer) or each with a probability drawn from a generator seeded by the
//! emulator's seed, so a run with the same seed and requests faults the same requests.
//!
//! The first rule that matches a request decides: its step is the answer (`"normal"`
//! lets the request through). A faulted request changes nothing in the emulator's state:
//! MX refused it before doing anything. The plan's `webhooks` part injects webhook faults
//! ([`WebhookFaults`]).
//!
//! ```json
//! {"rules": [
//!   {"name": "two 429s", "call": "aggregate",
//!    "sequence": [{"status": 429, "retry_after": 30}, 429, "normal", 503]},
//!   {"name": "flaky reads", "path": "/users/*/members/*", "method": "GET",
//!    "probability": 0.25, "answer": 503}
//! ],
//!  "webhooks": {"duplicate": 1.0}}
//! ```

pub(crate) mod calls;
pub(crate) mod matching;
pub(crate) mod plan;

pub use plan::{FaultPlan, FaultRule, NormalWord, PlanError, Step, WebhookFaults};

/// The call name of a request, from its method and path segments
/// (`["users", "U", "members", "M", "aggregate"]`): a name of `mx_aggregation::Call`, or
/// `other`.
#[deprecated(note = "fault plans name calls as mx_aggregation::Call::name does")]
pub fn call_kind(method: &str, segments: &[&str]) -> &'static str {
    calls::CallName::of(method, &segments.join("/")).name()
}
