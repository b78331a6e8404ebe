//! Answering an MFA challenge (`PUT …/resume`): only a challenged member can be resumed
//! (405 otherwise, as MX's Nexus reference answers), with answers to its open challenges.

use chrono::{DateTime, Utc};

use crate::model::member::Stage;
use crate::model::moves;
use crate::model::mxbank;
use crate::model::refusal::{Refusal, Refused};
use crate::model::world::World;

/// The end user's answer to one challenge.
#[derive(Debug, Clone)]
pub(crate) struct ChallengeAnswer {
    /// The challenge's GUID.
    pub(crate) guid: String,
    /// What the end user answered.
    pub(crate) value: String,
}

/// The GUID of the member `member` of `user`, when it waits for an MFA answer.
pub(crate) fn challenged(world: &World, user: &str, member: &str) -> Refused<String> {
    let guid = world.member_guid(user, member)?;
    let waiting = world
        .member(&guid)
        .and_then(|member| member.job.as_ref())
        .is_some_and(|job| job.stage == Stage::AwaitingMfa);
    if waiting {
        Ok(guid)
    } else {
        Err(Refusal::NotAllowed(
            "the member is not challenged: there is nothing to resume".to_owned(),
        ))
    }
}

/// Sends `answers` for the challenged member `guid` at `now`; the job goes on to the
/// institution's verdict (MX Bank: `correct` passes).
pub(crate) fn resume(
    world: &mut World,
    guid: &str,
    answers: &[ChallengeAnswer],
    callback_payload: Option<String>,
    now: DateTime<Utc>,
) -> Refused<()> {
    if answers.is_empty() {
        return Err(Refusal::Invalid(
            "member.challenges holds no answer".to_owned(),
        ));
    }
    let (mut member, cx) = world.member_with_ctx(guid)?;
    let member = &mut *member;
    if let Some(unknown) = answers
        .iter()
        .find(|a| !member.challenges.iter().any(|c| c.guid == a.guid))
    {
        return Err(Refusal::Invalid(format!(
            "challenge guid {:.60} is not an open challenge",
            unknown.guid
        )));
    }
    let passes = answers.iter().all(|a| mxbank::answer_passes(&a.value));
    if callback_payload.is_some() {
        member.callback_payload = callback_payload;
    }
    moves::resume(member, cx, now, passes);
    Ok(())
}
