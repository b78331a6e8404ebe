//! MX's webhooks: what arrived ([`Webhook`]) and the de-duplication a receiver needs
//! ([`WebhookInbox`]).
//!
//! MX retries a webhook until it is answered (up to 12 retries over about a day), so the
//! same event can arrive late, twice, and out of order, and MX sends no event id. A
//! receiver answers `204` at once, drops duplicates by a key derived from the payload
//! (type, action, member, status, `completed_at`), and never drives the user interface
//! from the webhook itself: a connection-status webhook carries no timestamp, so it only
//! says "read the member again" (MX advises against driving the UI from webhooks). The
//! service then reads the member and decides on what MX says now, so a late `CHALLENGED`
//! after the member connected changes nothing.
//!
//! When the member state of issue 11 (observations folded by time) is on main, the
//! inbox's role passes to it; the dedup key here follows that list.

use std::collections::{HashSet, VecDeque};

use serde::Deserialize;

/// The webhook families the service acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookKind {
    /// `CONNECTION_STATUS` / `CHANGED`: the member entered a status; no timestamp.
    ConnectionStatus,
    /// `AGGREGATION` (and the premium jobs' types) / `member_data_updated`: a job
    /// completed at `completed_at`.
    DataUpdated,
    /// `MEMBER` webhooks (created, updated, deleted).
    Member,
    /// Any other family MX sends: tolerated, not acted on.
    Other(String),
}

/// One webhook, as far as the service reads it. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Webhook {
    /// MX's `type`, e.g. `CONNECTION_STATUS`, `AGGREGATION`, `MEMBER`.
    #[serde(rename = "type")]
    pub kind_name: String,
    /// MX's `action`, e.g. `CHANGED`, `member_data_updated`, `created`.
    pub action: String,
    /// The member it is about.
    pub member_guid: Option<String>,
    /// The member's user.
    pub user_guid: Option<String>,
    /// The status a connection-status webhook carries.
    pub connection_status: Option<String>,
    /// When a data-updated job completed (Unix seconds).
    pub completed_at: Option<i64>,
    /// The job's guid, when MX sends it.
    pub job_guid: Option<String>,
}

impl Webhook {
    /// Reads a webhook body.
    ///
    /// # Errors
    /// When the body is not a JSON object with `type` and `action`.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The family.
    pub fn kind(&self) -> WebhookKind {
        match (self.kind_name.as_str(), self.action.as_str()) {
            ("CONNECTION_STATUS", _) => WebhookKind::ConnectionStatus,
            (_, "member_data_updated") => WebhookKind::DataUpdated,
            ("MEMBER", _) => WebhookKind::Member,
            (other, _) => WebhookKind::Other(other.to_owned()),
        }
    }

    /// The de-duplication key: MX sends no event id, so two deliveries of one event are
    /// told apart from two events by what they say.
    pub fn dedup_key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.kind_name,
            self.action,
            self.member_guid.as_deref().unwrap_or(""),
            self.connection_status.as_deref().unwrap_or(""),
            self.completed_at
                .map_or_else(String::new, |t| t.to_string()),
            self.job_guid.as_deref().unwrap_or(""),
        )
    }
}

/// Remembers the keys of the last `capacity` webhooks and drops repeats.
///
/// A connection-status webhook has no timestamp: the same status reached twice (DENIED,
/// fixed, DENIED again a week later) gives the same key, and the second is dropped while
/// the first is remembered. The service reads the member on every accepted webhook, and
/// it reads it anyway whenever it drives the member, so a dropped repeat costs nothing
/// the next drive does not recover.
#[derive(Debug, Clone)]
pub struct WebhookInbox {
    seen: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl WebhookInbox {
    /// An inbox remembering `capacity` keys (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// True the first time a webhook's key is seen; false for a repeat.
    pub fn accept(&mut self, webhook: &Webhook) -> bool {
        let key = webhook.dedup_key();
        if self.seen.contains(&key) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
        true
    }
}

impl Default for WebhookInbox {
    /// Remembers 10,000 keys.
    fn default() -> Self {
        Self::new(10_000)
    }
}
