//! Creating a member, never twice: a lost answer or a `409` is resolved by finding the
//! member among the user's members before anything is repeated.

use mx_aggregation::NextStep;
use tracing::Instrument;

use super::Driver;
use super::exchange::{call_failed, unanswered};
use super::outcome::{DriveError, Outcome};
use crate::clock::Clock;
use crate::endpoint::{Endpoint, MemberRef};
use crate::types::{Member, MemberCreate};

impl<C: Clock> Driver<C> {
    /// Creates a member and returns it; never creates it twice. A lost answer (timeout,
    /// `5xx`) is checked by listing the user's members for `member.id` before repeating,
    /// and a `409` (it exists already) finds the existing member the same way.
    ///
    /// # Errors
    /// [`DriveError`] when the clock fails or MX's answer is not a member.
    pub async fn create_member(
        &self,
        user: &str,
        member: &MemberCreate,
    ) -> Result<Result<MemberRef, Outcome>, DriveError> {
        let span =
            tracing::info_span!("mx.create_member", user, institution = %member.institution_code);
        async {
            let endpoint = Endpoint::CreateMember {
                user: user.to_owned(),
            };
            let body = serde_json::json!({ "member": member });
            loop {
                let exchange = self.exchange(&endpoint, Some(&body)).await?;
                match exchange.outcome.step {
                    NextStep::Done => {
                        let reply = exchange.reply.ok_or_else(|| unanswered(&endpoint))?;
                        let created: Member = reply.envelope("member")?;
                        return Ok(Ok(member_ref(user, &created)));
                    }
                    NextStep::AlreadyExists => {
                        if let Some(found) = self.find_member(user, member).await? {
                            return Ok(Ok(found));
                        }
                        return Ok(Err(call_failed(&endpoint, exchange.outcome)));
                    }
                    NextStep::CheckBeforeRetry { after_secs } => {
                        self.sleep_secs(after_secs).await?;
                        if let Some(found) = self.find_member(user, member).await? {
                            return Ok(Ok(found));
                        }
                    }
                    NextStep::PollJob { after_secs }
                    | NextStep::OtherJobRunning { after_secs }
                    | NextStep::Retry { after_secs } => {
                        self.sleep_secs(after_secs).await?;
                    }
                    NextStep::Throttled { .. }
                    | NextStep::ReadMember
                    | NextStep::NotSupported
                    | NextStep::MemberGone
                    | NextStep::FixClient
                    | NextStep::GiveUp => {
                        return Ok(Err(call_failed(&endpoint, exchange.outcome)));
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// The user's member with `member.id` (or, without an id, at the same institution
    /// and not OAuth when `member` is not): what a lost create answer may have created.
    async fn find_member(
        &self,
        user: &str,
        member: &MemberCreate,
    ) -> Result<Option<MemberRef>, DriveError> {
        let members = self.client.all_members(user).await?;
        let found = members.iter().find(|m| match &member.id {
            Some(id) => m.id.as_deref() == Some(id),
            None => {
                m.institution_code.as_deref() == Some(&member.institution_code)
                    && m.is_oauth.unwrap_or(false) == member.is_oauth.unwrap_or(false)
            }
        });
        Ok(found.map(|m| member_ref(user, m)))
    }
}

/// The member MX created or found, under the user MX names (else the one asked for).
fn member_ref(user: &str, member: &Member) -> MemberRef {
    MemberRef::new(
        member.user_guid.clone().unwrap_or_else(|| user.to_owned()),
        member.guid.clone().unwrap_or_default(),
    )
}
