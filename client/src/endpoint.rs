//! [`Endpoint`]: every MX call this client makes. A member call takes its name, method
//! and path from `mx_aggregation`'s call table ([`Call`]), whose answers the crate
//! classifies; the few calls outside that table (users, institutions, listing, delete,
//! the emulator's clock) are named here.

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

/// How an endpoint is named and reached: a member call of the library's table
/// ([`Call`]: its name, method and path), or one of the calls that table leaves out
/// because the crate does not classify their answers.
enum Route {
    /// A call of `mx_aggregation`'s table.
    Member(Call),
    /// A call outside it.
    Other {
        method: &'static str,
        name: &'static str,
        /// The path, with `{user}`, `{member}` and `{institution}` to fill in.
        path: &'static str,
    },
}

impl Endpoint {
    /// Where the endpoint's name, method and path come from.
    const fn route(&self) -> Route {
        const fn other(method: &'static str, name: &'static str, path: &'static str) -> Route {
            Route::Other { method, name, path }
        }
        match self {
            Self::CreateUser => other("POST", "create_user", "/users"),
            Self::Credentials { .. } => other(
                "GET",
                "credentials",
                "/institutions/{institution}/credentials",
            ),
            Self::CreateMember { .. } => Route::Member(Call::Create),
            Self::ListMembers { .. } => other("GET", "list_members", "/users/{user}/members"),
            Self::ReadMember(_) => Route::Member(Call::Read),
            Self::UpdateMember(_) => Route::Member(Call::Update),
            Self::DeleteMember(_) => other("DELETE", "delete", "/users/{user}/members/{member}"),
            Self::Status(_) => Route::Member(Call::Status),
            Self::Challenges(_) => Route::Member(Call::Challenges),
            Self::Resume(_) => Route::Member(Call::Resume),
            Self::Aggregate(_) => Route::Member(Call::Aggregate),
            Self::Verify(_) => Route::Member(Call::Verify),
            Self::OauthWindowUri(_) => Route::Member(Call::OauthWindowUri),
            Self::EmulatorClock => other("POST", "emulator_clock", "/emulator/clock"),
        }
    }

    /// The HTTP method: [`Call::request`]'s for a member call.
    pub const fn method(&self) -> &'static str {
        match self.route() {
            Route::Member(call) => split_request(call.request()).0,
            Route::Other { method, .. } => method,
        }
    }

    /// A short name for logs and spans, e.g. `aggregate`: [`Call::name`] for a member
    /// call.
    pub const fn name(&self) -> &'static str {
        match self.route() {
            Route::Member(call) => call.name(),
            Route::Other { name, .. } => name,
        }
    }

    /// The member call whose answers `mx_aggregation` classifies (`Call::classify`);
    /// `None` for the calls that are not about one member.
    pub const fn call(&self) -> Option<Call> {
        match self.route() {
            Route::Member(call) => Some(call),
            Route::Other { .. } => None,
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

    /// The path and query, from the base URL on: [`Call::request`]'s path for a member
    /// call, with the guids filled in.
    pub fn path(&self) -> String {
        let template = match self.route() {
            Route::Member(call) => split_request(call.request()).1,
            Route::Other { path, .. } => path,
        };
        let (user, member, institution) = match self {
            Self::CreateUser | Self::EmulatorClock => (None, None, None),
            Self::Credentials { institution } => (None, None, Some(institution.as_str())),
            Self::CreateMember { user } | Self::ListMembers { user, .. } => {
                (Some(user.as_str()), None, None)
            }
            Self::ReadMember(m)
            | Self::UpdateMember(m)
            | Self::DeleteMember(m)
            | Self::Status(m)
            | Self::Challenges(m)
            | Self::Resume(m)
            | Self::Aggregate(m)
            | Self::Verify(m)
            | Self::OauthWindowUri(m) => (Some(m.user.as_str()), Some(m.member.as_str()), None),
        };
        let mut path = template.to_owned();
        for (hole, value) in [
            ("{user}", user),
            ("{member}", member),
            ("{institution}", institution),
        ] {
            if let Some(value) = value {
                path = path.replace(hole, value);
            }
        }
        if let Self::ListMembers { page, per_page, .. } = self {
            path.push_str(&format!("?page={page}&records_per_page={per_page}"));
        }
        path
    }
}

/// `"POST /users/{user}/members"` as `("POST", "/users/{user}/members")`: the method and
/// path of one row of the library's call table.
const fn split_request(request: &'static str) -> (&'static str, &'static str) {
    let bytes = request.as_bytes();
    let mut space = 0;
    while space < bytes.len() && bytes[space] != b' ' {
        space += 1;
    }
    let (method, rest) = request.split_at(space);
    // The space itself belongs to neither.
    let path = if rest.is_empty() {
        rest
    } else {
        rest.split_at(1).1
    };
    (method, path)
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method(), self.path())
    }
}
