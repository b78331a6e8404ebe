//! A decision explained so a person can act on it: the text `mx-aggregation decide` prints.
//!
//! Every sentence comes from the library's tables: the rule from [`Reason::summary`], the
//! status from [`ConnectionStatus::meaning`](crate::ConnectionStatus::meaning), the duties
//! from [`ActionKind::duty`], [`ActionKind::end_user_duty`] and [`ActionKind::look_again`].
//! This module only adds the instants that depend on `now` and on the policy.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::window::{AggregationWindow, earliest_aggregation};
use crate::model::action::{ActionKind, NextAction};
use crate::model::decision::Decision;
use crate::model::error_code::ErrorCode;
use crate::model::payload::PayloadKind;
use crate::model::policy::{MX_MIN_POLL_INTERVAL, Policy};
use crate::model::quote::Escaped;
use crate::model::reason::Reason;
use crate::model::snapshot::MemberSnapshot;
use crate::time::duration::HumanDuration;
use crate::time::timestamp::Rfc3339;

/// A decision with everything needed to explain it; its `Display` is the explanation,
/// one `label  text` line each: `member`, `action`, `why`, `payload` (when not a member),
/// `status`, `error`, `message` (MX's `user_message`, when given), `window`, `do`,
/// `end user`, `look again`, `note`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use mx_aggregation::{MemberSnapshot, Policy, decide};
///
/// let member = MemberSnapshot::from_json(r#"{"connection_status": "LOCKED"}"#)?;
/// let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
/// let policy = Policy::default();
/// let text = decide(&member, now, &policy).explain(&member, now, &policy).to_string();
/// assert!(text.starts_with("action      resolve_at_institution (needs the end user)\n"));
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use = "an Explanation does nothing until it is displayed"]
pub struct Explanation<'a> {
    guid: Option<&'a str>,
    user_message: Option<&'a str>,
    member: &'a MemberSnapshot,
    decision: Decision,
    now: DateTime<Utc>,
    policy: &'a Policy,
}

impl Decision {
    /// Explains this decision, made on `member` at `now` under `policy`, in words a person
    /// can act on.
    pub const fn explain<'a>(
        self,
        member: &'a MemberSnapshot,
        now: DateTime<Utc>,
        policy: &'a Policy,
    ) -> Explanation<'a> {
        Explanation {
            guid: None,
            user_message: None,
            member,
            decision: self,
            now,
            policy,
        }
    }
}

impl<'a> Explanation<'a> {
    /// Names the member (its `guid`) on the first line.
    pub const fn with_guid(self, guid: Option<&'a str>) -> Self {
        Self { guid, ..self }
    }

    /// Shows MX's message for the end user (the `user_message` of the member's `error`,
    /// [`MemberJson::user_message`](crate::MemberJson::user_message)).
    pub const fn with_user_message(self, user_message: Option<&'a str>) -> Self {
        Self {
            user_message,
            ..self
        }
    }
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Decision { action, reason } = self.decision;
        let kind = action.kind();
        if let Some(guid) = self.guid {
            // The GUID comes from the input: escaped, so it cannot drive the terminal.
            line(f, "member", format_args!("{}", Escaped(guid)))?;
        }
        let who = if kind.requires_end_user() {
            "needs the end user"
        } else {
            "no end user needed"
        };
        line(f, "action", format_args!("{kind} ({who})"))?;
        line(
            f,
            "why",
            format_args!("{}: {}", reason.code(), reason.summary()),
        )?;
        let payload = self.member.payload;
        let status_shown = match payload {
            PayloadKind::Member => true,
            PayloadKind::ConnectionStatusWebhook => {
                line(
                    f,
                    "payload",
                    format_args!(
                        "{payload}: no timestamps, retried by MX for about 24 hours; the status below may be stale."
                    ),
                )?;
                self.member.connection_status.is_some()
            }
            PayloadKind::MemberReference
            | PayloadKind::AggregationWebhook
            | PayloadKind::JobWebhook => {
                line(
                    f,
                    "payload",
                    format_args!("{payload} ({})", payload.recognised_by()),
                )?;
                false
            }
        };
        match self.member.connection_status {
            Some(status) if status_shown => line(
                f,
                "status",
                format_args!("{status} (id {}): {}", status.id(), status.meaning()),
            )?,
            Some(_) | None if !status_shown => {}
            Some(_) | None => line(
                f,
                "status",
                format_args!("null: the member has no credentials, e.g. a manual member."),
            )?,
        }
        if let Some(code) = self.member.error_code {
            match ErrorCode::from_code(code) {
                Some(known) => line(
                    f,
                    "error",
                    format_args!("{known} ({})", known.effect().as_str()),
                )?,
                None => line(
                    f,
                    "error",
                    format_args!("{code} (not a code MX's widget names: changes nothing)"),
                )?,
            }
        }
        if let Some(message) = self.user_message {
            line(
                f,
                "message",
                format_args!("MX's words for the end user: {message}"),
            )?;
        }
        if let Some((name, value)) = self.window() {
            line(f, "window", format_args!("{name} {}", HumanDuration(value)))?;
        }
        line(f, "do", format_args!("{}", duty(reason, kind)))?;
        line(f, "end user", format_args!("{}", kind.end_user_duty()))?;
        self.look_again(f)?;
        if self.member.background_aggregation_is_disabled == Some(true) {
            line(
                f,
                "note",
                format_args!(
                    "background_aggregation_is_disabled is true: MX does not refresh this member every 24 hours by itself, so its data ages until you aggregate."
                ),
            )?;
        }
        Ok(())
    }
}

/// What the caller must do: the action's duty, and for a wait, words that fit why it waits
/// (MX's throttle window, an unavailable institution, or MX's own background aggregation).
const fn duty(reason: Reason, kind: ActionKind) -> &'static str {
    match reason {
        Reason::Cooldown => {
            "Do nothing with the member until the time given (until), then decide again: MX's throttle window after the member's latest job runs until then, and MX would not start an aggregation inside it (an aggregate call is accepted and runs nothing)."
        }
        Reason::MxThrottled => {
            "Do nothing with the member until the time given (until), then decide again: MX answered aggregate by starting nothing, so its throttle window runs until then; do not call aggregate before."
        }
        Reason::InstitutionUnavailable => {
            "Do nothing with the member until the time given (until), then decide again: the institution was unavailable to the latest job, and MX asks to try again later, not before the throttle window after that job ends."
        }
        Reason::BackgroundAggregation => {
            "Do nothing with the member until the time given (until), then decide again: MX is expected to aggregate the member in the background by then (about every 24 hours), without the end user, and the next decision reads what that aggregation brought."
        }
        Reason::MemberGone
        | Reason::ClientConfiguration
        | Reason::OtherJobRunning
        | Reason::AnswerNeedsRead
        | Reason::StatusWebhook
        | Reason::DataWebhook
        | Reason::MemberReference
        | Reason::ManualMember
        | Reason::TerminalStatus
        | Reason::MfaChallenge
        | Reason::AggregationInProgress
        | Reason::NoCredentials
        | Reason::OauthReauthorization
        | Reason::NeedsUpdatedCredentials
        | Reason::CredentialsRequired
        | Reason::CredentialsError
        | Reason::OauthPending
        | Reason::PendingCredentials
        | Reason::OauthUnknown
        | Reason::InstitutionActionRequired
        | Reason::FreshData
        | Reason::AggregationStarting
        | Reason::AggregationDelayed
        | Reason::TimeOutOfRange
        | Reason::BackgroundUnknown
        | Reason::StaleData
        | Reason::AggregationFailed
        | Reason::MfaFailed
        | Reason::ForegroundRequired
        | Reason::AggregationStalled => kind.duty(),
    }
}

impl Explanation<'_> {
    /// The policy window the rule compared against, as in effect.
    fn window(&self) -> Option<(&'static str, Duration)> {
        let policy = self.policy;
        match self.decision.reason {
            Reason::FreshData | Reason::StaleData => Some(("fresh for", policy.fresh_for)),
            Reason::Cooldown | Reason::InstitutionUnavailable => {
                Some(("cooldown", policy.cooldown))
            }
            Reason::BackgroundAggregation => Some((
                "MX aggregates in the background about every",
                policy.background_interval,
            )),
            Reason::AggregationDelayed => {
                Some(("recheck a DELAYED member every", policy.delayed_recheck))
            }
            Reason::AggregationStarting => {
                Some(("a job is taken as stalled after", policy.transient_stall))
            }
            Reason::MxThrottled
            | Reason::MemberGone
            | Reason::ClientConfiguration
            | Reason::OtherJobRunning
            | Reason::AnswerNeedsRead
            | Reason::StatusWebhook
            | Reason::DataWebhook
            | Reason::MemberReference
            | Reason::ManualMember
            | Reason::TerminalStatus
            | Reason::MfaChallenge
            | Reason::AggregationInProgress
            | Reason::NoCredentials
            | Reason::OauthReauthorization
            | Reason::NeedsUpdatedCredentials
            | Reason::CredentialsRequired
            | Reason::CredentialsError
            | Reason::OauthPending
            | Reason::PendingCredentials
            | Reason::OauthUnknown
            | Reason::InstitutionActionRequired
            | Reason::TimeOutOfRange
            | Reason::BackgroundUnknown
            | Reason::AggregationFailed
            | Reason::MfaFailed
            | Reason::ForegroundRequired
            | Reason::AggregationStalled => None,
        }
    }

    /// When to decide again: the exact instant where the action carries one, else the
    /// table's sentence with the poll floor in effect.
    fn look_again(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = "look again";
        match self.decision.action {
            NextAction::Poll { after_secs } => {
                let next = i64::try_from(after_secs)
                    .ok()
                    .and_then(TimeDelta::try_seconds)
                    .and_then(|delay| self.now.checked_add_signed(delay));
                match next {
                    Some(next) => line(f, label, format_args!("{}", self.at(next))),
                    None => line(
                        f,
                        label,
                        format_args!("in {}", HumanDuration(Duration::from_secs(after_secs))),
                    ),
                }
            }
            NextAction::Wait { until } => line(f, label, format_args!("{}", self.at(until))),
            NextAction::ReadData { as_of } => {
                let stale = TimeDelta::from_std(self.policy.fresh_for)
                    .ok()
                    .and_then(|fresh_for| as_of.checked_add_signed(fresh_for));
                match stale {
                    Some(stale) => line(
                        f,
                        label,
                        format_args!(
                            "When you next need the data; it stays fresh until {}.",
                            self.at(stale)
                        ),
                    ),
                    None => self.table_look_again(f),
                }
            }
            NextAction::ResolveAtInstitution => {
                match earliest_aggregation(self.member, self.policy) {
                    AggregationWindow::OpensAt(opens) if opens > self.now => line(
                        f,
                        label,
                        format_args!(
                            "When the end user says it is done: aggregate with them present, but not before {} (MX's throttle window after the latest job).",
                            self.at(opens)
                        ),
                    ),
                    AggregationWindow::OpensAt(_)
                    | AggregationWindow::Open
                    | AggregationWindow::NeverRepresentable => self.table_look_again(f),
                }
            }
            NextAction::AnswerMfa
            | NextAction::UpdateCredentials
            | NextAction::Aggregate
            | NextAction::AuthorizeOauth
            | NextAction::ReadMember
            | NextAction::Stop => self.table_look_again(f),
        }
    }

    /// [`ActionKind::look_again`](crate::ActionKind::look_again), with `{min_poll}`
    /// replaced by the poll floor in effect.
    fn table_look_again(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.decision.action.kind().look_again();
        let min_poll = HumanDuration(self.policy.min_poll.max(MX_MIN_POLL_INTERVAL));
        match text.split_once("{min_poll}") {
            Some((before, after)) => {
                line(f, "look again", format_args!("{before}{min_poll}{after}"))
            }
            None => line(f, "look again", format_args!("{text}")),
        }
    }

    /// `2026-11-24T12:00:03Z (in 3s)`, `2016-10-13T17:57:38Z (2h10m ago)`.
    const fn at(&self, t: DateTime<Utc>) -> Relative {
        Relative { t, now: self.now }
    }
}

/// An instant, and how far it is from now.
struct Relative {
    t: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl fmt::Display for Relative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let delta = self.t.signed_duration_since(self.now);
        write!(f, "{} ", Rfc3339(self.t))?;
        match delta.abs().to_std() {
            Ok(d) if d.is_zero() => f.write_str("(now)"),
            Ok(d) if delta > TimeDelta::zero() => write!(f, "(in {})", HumanDuration(d)),
            Ok(d) => write!(f, "({} ago)", HumanDuration(d)),
            Err(_) => Ok(()),
        }
    }
}

/// One `label  text` line, labels in a column.
fn line(f: &mut fmt::Formatter<'_>, label: &str, text: fmt::Arguments<'_>) -> fmt::Result {
    writeln!(f, "{label:<11} {text}")
}
