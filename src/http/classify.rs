//! [`Call::classify`]: MX's answer to a call turned into the service's next step, by the
//! call's row of the call table (what a repeat of it risks) and the answer's status, body
//! and `Retry-After`.
//!
//! ```text
//! Call × Answer { status, body, Retry-After } × attempt × now × Policy
//!     ──Call::classify──▶ HttpOutcome { step: NextStep, rule: HttpRule }
//! ```

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::call::{Call, CallKind};
use super::outcome::{Answer, HttpOutcome, NextStep};
use super::retry_after::retry_after_delay;
use super::rule::HttpRule;
use crate::model::policy::Policy;
use crate::read::member_json::MemberJson;
use crate::time::arithmetic::{ceil_secs, saturating_delta};
use crate::time::timestamp::MAX_UNIX_SECONDS;

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
            400 if self.is_premium_job() => {
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
                    let after_secs = ceil_secs(policy.poll_floor());
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
            let after_secs = ceil_secs(policy.poll_floor());
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
                    let after_secs = ceil_secs(policy.poll_floor());
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
    let at = |d: Duration| now.checked_add_signed(saturating_delta(d));
    let by_body = latest
        .and_then(|t| t.checked_add_signed(saturating_delta(policy.cooldown)))
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

/// The first whole second at or after `t`, or `None` past chrono's last representable second.
fn ceil_to_second(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if t.timestamp_subsec_nanos() == 0 {
        return Some(t);
    }
    DateTime::from_timestamp(t.timestamp().checked_add(1)?, 0)
}
