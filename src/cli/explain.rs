//! `decide --format text`: a decision explained so a person can act on it.
//!
//! Every sentence about a rule or a status comes from the library's tables
//! ([`Reason::summary`], [`ConnectionStatus::meaning`]); this module adds only what the
//! caller and the end user do next, which depends on the action (an exhaustive match) and
//! on whether the member uses OAuth, and when to look again, as an absolute time and
//! relative to `now`.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{
    AggregationWindow, Decision, MX_MIN_POLL_INTERVAL, MemberSnapshot, NextAction, Policy, Reason,
    Rfc3339, earliest_aggregation,
};

use mx_aggregation::HumanDuration;

/// A decision with everything needed to explain it.
pub(crate) struct Explanation<'a> {
    /// The member's GUID, when the input names it.
    pub(crate) guid: Option<&'a str>,
    /// What the decision was made on.
    pub(crate) member: &'a MemberSnapshot,
    /// The decision.
    pub(crate) decision: Decision,
    /// The time it was made at.
    pub(crate) now: DateTime<Utc>,
    /// The policy it was made under.
    pub(crate) policy: &'a Policy,
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Decision { action, reason } = self.decision;
        if let Some(guid) = self.guid {
            line(f, "member", format_args!("{guid}"))?;
        }
        let who = if action.requires_end_user() {
            "needs the end user"
        } else {
            "no end user needed"
        };
        line(f, "action", format_args!("{} ({who})", action.kind()))?;
        line(
            f,
            "why",
            format_args!("{}: {}", reason.code(), reason.summary()),
        )?;
        match self.member.connection_status {
            Some(status) => line(
                f,
                "status",
                format_args!("{status} (id {}): {}", status.id(), status.meaning()),
            )?,
            None => line(
                f,
                "status",
                format_args!("null: the member has no credentials, e.g. a manual member."),
            )?,
        }
        if let Some((name, value)) = self.window() {
            line(f, "window", format_args!("{name} {}", HumanDuration(value)))?;
        }
        self.what_to_do(f)?;
        self.look_again(f)?;
        if self.member.background_aggregation_is_disabled {
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

impl Explanation<'_> {
    /// The policy window the rule compared against, as in effect (the flags may change it).
    fn window(&self) -> Option<(&'static str, std::time::Duration)> {
        let policy = self.policy;
        match self.decision.reason {
            Reason::FreshData | Reason::StaleData => Some(("fresh for", policy.fresh_for)),
            Reason::Cooldown => Some(("cooldown", policy.cooldown)),
            Reason::AggregationDelayed => {
                Some(("recheck a DELAYED member every", policy.delayed_recheck))
            }
            Reason::AggregationStarting => {
                Some(("a job is taken as stalled after", policy.transient_stall))
            }
            _ => None,
        }
    }

    /// The caller's duty (`do`) and the end user's (`end user`).
    fn what_to_do(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let oauth = self.member.is_oauth;
        match self.decision.action {
            NextAction::Poll { after_secs } => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Start nothing: read the member again (GET …/members/{{member_guid}}/status) in {} and decide on what MX returns.",
                        HumanDuration(std::time::Duration::from_secs(after_secs))
                    ),
                )?;
                line(f, "end user", format_args!("Nothing to do."))
            }
            NextAction::AnswerMfa => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Fetch the MFA challenges (GET …/challenges, or the challenges of the status response), show them to the end user, send the answers with PUT …/resume, then poll."
                    ),
                )?;
                line(
                    f,
                    "end user",
                    format_args!(
                        "Must answer the challenge now; unanswered, it expires and the member becomes EXPIRED."
                    ),
                )
            }
            NextAction::UpdateCredentials if oauth => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Send the end user through the institution's OAuth page again (the member's oauth_window_uri); MX aggregates by itself once they are back, so poll next. Do not call aggregate first."
                    ),
                )?;
                line(
                    f,
                    "end user",
                    format_args!(
                        "Must re-authorize at the institution through its OAuth page (is_oauth is true): do not ask them to type a password."
                    ),
                )
            }
            NextAction::UpdateCredentials => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Ask the end user for new credentials and update the member (PUT …/members/{{member_guid}}); MX aggregates by itself after the update, so poll next. Do not call aggregate first."
                    ),
                )?;
                line(
                    f,
                    "end user",
                    format_args!("Must enter their current credentials for the institution."),
                )
            }
            NextAction::ResolveAtInstitution => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Tell the end user to act on the institution's website; when they say it is done, start a foreground aggregation (POST …/aggregate) with them present, then poll."
                    ),
                )?;
                line(
                    f,
                    "end user",
                    format_args!(
                        "Must unlock the account, read a message or accept terms on the institution's website, or contact the institution."
                    ),
                )
            }
            NextAction::Aggregate => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Start a foreground aggregation now (POST …/members/{{member_guid}}/aggregate) with the end user present, then poll."
                    ),
                )?;
                let asks = if oauth {
                    "an MFA answer, new credentials or re-authorization through the institution's OAuth page (oauth_window_uri)"
                } else {
                    "an MFA answer or new credentials"
                };
                line(
                    f,
                    "end user",
                    format_args!("Must be present: the aggregation may ask for {asks}."),
                )
            }
            NextAction::Wait { .. } => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Nothing until the time below: MX would not start an aggregation before then. Then decide again."
                    ),
                )?;
                line(f, "end user", format_args!("Nothing to do."))
            }
            NextAction::ReadData { as_of } => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Read the member's accounts and transactions now: they are fresh as of {}. No aggregation is needed.",
                        self.at(as_of)
                    ),
                )?;
                line(f, "end user", format_args!("Nothing to do."))
            }
            NextAction::Stop => {
                line(
                    f,
                    "do",
                    format_args!(
                        "Stop working on the member: no call to MX will change its state."
                    ),
                )?;
                let end_user = match self.decision.reason {
                    Reason::TimeOutOfRange => {
                        "Nothing to do: the member's timestamps or the clock are corrupt."
                    }
                    Reason::NoCredentials => {
                        "Nothing to do: MX keeps no credentials for the member, so its data changes only by hand."
                    }
                    _ => {
                        "Should be told why (the status above) and offered to remove the member or connect the institution again."
                    }
                };
                line(f, "end user", format_args!("{end_user}"))
            }
        }
    }

    /// When to decide again.
    fn look_again(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let min_poll = HumanDuration(self.policy.min_poll.max(MX_MIN_POLL_INTERVAL));
        match self.decision.action {
            NextAction::Poll { after_secs } => {
                let next = i64::try_from(after_secs)
                    .ok()
                    .and_then(TimeDelta::try_seconds)
                    .and_then(|delay| self.now.checked_add_signed(delay));
                match next {
                    Some(next) => line(f, "look again", format_args!("{}", self.at(next))),
                    None => line(
                        f,
                        "look again",
                        format_args!(
                            "in {}",
                            HumanDuration(std::time::Duration::from_secs(after_secs))
                        ),
                    ),
                }
            }
            NextAction::AnswerMfa => line(
                f,
                "look again",
                format_args!(
                    "Once the answers are sent: poll, no more often than every {min_poll}."
                ),
            ),
            NextAction::UpdateCredentials if self.member.is_oauth => line(
                f,
                "look again",
                format_args!(
                    "Once the end user is back from the OAuth page: poll, no more often than every {min_poll}."
                ),
            ),
            NextAction::UpdateCredentials => line(
                f,
                "look again",
                format_args!(
                    "Once the member is updated: poll, no more often than every {min_poll}."
                ),
            ),
            NextAction::ResolveAtInstitution => {
                match earliest_aggregation(self.member, self.policy) {
                    AggregationWindow::OpensAt(opens) if opens > self.now => line(
                        f,
                        "look again",
                        format_args!(
                            "When the end user says it is done: aggregate with them present, but not before {} (MX's cooldown after the last success).",
                            self.at(opens)
                        ),
                    ),
                    AggregationWindow::OpensAt(_)
                    | AggregationWindow::Open
                    | AggregationWindow::NeverRepresentable => line(
                        f,
                        "look again",
                        format_args!(
                            "When the end user says it is done: aggregate with them present."
                        ),
                    ),
                }
            }
            NextAction::Aggregate => line(
                f,
                "look again",
                format_args!(
                    "Once the aggregation is started: poll, no more often than every {min_poll}."
                ),
            ),
            NextAction::Wait { until } => line(f, "look again", format_args!("{}", self.at(until))),
            NextAction::ReadData { as_of } => {
                match TimeDelta::from_std(self.policy.fresh_for)
                    .ok()
                    .and_then(|fresh_for| as_of.checked_add_signed(fresh_for))
                {
                    Some(stale) => line(
                        f,
                        "look again",
                        format_args!(
                            "When you next need the data; it stays fresh until {}.",
                            self.at(stale)
                        ),
                    ),
                    None => line(
                        f,
                        "look again",
                        format_args!("When you next need the data."),
                    ),
                }
            }
            NextAction::Stop => line(
                f,
                "look again",
                format_args!("Never: nothing will change this member."),
            ),
        }
    }

    /// `2026-11-24T12:00:03Z (in 3s)`, `2016-10-13T17:57:38Z (2h10m ago)`.
    fn at(&self, t: DateTime<Utc>) -> Relative {
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
