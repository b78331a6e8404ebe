//! One thing MX said about a member, ready to fold into a [`MemberState`](crate::MemberState).

use chrono::{DateTime, Utc};

use crate::http::call::Call;
use crate::http::outcome::{Answer, HttpOutcome};
use crate::model::payload::PayloadKind;
use crate::model::snapshot::MemberSnapshot;
use crate::read::member_json::{MemberJson, SnapshotError};

/// One observation of a member: a payload MX sent (a read, a status read, a webhook) or
/// MX's answer to one of the service's calls, plus what came with it. Borrowed from the
/// input; building one does not allocate.
///
/// ```
/// use mx_aggregation::Observation;
///
/// let webhook = r#"{"type": "CONNECTION_STATUS", "action": "CHANGED",
///     "connection_status": "DENIED", "member_guid": "MBR-1"}"#;
/// let observation = Observation::from_json(webhook)?.with_callback_payload("b64...");
/// assert_eq!(observation.guid(), Some("MBR-1"));
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation<'a> {
    snapshot: Option<MemberSnapshot>,
    guid: Option<&'a str>,
    previous_guid: Option<&'a str>,
    callback_payload: Option<&'a str>,
    answer: Option<(Call, HttpOutcome)>,
    /// `needs_updated_credentials` as the payload carried it; `None` when it did not.
    carried_needs_updated_credentials: Option<bool>,
}

impl<'a> Observation<'a> {
    /// A member or webhook payload as MX sent it: read member, read member status, a
    /// member, connection-status or `member_data_updated` webhook, the `oauth_window_uri`
    /// response. Anything that is not a member payload is an error naming what it is
    /// ([`SnapshotError::NotAMember`]), as for [`MemberSnapshot::from_json`].
    pub fn from_json(json: &'a str) -> Result<Self, SnapshotError> {
        let member = MemberJson::parse(json)?;
        Ok(Self {
            snapshot: Some(member.snapshot()?),
            guid: member.borrowed_guid(),
            previous_guid: None,
            callback_payload: None,
            answer: None,
            carried_needs_updated_credentials: member.carried_needs_updated_credentials(),
        })
    }

    /// A payload already read into a [`MemberSnapshot`] (it carries no guid: add one with
    /// [`with_guid`](Self::with_guid)). Its `needs_updated_credentials` counts as carried,
    /// `false` included; a status read, which lacks the field, reads as unknown only
    /// through [`from_json`](Self::from_json) or [`from_answer`](Self::from_answer).
    pub const fn from_snapshot(snapshot: MemberSnapshot) -> Self {
        Self {
            snapshot: Some(snapshot),
            guid: None,
            previous_guid: None,
            callback_payload: None,
            answer: None,
            carried_needs_updated_credentials: Some(snapshot.needs_updated_credentials),
        }
    }

    /// MX's answer to a call, classified by [`Call::classify`]. A `2xx` body that is a
    /// member payload is folded like [`from_json`](Self::from_json); a body that is not (an
    /// error object, a list of challenges, nothing) contributes only the outcome: name
    /// the member with [`with_guid`](Self::with_guid). A `2xx` member body with a bad field
    /// is an error naming it.
    pub fn from_answer(
        call: Call,
        answer: &Answer<'a>,
        outcome: HttpOutcome,
    ) -> Result<Self, SnapshotError> {
        let mut observation = Self {
            snapshot: None,
            guid: None,
            previous_guid: None,
            callback_payload: None,
            answer: Some((call, outcome)),
            carried_needs_updated_credentials: None,
        };
        let body = match *answer {
            Answer::Response {
                status: 200..=299,
                body,
                ..
            } if !body.trim().is_empty() => body,
            Answer::Response { .. } | Answer::NoResponse => return Ok(observation),
        };
        let Ok(member) = MemberJson::parse(body) else {
            return Ok(observation);
        };
        match member.snapshot() {
            Ok(snapshot) => {
                observation.snapshot = Some(snapshot);
                observation.guid = member.borrowed_guid();
                observation.carried_needs_updated_credentials =
                    member.carried_needs_updated_credentials();
            }
            Err(SnapshotError::NotAMember { .. }) => {}
            Err(other) => return Err(other),
        }
        Ok(observation)
    }

    /// Names the member, when the payload does not (an error body, a `204`).
    #[must_use]
    pub fn with_guid(mut self, guid: &'a str) -> Self {
        self.guid = Some(guid);
        self
    }

    /// Records that this member replaces `previous_guid`: MX answered an OAuth
    /// re-authorization under a new member guid ("the backend will ultimately decide when to
    /// send us back the same member guid, or a new one", CW `inbound_member_guid`).
    #[must_use]
    pub fn with_previous_guid(mut self, previous_guid: &'a str) -> Self {
        self.previous_guid = Some(previous_guid);
        self
    }

    /// The `X-CALLBACK-PAYLOAD` header MX echoed on a member or member-data webhook: the
    /// caller's own value (set when creating or aggregating, at most 1024 characters of
    /// base64), kept by the state for the caller.
    #[must_use]
    pub fn with_callback_payload(mut self, header: &'a str) -> Self {
        self.callback_payload = Some(header);
        self
    }

    /// What the payload showed about the member; `None` for an answer without a member body.
    pub const fn snapshot(&self) -> Option<&MemberSnapshot> {
        self.snapshot.as_ref()
    }

    /// The member's guid: the payload's `guid` or `member_guid` (when written without JSON
    /// escapes, as MX writes guids), or [`with_guid`](Self::with_guid).
    pub const fn guid(&self) -> Option<&'a str> {
        self.guid
    }

    /// The guid this member replaces, from [`with_previous_guid`](Self::with_previous_guid).
    pub const fn previous_guid(&self) -> Option<&'a str> {
        self.previous_guid
    }

    /// The `X-CALLBACK-PAYLOAD` header, from [`with_callback_payload`](Self::with_callback_payload).
    pub const fn callback_payload(&self) -> Option<&'a str> {
        self.callback_payload
    }

    /// `needs_updated_credentials` when the payload carried it (`None`: absent or `null`).
    pub(crate) const fn carried_needs_updated_credentials(&self) -> Option<bool> {
        self.carried_needs_updated_credentials
    }

    /// The call this observation answers and its classification, for [`from_answer`](Self::from_answer).
    pub const fn answer(&self) -> Option<(Call, HttpOutcome)> {
        self.answer
    }

    /// The observation's deduplication key, for services that store observations before
    /// folding them. MX sends no event id, so the key is derived (64-bit FNV-1a over the
    /// fields, stable across versions and machines):
    ///
    /// - connection-status webhook: `CONNECTION_STATUS`, member guid, status id. MX retries
    ///   it for about 24 hours with the same content, and it has no timestamp, so copies
    ///   within that window are one event;
    /// - `member_data_updated` webhook: its kind, member guid, `completed_at` (MX says to
    ///   ignore `job_guid`);
    /// - member payload: member guid, status id, `is_being_aggregated`, `aggregated_at`,
    ///   `successfully_aggregated_at` (nanoseconds);
    /// - member reference: its guid;
    /// - an answer without a member body: `None`, it is not an event.
    pub fn dedup_key(&self) -> Option<u64> {
        let snapshot = self.snapshot?;
        let mut key = Fnv::new();
        key.str(self.guid.unwrap_or(""));
        let status = |s: &MemberSnapshot| s.connection_status.map_or(0, |c| u64::from(c.id()) + 1);
        let time = |t: Option<DateTime<Utc>>| {
            t.map_or(0, |t| {
                let nanos = i128::from(t.timestamp()) * 1_000_000_000
                    + i128::from(t.timestamp_subsec_nanos());
                nanos as u64 ^ ((nanos >> 64) as u64)
            })
        };
        match snapshot.payload {
            PayloadKind::ConnectionStatusWebhook => {
                key.str("CONNECTION_STATUS");
                key.u64(status(&snapshot));
            }
            PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => {
                key.str(snapshot.payload.as_str());
                key.u64(time(snapshot.completed_at));
            }
            PayloadKind::Member => {
                key.str("member");
                key.u64(status(&snapshot));
                key.u64(u64::from(snapshot.is_being_aggregated));
                key.u64(time(snapshot.aggregated_at));
                key.u64(time(snapshot.successfully_aggregated_at));
            }
            PayloadKind::MemberReference => key.str("member reference"),
        }
        Some(key.0)
    }
}

/// 64-bit FNV-1a (Fowler–Noll–Vo): a published, stable hash, unlike `std`'s.
struct Fnv(u64);

impl Fnv {
    const fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A string and a separator, so `("ab", "c")` and `("a", "bc")` differ.
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xff]);
    }

    fn u64(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }
}
