//! [`Endpoint`]: every MX call this client makes. Each takes its name, method and path
//! from `mx_aggregation`'s call table ([`Call`]); only the emulator's clock, which is no
//! MX call, is named here.

use std::fmt;

use mx_aggregation::Call;

use crate::query::{PageQuery, TransactionFilter};

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
    /// `GET /users/{user}`: MX reads `user` as the user's guid or the caller's `id`.
    ReadUser {
        /// The user's guid or `id`.
        user: String,
    },
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
    /// `GET /users/{user}/members/{member}/statements/{statement}`.
    ReadStatement {
        /// The member.
        member: MemberRef,
        /// The statement's guid, `STA-…`.
        statement: String,
    },
    /// `GET /users/{user}/members/{member}/statements/{statement}.pdf`: the PDF's bytes.
    StatementPdf {
        /// The member.
        member: MemberRef,
        /// The statement's guid, `STA-…`.
        statement: String,
    },
    /// `GET /users/{user}/investment_holdings/{holding}`.
    ReadHolding {
        /// The user's guid.
        user: String,
        /// The holding's guid, `HOL-…`.
        holding: String,
    },
    /// `GET /institutions?name=…&page=…&records_per_page=…`.
    ListInstitutions {
        /// Only institutions whose name contains this (MX: case-insensitive).
        name: Option<String>,
        /// The page, from 1.
        page: u32,
        /// Records per page (MX: 10 to 100).
        per_page: u32,
    },
    /// `GET /institutions/{code}`.
    ReadInstitution {
        /// The institution's code.
        institution: String,
    },
    /// One page of a member's (or user's) data: accounts, transactions, ….
    Data {
        /// Which list.
        list: DataList,
        /// Which page.
        page: PageQuery,
    },
    /// `POST /emulator/clock`: the emulator's virtual clock (not an MX call).
    EmulatorClock,
}

/// A list of data MX holds for a member or a user. Its name, method and path are the
/// crate's [`Call`] table's (one source for both), with the guids filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataList {
    /// The member's accounts (SPEC25 `listMemberAccounts`).
    Accounts(MemberRef),
    /// The member's transactions (SPEC25 `listTransactionsByMember`).
    Transactions(MemberRef, TransactionFilter),
    /// One account's transactions (SPEC25 `listTransactionsByAccountPerMember`).
    AccountTransactions {
        /// The member.
        member: MemberRef,
        /// The account's guid, `ACT-…`.
        account: String,
        /// The filter.
        filter: TransactionFilter,
    },
    /// The user's accounts, every member's (SPEC25 `listUserAccounts`).
    UserAccounts(String),
    /// The user's transactions, every member's (SPEC25 `listTransactions`).
    UserTransactions(String, TransactionFilter),
    /// The member's full account numbers (SPEC25 `listAccountNumbersByMember`).
    AccountNumbers(MemberRef),
    /// The member's account owners (SPEC25 `listAccountOwnersByMember`).
    AccountOwners(MemberRef),
    /// The member's investment holdings (SPEC25 `listHoldingsByMember`).
    Holdings(MemberRef),
    /// The member's statements (SPEC25 `listStatementsByMember`).
    Statements(MemberRef),
    /// One account's full account numbers (SPEC25 `listAccountNumbersByAccount`).
    AccountNumbersByAccount {
        /// The user's guid.
        user: String,
        /// The account's guid, `ACT-…`.
        account: String,
    },
    /// The user's investment holdings, every member's (SPEC25 `listHoldings`).
    UserHoldings(String),
    /// One account's investment holdings (SPEC25 `listHoldingsByAccount`).
    AccountHoldings {
        /// The user's guid.
        user: String,
        /// The account's guid, `ACT-…`.
        account: String,
    },
}

impl DataList {
    /// The crate's call for this list.
    pub const fn call(&self) -> Call {
        match self {
            Self::Accounts(_) => Call::ListAccounts,
            Self::Transactions(..) => Call::ListTransactions,
            Self::AccountTransactions { .. } => Call::ListAccountTransactions,
            Self::UserAccounts(_) => Call::ListUserAccounts,
            Self::UserTransactions(..) => Call::ListUserTransactions,
            Self::AccountNumbers(_) => Call::ListAccountNumbers,
            Self::AccountOwners(_) => Call::ListAccountOwners,
            Self::Holdings(_) => Call::ListHoldings,
            Self::Statements(_) => Call::ListStatements,
            Self::AccountNumbersByAccount { .. } => Call::ListAccountNumbersByAccount,
            Self::UserHoldings(_) => Call::ListUserHoldings,
            Self::AccountHoldings { .. } => Call::ListAccountHoldings,
        }
    }

    /// The member the list belongs to; `None` for a user's lists.
    pub const fn member(&self) -> Option<&MemberRef> {
        match self {
            Self::Accounts(m)
            | Self::Transactions(m, _)
            | Self::AccountTransactions { member: m, .. }
            | Self::AccountNumbers(m)
            | Self::AccountOwners(m)
            | Self::Holdings(m)
            | Self::Statements(m) => Some(m),
            Self::UserAccounts(_)
            | Self::UserTransactions(..)
            | Self::AccountNumbersByAccount { .. }
            | Self::UserHoldings(_)
            | Self::AccountHoldings { .. } => None,
        }
    }

    /// The transaction filter, for the transaction lists.
    pub const fn filter(&self) -> Option<&TransactionFilter> {
        match self {
            Self::Transactions(_, filter)
            | Self::AccountTransactions { filter, .. }
            | Self::UserTransactions(_, filter) => Some(filter),
            Self::Accounts(_)
            | Self::UserAccounts(_)
            | Self::AccountNumbers(_)
            | Self::AccountOwners(_)
            | Self::Holdings(_)
            | Self::Statements(_)
            | Self::AccountNumbersByAccount { .. }
            | Self::UserHoldings(_)
            | Self::AccountHoldings { .. } => None,
        }
    }

    /// The guids of the path's holes: user, member, account.
    fn holes(&self) -> (&str, Option<&str>, Option<&str>) {
        match self {
            Self::UserAccounts(user)
            | Self::UserTransactions(user, _)
            | Self::UserHoldings(user) => (user, None, None),
            Self::AccountNumbersByAccount { user, account }
            | Self::AccountHoldings { user, account } => (user, None, Some(account)),
            Self::AccountTransactions {
                member, account, ..
            } => (&member.user, Some(&member.member), Some(account)),
            Self::Accounts(m)
            | Self::Transactions(m, _)
            | Self::AccountNumbers(m)
            | Self::AccountOwners(m)
            | Self::Holdings(m)
            | Self::Statements(m) => (&m.user, Some(&m.member), None),
        }
    }
}

/// The method, name and path of the one endpoint outside MX's call table: the
/// emulator's control call.
const EMULATOR_CLOCK: (&str, &str, &str) = ("POST", "emulator_clock", "/emulator/clock");

impl Endpoint {
    /// The row of `mx_aggregation`'s call table ([`Call`]) this endpoint makes, which
    /// gives its name, method and path; `None` only for [`Endpoint::EmulatorClock`], the
    /// emulator's control call, which is no MX call.
    pub const fn mx_call(&self) -> Option<Call> {
        Some(match self {
            Self::CreateUser => Call::CreateUser,
            Self::ReadUser { .. } => Call::ReadUser,
            Self::Credentials { .. } => Call::Credentials,
            Self::CreateMember { .. } => Call::Create,
            Self::ListMembers { .. } => Call::ListMembers,
            Self::ReadMember(_) => Call::Read,
            Self::UpdateMember(_) => Call::Update,
            Self::DeleteMember(_) => Call::DeleteMember,
            Self::Status(_) => Call::Status,
            Self::Challenges(_) => Call::Challenges,
            Self::Resume(_) => Call::Resume,
            Self::Aggregate(_) => Call::Aggregate,
            Self::Verify(_) => Call::Verify,
            Self::OauthWindowUri(_) => Call::OauthWindowUri,
            Self::ReadStatement { .. } => Call::ReadStatement,
            Self::StatementPdf { .. } => Call::DownloadStatementPdf,
            Self::ReadHolding { .. } => Call::ReadHolding,
            Self::ListInstitutions { .. } => Call::ListInstitutions,
            Self::ReadInstitution { .. } => Call::ReadInstitution,
            Self::Data { list, .. } => list.call(),
            Self::EmulatorClock => return None,
        })
    }

    /// True when a success answers bytes rather than JSON: a statement's PDF.
    pub const fn answers_bytes(&self) -> bool {
        matches!(self, Self::StatementPdf { .. })
    }

    /// The HTTP method: [`Call::request`]'s.
    pub const fn method(&self) -> &'static str {
        match self.mx_call() {
            Some(call) => split_request(call.request()).0,
            None => EMULATOR_CLOCK.0,
        }
    }

    /// A short name for logs and spans, e.g. `aggregate`: [`Call::name`].
    pub const fn name(&self) -> &'static str {
        match self.mx_call() {
            Some(call) => call.name(),
            None => EMULATOR_CLOCK.1,
        }
    }

    /// The member call whose answers the driver classifies (`Call::classify`) and folds
    /// into the member's state; `None` for the calls that are not about one member's
    /// connection (users, institutions, the member list, deleting a member, single reads
    /// of a statement or a holding) and the emulator's clock, which are made once and must
    /// succeed.
    pub const fn call(&self) -> Option<Call> {
        match self {
            Self::CreateUser
            | Self::ReadUser { .. }
            | Self::Credentials { .. }
            | Self::ListMembers { .. }
            | Self::DeleteMember(_)
            | Self::ReadStatement { .. }
            | Self::StatementPdf { .. }
            | Self::ReadHolding { .. }
            | Self::ListInstitutions { .. }
            | Self::ReadInstitution { .. }
            | Self::EmulatorClock => None,
            Self::CreateMember { .. }
            | Self::ReadMember(_)
            | Self::UpdateMember(_)
            | Self::Status(_)
            | Self::Challenges(_)
            | Self::Resume(_)
            | Self::Aggregate(_)
            | Self::Verify(_)
            | Self::OauthWindowUri(_)
            | Self::Data { .. } => self.mx_call(),
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
            | Self::OauthWindowUri(m)
            | Self::ReadStatement { member: m, .. }
            | Self::StatementPdf { member: m, .. } => Some(m),
            Self::Data { list, .. } => list.member(),
            Self::CreateUser
            | Self::ReadUser { .. }
            | Self::Credentials { .. }
            | Self::CreateMember { .. }
            | Self::ListMembers { .. }
            | Self::ReadHolding { .. }
            | Self::ListInstitutions { .. }
            | Self::ReadInstitution { .. }
            | Self::EmulatorClock => None,
        }
    }

    /// The path and query, from the base URL on: [`Call::request`]'s path, with the guids
    /// filled in.
    pub fn path(&self) -> String {
        let template = match self.mx_call() {
            Some(call) => split_request(call.request()).1,
            None => EMULATOR_CLOCK.2,
        };
        let mut account = None;
        let mut item = None;
        let (user, member, institution) = match self {
            Self::CreateUser | Self::ListInstitutions { .. } | Self::EmulatorClock => {
                (None, None, None)
            }
            Self::ReadInstitution { institution } => (None, None, Some(institution.as_str())),
            Self::ReadStatement { member, statement }
            | Self::StatementPdf { member, statement } => {
                item = Some(("{statement}", statement.as_str()));
                (
                    Some(member.user.as_str()),
                    Some(member.member.as_str()),
                    None,
                )
            }
            Self::ReadHolding { user, holding } => {
                item = Some(("{holding}", holding.as_str()));
                (Some(user.as_str()), None, None)
            }
            Self::Data { list, .. } => {
                let (user, member, of) = list.holes();
                account = of;
                (Some(user), member, None)
            }
            Self::Credentials { institution } => (None, None, Some(institution.as_str())),
            Self::CreateMember { user }
            | Self::ListMembers { user, .. }
            | Self::ReadUser { user } => (Some(user.as_str()), None, None),
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
            ("{account}", account),
            item.map_or(("{statement}", None), |(hole, value)| (hole, Some(value))),
        ] {
            if let Some(value) = value {
                path = path.replace(hole, value);
            }
        }
        match self {
            Self::ListMembers { page, per_page, .. } => {
                path.push_str(&format!("?page={page}&records_per_page={per_page}"));
            }
            Self::ListInstitutions {
                name,
                page,
                per_page,
            } => {
                if let Some(name) = name {
                    path.push_str(&format!("?name={}&", percent_encode(name)));
                } else {
                    path.push('?');
                }
                path.push_str(&format!("page={page}&records_per_page={per_page}"));
            }
            Self::Data { list, page } => {
                path.push('?');
                path.push_str(&page.query());
                if let Some(filter) = list.filter() {
                    path.push('&');
                    path.push_str(&filter.query());
                }
            }
            Self::CreateUser
            | Self::ReadUser { .. }
            | Self::Credentials { .. }
            | Self::CreateMember { .. }
            | Self::ReadMember(_)
            | Self::UpdateMember(_)
            | Self::DeleteMember(_)
            | Self::Status(_)
            | Self::Challenges(_)
            | Self::Resume(_)
            | Self::Aggregate(_)
            | Self::Verify(_)
            | Self::OauthWindowUri(_)
            | Self::ReadStatement { .. }
            | Self::StatementPdf { .. }
            | Self::ReadHolding { .. }
            | Self::ReadInstitution { .. }
            | Self::EmulatorClock => {}
        }
        path
    }
}

/// `value` percent-encoded for a query string: every byte but the unreserved ones
/// (RFC 3986 §2.3: letters, digits, `-`, `.`, `_`, `~`).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
