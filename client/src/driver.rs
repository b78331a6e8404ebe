//! [`Driver`]: takes a member from creation (or any state) to `read_data`, or to the
//! action that needs the end user, doing only what `mx_aggregation` decides.
//!
//! ```text
//! loop: read the member ──Call::classify──▶ (retry / poll / gone / fix client)
//!       ──MemberState::apply──▶ state ──MemberState::decide(now, policy, end user)──▶
//!       poll: sleep · wait: sleep or hand back · read_member: read again
//!       · aggregate: POST …/aggregate ──Call::classify──▶ folded; poll / throttled / …
//!       · read_data, answer_mfa, update_credentials, resolve_at_institution,
//!         authorize_oauth (with a fresh one-time window), stop: hand back
//! ```
//!
//! Every HTTP answer goes through `Call::classify` (MX's HTTP outcomes: retries with
//! bounded backoff, `Retry-After`, 409 conflicts, ambiguous timeouts on create and
//! aggregate) and is folded into the member's `MemberState`; every decision is the
//! state's (which is `decide_with` on the newest knowledge). The driver never calls
//! `aggregate` unless the decision it just made says `aggregate`, so it never aggregates
//! inside MX's 3-hour window.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mx_aggregation::{
    Answer, Decision, EndUser, HttpOutcome, MemberState, NextAction, NextStep, Observation, Policy,
    SnapshotError,
};
use serde::Serialize;
use tracing::Instrument;

use crate::client::{MxClient, resume_body};
use crate::clock::Clock;
use crate::endpoint::{Endpoint, MemberRef};
use crate::error::MxError;
use crate::reply::Reply;
use crate::types::{Challenge, ChallengeAnswer, Member, MemberCreate, MemberUpdate};

/// How far the driver goes on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest wait the driver sleeps through itself; a longer one (MX's 3-hour
    /// window) is handed back as [`Outcome::WaitUntil`] for a scheduler. Default 5 min.
    pub max_wait: Duration,
    /// The most reads of the member in one [`Driver::drive`]. Default 500.
    pub max_steps: u32,
    /// Whether the end user is there: the crate decides with it (`decide_with`), e.g.
    /// waits for MX's background aggregation when they are absent. An `aggregate`
    /// decided for an absent end user is handed back as [`UserAction::Aggregate`] ("when
    /// the end user is next present"). Default [`EndUser::Present`].
    pub end_user: EndUser,
    /// The most aggregations one drive starts. When the decision says `aggregate` again
    /// after that many (each job ended without fresh data: MX Bank's `BAD_REQUEST`, an
    /// institution that keeps failing), the drive ends with
    /// [`Outcome::AggregateLater`] instead of hammering the institution. Default 2.
    pub max_aggregations: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_wait: Duration::from_secs(5 * 60),
            max_steps: 500,
            end_user: EndUser::Present,
            max_aggregations: 2,
        }
    }
}

/// What the end user must do: what the user interface shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum UserAction {
    /// Show these challenges, then [`Driver::answer_mfa`] with the answers.
    AnswerMfa {
        /// The open challenges (TEXT, OPTIONS, TOKEN, IMAGE_DATA, IMAGE_OPTIONS).
        challenges: Vec<Challenge>,
    },
    /// Ask for the institution's credentials, then [`Driver::update_credentials`].
    UpdateCredentials,
    /// The end user must act at the institution's website, then come back.
    ResolveAtInstitution,
    /// Send the end user's browser to this one-time URI; drive again once they return.
    AuthorizeOauth {
        /// The OAuth window (single use).
        oauth_window_uri: String,
    },
    /// The end user is absent and the member needs a foreground aggregation: drive again
    /// with the end user present.
    Aggregate,
}

/// Where a drive ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The member's data is current as of `as_of`: read accounts and transactions.
    ReadData {
        /// The member as last read.
        member: Member,
        /// When the data was last aggregated successfully.
        as_of: DateTime<Utc>,
        /// The crate's reason code.
        reason: &'static str,
    },
    /// The end user must act; `user_message` is MX's text for them, when MX sent one.
    EndUser {
        /// The member.
        member: MemberRef,
        /// What to show.
        #[serde(flatten)]
        action: UserAction,
        /// MX's message for the end user (`error.user_message`), when present.
        user_message: Option<String>,
        /// The crate's reason code.
        reason: &'static str,
    },
    /// Decide again at `until` (past [`Limits::max_wait`]): MX's throttle window, a
    /// delayed member, a rate limit.
    WaitUntil {
        /// When to drive again.
        until: DateTime<Utc>,
        /// The reason code.
        reason: &'static str,
    },
    /// The crate still says `aggregate` after [`Limits::max_aggregations`] jobs in this
    /// drive that did not bring fresh data: the member keeps failing. Tell the end user
    /// the connection failed (`status`, `user_message`), and drive again later.
    AggregateLater {
        /// The member as last read.
        member: Member,
        /// The crate's reason code (e.g. `aggregation_failed`).
        reason: &'static str,
        /// MX's message for the end user, when present.
        user_message: Option<String>,
    },
    /// Nothing more can be done with the member (closed, discontinued, no credentials…).
    Stop {
        /// The member as last read.
        member: Member,
        /// The crate's reason code.
        reason: &'static str,
    },
    /// A call ended in an HTTP outcome the member cannot get past: member gone, the
    /// client's configuration (401/403/406), retries exhausted, job not supported.
    CallFailed {
        /// The call.
        endpoint: &'static str,
        /// The crate's classification (`step` and `rule`).
        http: HttpOutcome,
    },
}

/// A drive that could not go on.
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// The clock failed (the emulator's clock is an HTTP call).
    #[error("the clock failed: {0}")]
    Clock(#[source] MxError),
    /// MX answered with a body the call does not return.
    #[error(transparent)]
    Body(#[from] MxError),
    /// MX's member is not a payload the crate can decide on.
    #[error("{endpoint}: the member cannot be decided on: {source}")]
    Payload {
        /// The call whose body it was.
        endpoint: &'static str,
        /// The crate's error.
        #[source]
        source: SnapshotError,
    },
    /// [`Limits::max_steps`] reads without an outcome.
    #[error("no outcome after {0} reads of the member")]
    StepLimit(u32),
}

/// What one call came to after its retries: the classification and MX's answer.
struct Exchange {
    outcome: HttpOutcome,
    reply: Option<Reply>,
}

/// Drives members with an [`MxClient`], a [`Clock`] and the crate's [`Policy`].
#[derive(Debug, Clone)]
pub struct Driver<C> {
    client: MxClient,
    clock: C,
    policy: Policy,
    limits: Limits,
}

impl<C: Clock> Driver<C> {
    /// A driver with the default [`Limits`].
    pub fn new(client: MxClient, clock: C, policy: Policy) -> Self {
        Self {
            client,
            clock,
            policy,
            limits: Limits::default(),
        }
    }

    /// The same driver with `limits`.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The client.
    pub const fn client(&self) -> &MxClient {
        &self.client
    }

    /// The clock.
    pub const fn clock(&self) -> &C {
        &self.clock
    }

    async fn now(&self) -> Result<DateTime<Utc>, DriveError> {
        self.clock.now().await.map_err(DriveError::Clock)
    }

    async fn sleep_secs(&self, seconds: u64) -> Result<DateTime<Utc>, DriveError> {
        tracing::debug!(seconds, "sleeping");
        self.clock
            .sleep(Duration::from_secs(seconds))
            .await
            .map_err(DriveError::Clock)
    }

    /// Makes the call, classifies MX's answer with `Call::classify`, and repeats it while
    /// the step is [`NextStep::Retry`] (after the delay it names). Returns any other step.
    async fn exchange(
        &self,
        endpoint: &Endpoint,
        body: Option<&serde_json::Value>,
    ) -> Result<Exchange, DriveError> {
        let Some(call) = endpoint.call() else {
            // Not a member call: no classification, one attempt.
            let reply = self.client.send(endpoint, body).await?.success()?;
            return Ok(Exchange {
                outcome: HttpOutcome {
                    step: NextStep::Done,
                    rule: mx_aggregation::HttpRule::Answered,
                },
                reply: Some(reply),
            });
        };
        let mut attempt: u32 = 1;
        loop {
            let reply = match self.client.send(endpoint, body).await {
                Ok(reply) => Some(reply),
                Err(MxError::Transport { .. }) => None,
                Err(other) => return Err(other.into()),
            };
            let answer = reply.as_ref().map_or(Answer::NoResponse, Reply::answer);
            let now = self.now().await?;
            let outcome = call.classify(&answer, attempt, now, &self.policy);
            tracing::info!(
                endpoint = endpoint.name(),
                step = outcome.step.name(),
                rule = outcome.rule.code(),
                attempt,
                "classified MX's answer"
            );
            if let NextStep::Retry { after_secs } = outcome.step {
                self.sleep_secs(after_secs).await?;
                attempt = attempt.saturating_add(1);
                continue;
            }
            return Ok(Exchange { outcome, reply });
        }
    }

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
        async {
            let endpoint = Endpoint::Resume(member.clone());
            let exchange = self
                .exchange(&endpoint, Some(&resume_body(answers)))
                .await?;
            let now = self.now().await?;
            fold(state, &endpoint, &exchange, now)?;
            if let Some(failed) = self.follow(&endpoint, exchange.outcome).await? {
                return Ok(failed);
            }
            self.drive_state(member, state).await
        }
        .instrument(span)
        .await
    }

    /// Sends new credentials (`PUT /users/{user}/members/{member}`), then drives on: MX
    /// aggregates by itself after an update.
    ///
    /// # Errors
    /// As [`drive`](Self::drive).
    pub async fn update_credentials(
        &self,
        member: &MemberRef,
        update: &MemberUpdate,
    ) -> Result<Outcome, DriveError> {
        let span = tracing::info_span!("mx.update_credentials", member = %member);
        async {
            let endpoint = Endpoint::UpdateMember(member.clone());
            let body = serde_json::json!({ "member": update });
            let exchange = self.exchange(&endpoint, Some(&body)).await?;
            if let Some(failed) = self.follow(&endpoint, exchange.outcome).await? {
                return Ok(failed);
            }
            self.drive(member).await
        }
        .instrument(span)
        .await
    }

    /// Carries out a classified step that leads back to reading the member: sleeps for
    /// poll and check steps, and returns the outcome that ends the drive, if any.
    async fn follow(
        &self,
        endpoint: &Endpoint,
        outcome: HttpOutcome,
    ) -> Result<Option<Outcome>, DriveError> {
        match outcome.step {
            NextStep::Done | NextStep::ReadMember => Ok(None),
            NextStep::PollJob { after_secs }
            | NextStep::OtherJobRunning { after_secs }
            | NextStep::CheckBeforeRetry { after_secs }
            | NextStep::Retry { after_secs } => {
                self.sleep_secs(after_secs).await?;
                Ok(None)
            }
            NextStep::Throttled { until } => {
                let now = self.now().await?;
                self.wait_until(now, until, outcome.rule.code()).await
            }
            NextStep::AlreadyExists
            | NextStep::NotSupported
            | NextStep::MemberGone
            | NextStep::FixClient
            | NextStep::GiveUp => Ok(Some(call_failed(endpoint, outcome))),
        }
    }

    /// Sleeps until `until` when that is within [`Limits::max_wait`], else hands it back.
    async fn wait_until(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        reason: &'static str,
    ) -> Result<Option<Outcome>, DriveError> {
        let Ok(wait) = until.signed_duration_since(now).to_std() else {
            return Ok(None);
        };
        if wait > self.limits.max_wait {
            return Ok(Some(Outcome::WaitUntil { until, reason }));
        }
        self.clock.sleep(wait).await.map_err(DriveError::Clock)?;
        Ok(None)
    }

    /// Reads the member and does what the crate decides, until the decision is
    /// `read_data`, needs the end user, is `stop`, or is a wait past
    /// [`Limits::max_wait`].
    ///
    /// It reads the full member (`GET /users/{user}/members/{member}`) rather than
    /// `…/status`: the full read carries every field the decision reads (`is_oauth`,
    /// `needs_updated_credentials`), a status read does not.
    ///
    /// # Errors
    /// [`DriveError`] when the clock fails, MX's member cannot be decided on, or no
    /// outcome comes within [`Limits::max_steps`] reads.
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
        let reason = decision.reason.code();
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
        reason: &'static str,
    ) -> Result<Option<Outcome>, DriveError> {
        let endpoint = Endpoint::OauthWindowUri(member.clone());
        let exchange = self.exchange(&endpoint, None).await?;
        if exchange.outcome.step != NextStep::Done {
            return self.follow(&endpoint, exchange.outcome).await;
        }
        let reply = exchange.reply.ok_or_else(|| unanswered(&endpoint))?;
        let window: crate::types::OauthWindow = reply.envelope("member")?;
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

/// One decision and what it was made on.
struct Step<'a> {
    member: &'a MemberRef,
    current: &'a Member,
    decision: Decision,
    now: DateTime<Utc>,
}

/// Folds a call's answer (a read's member, a job call's `202`, a `404`…) into the state,
/// received at `at`.
fn fold(
    state: &mut MemberState,
    endpoint: &Endpoint,
    exchange: &Exchange,
    at: DateTime<Utc>,
) -> Result<(), DriveError> {
    let Some(call) = endpoint.call() else {
        return Ok(());
    };
    let answer = exchange
        .reply
        .as_ref()
        .map_or(Answer::NoResponse, Reply::answer);
    let observation =
        Observation::from_answer(call, &answer, exchange.outcome).map_err(|source| {
            DriveError::Payload {
                endpoint: endpoint.name(),
                source,
            }
        })?;
    let observation = match endpoint.member() {
        Some(member) if observation.guid().is_none() => observation.with_guid(&member.member),
        Some(_) | None => observation,
    };
    let applied = state.apply(&observation, at);
    tracing::debug!(
        endpoint = endpoint.name(),
        ?applied,
        "folded into the member state"
    );
    Ok(())
}

fn member_ref(user: &str, member: &Member) -> MemberRef {
    MemberRef::new(
        member.user_guid.clone().unwrap_or_else(|| user.to_owned()),
        member.guid.clone().unwrap_or_default(),
    )
}

const fn call_failed(endpoint: &Endpoint, outcome: HttpOutcome) -> Outcome {
    Outcome::CallFailed {
        endpoint: endpoint.name(),
        http: outcome,
    }
}

/// A `Done` step always comes with a reply; this is the error if it ever did not.
fn unanswered(endpoint: &Endpoint) -> DriveError {
    DriveError::Body(MxError::Api {
        endpoint: endpoint.name(),
        status: 0,
        message: "classified as answered without an answer".to_owned(),
    })
}
