//! One call of a drive: made, classified by `Call::classify`, retried while the step says
//! so, folded into the member's `MemberState`, and its step carried out.

use chrono::{DateTime, Utc};
use mx_aggregation::{Answer, HttpOutcome, MemberState, NextStep, Observation, Reason};

use super::Driver;
use super::outcome::{DriveError, Outcome};
use crate::clock::Clock;
use crate::endpoint::Endpoint;
use crate::error::MxError;
use crate::reply::Reply;

/// What one call came to after its retries: the classification and MX's answer.
pub(super) struct Exchange {
    pub(super) outcome: HttpOutcome,
    pub(super) reply: Option<Reply>,
}

impl<C: Clock> Driver<C> {
    /// Makes the call, classifies MX's answer with `Call::classify`, and repeats it while
    /// the step is [`NextStep::Retry`] (after the delay it names). Returns any other step.
    pub(super) async fn exchange(
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

    /// Carries out a classified step that leads back to reading the member: sleeps for
    /// poll and check steps, and returns the outcome that ends the drive, if any.
    pub(super) async fn follow(
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
                self.wait_until(now, until, Reason::MxThrottled).await
            }
            NextStep::AlreadyExists
            | NextStep::NotSupported
            | NextStep::MemberGone
            | NextStep::FixClient
            | NextStep::GiveUp => Ok(Some(call_failed(endpoint, outcome))),
        }
    }
}

/// Folds a call's answer (a read's member, a job call's `202`, a `404`…) into the state,
/// received at `at`.
pub(super) fn fold(
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

/// The outcome of a call whose step the member cannot get past.
pub(super) const fn call_failed(endpoint: &Endpoint, outcome: HttpOutcome) -> Outcome {
    Outcome::CallFailed {
        endpoint: endpoint.name(),
        http: outcome,
    }
}

/// A `Done` step always comes with a reply; this is the error if it ever did not.
pub(super) fn unanswered(endpoint: &Endpoint) -> DriveError {
    DriveError::Body(MxError::Api {
        endpoint: endpoint.name(),
        status: 0,
        message: "classified as answered without an answer".to_owned(),
    })
}
