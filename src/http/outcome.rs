//! What came back for a call ([`Answer`]) and what the service does next
//! ([`NextStep`], [`HttpOutcome`]): the input and output of
//! [`Call::classify`](crate::Call::classify).
//!
//! Sans-IO like [`decide`](fn@crate::decide): the service makes the request with its own
//! HTTP client and hands over what came back (or that nothing did). Every rule is a row of
//! [`HttpRule`], with its source.

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;

use super::rule::HttpRule;
use crate::time::timestamp::Rfc3339;

/// What came back from MX for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer<'a> {
    /// No HTTP answer: the request timed out, or the connection broke after the request
    /// was sent. MX may or may not have acted on it.
    NoResponse,
    /// An HTTP answer.
    Response {
        /// The HTTP status code.
        status: u16,
        /// The response body as text (empty when there was none).
        body: &'a str,
        /// The `Retry-After` header's value, when MX sent one.
        retry_after: Option<&'a str>,
    },
}

/// What the service must do after MX answered a call. Each variant's doc is the duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a NextStep tells the caller what it must do next"]
pub enum NextStep {
    /// The call did what it was for. The body is MX's view of the member (or its
    /// challenges, or its OAuth URI): fold it into the member state, or decide on it.
    Done,
    /// A job runs on the member. Do not repeat the call; read the member's status after
    /// `after_secs` and decide on it.
    PollJob {
        /// Seconds until the read; never under MX's 3-second polling minimum.
        after_secs: u64,
    },
    /// MX accepted `aggregate` and started nothing: the member is in MX's throttle window.
    /// Do not call `aggregate` for it before `until`; decide on the member then.
    Throttled {
        /// The first whole second at which the window is over, by the body's timestamps
        /// (the latest of `aggregated_at` and `successfully_aggregated_at`, plus
        /// [`Policy::cooldown`](crate::Policy::cooldown)); when those say the window is already over, MX's is
        /// longer than the policy's: a [`Policy::retry_max`](crate::Policy::retry_max) that doubles with each
        /// throttled attempt. At most one cooldown from now.
        until: DateTime<Utc>,
    },
    /// A job of a different kind runs. Poll the member's status from `after_secs` on until
    /// it is no longer being aggregated, then make the same call again.
    OtherJobRunning {
        /// Seconds until the first read.
        after_secs: u64,
    },
    /// Make the same call again after `after_secs`. The call is safe to repeat.
    Retry {
        /// Seconds to wait: `Retry-After` when MX sent it, else the backoff for this
        /// attempt; within the [`Policy`](crate::Policy) retry bounds.
        after_secs: u64,
    },
    /// The call may have taken effect although no answer said so. After `after_secs`,
    /// find out before repeating it: after `create`, list the user's members
    /// (`GET /users/{user}/members`) and look for yours by the `id` you sent; after a job
    /// call or `resume`, read the member's status and decide on it (poll while a job
    /// runs). Repeat the call only if it did not take effect.
    CheckBeforeRetry {
        /// Seconds to wait before the check; the backoff for this attempt.
        after_secs: u64,
    },
    /// Read the member now (`GET …/members/{member}` or `…/status`) and decide on it:
    /// the answer shows that what the call assumed is no longer true, or does not say
    /// what happened.
    ReadMember,
    /// The member exists already (`create`), or the new credentials belong to another
    /// member (`update`). Do not create it again: list the user's members and use the
    /// existing one.
    AlreadyExists,
    /// The institution does not offer this premium job. Do not retry it for this member;
    /// tell the end user the feature is unavailable for this institution.
    NotSupported,
    /// The member (or its user) no longer exists at MX: forget it locally and stop every
    /// call about it. To reconnect, create a new member.
    MemberGone,
    /// The request or the service's configuration is wrong (credentials, API version,
    /// allow-listed address, request body): stop making this call, for every member, until
    /// an operator fixes it. The member is not at fault; do not show the end user a
    /// member problem.
    FixClient,
    /// The same call failed [`Policy::retry_limit`](crate::Policy::retry_limit) times in a row: stop retrying it and
    /// report the failure. Try again later (a new run, an alert cleared); the member may
    /// be fine.
    GiveUp,
}

impl NextStep {
    /// The JSON name: `done`, `poll_job`, `throttled`, `other_job_running`, `retry`,
    /// `check_before_retry`, `read_member`, `already_exists`, `not_supported`,
    /// `member_gone`, `fix_client` or `give_up`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::PollJob { .. } => "poll_job",
            Self::Throttled { .. } => "throttled",
            Self::OtherJobRunning { .. } => "other_job_running",
            Self::Retry { .. } => "retry",
            Self::CheckBeforeRetry { .. } => "check_before_retry",
            Self::ReadMember => "read_member",
            Self::AlreadyExists => "already_exists",
            Self::NotSupported => "not_supported",
            Self::MemberGone => "member_gone",
            Self::FixClient => "fix_client",
            Self::GiveUp => "give_up",
        }
    }
}

/// What [`Call::classify`](crate::Call::classify) returns: the next step and the rule that chose it
/// (`rule.step() == step.name()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "an HttpOutcome tells the caller what it must do next"]
pub struct HttpOutcome {
    /// What to do next.
    pub step: NextStep,
    /// The rule that chose it.
    pub rule: HttpRule,
}

/// `{"step": "retry", "after_secs": 6, "rule": "server_error"}`: the step's name, its data
/// (`after_secs` or `until`), the rule's code.
impl serde::Serialize for HttpOutcome {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("step", self.step.name())?;
        match self.step {
            NextStep::PollJob { after_secs }
            | NextStep::OtherJobRunning { after_secs }
            | NextStep::Retry { after_secs }
            | NextStep::CheckBeforeRetry { after_secs } => {
                map.serialize_entry("after_secs", &after_secs)?;
            }
            NextStep::Throttled { until } => map.serialize_entry("until", &Rfc3339(until))?,
            NextStep::Done
            | NextStep::ReadMember
            | NextStep::AlreadyExists
            | NextStep::NotSupported
            | NextStep::MemberGone
            | NextStep::FixClient
            | NextStep::GiveUp => {}
        }
        map.serialize_entry("rule", &self.rule)?;
        map.end()
    }
}
