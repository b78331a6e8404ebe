//! [`Endpoint`]: every MX call this client makes, with its method, path and name, and
//! the `mx_aggregation::Call` whose answers the crate classifies.

use std::fmt;

use mx_aggregation::Call;

/// A user's member: the two guids of every member path.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct MemberRef {
    /// The user's guid, `USR-…`.
    pub user: String,
    /// The member's guid, `MBR-…`.
    pub member: String,
}

impl MemberRef {
    /// The member `member` of the user `user`.
    pub fn new(user: impl Into<String>, member: impl Into<String>) -> Self {
        Self {
            user: user.into(),
            member: member.into(),
        }
    }
}

impl fmt::Display for MemberRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.user, self.member)
    }
}

/// One MX call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /users`.
    CreateUser,
    /// `GET /institutions/{code}/credentials`.
    Credentials {
        /// The institution's code.
        institution: String,
    },
    /// `POST /users/{user}/members`.
    CreateMember {
        /// The user's guid.
        user: String,
    },
    /// `GET /users/{user}/members?page=…&records_per_page=…`.
    ListMembers {
        /// The user's guid.
        user: String,
        /// The page, from 1.
        page: u32,
        /// Records per page.
        per_page: u32,
    },
    /// `GET /users/{user}/members/{member}`.
    ReadMember(MemberRef),
    /// `PUT /users/{user}/members/{member}`.
    UpdateMember(MemberRef),
    /// `DELETE /users/{user}/members/{member}`.
    DeleteMember(MemberRef),
    /// `GET /users/{user}/members/{member}/status`.
    Status(MemberRef),
    /// `GET /users/{user}/members/{member}/challenges`.
    Challenges(MemberRef),
    /// `PUT /users/{user}/members/{member}/resume`.
    Resume(MemberRef),
    /// `POST /users/{user}/members/{member}/aggregate`.
    Aggregate(MemberRef),
    /// `POST /users/{user}/members/{member}/verify`.
    Verify(MemberRef),
    /// `GET /users/{user}/members/{member}/oauth_window_uri`.
    OauthWindowUri(MemberRef),
    /// `POST /emulator/clock`: the emulator's virtual clock (not an MX call).
    EmulatorClock,
}

impl Endpoint {
    /// The HTTP method.
    pub const fn method(&self) -> &'static str {
        match self {
            Self::CreateUser
            | Self::CreateMember { .. }
            | Self::Aggregate(_)
            | Self::Verify(_)
            | Self::EmulatorClock => "POST",
            Self::UpdateMember(_) | Self::Resume(_) => "PUT",
            Self::DeleteMember(_) => "DELETE",
            Self::Credentials { .. }
            | Self::ListMembers { .. }
            | Self::ReadMember(_)
            | Self::Status(_)
            | Self::Challenges(_)
            | Self::OauthWindowUri(_) => "GET",
        }
    }

    /// A short name for logs and spans, e.g. `aggregate`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::CreateUser => "create_user",
            Self::Credentials { .. } => "credentials",
            Self::CreateMember { .. } => "create",
            Self::ListMembers { .. } => "list_members",
            Self::ReadMember(_) => "read",
            Self::UpdateMember(_) => "update",
            Self::DeleteMember(_) => "delete",
            Self::Status(_) => "status",
            Self::Challenges(_) => "challenges",
            Self::Resume(_) => "resume",
            Self::Aggregate(_) => "aggregate",
            Self::Verify(_) => "verify",
            Self::OauthWindowUri(_) => "oauth_window_uri",
            Self::EmulatorClock => "emulator_clock",
        }
    }

    /// The member call whose answers `mx_aggregation` classifies (`Call::classify`);
    /// `None` for the calls that are not about one member.
    pub const fn call(&self) -> Option<Call> {
        match self {
            Self::CreateMember { .. } => Some(Call::Create),
            Self::ReadMember(_) => Some(Call::Read),
            Self::UpdateMember(_) => Some(Call::Update),
            Self::Status(_) => Some(Call::Status),
            Self::Challenges(_) => Some(Call::Challenges),
            Self::Resume(_) => Some(Call::Resume),
            Self::Aggregate(_) => Some(Call::Aggregate),
            Self::Verify(_) => Some(Call::Verify),
            Self::OauthWindowUri(_) => Some(Call::OauthWindowUri),
            Self::CreateUser
            | Self::Credentials { .. }
            | Self::ListMembers { .. }
            | Self::DeleteMember(_)
            | Self::EmulatorClock => None,
        }
    }

    /// The member the call is about, when it is about one.
    pub const fn member(&self) -> Option<&MemberRef> {
        match self {
            Self::ReadMember(m)
            | Self::UpdateMember(m)
            | Self::DeleteMember(m)
            | Self::Status(m)
            | Self::Challenges(m)
            | Self::Resume(m)
            | Self::Aggregate(m)
            | Self::Verify(m)
            | Self::OauthWindowUri(m) => Some(m),
            Self::CreateUser
            | Self::Credentials { .. }
            | Self::CreateMember { .. }
            | Self::ListMembers { .. }
            | Self::EmulatorClock => None,
        }
    }

    /// The path and query, from the base URL on.
    pub fn path(&self) -> String {
        let member =
            |m: &MemberRef, tail: &str| format!("/users/{}/members/{}{tail}", m.user, m.member);
        match self {
            Self::CreateUser => "/users".to_owned(),
            Self::Credentials { institution } => format!("/institutions/{institution}/credentials"),
            Self::CreateMember { user } => format!("/users/{user}/members"),
            Self::ListMembers {
                user,
                page,
                per_page,
            } => format!("/users/{user}/members?page={page}&records_per_page={per_page}"),
            Self::ReadMember(m) | Self::UpdateMember(m) | Self::DeleteMember(m) => member(m, ""),
            Self::Status(m) => member(m, "/status"),
            Self::Challenges(m) => member(m, "/challenges"),
            Self::Resume(m) => member(m, "/resume"),
            Self::Aggregate(m) => member(m, "/aggregate"),
            Self::Verify(m) => member(m, "/verify"),
            Self::OauthWindowUri(m) => member(m, "/oauth_window_uri"),
            Self::EmulatorClock => "/emulator/clock".to_owned(),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method(), self.path())
    }
}
