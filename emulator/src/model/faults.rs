//! Fault plans: answers on demand, so a service's error handling can be tested.
//!
//! A plan is a list of rules. A rule matches requests by path (a pattern whose `*` stands
//! for one segment), method, member (GUID or partner id as in the path), user, and call
//! kind (`aggregate`, `read_member`…, see [`call_kind`]), and answers them 202, 409, 429
//! (with `Retry-After`) or 5xx instead of the emulator's rules: either as an ordered
//! sequence (`[429, 429]`: the first two matching requests get 429, the ones after them
//! the normal answer) or each with a probability drawn from a generator seeded by the
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

use serde::{Deserialize, Serialize};

use crate::model::ids::splitmix;

/// A fault plan: rules for requests and faults for webhooks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// The rules, the first matching one decides.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
    /// Faults injected into webhook deliveries; `None` keeps the ones set before (flags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookFaults>,
}

/// One rule of a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Names the rule in `X-Emulator-Rule` and in `GET /emulator/faults`.
    #[serde(default)]
    pub name: Option<String>,
    /// A path pattern, `*` matching one segment (`/users/*/members/*/aggregate`).
    #[serde(default)]
    pub path: Option<String>,
    /// The HTTP method (any case).
    #[serde(default)]
    pub method: Option<String>,
    /// The member GUID (or id) as it appears in the path.
    #[serde(default)]
    pub member: Option<String>,
    /// The user GUID (or id) as it appears in the path.
    #[serde(default)]
    pub user: Option<String>,
    /// The call kind ([`call_kind`]): `aggregate`, `verify`, `create_member`…
    #[serde(default)]
    pub call: Option<String>,
    /// Ordered answers for the matching requests, one each; after the last, requests are
    /// answered normally (or from the start again when `repeat` is true).
    #[serde(default)]
    pub sequence: Vec<Step>,
    /// Starts the sequence again after its last step.
    #[serde(default)]
    pub repeat: bool,
    /// With `answer`: the chance (0 to 1) that a matching request gets `answer`.
    #[serde(default)]
    pub probability: Option<f64>,
    /// The answer given with `probability`.
    #[serde(default)]
    pub answer: Option<Step>,
}

/// One answer of a rule: a status (`429`), `"normal"`, or an object with a status and
/// optionally `retry_after` (seconds, for 429) and `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Step {
    /// Just the status.
    Status(u16),
    /// `"normal"`: the emulator's own answer.
    Normal(NormalWord),
    /// A status with details.
    Detailed {
        /// 202, 409, 429 or 5xx.
        status: u16,
        /// `Retry-After` in seconds (429; 1 when absent).
        #[serde(default)]
        retry_after: Option<u64>,
        /// The error message.
        #[serde(default)]
        message: Option<String>,
    },
}

/// The word `normal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NormalWord {
    /// The emulator's own answer.
    Normal,
}

impl Step {
    /// The status to answer with, or `None` for the normal answer.
    pub const fn status(&self) -> Option<u16> {
        match self {
            Self::Status(status) | Self::Detailed { status, .. } => Some(*status),
            Self::Normal(_) => None,
        }
    }

    fn retry_after(&self) -> u64 {
        match self {
            Self::Detailed {
                retry_after: Some(seconds),
                ..
            } => *seconds,
            Self::Status(_) | Self::Normal(_) | Self::Detailed { .. } => 1,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Self::Detailed {
                message: Some(message),
                ..
            } => Some(message),
            Self::Status(_) | Self::Normal(_) | Self::Detailed { .. } => None,
        }
    }
}

/// Faults injected into webhook deliveries; probabilities are drawn from the seeded
/// generator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFaults {
    /// The chance that a webhook is never sent (its attempt is recorded as `dropped`).
    #[serde(default)]
    pub drop: f64,
    /// The chance that a delivered webhook is sent a second time at once.
    #[serde(default)]
    pub duplicate: f64,
    /// Seconds of virtual time every webhook waits before its first attempt.
    #[serde(default)]
    pub delay_seconds: u64,
    /// Holds webhooks (at least a second of virtual time) and sends those due together
    /// newest first.
    #[serde(default)]
    pub reorder: bool,
    /// Sends MX's transaction webhooks too (created, updated, deleted), which MX sends
    /// only to the clients that subscribe to them
    /// (<https://docs.mx.com/resources/webhooks/transactions>).
    #[serde(default)]
    pub transactions: bool,
}

/// Why a plan cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A status other than 202, 409, 429 or 5xx.
    #[error("rule {rule}: status {status} is not one a fault answers (202, 409, 429, 500-599)")]
    Status {
        /// The rule's position (from 0).
        rule: usize,
        /// The status given.
        status: u16,
    },
    /// Neither a sequence nor a probability with an answer, or both.
    #[error("rule {rule}: give either `sequence` or `probability` with `answer`")]
    Shape {
        /// The rule's position (from 0).
        rule: usize,
    },
    /// A probability outside 0..=1.
    #[error("rule {rule}: probability {value} is not between 0 and 1")]
    Probability {
        /// The rule's position (from 0); `usize::MAX` for the webhook faults.
        rule: usize,
        /// The value given.
        value: String,
    },
    /// The plan is not the JSON expected.
    #[error("the fault plan is not the JSON expected: {0}")]
    Json(String),
}

impl FaultPlan {
    /// Reads a plan from JSON and checks it.
    ///
    /// # Errors
    /// When the JSON is not a plan or a rule is not one the emulator can play.
    pub fn from_json(text: &str) -> Result<Self, PlanError> {
        let plan: Self = serde_json::from_str(text).map_err(|error| {
            let mut message = error.to_string();
            message.truncate(200);
            PlanError::Json(message)
        })?;
        plan.check()?;
        Ok(plan)
    }

    /// Checks every rule.
    ///
    /// # Errors
    /// The first rule the emulator cannot play.
    pub fn check(&self) -> Result<(), PlanError> {
        for (i, rule) in self.rules.iter().enumerate() {
            let shape_ok = match (&rule.probability, &rule.answer) {
                (Some(_), Some(_)) => rule.sequence.is_empty(),
                (None, None) => !rule.sequence.is_empty(),
                _ => false,
            };
            if !shape_ok {
                return Err(PlanError::Shape { rule: i });
            }
            if let Some(p) = rule.probability {
                check_probability(i, p)?;
            }
            for step in rule.sequence.iter().chain(&rule.answer) {
                if let Some(status) = step.status()
                    && !(status == 202
                        || status == 409
                        || status == 429
                        || (500..600).contains(&status))
                {
                    return Err(PlanError::Status { rule: i, status });
                }
            }
        }
        if let Some(webhooks) = &self.webhooks {
            check_probability(usize::MAX, webhooks.drop)?;
            check_probability(usize::MAX, webhooks.duplicate)?;
        }
        Ok(())
    }
}

fn check_probability(rule: usize, p: f64) -> Result<(), PlanError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(PlanError::Probability {
            rule,
            value: format!("{p:.6}"),
        })
    }
}

/// What a request looks like to the rules.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) user: Option<&'a str>,
    pub(crate) member: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub(crate) fn of(method: &'a str, path: &'a str) -> Self {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let user = (segments.first() == Some(&"users")).then(|| segments.get(1).copied());
        let member = (segments.first() == Some(&"users") && segments.get(2) == Some(&"members"))
            .then(|| segments.get(3).copied());
        Self {
            method,
            path,
            kind: call_kind(method, &segments),
            user: user.flatten(),
            member: member.flatten(),
        }
    }
}

/// The call kind of a request, from its method and path segments
/// (`["users", "U", "members", "M", "aggregate"]`): `create_user`, `read_user`, `delete_user`, `list_members`,
/// `create_member`, `read_member`, `update_member`, `delete_member`, `status`,
/// `challenges`, `resume`, `aggregate`, `verify`, `identify`, `oauth_window_uri`,
/// `credentials`, `list_accounts`, `read_account`, `list_transactions`,
/// `read_transaction`, or `other`.
pub fn call_kind(method: &str, segments: &[&str]) -> &'static str {
    let get = method.eq_ignore_ascii_case("GET");
    let post = method.eq_ignore_ascii_case("POST");
    let put = method.eq_ignore_ascii_case("PUT");
    let delete = method.eq_ignore_ascii_case("DELETE");
    match segments {
        ["users"] if post => "create_user",
        ["users", _] if get => "read_user",
        ["users", _] if delete => "delete_user",
        ["users", _, "members"] if get => "list_members",
        ["users", _, "members"] if post => "create_member",
        ["users", _, "members", _] if get => "read_member",
        ["users", _, "members", _] if put => "update_member",
        ["users", _, "members", _] if delete => "delete_member",
        ["users", _, "members", _, "status"] => "status",
        ["users", _, "members", _, "challenges"] => "challenges",
        ["users", _, "members", _, "resume"] => "resume",
        ["users", _, "members", _, "aggregate"] => "aggregate",
        ["users", _, "members", _, "verify"] => "verify",
        ["users", _, "members", _, "identify"] => "identify",
        ["users", _, "members", _, "oauth_window_uri"] => "oauth_window_uri",
        ["institutions", _, "credentials"] => "credentials",
        ["users", _, "accounts"] | ["users", _, "members", _, "accounts"] if get => "list_accounts",
        ["users", _, "accounts", _] | ["users", _, "members", _, "accounts", _] if get => {
            "read_account"
        }
        ["users", _, "transactions"]
        | ["users", _, "members", _, "transactions"]
        | ["users", _, "accounts", _, "transactions"]
        | ["users", _, "members", _, "accounts", _, "transactions"]
            if get =>
        {
            "list_transactions"
        }
        ["users", _, "transactions", _] if get => "read_transaction",
        _ => "other",
    }
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.trim_matches('/').split('/');
    let mut have = path.trim_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if w == "*" || w == h => {}
            _ => return false,
        }
    }
}

impl FaultRule {
    fn matches(&self, call: &Call<'_>) -> bool {
        self.path
            .as_deref()
            .is_none_or(|p| path_matches(p, call.path))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(call.method))
            && self.call.as_deref().is_none_or(|k| k == call.kind)
            && self
                .member
                .as_deref()
                .is_none_or(|m| call.member == Some(m))
            && self.user.as_deref().is_none_or(|u| call.user == Some(u))
    }

    /// The rule's name for headers: its `name`, else its position.
    fn label(&self, index: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("rule {index}"))
    }
}

/// A fault the gate answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<u64>,
    pub(crate) message: String,
    /// For `X-Emulator-Rule`.
    pub(crate) explanation: String,
}

/// A loaded plan and how far each rule got.
#[derive(Debug, Clone)]
pub(crate) struct Faults {
    pub(crate) plan: FaultPlan,
    /// Matching requests seen per rule.
    pub(crate) matched: Vec<u64>,
    /// Faults answered per rule.
    pub(crate) fired: Vec<u64>,
    pub(crate) webhooks: WebhookFaults,
    rng: u64,
}

impl Faults {
    pub(crate) fn new(seed: u64, webhooks: WebhookFaults) -> Self {
        Self {
            plan: FaultPlan::default(),
            matched: Vec::new(),
            fired: Vec::new(),
            webhooks,
            rng: splitmix(seed ^ 0x6661_756c_7473),
        }
    }

    /// Replaces the plan (counts start again).
    pub(crate) fn load(&mut self, plan: FaultPlan) {
        if let Some(webhooks) = &plan.webhooks {
            self.webhooks = webhooks.clone();
        }
        self.matched = vec![0; plan.rules.len()];
        self.fired = vec![0; plan.rules.len()];
        self.plan = plan;
    }

    /// A draw in `[0, 1)` from the seeded generator.
    pub(crate) fn draw(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let bits = splitmix(self.rng) >> 11;
        #[allow(clippy::cast_precision_loss)]
        let value = bits as f64 / (1_u64 << 53) as f64;
        value
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.draw() < p
    }

    /// The fault for `call`, if the first matching rule gives one.
    pub(crate) fn decide(&mut self, call: &Call<'_>) -> Option<Fault> {
        let index = self.plan.rules.iter().position(|r| r.matches(call))?;
        let seen = self.matched.get(index).copied().unwrap_or(0);
        if let Some(count) = self.matched.get_mut(index) {
            *count += 1;
        }
        let rule = self.plan.rules.get(index)?.clone();
        let label = rule.label(index);
        let (step, why) = match (rule.probability, &rule.answer) {
            (Some(p), Some(answer)) => {
                if !self.chance(p) {
                    return None;
                }
                (answer.clone(), format!("probability {p}"))
            }
            _ => {
                let len = u64::try_from(rule.sequence.len()).ok()?;
                let position = if rule.repeat && len > 0 {
                    seen % len
                } else {
                    seen
                };
                let step = rule.sequence.get(usize::try_from(position).ok()?)?;
                (step.clone(), format!("step {} of {len}", position + 1))
            }
        };
        let status = step.status()?;
        if let Some(count) = self.fired.get_mut(index) {
            *count += 1;
        }
        let retry_after = (status == 429).then(|| step.retry_after());
        Some(Fault {
            status,
            retry_after,
            message: step.message().map_or_else(
                || format!("fault plan rule \"{label}\" answers {status}"),
                str::to_owned,
            ),
            explanation: format!("{status}: fault plan rule \"{label}\" ({why})"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_is_played_in_order_then_normal() {
        let plan = FaultPlan::from_json(
            r#"{"rules":[{"call":"aggregate","sequence":[429,{"status":503},"normal",409]}]}"#,
        )
        .unwrap();
        let mut faults = Faults::new(1, WebhookFaults::default());
        faults.load(plan);
        let call = Call::of("POST", "/users/U/members/M/aggregate");
        let got: Vec<Option<u16>> = (0..6)
            .map(|_| faults.decide(&call).map(|f| f.status))
            .collect();
        assert_eq!(got, [Some(429), Some(503), None, Some(409), None, None]);
        let other = Call::of("GET", "/users/U/members/M");
        assert_eq!(faults.decide(&other), None);
    }

    #[test]
    fn bad_plans_are_refused() {
        assert_eq!(
            FaultPlan::from_json(r#"{"rules":[{"sequence":[404]}]}"#),
            Err(PlanError::Status {
                rule: 0,
                status: 404
            })
        );
        assert_eq!(
            FaultPlan::from_json(r#"{"rules":[{"probability":0.5}]}"#),
            Err(PlanError::Shape { rule: 0 })
        );
        assert!(matches!(
            FaultPlan::from_json(r#"{"rules":[{"probability":1.5,"answer":500}]}"#),
            Err(PlanError::Probability { rule: 0, .. })
        ));
    }
}
