//! What a drive's [`Outcome`] means for the member's row: the decision shown to the
//! caller, what the end user sees, and when the scheduler looks again. Pure: the drive
//! layer stores it.

use chrono::{DateTime, Utc};
use mx_aggregation::{NextStep, Reason};
use mx_aggregation_client::{Outcome, UserAction};

use super::schedule::Ended;

/// The member's row after a drive.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The crate's reason for the decision the drive ended on; `None` when a call
    /// failed before a decision (the drive layer then shows the state's own decision).
    pub reason: Option<Reason>,
    /// The open MFA challenges (MX's `challenges`, JSON), when the action is
    /// `answer_mfa`.
    pub challenges: Option<serde_json::Value>,
    /// The one-time OAuth window, when the action is `authorize_oauth`.
    pub oauth_window_uri: Option<String>,
    /// MX's text for the end user, when it sent one.
    pub user_message: Option<String>,
    /// The `as_of` of a sync that completed.
    pub synced_through: Option<DateTime<Utc>>,
    /// How it ended, for the next wake-up.
    pub ended: Ended,
}

impl Verdict {
    /// What `outcome` leaves in the member's row.
    pub fn of(outcome: &Outcome) -> Self {
        let plain = |reason: Option<Reason>, ended| Self {
            reason,
            challenges: None,
            oauth_window_uri: None,
            user_message: None,
            synced_through: None,
            ended,
        };
        match outcome {
            Outcome::Synced { as_of, reason, .. } => Self {
                synced_through: Some(*as_of),
                ..plain(Some(*reason), Ended::Synced { as_of: *as_of })
            },
            // A drive that stops at read_data without syncing: the drive layer always
            // syncs, so this only comes from a driver without `drive_and_sync`.
            Outcome::ReadData { reason, .. } => plain(Some(*reason), Ended::Failed),
            Outcome::SyncFailed { .. } => plain(None, Ended::Failed),
            Outcome::EndUser {
                action,
                user_message,
                reason,
                ..
            } => {
                let mut verdict = plain(Some(*reason), Ended::EndUser);
                verdict.user_message.clone_from(user_message);
                match action {
                    UserAction::AnswerMfa { challenges } => {
                        verdict.challenges = serde_json::to_value(challenges).ok();
                    }
                    UserAction::AuthorizeOauth { oauth_window_uri } => {
                        verdict.oauth_window_uri = Some(oauth_window_uri.clone());
                    }
                    UserAction::UpdateCredentials
                    | UserAction::ResolveAtInstitution
                    | UserAction::Aggregate => {}
                }
                verdict
            }
            Outcome::WaitUntil { until, reason } => {
                plain(Some(*reason), Ended::WaitUntil { until: *until })
            }
            Outcome::AggregateLater {
                reason,
                user_message,
                ..
            } => Self {
                user_message: user_message.clone(),
                ..plain(Some(*reason), Ended::Failed)
            },
            Outcome::Stop { reason, .. } => plain(Some(*reason), Ended::Stopped),
            Outcome::CallFailed { http, .. } => match http.step {
                NextStep::MemberGone => plain(None, Ended::Stopped),
                NextStep::Done
                | NextStep::Retry { .. }
                | NextStep::CheckBeforeRetry { .. }
                | NextStep::PollJob { .. }
                | NextStep::OtherJobRunning { .. }
                | NextStep::Throttled { .. }
                | NextStep::ReadMember
                | NextStep::AlreadyExists
                | NextStep::NotSupported
                | NextStep::FixClient
                | NextStep::GiveUp => plain(None, Ended::Failed),
            },
        }
    }
}
