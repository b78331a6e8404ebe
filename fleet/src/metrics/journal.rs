//! The emulator's request journal as the metrics read it: one [`JournalEntry`] per
//! answered MX request (`GET /emulator/requests`), and the call, user and member each one
//! names, matched against the library's call table (`mx_aggregation::Call::request`, the
//! one place the workspace spells MX's paths).

use chrono::{DateTime, Utc};
use mx_aggregation::Call;
use serde::{Deserialize, Serialize};

/// One answered request of a tenant, as the journal lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct JournalEntry {
    /// The entry's number in the tenant's journal.
    pub seq: u64,
    /// The virtual time of the answer.
    pub at: DateTime<Utc>,
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The HTTP status answered.
    pub status: u16,
    /// For the calls that can start a job: whether one started.
    #[serde(default)]
    pub job_started: Option<bool>,
}

/// What a journal entry's method and path name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    /// The call, `None` for a path the call table does not list.
    pub call: Option<Call>,
    /// The `{user}` segment, when the path has one.
    pub user: Option<&'a str>,
    /// The `{member}` segment, when the path has one.
    pub member: Option<&'a str>,
}

/// The call, user and member of a request: the first call of `Call::ALL` whose method
/// and path pattern (`{…}` matches one segment) fit.
pub fn route<'a>(method: &str, path: &'a str) -> Route<'a> {
    let segments: Vec<&'a str> = path.trim_matches('/').split('/').collect();
    for call in Call::ALL {
        let Some((call_method, pattern)) = call.request().split_once(' ') else {
            continue;
        };
        if call_method != method {
            continue;
        }
        let parts: Vec<&str> = pattern.trim_matches('/').split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut user = None;
        let mut member = None;
        let fits = parts.iter().zip(&segments).all(|(part, segment)| {
            match *part {
                "{user}" => user = Some(*segment),
                "{member}" => member = Some(*segment),
                // `{statement}.pdf`: any segment with that ending.
                other if other.starts_with('{') => {
                    let suffix = other.split_once('}').map_or("", |(_, suffix)| suffix);
                    return segment.len() > suffix.len() && segment.ends_with(suffix);
                }
                other => return other == *segment,
            }
            true
        });
        if fits {
            return Route {
                call: Some(call),
                user,
                member,
            };
        }
    }
    Route {
        call: None,
        user: None,
        member: None,
    }
}

/// True for the calls that read a member's data (accounts and transactions, by member,
/// account or user): what an integrator does to bring its local copy up to MX's.
pub const fn reads_data(call: Call) -> bool {
    match call {
        Call::ListAccounts
        | Call::ListTransactions
        | Call::ListAccountTransactions
        | Call::ListUserAccounts
        | Call::ListUserTransactions
        | Call::ListUserAccountTransactions
        | Call::ReadAccount
        | Call::ReadMemberAccount
        | Call::ReadTransaction => true,
        Call::Create
        | Call::Read
        | Call::Status
        | Call::Aggregate
        | Call::Verify
        | Call::Identify
        | Call::CheckBalance
        | Call::ExtendHistory
        | Call::FetchStatements
        | Call::Resume
        | Call::Update
        | Call::OauthWindowUri
        | Call::Challenges
        | Call::ListAccountNumbers
        | Call::ListAccountOwners
        | Call::ListHoldings
        | Call::ListStatements
        | Call::ReadStatement
        | Call::DownloadStatementPdf
        | Call::CreateUser
        | Call::ReadUser
        | Call::DeleteUser
        | Call::ListMembers
        | Call::DeleteMember
        | Call::Credentials
        | Call::ListInstitutions
        | Call::ReadInstitution
        | Call::ListAccountNumbersByAccount
        | Call::ListUserHoldings
        | Call::ReadHolding
        | Call::ListAccountHoldings => false,
    }
}

/// True for the calls whose answer carries transactions: the reads after which the
/// local copy has MX's new data.
pub const fn reads_transactions(call: Call) -> bool {
    match call {
        Call::ListTransactions
        | Call::ListAccountTransactions
        | Call::ListUserTransactions
        | Call::ListUserAccountTransactions => true,
        Call::ListAccounts
        | Call::ListUserAccounts
        | Call::ReadAccount
        | Call::ReadMemberAccount
        | Call::ReadTransaction
        | Call::Create
        | Call::Read
        | Call::Status
        | Call::Aggregate
        | Call::Verify
        | Call::Identify
        | Call::CheckBalance
        | Call::ExtendHistory
        | Call::FetchStatements
        | Call::Resume
        | Call::Update
        | Call::OauthWindowUri
        | Call::Challenges
        | Call::ListAccountNumbers
        | Call::ListAccountOwners
        | Call::ListHoldings
        | Call::ListStatements
        | Call::ReadStatement
        | Call::DownloadStatementPdf
        | Call::CreateUser
        | Call::ReadUser
        | Call::DeleteUser
        | Call::ListMembers
        | Call::DeleteMember
        | Call::Credentials
        | Call::ListInstitutions
        | Call::ReadInstitution
        | Call::ListAccountNumbersByAccount
        | Call::ListUserHoldings
        | Call::ReadHolding
        | Call::ListAccountHoldings => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_paths_name_their_call_user_and_member() {
        let route = route("GET", "/users/USR-1/members/MBR-2/status");
        assert_eq!(route.call, Some(Call::Status));
        assert_eq!(route.user, Some("USR-1"));
        assert_eq!(route.member, Some("MBR-2"));
        assert_eq!(
            super::route("GET", "/users/USR-1/members/MBR-2").call,
            Some(Call::Read)
        );
        assert_eq!(
            super::route("POST", "/users/USR-1/members/MBR-2/aggregate").call,
            Some(Call::Aggregate)
        );
        assert_eq!(
            super::route("GET", "/users/USR-1/members/MBR-2/transactions").call,
            Some(Call::ListTransactions)
        );
    }

    #[test]
    fn a_segment_pattern_with_an_ending_needs_it() {
        let path = "/users/U/members/M/statements/STM-1";
        assert_eq!(route("GET", path).call, Some(Call::ReadStatement));
        let pdf = "/users/U/members/M/statements/STM-1.pdf";
        assert_eq!(route("GET", pdf).call, Some(Call::DownloadStatementPdf));
    }

    #[test]
    fn user_level_paths_name_the_user_alone() {
        let route = route("GET", "/users/USR-1/transactions");
        assert_eq!(route.call, Some(Call::ListUserTransactions));
        assert_eq!(route.user, Some("USR-1"));
        assert_eq!(route.member, None);
        assert_eq!(super::route("POST", "/users").call, Some(Call::CreateUser));
    }

    #[test]
    fn unknown_paths_and_methods_name_nothing() {
        assert_eq!(route("PATCH", "/users/USR-1/members/MBR-2").call, None);
        assert_eq!(route("GET", "/emulator/clock").call, None);
    }

    #[test]
    fn entries_read_the_journal_json() {
        let entry: JournalEntry = serde_json::from_str(
            r#"{"seq": 3, "at": "2026-03-02T12:00:00Z", "method": "POST",
                "path": "/users/U/members/M/aggregate", "status": 202, "rule": "202: …",
                "job_started": false}"#,
        )
        .unwrap();
        assert_eq!(entry.job_started, Some(false));
        assert_eq!(entry.status, 202);
    }
}
