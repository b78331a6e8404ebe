//! The key table: every key of a member payload the reader tells apart, the fields a
//! decision needs and the keys that say the payload is something else.

/// The keys of a member object that the engine reads.
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
pub(super) enum Key {
    Member,
    Guid,
    MemberGuid,
    ConnectionStatus,
    ConnectionStatusId,
    IsBeingAggregated,
    AggregatedAt,
    SuccessfullyAggregatedAt,
    NeedsUpdatedCredentials,
    BackgroundAggregationIsDisabled,
    IsOauth,
    IsManual,
    Challenges,
    Type,
    Action,
    CompletedAt,
    Error,
    // Keys that mark a payload as something other than a member.
    Members,
    User,
    Users,
    Institution,
    Institutions,
    Account,
    Accounts,
    Transaction,
    Transactions,
    Holding,
    Holdings,
    #[serde(rename = "connectionStatus")]
    CamelConnectionStatus,
    #[serde(rename = "memberGuid")]
    CamelMemberGuid,
    #[serde(rename = "isBeingAggregated")]
    CamelIsBeingAggregated,
    #[serde(rename = "aggregatedAt")]
    CamelAggregatedAt,
    #[serde(other)]
    Other,
}

impl Key {
    /// What a top-level key says the payload is, when it says it is not a member.
    pub(super) const fn foreign(&self) -> Option<&'static str> {
        Some(match self {
            Self::Members => "a page of members (\"members\"): give each member on its own",
            Self::User | Self::Users => "a user (\"user\")",
            Self::Institution | Self::Institutions => "an institution (\"institution\")",
            Self::Account | Self::Accounts => "an account (\"account\")",
            Self::Transaction | Self::Transactions => "a transaction (\"transaction\")",
            Self::Holding | Self::Holdings => "a holding (\"holding\")",
            Self::CamelConnectionStatus
            | Self::CamelMemberGuid
            | Self::CamelIsBeingAggregated
            | Self::CamelAggregatedAt => {
                "camelCase keys (\"connectionStatus\"): MX sends snake_case"
            }
            Self::Member
            | Self::Guid
            | Self::MemberGuid
            | Self::ConnectionStatus
            | Self::ConnectionStatusId
            | Self::IsBeingAggregated
            | Self::AggregatedAt
            | Self::SuccessfullyAggregatedAt
            | Self::NeedsUpdatedCredentials
            | Self::BackgroundAggregationIsDisabled
            | Self::IsOauth
            | Self::IsManual
            | Self::Challenges
            | Self::Type
            | Self::Action
            | Self::CompletedAt
            | Self::Error
            | Self::Other => return None,
        })
    }
}
