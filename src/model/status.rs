//! MX's member connection statuses: the one table every other part of the crate reads.
//!
//! Each row of [`connection_statuses!`] holds a status's MX id, its exact MX string, its
//! meaning, the [`StatusGroup`] that decides how the engine treats it, the lists of MX's
//! "Aggregation Methods" guide it appears in ([`SeedList`]) and where the meaning comes from.
//! The enum, [`ConnectionStatus::ALL`], the string and id conversions, the variant docs,
//! the engine's classification and the generated documentation all come from that table,
//! so there is no second list to drift.
//!
//! Sources are [`Source`](crate::Source) keys: `NEXUS` is MX's member
//! reference table, `CW` MX's open-source Connect widget, `ACAD` MX Academy, `Atrium` the
//! legacy API reference as quoted by third parties, `SPEC25` the `v20250224` OpenAPI spec.

use std::fmt;
use std::str::FromStr;

/// How the engine treats a status when the member is not being aggregated.
///
/// Every [`ConnectionStatus`] belongs to exactly one group (a column of the status table);
/// the engine matches on the group exhaustively, so a new group cannot go unhandled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusGroup {
    /// MX will never aggregate the member again (`CLOSED`, `DISABLED`, `DISCONTINUED`):
    /// the seed's "should not attempt aggregation" list. Stop, whatever else the member says.
    Terminal,
    /// The aggregation waits for the end user's MFA answer (`CHALLENGED`). Answer it, even
    /// while `is_being_aggregated` is true: the job cannot move on without the answer.
    Challenged,
    /// MX needs new credentials before it will aggregate again (`PREVENTED`, `DENIED`,
    /// `IMPAIRED`, `IMPORTED`): the seed's "must update credentials" list.
    NeedsCredentials,
    /// The end user must act on the institution's own website first (`LOCKED`, `IMPEDED`):
    /// MX's Connect widget offers "visit website", never a credential update, for both.
    NeedsInstitution,
    /// The last aggregation succeeded (`CONNECTED`): read data while it is fresh, refresh it
    /// by aggregating when it is not.
    Connected,
    /// The last aggregation failed on MX's or the institution's side (`FAILED`,
    /// `DEGRADED`, `DISCONNECTED`): aggregate again, outside the cooldown.
    Failed,
    /// The last aggregation's MFA failed (`REJECTED`: wrong answer, `EXPIRED`: no answer in
    /// time): aggregate again with the end user present to answer a new challenge.
    MfaFailed,
    /// The member moved to a new data source (`RECONNECTED`); MX will not aggregate it in
    /// the background, so it needs a foreground aggregation with the end user present.
    Reconnected,
    /// MX is about to aggregate or is between steps (`CREATED`, `UPDATED`, `RESUMED`):
    /// poll briefly; if nothing starts, the aggregation stalled.
    Transient,
    /// MX waits for something from the client (`PENDING`): an OAuth member waits for the
    /// end user's authorization (NEXUS-CREATE \[V\]: OAuth members are created `PENDING`);
    /// MX's widget sends a non-OAuth `PENDING` member to credential entry (CW \[V-code\]).
    Pending,
    /// The aggregation is taking longer than MX expected (`DELAYED`): look again rarely.
    Delayed,
}

impl StatusGroup {
    /// Every group, in the order the engine's rules consider them.
    pub const ALL: [Self; 11] = [
        Self::Terminal,
        Self::Challenged,
        Self::NeedsCredentials,
        Self::NeedsInstitution,
        Self::Connected,
        Self::Failed,
        Self::MfaFailed,
        Self::Reconnected,
        Self::Transient,
        Self::Pending,
        Self::Delayed,
    ];

    /// The group's name in the generated documentation (snake_case).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Terminal => "terminal",
            Self::Challenged => "challenged",
            Self::NeedsCredentials => "needs_credentials",
            Self::NeedsInstitution => "needs_institution",
            Self::Connected => "connected",
            Self::Failed => "failed",
            Self::MfaFailed => "mfa_failed",
            Self::Reconnected => "reconnected",
            Self::Transient => "transient",
            Self::Pending => "pending",
            Self::Delayed => "delayed",
        }
    }

    /// True when the status alone decides, whatever `is_being_aggregated` and
    /// `needs_updated_credentials` say (`terminal_status` and `mfa_challenge`).
    ///
    /// A closed member stays closed while a job winds down, and a challenged job cannot
    /// finish until the end user answers, so polling either would wait for nothing.
    pub const fn overrides_member_flags(self) -> bool {
        match self {
            Self::Terminal | Self::Challenged => true,
            Self::NeedsCredentials
            | Self::NeedsInstitution
            | Self::Connected
            | Self::Failed
            | Self::MfaFailed
            | Self::Reconnected
            | Self::Transient
            | Self::Pending
            | Self::Delayed => false,
        }
    }
}

impl fmt::Display for StatusGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list in MX's "Aggregation Methods" guide (`Seed`) that names statuses.
///
/// The guide classifies statuses twice, in two sections that disagree: its first section
/// sorts them into transient states and end states, its "Connection Status" section into
/// four lists by what a client may do. `REJECTED`, `EXPIRED` and `IMPEDED` are end states in
/// the first and retry-able or transitory in the second; [`ConnectionStatus::is_double_listed`]
/// finds them and the generated docs say how the engine resolves each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SeedList {
    /// "transient states … generally do not require a specific action or end-user input".
    Transient,
    /// "end states that require a new aggregation, and possibly end-user input".
    EndState,
    /// "aggregation can be attempted for a member with the following connection statuses".
    CanAggregate,
    /// "you must update credentials before aggregating".
    UpdateCredentials,
    /// "a transitory state in an ongoing aggregation process".
    Transitory,
    /// "you should not attempt aggregation".
    DoNotAggregate,
}

impl SeedList {
    /// Every list, in the order the guide presents them.
    pub const ALL: [Self; 6] = [
        Self::Transient,
        Self::EndState,
        Self::CanAggregate,
        Self::UpdateCredentials,
        Self::Transitory,
        Self::DoNotAggregate,
    ];

    /// A short name for the list, as used in the generated documentation.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Transient => "transient",
            Self::EndState => "end state",
            Self::CanAggregate => "can aggregate",
            Self::UpdateCredentials => "update credentials",
            Self::Transitory => "transitory",
            Self::DoNotAggregate => "do not aggregate",
        }
    }
}

impl fmt::Display for SeedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown `connection_status` string or `connection_status_id`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownStatus {
    /// The string is not one of MX's 22 statuses (the comparison is exact and case-sensitive,
    /// as MX always sends upper case). The message quotes at most 60 characters of it.
    #[error("unknown connection_status {}", crate::model::quote::Shortened(.0))]
    Name(String),
    /// The integer is not one of MX's ids 0–21.
    #[error("unknown connection_status_id {0}")]
    Id(i64),
}

/// Declares [`ConnectionStatus`] and everything derived from its table.
macro_rules! connection_statuses {
    ($(
        $id:literal $variant:ident $mx:literal, $group:ident, [$($seed:ident),*],
        $meaning:literal, $source:literal;
    )+) => {
        /// The `connection_status` of an MX member: where its aggregation stands.
        ///
        /// MX's newest API version (`v20250224`, SPEC25) enumerates these 22 values; the
        /// guides document the first 21 (ids 0–20) and `PENDING` (id 21) came later. The
        /// discriminant is MX's `connection_status_id`, as webhooks send it. A JSON `null`
        /// status (a member with no credentials, e.g. a manual one) is `Option::None`
        /// in [`MemberSnapshot`](crate::MemberSnapshot).
        ///
        /// `Display`, `FromStr` and serde use MX's exact upper-case strings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum ConnectionStatus {
            $(
                #[doc = concat!("`", $mx, "` (id ", $id, "): ", $meaning)]
                #[doc = ""]
                #[doc = concat!("Engine group: [`StatusGroup::", stringify!($group), "`]. Source: `", $source, "`.")]
                $variant = $id,
            )+
        }

        impl ConnectionStatus {
            /// Every status, in MX id order (0 `CREATED` … 21 `PENDING`).
            pub const ALL: [Self; [$($id),+].len()] = [$(Self::$variant),+];

            /// MX's `connection_status_id` (webhooks send it beside the string).
            pub const fn id(self) -> u8 {
                self as u8
            }

            /// The status with MX's `connection_status_id`, if there is one.
            pub const fn from_id(id: u8) -> Option<Self> {
                match id {
                    $($id => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// MX's exact string, e.g. `"CHALLENGED"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $mx,)+
                }
            }

            /// The status with MX's exact string, if there is one (case-sensitive).
            pub fn from_mx_str(s: &str) -> Option<Self> {
                match s {
                    $($mx => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// What the status means, paraphrased from MX's documentation.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(Self::$variant => $meaning,)+
                }
            }

            /// Where [`meaning`](Self::meaning) comes from ([`Source`](crate::Source) keys,
            /// with its confidence tag).
            pub const fn source(self) -> &'static str {
                match self {
                    $(Self::$variant => $source,)+
                }
            }

            /// How the engine treats the status; see [`StatusGroup`].
            pub const fn group(self) -> StatusGroup {
                match self {
                    $(Self::$variant => StatusGroup::$group,)+
                }
            }

            /// The lists of MX's "Aggregation Methods" guide that name the status
            /// (empty for `PENDING`, which the guide predates).
            pub const fn seed_lists(self) -> &'static [SeedList] {
                match self {
                    $(Self::$variant => &[$(SeedList::$seed),*],)+
                }
            }
        }
    };
}

connection_statuses! {
    0 Created "CREATED", Transient, [Transient, CanAggregate],
        "The member is new and MX has not aggregated it yet; MX aggregates it once the end user logs in.",
        "NEXUS [V]";
    1 Prevented "PREVENTED", NeedsCredentials, [EndState, UpdateCredentials],
        "Credentials failed three times in a row, so MX stopped trying to avoid locking the end user out of the institution; the end user must enter them again.",
        "NEXUS [V]";
    2 Denied "DENIED", NeedsCredentials, [EndState, UpdateCredentials],
        "The institution rejected the credentials as invalid.",
        "NEXUS [V]";
    3 Challenged "CHALLENGED", Challenged, [Transitory],
        "The aggregation waits for the end user to answer an MFA challenge; not an error. Unanswered, it becomes EXPIRED.",
        "NEXUS, ACAD [V]";
    4 Rejected "REJECTED", MfaFailed, [EndState, Transitory],
        "An MFA answer was wrong; another challenge may follow, or the aggregation must be restarted.",
        "NEXUS [V]";
    5 Locked "LOCKED", NeedsInstitution, [EndState],
        "The institution is preventing authentication; the end user must go to its website or contact it.",
        "NEXUS [V]";
    6 Connected "CONNECTED", Connected, [CanAggregate],
        "Authenticated; once is_being_aggregated turns false the aggregation has finished and data can be read.",
        "Atrium [3P], AT-read-member-connection-status [V]";
    7 Impeded "IMPEDED", NeedsInstitution, [EndState, CanAggregate],
        "The end user's attention is required on the institution's website (a message or terms to accept).",
        "Atrium [3P]; CW [V-code] LoginError";
    8 Reconnected "RECONNECTED", Reconnected, [CanAggregate],
        "Migrated to a new data source; the next aggregation likely triggers MFA, so MX will not aggregate it in the background.",
        "Atrium [3P]";
    9 Degraded "DEGRADED", Failed, [CanAggregate],
        "Aggregation failed at least three times within a short period, e.g. during institution maintenance.",
        "Atrium [3P], ACAD";
    10 Disconnected "DISCONNECTED", Failed, [CanAggregate],
        "Aggregation failed at least three times and has not succeeded for at least two weeks.",
        "Atrium [3P]";
    11 Discontinued "DISCONTINUED", Terminal, [EndState, DoNotAggregate],
        "MX's connection to this institution is no longer available.",
        "Atrium [3P]";
    12 Closed "CLOSED", Terminal, [EndState, DoNotAggregate],
        "The member was marked closed by the end user, MX, the client or a partner.",
        "Atrium [3P]";
    13 Delayed "DELAYED", Delayed, [Transient, Transitory],
        "The aggregation is taking longer than expected and has not connected yet; check back later.",
        "Atrium [3P], ACAD";
    14 Failed "FAILED", Failed, [CanAggregate],
        "The aggregation failed without connecting.",
        "Atrium [3P]";
    15 Updated "UPDATED", Transient, [Transient, CanAggregate],
        "The member was updated (e.g. new credentials) but has not connected yet.",
        "Atrium [3P]";
    16 Disabled "DISABLED", Terminal, [EndState, DoNotAggregate],
        "Aggregation is paused for the member (by MX or the client); the member itself still exists.",
        "Atrium [3P], ACAD";
    17 Imported "IMPORTED", NeedsCredentials, [EndState, UpdateCredentials],
        "MX has no credentials for the member and will not aggregate until the end user provides them.",
        "Atrium [3P]";
    18 Resumed "RESUMED", Transient, [Transient, Transitory],
        "An MFA answer was received; whether it was correct is not known yet.",
        "Atrium [3P]";
    19 Expired "EXPIRED", MfaFailed, [EndState, CanAggregate],
        "The MFA answer was not given within the time the institution allows.",
        "Atrium [3P], ACAD";
    20 Impaired "IMPAIRED", NeedsCredentials, [EndState, UpdateCredentials],
        "The member is missing some or all of the credentials needed to connect.",
        "Atrium [3P]";
    21 Pending "PENDING", Pending, [],
        "The member waits for the client: an OAuth member is created PENDING until the end user authorizes it in the institution's OAuth window; MX documents no meaning for a non-OAuth PENDING member, and MX's widget sends it to credential entry.",
        "NEXUS-CREATE [V], SPEC25 [V], CW [V-code]";
}

impl ConnectionStatus {
    /// How many statuses MX defines.
    pub const COUNT: usize = Self::ALL.len();

    /// True for the statuses after which MX will never aggregate the member again.
    pub const fn is_terminal(self) -> bool {
        match self.group() {
            StatusGroup::Terminal => true,
            StatusGroup::Challenged
            | StatusGroup::NeedsCredentials
            | StatusGroup::NeedsInstitution
            | StatusGroup::Connected
            | StatusGroup::Failed
            | StatusGroup::MfaFailed
            | StatusGroup::Reconnected
            | StatusGroup::Transient
            | StatusGroup::Pending
            | StatusGroup::Delayed => false,
        }
    }

    /// True for the statuses MX's connection-status webhook reports as actionable by the
    /// end user (WH-CS \[V\]). `IMPORTED` is missing from MX's list; the engine still asks
    /// for credentials for it, as the seed's "must update credentials" list says.
    pub const fn is_end_user_actionable(self) -> bool {
        match self {
            Self::Challenged
            | Self::Denied
            | Self::Expired
            | Self::Impaired
            | Self::Impeded
            | Self::Locked
            | Self::Prevented
            | Self::Rejected => true,
            Self::Created
            | Self::Connected
            | Self::Reconnected
            | Self::Degraded
            | Self::Disconnected
            | Self::Discontinued
            | Self::Closed
            | Self::Delayed
            | Self::Failed
            | Self::Updated
            | Self::Disabled
            | Self::Imported
            | Self::Resumed
            | Self::Pending => false,
        }
    }

    /// True when the seed guide puts the status among its end states *and* among the
    /// statuses that are transitory or may simply be aggregated again: `REJECTED`,
    /// `EXPIRED` and `IMPEDED`. These are the contradictions the engine resolves explicitly.
    pub fn is_double_listed(self) -> bool {
        let lists = self.seed_lists();
        lists.contains(&SeedList::EndState)
            && (lists.contains(&SeedList::Transitory) || lists.contains(&SeedList::CanAggregate))
    }
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConnectionStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_mx_str(s).ok_or_else(|| UnknownStatus::Name(s.to_owned()))
    }
}

impl TryFrom<i64> for ConnectionStatus {
    type Error = UnknownStatus;

    fn try_from(id: i64) -> Result<Self, Self::Error> {
        u8::try_from(id)
            .ok()
            .and_then(Self::from_id)
            .ok_or(UnknownStatus::Id(id))
    }
}

impl serde::Serialize for ConnectionStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ConnectionStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StatusVisitor;
        impl serde::de::Visitor<'_> for StatusVisitor {
            type Value = ConnectionStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an MX connection_status string such as \"CONNECTED\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(StatusVisitor)
    }
}
