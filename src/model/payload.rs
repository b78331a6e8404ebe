//! What kind of MX payload a member observation came from.
//!
//! MX describes a member in several payloads that carry different fields: full reads and
//! member webhooks (every field), status reads (no `is_oauth`, no background flag),
//! connection-status webhooks (a status and nothing else, retried by MX for about a day),
//! `member_data_updated` webhooks (a completion time, no status) and slim responses that
//! only name the member (the `oauth_window_uri` response). The engine decides only on what
//! a payload shows, so each observation records its kind.

use std::fmt;

/// The kind of MX payload a [`MemberSnapshot`](crate::MemberSnapshot) was read from; see
/// [`MemberJson`](crate::MemberJson) for how each is recognised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PayloadKind {
    /// A member with its status: read member, read member status, create or update member,
    /// a member webhook, or a bare member object (`connection_status` or
    /// `connection_status_id` present, even as `null`).
    #[default]
    Member,
    /// A `{"member": …}` envelope that names the member (`guid`) without its status: the
    /// `oauth_window_uri` response, slimmer responses and projections. Read the member.
    MemberReference,
    /// A connection-status webhook (`type` `CONNECTION_STATUS`): a status with no
    /// timestamps, retried by MX for about 24 hours, so it may be late or out of order
    /// (WH \[V\], WH-CS \[V\]). Read the member rather than act on it.
    ConnectionStatusWebhook,
    /// An aggregation webhook (`type` `AGGREGATION`, `action` `member_data_updated`): a
    /// standard aggregation completed at `completed_at` and its data can be read (WH-A \[V\]).
    AggregationWebhook,
    /// Any other `member_data_updated` webhook (`type` BALANCE, HISTORY, STATEMENT,
    /// VERIFICATION, REWARD, or one MX adds later): that job completed at `completed_at`
    /// and what it fetched can be read (WH-DATA \[V\]).
    JobWebhook,
}

impl PayloadKind {
    /// Every kind, in the order of the generated documentation.
    pub const ALL: [Self; 5] = [
        Self::Member,
        Self::MemberReference,
        Self::ConnectionStatusWebhook,
        Self::AggregationWebhook,
        Self::JobWebhook,
    ];

    /// The kind's name in text and documentation, e.g. `connection status webhook`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::MemberReference => "member reference",
            Self::ConnectionStatusWebhook => "connection status webhook",
            Self::AggregationWebhook => "aggregation webhook",
            Self::JobWebhook => "job webhook",
        }
    }

    /// How the kind is recognised, in one sentence, for the generated documentation.
    pub const fn recognised_by(self) -> &'static str {
        match self {
            Self::Member => {
                "connection_status or connection_status_id present (also null), bare or in a {\"member\": …} envelope; a webhook of type MEMBER"
            }
            Self::MemberReference => {
                "a {\"member\": …} envelope with a guid but no connection_status or connection_status_id"
            }
            Self::ConnectionStatusWebhook => {
                "type CONNECTION_STATUS with an action and member_guid"
            }
            Self::AggregationWebhook => {
                "type AGGREGATION, action member_data_updated, member_guid and completed_at (Unix seconds)"
            }
            Self::JobWebhook => {
                "any other type with action member_data_updated, member_guid and completed_at"
            }
        }
    }
}

impl fmt::Display for PayloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
