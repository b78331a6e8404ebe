//! MX's answer to a call, turned into what the service does next.
//!
//! ```text
//! Call × Answer { status, body, Retry-After } × attempt × now × Policy
//!     ──Call::classify──▶ HttpOutcome { step: NextStep, rule: HttpRule }
//! ```
//!
//! Sans-IO like [`decide`](crate::decide): the service makes the request with its own HTTP
//! client and hands over what came back (or that nothing did). Every rule is a row of
//! [`HttpRule`], with its source.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;

use crate::call::{Call, CallKind};
use crate::engine::{ceil_secs, delta, poll_floor};
use crate::http_rule::HttpRule;
use crate::member_json::MemberJson;
use crate::policy::Policy;
use crate::retry_after::retry_after_delay;
use crate::timestamp::{MAX_UNIX_SECONDS, Rfc3339, ceil_to_second};

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
        /// [`Policy::cooldown`]); when those say the window is already over, MX's is
        /// longer than the policy's: a [`Policy::retry_max`] that doubles with each
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
        /// attempt; within the [`Policy`] retry bounds.
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
    /// The same call failed [`Policy::retry_limit`] times in a row: stop retrying it and
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

/// What [`Call::classify`] returns: the next step and the rule that chose it
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

impl Call {
    /// Turns MX's answer to this call into the next step.
    ///
    /// `attempt` counts this call's retryable failures in a row, this one included (`1`
    /// for the first timeout, `5xx`, `429`, or `202` that started nothing; `0` reads as
    /// `1`); it sets the backoff and, past [`Policy::retry_limit`], gives up. `now` is when the answer arrived: it turns a
    /// `Retry-After` date into a delay. Pure and total: no clock, no IO, no panic, and no
    /// allocation unless the body holds escaped strings.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use mx_aggregation::{Answer, Call, NextStep, Policy};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap();
    /// let body = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
    ///     "is_being_aggregated": false, "aggregated_at": "2026-08-01T11:00:00Z",
    ///     "successfully_aggregated_at": "2026-08-01T11:00:00Z"}}"#;
    /// let answer = Answer::Response { status: 202, body, retry_after: None };
    /// let outcome = Call::Aggregate.classify(&answer, 0, now, &Policy::default());
    /// // Accepted, nothing started: MX's window runs until 3 h after the last job.
    /// let until = Utc.with_ymd_and_hms(2026, 8, 1, 14, 0, 0).unwrap();
    /// assert_eq!(outcome.step, NextStep::Throttled { until });
    /// assert_eq!(outcome.rule.code(), "throttled");
    ///
    /// let busy = Answer::Response { status: 429, body: "", retry_after: Some("30") };
    /// let outcome = Call::Status.classify(&busy, 1, now, &Policy::default());
    /// assert_eq!(outcome.step, NextStep::Retry { after_secs: 30 });
    /// ```
    pub fn classify(
        self,
        answer: &Answer<'_>,
        attempt: u32,
        now: DateTime<Utc>,
        policy: &Policy,
    ) -> HttpOutcome {
        let kind = self.kind();
        let (status, body, retry_after) = match *answer {
            Answer::NoResponse => return server_failure(kind, attempt, policy),
            Answer::Response {
                status,
                body,
                retry_after,
            } => (status, body, retry_after),
        };
        match status {
            200..=299 => success(self, status, body, attempt, now, policy),
            429 => {
                if attempt > policy.retry_limit {
                    return outcome(NextStep::GiveUp, HttpRule::RetriesExhausted);
                }
                let wait = retry_after
                    .and_then(|value| retry_after_delay(value, now))
                    .map_or_else(
                        || {
                            backoff(
                                policy.rate_limit_wait.max(policy.retry_min),
                                attempt,
                                policy,
                            )
                        },
                        |asked| clamp_retry_after(asked, policy),
                    );
                let after_secs = ceil_secs(wait);
                outcome(NextStep::Retry { after_secs }, HttpRule::RateLimited)
            }
            500..=599 => server_failure(kind, attempt, policy),
            400 if matches!(self, Self::Verify | Self::Identify) => {
                outcome(NextStep::NotSupported, HttpRule::PremiumUnsupported)
            }
            401 => outcome(NextStep::FixClient, HttpRule::Unauthorized),
            403 => outcome(NextStep::FixClient, HttpRule::Forbidden),
            404 => match kind {
                CallKind::Create => outcome(NextStep::FixClient, HttpRule::UserNotFound),
                CallKind::StartsJob
                | CallKind::AnswersMfa
                | CallKind::Update
                | CallKind::Idempotent => outcome(NextStep::MemberGone, HttpRule::MemberGone),
            },
            405 => match kind {
                CallKind::AnswersMfa => outcome(NextStep::ReadMember, HttpRule::NotChallenged),
                CallKind::Create
                | CallKind::StartsJob
                | CallKind::Update
                | CallKind::Idempotent => outcome(NextStep::FixClient, HttpRule::NotAllowed),
            },
            406 => outcome(NextStep::FixClient, HttpRule::BadApiVersion),
            409 => match kind {
                CallKind::Create | CallKind::Update => {
                    outcome(NextStep::AlreadyExists, HttpRule::AlreadyExists)
                }
                CallKind::StartsJob | CallKind::AnswersMfa => {
                    let after_secs = ceil_secs(poll_floor(policy));
                    outcome(
                        NextStep::OtherJobRunning { after_secs },
                        HttpRule::OtherJobRunning,
                    )
                }
                CallKind::Idempotent => outcome(NextStep::FixClient, HttpRule::BadRequest),
            },
            400..=499 => outcome(NextStep::FixClient, HttpRule::BadRequest),
            _ => outcome(NextStep::FixClient, HttpRule::UnexpectedStatus),
        }
    }
}

const fn outcome(step: NextStep, rule: HttpRule) -> HttpOutcome {
    HttpOutcome { step, rule }
}

/// A timeout or a `5xx`: repeat what is safe to repeat, check first what is not.
fn server_failure(kind: CallKind, attempt: u32, policy: &Policy) -> HttpOutcome {
    if attempt > policy.retry_limit {
        return outcome(NextStep::GiveUp, HttpRule::RetriesExhausted);
    }
    let after_secs = ceil_secs(backoff(policy.retry_min, attempt, policy));
    match kind {
        CallKind::Create => outcome(
            NextStep::CheckBeforeRetry { after_secs },
            HttpRule::AmbiguousCreate,
        ),
        CallKind::StartsJob | CallKind::AnswersMfa => outcome(
            NextStep::CheckBeforeRetry { after_secs },
            HttpRule::AmbiguousJob,
        ),
        CallKind::Update | CallKind::Idempotent => {
            outcome(NextStep::Retry { after_secs }, HttpRule::ServerError)
        }
    }
}

/// A `2xx`: done, or for a job call, whatever the body says about the job.
fn success(
    call: Call,
    status: u16,
    body: &str,
    attempt: u32,
    now: DateTime<Utc>,
    policy: &Policy,
) -> HttpOutcome {
    match call.kind() {
        CallKind::AnswersMfa => {
            let after_secs = ceil_secs(poll_floor(policy));
            outcome(NextStep::PollJob { after_secs }, HttpRule::MfaAnswerSent)
        }
        CallKind::Idempotent if call == Call::Challenges && status == 204 => {
            outcome(NextStep::ReadMember, HttpRule::NoChallenges)
        }
        CallKind::Create | CallKind::Update | CallKind::Idempotent => {
            outcome(NextStep::Done, HttpRule::Answered)
        }
        CallKind::StartsJob => {
            let member = MemberJson::parse(body).ok();
            let job = member.as_ref().and_then(MemberJson::reports_job);
            match job {
                Some(true) => {
                    let after_secs = ceil_secs(poll_floor(policy));
                    outcome(NextStep::PollJob { after_secs }, HttpRule::JobRunning)
                }
                Some(false) if call == Call::Aggregate => {
                    let last_job = member.as_ref().and_then(MemberJson::latest_job_time);
                    let until = throttled_until(last_job, attempt, now, policy);
                    outcome(NextStep::Throttled { until }, HttpRule::Throttled)
                }
                Some(false) | None => outcome(NextStep::ReadMember, HttpRule::JobNotReported),
            }
        }
    }
}

/// The end of MX's throttle window: `latest + cooldown` by the body's timestamps (a whole
/// second). When that is already past, MX's window is longer than [`Policy::cooldown`]
/// (MX: "typically three hours"): look again after [`Policy::retry_max`], doubling with each
/// throttled attempt, at most one cooldown. Without timestamps, one whole cooldown. Always
/// between `retry_min` and the longer of `cooldown` and `retry_max` from `now`, and never
/// past 9999-12-31T23:59:59Z.
fn throttled_until(
    latest: Option<DateTime<Utc>>,
    attempt: u32,
    now: DateTime<Utc>,
    policy: &Policy,
) -> DateTime<Utc> {
    let at = |d: Duration| now.checked_add_signed(delta(d));
    let by_body = latest
        .and_then(|t| t.checked_add_signed(delta(policy.cooldown)))
        .and_then(ceil_to_second);
    let until = match by_body {
        Some(end) if end > now => Some(end),
        Some(_) => at(doubled(policy.retry_max, attempt).min(policy.cooldown)),
        None => at(policy.cooldown),
    };
    let earliest = at(policy.retry_min);
    let latest_allowed = at(policy.cooldown.max(policy.retry_max).max(policy.retry_min));
    let until = until
        .max(earliest)
        .min(latest_allowed)
        .and_then(ceil_to_second)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let last_writable = DateTime::from_timestamp(MAX_UNIX_SECONDS, 0).unwrap_or(until);
    until.min(last_writable)
}

/// `first · 2^(attempt-1)`, saturating.
fn doubled(first: Duration, attempt: u32) -> Duration {
    2u32.checked_pow(attempt.saturating_sub(1))
        .and_then(|factor| first.checked_mul(factor))
        .unwrap_or(Duration::MAX)
}

/// `first · 2^(attempt-1)`, within `[retry_min, max(retry_max, retry_min)]`.
fn backoff(first: Duration, attempt: u32, policy: &Policy) -> Duration {
    let floor = policy.retry_min;
    doubled(first, attempt).clamp(floor, policy.retry_max.max(floor))
}

/// A `Retry-After` delay, within `[retry_min, max(retry_after_max, retry_min)]`.
fn clamp_retry_after(asked: Duration, policy: &Policy) -> Duration {
    asked.clamp(
        policy.retry_min,
        policy.retry_after_max.max(policy.retry_min),
    )
}
