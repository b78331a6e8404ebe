//! End-user prompts and whether MX needed them.
//!
//! A prompt is needed only when MX waits for something only the end user can give
//! (NEXUS \[V\] status list; the seed's "must update credentials" list): an MFA answer
//! (`CHALLENGED`, even during the job that asked), new credentials or an OAuth
//! authorization (`DENIED`, `PREVENTED`, `IMPAIRED`, `IMPORTED`, `PENDING`), a visit to the
//! institution (`LOCKED`, `IMPEDED`), or a foreground aggregation to answer a new
//! challenge (`REJECTED`, `EXPIRED`, `RECONNECTED`) — and, but for `CHALLENGED`, no job is
//! running (a job in progress resolves the status itself). Prompting for a connected,
//! transient, delayed or failed member (MX's daily background aggregation retries it) or a
//! terminal one (nothing the end user does changes it) asks the end user for nothing.

use chrono::{DateTime, Utc};
use mx_aggregation::{ConnectionStatus, StatusGroup};

/// One prompt shown to an end user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The member's guid.
    pub member: String,
    /// The virtual time of the prompt.
    pub at: DateTime<Utc>,
    /// The member's status as the integrator saw it (`None`: no status).
    pub status: Option<ConnectionStatus>,
    /// Whether a job was running (`is_being_aggregated`).
    pub job_running: bool,
}

/// Prompts shown, and those MX did not need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromptCounts {
    /// Every prompt.
    pub total: u64,
    /// Prompts MX did not need.
    pub unneeded: u64,
}

/// Whether MX needed the end user for a member in `status` (see the module docs).
pub const fn needed(status: Option<ConnectionStatus>, job_running: bool) -> bool {
    let Some(status) = status else {
        return false;
    };
    match status.group() {
        StatusGroup::Challenged => true,
        StatusGroup::NeedsCredentials
        | StatusGroup::NeedsInstitution
        | StatusGroup::Pending
        | StatusGroup::MfaFailed
        | StatusGroup::Reconnected => !job_running,
        StatusGroup::Terminal
        | StatusGroup::Connected
        | StatusGroup::Failed
        | StatusGroup::Transient
        | StatusGroup::Delayed => false,
    }
}

/// Counts the prompts and the unneeded ones.
pub fn count_prompts(prompts: &[Prompt]) -> PromptCounts {
    let mut counts = PromptCounts::default();
    for prompt in prompts {
        counts.total += 1;
        if !needed(prompt.status, prompt.job_running) {
            counts.unneeded += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn mfa_is_needed_even_during_its_job() {
        assert!(needed(Some(ConnectionStatus::Challenged), true));
    }

    #[test]
    fn credentials_and_institution_are_needed_once_the_job_ended() {
        assert!(needed(Some(ConnectionStatus::Denied), false));
        assert!(needed(Some(ConnectionStatus::Locked), false));
        assert!(needed(Some(ConnectionStatus::Expired), false));
        assert!(!needed(Some(ConnectionStatus::Denied), true));
    }

    #[test]
    fn statuses_that_resolve_themselves_need_nobody() {
        for status in [
            ConnectionStatus::Connected,
            ConnectionStatus::Created,
            ConnectionStatus::Delayed,
            ConnectionStatus::Failed,
            ConnectionStatus::Closed,
        ] {
            assert!(!needed(Some(status), false), "{status:?}");
        }
        assert!(!needed(None, false));
    }

    #[test]
    fn counts_separate_the_unneeded() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        let prompt = |status, job_running| Prompt {
            member: "M".to_owned(),
            at,
            status: Some(status),
            job_running,
        };
        let counts = count_prompts(&[
            prompt(ConnectionStatus::Challenged, true),
            prompt(ConnectionStatus::Created, true),
            prompt(ConnectionStatus::Failed, false),
        ]);
        assert_eq!(
            counts,
            PromptCounts {
                total: 3,
                unneeded: 2
            }
        );
    }
}
