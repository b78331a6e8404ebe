//! The drive loop: read the member, fold the read into its `MemberState`, decide, and
//! carry out the decision, until one hands the member back.

use chrono::{DateTime, Utc};
use mx_aggregation::{Decision, EndUser, MemberState, NextAction, NextStep, Reason};
use tracing::Instrument;

use super::Driver;
use super::exchange::{fold, unanswered};
use super::outcome::{DriveError, Outcome, UserAction};
use crate::clock::Clock;
use crate::endpoint::{Endpoint, MemberRef};
use crate::types::{Challenge, Member, OauthWindow};

/// One decision and what it was made on.
struct Step<'a> {
    member: &'a MemberRef,
    current: &'a Member,
    decision: Decision,
    now: DateTime<Utc>,
}

impl<C: Clock> Driver<C> {
    /// Reads the member and does what the crate decides, until the decision is
    /// `read_data`, needs the end user, is `stop`, or is a wait past
    /// [`Limits::max_wait`](super::Limits::max_wait).
    ///
    /// It reads the full member (`GET /users/{user}/members/{member}`) rather than
    /// `…/status`: the full read carries every field the decision reads (`is_oauth`,
    /// `needs_updated_credentials`), a status read does not.
    ///
    /// # Errors
    /// [`DriveError`] when the clock fails, MX's member cannot be decided on, or no
    /// outcome comes within [`Limits::max_steps`](super::Limits::max_steps) reads.
    pub async fn drive(&self, member: &MemberRef) -> Result<Outcome, DriveError> {
        let mut state = MemberState::default();
        self.drive_state(member, &mut state).await
    }

    /// [`drive`](Self::drive) on a [`MemberState`] the caller keeps (the service folds
    /// MX's webhooks into it): every read and every call's answer is folded into it, and
    /// each decision is the state's (`MemberState::decide`, which puts what arrived after
    /// the newest read first).
    ///
    /// # Errors
    /// As [`drive`](Self::drive).
    pub async fn drive_state(
        &self,
        member: &MemberRef,
        state: &mut MemberState,
    ) -> Result<Outcome, DriveError> {
        let span = tracing::info_span!("mx.drive", member = %member);
        self.drive_inner(member, state).instrument(span).await
    }

    async fn drive_inner(
        &self,
        member: &MemberRef,
        state: &mut MemberState,
    ) -> Result<Outcome, DriveError> {
        let read = Endpoint::ReadMember(member.clone());
        let mut aggregations = 0;
        for _ in 0..self.limits.max_steps {
            let exchange = self.exchange(&read, None).await?;
            let now = self.now().await?;
            fold(state, &read, &exchange, now)?;
            if exchange.outcome.step != NextStep::Done {
                if let Some(end) = self.follow(&read, exchange.outcome).await? {
                    return Ok(end);
                }
                continue;
            }
            let reply = exchange.reply.ok_or_else(|| unanswered(&read))?;
            let current: Member = reply.envelope("member")?;
            let decision = state.decide(now, &self.policy, self.limits.end_user);
            let span = tracing::info_span!(
                "mx.decision",
                action = decision.action.kind().as_str(),
                reason = decision.reason.code(),
                status = current.connection_status.as_deref().unwrap_or("null"),
            );
            let step = Step {
                member,
                current: &current,
                decision,
                now,
            };
            if let Some(end) = self
                .carry_out(step, state, &mut aggregations)
                .instrument(span)
                .await?
            {
                return Ok(end);
            }
        }
        Err(DriveError::StepLimit(self.limits.max_steps))
    }

    /// Carries out one decision of the crate, inside its span.
    async fn carry_out(
        &self,
        step: Step<'_>,
        state: &mut MemberState,
        aggregations: &mut u32,
    ) -> Result<Option<Outcome>, DriveError> {
        let Step {
            member,
            current,
            decision,
            now,
        } = step;
        let reason = decision.reason;
        tracing::info!("decided");
        let user = |action| {
            Some(Outcome::EndUser {
                member: member.clone(),
                action,
                user_message: current.user_message(),
                reason,
            })
        };
        match decision.action {
            NextAction::Poll { after_secs } => {
                self.sleep_secs(after_secs).await?;
                Ok(None)
            }
            NextAction::Wait { until } => self.wait_until(now, until, reason).await,
            NextAction::ReadData { as_of } => Ok(Some(Outcome::ReadData {
                member: current.clone(),
                as_of,
                reason,
            })),
            NextAction::AnswerMfa => {
                let endpoint = Endpoint::Challenges(member.clone());
                let exchange = self.exchange(&endpoint, None).await?;
                if exchange.outcome.step != NextStep::Done {
                    // 204: nothing to answer (yet): read the member again after a poll.
                    if exchange.outcome.step == NextStep::ReadMember {
                        self.sleep_secs(mx_aggregation::MX_MIN_POLL_INTERVAL.as_secs())
                            .await?;
                        return Ok(None);
                    }
                    return self.follow(&endpoint, exchange.outcome).await;
                }
                let reply = exchange.reply.ok_or_else(|| unanswered(&endpoint))?;
                let challenges: Vec<Challenge> = reply.envelope("challenges")?;
                Ok(user(UserAction::AnswerMfa { challenges }))
            }
            NextAction::UpdateCredentials => Ok(user(UserAction::UpdateCredentials)),
            NextAction::AuthorizeOauth => self.authorize_oauth(member, current, reason).await,
            // Every turn of the loop reads the member: this one reads it again.
            NextAction::ReadMember => Ok(None),
            NextAction::ResolveAtInstitution => Ok(user(UserAction::ResolveAtInstitution)),
            NextAction::Aggregate => {
                if self.limits.end_user == EndUser::Absent {
                    return Ok(user(UserAction::Aggregate));
                }
                if *aggregations >= self.limits.max_aggregations {
                    return Ok(Some(Outcome::AggregateLater {
                        member: current.clone(),
                        reason,
                        user_message: current.user_message(),
                    }));
                }
                *aggregations += 1;
                let endpoint = Endpoint::Aggregate(member.clone());
                let exchange = self.exchange(&endpoint, None).await?;
                let answered_at = self.now().await?;
                fold(state, &endpoint, &exchange, answered_at)?;
                self.follow(&endpoint, exchange.outcome).await
            }
            NextAction::Stop => Ok(Some(Outcome::Stop {
                member: current.clone(),
                reason,
            })),
        }
    }

    /// A one-time OAuth window for the end user.
    async fn authorize_oauth(
        &self,
        member: &MemberRef,
        current: &Member,
        reason: Reason,
    ) -> Result<Option<Outcome>, DriveError> {
        let endpoint = Endpoint::OauthWindowUri(member.clone());
        let exchange = self.exchange(&endpoint, None).await?;
        if exchange.outcome.step != NextStep::Done {
            return self.follow(&endpoint, exchange.outcome).await;
        }
        let reply = exchange.reply.ok_or_else(|| unanswered(&endpoint))?;
        let window: OauthWindow = reply.envelope("member")?;
        let Some(uri) = window.oauth_window_uri else {
            return Ok(None);
        };
        Ok(Some(Outcome::EndUser {
            member: MemberRef::new(
                member.user.clone(),
                window.guid.unwrap_or_else(|| member.member.clone()),
            ),
            action: UserAction::AuthorizeOauth {
                oauth_window_uri: uri,
            },
            user_message: current.user_message(),
            reason,
        }))
    }
}
