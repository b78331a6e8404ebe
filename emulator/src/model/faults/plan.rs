//! A fault plan as a test writes it, and the checks that make it one the emulator can
//! play: statuses a fault may answer, one shape per rule, probabilities between 0 and 1,
//! call names of the vocabulary.

use serde::{Deserialize, Serialize};

use crate::model::faults::calls::CallName;

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
    /// The call: a name of `mx_aggregation::Call` (`aggregate`, `create`, `read`,
    /// `list_accounts`, `create_user`, `list_members`, `credentials`…), `other`, or an
    /// older spelling (`create_member`, `read_member`, `update_member`).
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

    pub(crate) fn retry_after(&self) -> u64 {
        match self {
            Self::Detailed {
                retry_after: Some(seconds),
                ..
            } => *seconds,
            Self::Status(_) | Self::Normal(_) | Self::Detailed { .. } => 1,
        }
    }

    pub(crate) fn message(&self) -> Option<&str> {
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
    /// Sends MX's account webhooks too (an account created, updated or deleted, with its
    /// fields), which MX sends only to the clients that subscribe to them
    /// (<https://docs.mx.com/resources/webhooks/accounts>).
    #[serde(default)]
    pub accounts: bool,
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
    /// A rule names a call the emulator does not know.
    #[error(
        "rule {rule}: call {name:?} is not a call the emulator serves (see mx_aggregation::Call)"
    )]
    Call {
        /// The rule's position (from 0).
        rule: usize,
        /// The name given.
        name: String,
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
            if let Some(name) = &rule.call
                && CallName::from_name(name).is_none()
            {
                return Err(PlanError::Call {
                    rule: i,
                    name: name.chars().take(60).collect(),
                });
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
