//! Everything MX has said about one member, folded into the newest knowledge per field.
//!
//! A service sees a member through full reads, status reads, member webhooks,
//! connection-status webhooks (no timestamps, retried for about a day), aggregation
//! webhooks and the answers to its own calls. Each says part of the truth at some moment;
//! deciding on each alone lets a late webhook override a newer read. [`MemberState`] keeps
//! the newest of each, and [`MemberState::decide`] decides on the whole.
//!
//! The layer above [`decide`](mod@crate::decide) and [`http`](crate::http): it folds what
//! both say ([`observation`]) and decides with the first.

mod decide;
mod facts;
pub(crate) mod observation;
mod status_webhooks;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::http::outcome::NextStep;
use crate::model::payload::PayloadKind;
use crate::model::snapshot::MemberSnapshot;
use crate::state::observation::Observation;
use crate::time::timestamp::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};

use facts::{Facts, Stamp, Stamped, keep_max};
use status_webhooks::StatusWebhooks;

/// One member as the service knows it: the fold of every [`Observation`] of it.
///
/// The merge rules (the generated documentation lists them with their sources):
///
/// - **Member payloads** (reads, status reads, member webhooks, answers whose body is the
///   member) are ordered by MX's timestamps (`aggregated_at`, then
///   `successfully_aggregated_at`), then by receipt. The newest sets the job-state fields
///   (status, `is_being_aggregated`, challenges, error code); an older one, however late
///   it arrives, changes none of them. `needs_updated_credentials` is the newest value a
///   payload carried while the newest payload shows the same job: a status read lacks it
///   (unknown, not `false`) and keeps a full read's `true`; a newer job decides anew. `is_oauth` and
///   `background_aggregation_is_disabled` keep the value of the newest payload that carried
///   them: a status read, which lacks them, does not erase them. `is_manual` once seen
///   stays.
/// - **Connection-status webhooks** carry no timestamp, so they are placed by receipt: one
///   received after the newest member payload makes [`decide`](Self::decide) answer
///   `read_member`; one received before it is history. Copies of the same status all
///   within MX's retry window (about 24 hours) of the first are one event: a retry changes
///   no decision. Copies spread wider are a newer event, placed at the latest copy, so the
///   fold is the same in every order of arrival.
/// - **`member_data_updated` webhooks** keep the latest `completed_at`; when it is newer
///   than the member's own timestamps, the data is ready to read.
/// - **Answers to calls** ([`Observation::from_answer`]): a `202` that started nothing
///   keeps the end of MX's window; `404`, the client's own errors, `409` and answers that
///   do not show the state are remembered until a newer member payload arrives.
/// - **Guid**: the first guid seen names the state; [`Observation::with_previous_guid`]
///   re-links it to the new guid an OAuth re-authorization came back under, and later
///   observations of the old guid are stale.
/// - **`X-CALLBACK-PAYLOAD`**: the latest received is kept for the caller.
///
/// Deduplication needs no event id: every merge keeps a maximum (or, for webhook copies,
/// the first receipt), so folding the same observation twice changes nothing, and
/// observations ordered by their timestamps fold to the same state in any order.
/// [`Observation::dedup_key`] documents the key for callers that store observations.
///
/// The state serializes to JSON with serde, to keep it in a database between events.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use mx_aggregation::{ActionKind, EndUser, MemberState, Observation, Policy};
///
/// let read = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
///     "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z",
///     "successfully_aggregated_at": "2026-11-24T11:02:00Z"}}"#;
/// let late_webhook = r#"{"type": "CONNECTION_STATUS", "action": "CHANGED",
///     "connection_status": "CHALLENGED", "member_guid": "MBR-1"}"#;
/// let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap();
///
/// let mut state = MemberState::default();
/// state.apply(&Observation::from_json(read)?, at(11, 5));
/// state.apply(&Observation::from_json(late_webhook)?, at(11, 30));
/// // The webhook may be a day-old retry: read the member rather than ask for MFA.
/// let decision = state.decide(at(11, 31), &Policy::default(), EndUser::Present);
/// assert_eq!(decision.action.kind(), ActionKind::ReadMember);
///
/// state.apply(&Observation::from_json(read)?, at(11, 32));
/// let decision = state.decide(at(11, 33), &Policy::default(), EndUser::Present);
/// assert_eq!(decision.action.kind(), ActionKind::ReadData);
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberState {
    #[serde(skip_serializing_if = "Option::is_none")]
    guid: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    previous_guids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<Facts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_success: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_oauth: Option<Stamped>,
    #[serde(skip_serializing_if = "Option::is_none")]
    background_aggregation_is_disabled: Option<Stamped>,
    /// The newest `needs_updated_credentials` a payload carried; the job-state facts take
    /// it while they describe the same job.
    #[serde(skip_serializing_if = "Option::is_none")]
    needs_updated_credentials: Option<Stamped>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    is_manual: bool,
    #[serde(skip_serializing_if = "StatusWebhooks::none_recorded")]
    status_webhooks: StatusWebhooks,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_ready_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    throttled_until: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<AnswerNote>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_payload: Option<Callback>,
}

/// What [`MemberState::apply`] did with an observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "an observation can be stale or about another member"]
pub enum Applied {
    /// The state learnt something.
    Changed,
    /// Nothing new: a duplicate, or knowledge the state already had.
    Unchanged,
    /// Older than what the state knows (by MX's timestamps, or a guid this member
    /// replaced): it changed nothing.
    Stale,
    /// The observation names another member (a guid that is neither this state's nor one
    /// it replaced): nothing changed. Fold it into that member's state.
    OtherMember,
    /// A time in the observation (`received_at` included) lies outside the years
    /// 0000–9999 that the state's JSON can write: nothing changed.
    OutOfRange,
}

/// A call's answer that says something about the member without showing it, and when it
/// arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
struct AnswerNote {
    at: DateTime<Utc>,
    note: Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Note {
    /// `404`: the member is gone.
    MemberGone,
    /// `401`, `403`, `406`, a malformed request: the service's configuration.
    ClientConfiguration,
    /// `409` (another job kind runs) or an accepted MFA answer: poll.
    Poll { after_secs: u64 },
    /// The answer does not show the state: read the member.
    ReadMember,
}

/// The latest `X-CALLBACK-PAYLOAD` and when it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Callback {
    received_at: DateTime<Utc>,
    value: String,
}

impl MemberState {
    /// Folds one observation, received at `received_at`, into the state.
    ///
    /// Allocates nothing unless the state stores a new string (the first guid, a re-link,
    /// a new `X-CALLBACK-PAYLOAD`): statuses, timestamps and flags are plain values.
    pub fn apply(&mut self, observation: &Observation<'_>, received_at: DateTime<Utc>) -> Applied {
        if !times_writable(observation, received_at) {
            return Applied::OutOfRange;
        }
        let mut changed = match self.adopt_guid(observation) {
            Ok(changed) => changed,
            Err(applied) => return applied,
        };
        let mut stale = false;
        if let Some(snapshot) = observation.snapshot() {
            match snapshot.payload {
                PayloadKind::Member => {
                    let carried = observation.carried_needs_updated_credentials();
                    let (learnt, older) = self.fold_member(snapshot, carried, received_at);
                    changed |= learnt;
                    stale |= older;
                }
                PayloadKind::ConnectionStatusWebhook => {
                    if let Some(status) = snapshot.connection_status {
                        changed |= self.status_webhooks.record(status, received_at);
                    }
                }
                PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => {
                    if let Some(done) = snapshot.completed_at {
                        changed |= keep_max(&mut self.data_ready_at, done);
                    }
                }
                PayloadKind::MemberReference => {}
            }
        }
        if let Some((_, outcome)) = observation.answer() {
            let note = match outcome.step {
                NextStep::Throttled { until } => {
                    changed |= keep_max(&mut self.throttled_until, until);
                    None
                }
                NextStep::MemberGone => Some(Note::MemberGone),
                NextStep::FixClient => Some(Note::ClientConfiguration),
                NextStep::OtherJobRunning { after_secs } => Some(Note::Poll { after_secs }),
                NextStep::PollJob { after_secs } if observation.snapshot().is_none() => {
                    Some(Note::Poll { after_secs })
                }
                NextStep::CheckBeforeRetry { .. } | NextStep::ReadMember => Some(Note::ReadMember),
                NextStep::Done
                | NextStep::PollJob { .. }
                | NextStep::Retry { .. }
                | NextStep::AlreadyExists
                | NextStep::NotSupported
                | NextStep::GiveUp => None,
            };
            if let Some(note) = note {
                changed |= keep_max(
                    &mut self.answer,
                    AnswerNote {
                        at: received_at,
                        note,
                    },
                );
            }
        }
        if let Some(value) = observation.callback_payload() {
            changed |= self.keep_callback(value, received_at);
        }
        if changed {
            Applied::Changed
        } else if stale {
            Applied::Stale
        } else {
            Applied::Unchanged
        }
    }

    /// The member's guid: the newest one, after re-links.
    pub fn guid(&self) -> Option<&str> {
        self.guid.as_deref()
    }

    /// The guids this member replaced (OAuth re-authorizations answered under a new guid),
    /// oldest first.
    pub fn previous_guids(&self) -> impl Iterator<Item = &str> {
        self.previous_guids.iter().map(String::as_str)
    }

    /// The latest `X-CALLBACK-PAYLOAD` MX echoed on a webhook: the caller's own value.
    pub fn callback_payload(&self) -> Option<&str> {
        self.callback_payload.as_ref().map(|c| c.value.as_str())
    }

    /// The newest knowledge of the member as one snapshot: the newest member payload's job
    /// state, the latest timestamps and the flags last seen. `None` before any member
    /// payload.
    pub fn snapshot(&self) -> Option<MemberSnapshot> {
        let facts = self.member?;
        Some(MemberSnapshot {
            payload: PayloadKind::Member,
            connection_status: facts.connection_status,
            is_being_aggregated: facts.is_being_aggregated,
            aggregated_at: facts.stamp.aggregated_at,
            successfully_aggregated_at: self
                .latest_success
                .max(facts.stamp.successfully_aggregated_at),
            completed_at: None,
            needs_updated_credentials: facts.needs_updated_credentials,
            background_aggregation_is_disabled: self
                .background_aggregation_is_disabled
                .map(|flag| flag.value),
            is_oauth: self.is_oauth.map(|flag| flag.value),
            is_manual: self.is_manual,
            has_challenges: facts.has_challenges,
            error_code: facts.error_code,
        })
    }

    /// Takes the observation's guid, or says why the observation is not this member's.
    fn adopt_guid(&mut self, observation: &Observation<'_>) -> Result<bool, Applied> {
        let Some(guid) = observation.guid() else {
            return Ok(false);
        };
        let current = self.guid.as_deref();
        if let Some(previous) = observation.previous_guid() {
            if current.is_some_and(|c| c != previous && c != guid) {
                return Err(Applied::OtherMember);
            }
            let mut changed = false;
            if previous != guid && !self.previous_guids.iter().any(|g| g == previous) {
                self.previous_guids.push(previous.to_owned());
                changed = true;
            }
            if current != Some(guid) {
                self.guid = Some(guid.to_owned());
                changed = true;
            }
            return Ok(changed);
        }
        match current {
            None => {
                self.guid = Some(guid.to_owned());
                Ok(true)
            }
            Some(c) if c == guid => Ok(false),
            Some(_) if self.previous_guids.iter().any(|g| g == guid) => Err(Applied::Stale),
            Some(_) => Err(Applied::OtherMember),
        }
    }

    /// Folds a member payload, with the `needs_updated_credentials` it carried (`None`: it
    /// did not say); returns (learnt something, was older than known).
    fn fold_member(
        &mut self,
        snapshot: &MemberSnapshot,
        carried_needs_updated_credentials: Option<bool>,
        received_at: DateTime<Utc>,
    ) -> (bool, bool) {
        let stamp = Stamp::of(snapshot, received_at);
        let mut changed = false;
        if let Some(value) = carried_needs_updated_credentials {
            changed |= keep_max(
                &mut self.needs_updated_credentials,
                Stamped { stamp, value },
            );
        }
        // The flag is the newest carried value while it describes the facts' job, whatever
        // order the payloads came in: set on the known facts before comparing, so it never
        // tells two payloads of one job apart.
        if let Some(known) = &mut self.member {
            let flag = needs_updated_credentials(self.needs_updated_credentials, known.stamp);
            changed |= known.needs_updated_credentials != flag;
            known.needs_updated_credentials = flag;
        }
        let facts = Facts {
            needs_updated_credentials: needs_updated_credentials(
                self.needs_updated_credentials,
                stamp,
            ),
            ..Facts::of(snapshot, received_at)
        };
        let older = self.member.is_some_and(|known| known > facts);
        changed |= keep_max(&mut self.member, facts);
        if let Some(success) = snapshot.successfully_aggregated_at {
            changed |= keep_max(&mut self.latest_success, success);
        }
        if let Some(value) = snapshot.is_oauth {
            changed |= keep_max(&mut self.is_oauth, Stamped { stamp, value });
        }
        if let Some(value) = snapshot.background_aggregation_is_disabled {
            changed |= keep_max(
                &mut self.background_aggregation_is_disabled,
                Stamped { stamp, value },
            );
        }
        if snapshot.is_manual && !self.is_manual {
            self.is_manual = true;
            changed = true;
        }
        (changed, older && !changed)
    }

    /// Keeps the latest callback payload (by receipt, then by value), reusing the buffer.
    fn keep_callback(&mut self, value: &str, received_at: DateTime<Utc>) -> bool {
        match &mut self.callback_payload {
            Some(known) if (known.received_at, known.value.as_str()) >= (received_at, value) => {
                false
            }
            Some(known) => {
                known.received_at = received_at;
                if known.value != value {
                    known.value.clear();
                    known.value.push_str(value);
                }
                true
            }
            None => {
                self.callback_payload = Some(Callback {
                    received_at,
                    value: value.to_owned(),
                });
                true
            }
        }
    }
}

/// `needs_updated_credentials` for the job of `stamp`: the newest value a payload carried,
/// when that payload showed the same job (the same `aggregated_at` and
/// `successfully_aggregated_at`). A status read lacks the field (SPEC25
/// `MemberStatusResponse`): absent is unknown, so it keeps the value a full read of its job
/// carried. A newer job decides anew: MX runs none while the flag is set (SPEC25 \[V\]),
/// so a newer job means the credentials changed, and without a payload of it that carries
/// the flag, it reads as `false`.
fn needs_updated_credentials(carried: Option<Stamped>, stamp: Stamp) -> bool {
    carried.is_some_and(|carried| carried.value && carried.stamp.same_job(&stamp))
}

fn writable(t: DateTime<Utc>) -> bool {
    (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&t.timestamp())
}

fn times_writable(observation: &Observation<'_>, received_at: DateTime<Utc>) -> bool {
    let snapshot_times = observation.snapshot().into_iter().flat_map(|s| {
        [
            s.aggregated_at,
            s.successfully_aggregated_at,
            s.completed_at,
        ]
    });
    let until = observation
        .answer()
        .and_then(|(_, outcome)| match outcome.step {
            NextStep::Throttled { until } => Some(until),
            NextStep::Done
            | NextStep::PollJob { .. }
            | NextStep::OtherJobRunning { .. }
            | NextStep::Retry { .. }
            | NextStep::CheckBeforeRetry { .. }
            | NextStep::ReadMember
            | NextStep::AlreadyExists
            | NextStep::NotSupported
            | NextStep::MemberGone
            | NextStep::FixClient
            | NextStep::GiveUp => None,
        });
    writable(received_at) && snapshot_times.chain([until]).flatten().all(writable)
}
