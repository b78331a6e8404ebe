//! What the end user answered, sent to MX and folded into the member's `MemberState`
//! before the drive goes on: MFA answers (`PUT …/resume`) and new credentials
//! (`PUT /users/{user}/members/{member}`).

use mx_aggregation::MemberState;
use tracing::Instrument;

use super::Driver;
use super::exchange::fold;
use super::outcome::{DriveError, Outcome};
use crate::client::resume_body;
use crate::clock::Clock;
use crate::endpoint::{Endpoint, MemberRef};
use crate::types::{ChallengeAnswer, MemberUpdate};

impl<C: Clock> Driver<C> {
    /// Sends the end user's answers (`PUT …/resume`), then drives on.
    ///
    /// # Errors
    /// As [`drive`](Self::drive).
    pub async fn answer_mfa(
        &self,
        member: &MemberRef,
        answers: &[ChallengeAnswer],
    ) -> Result<Outcome, DriveError> {
        self.answer_mfa_state(member, answers, &mut MemberState::default())
            .await
    }

    /// [`answer_mfa`](Self::answer_mfa) on a [`MemberState`] the caller keeps.
    ///
    /// # Errors
    /// As [`drive`](Self::drive).
    pub async fn answer_mfa_state(
        &self,
        member: &MemberRef,
        answers: &[ChallengeAnswer],
        state: &mut MemberState,
    ) -> Result<Outcome, DriveError> {
        let span = tracing::info_span!("mx.answer_mfa", member = %member, answers = answers.len());
        let body = resume_body(answers);
        self.send_and_drive(Endpoint::Resume(member.clone()), &body, member, state)
            .instrument(span)
            .await
    }

    /// Sends new credentials (`PUT /users/{user}/members/{member}`), folds MX's answer
    /// into `state`, then drives on with it: MX aggregates by itself after an update.
    ///
    /// # Errors
    /// As [`drive`](Self::drive).
    pub async fn update_credentials(
        &self,
        member: &MemberRef,
        update: &MemberUpdate,
        state: &mut MemberState,
    ) -> Result<Outcome, DriveError> {
        let span = tracing::info_span!("mx.update_credentials", member = %member);
        let body = serde_json::json!({ "member": update });
        self.send_and_drive(Endpoint::UpdateMember(member.clone()), &body, member, state)
            .instrument(span)
            .await
    }

    /// Sends `body` to `endpoint`, folds the answer into `state`, carries out its step,
    /// and drives on unless that step ended the drive.
    async fn send_and_drive(
        &self,
        endpoint: Endpoint,
        body: &serde_json::Value,
        member: &MemberRef,
        state: &mut MemberState,
    ) -> Result<Outcome, DriveError> {
        let exchange = self.exchange(&endpoint, Some(body)).await?;
        let now = self.now().await?;
        fold(state, &endpoint, &exchange, now)?;
        if let Some(failed) = self.follow(&endpoint, exchange.outcome).await? {
            return Ok(failed);
        }
        self.drive_state(member, state).await
    }
}
