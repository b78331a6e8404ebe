//! The client's endpoints and `mx_aggregation`'s call table are one vocabulary: every MX
//! call the client makes is a row of `Call` (same name, method and path), the calls it
//! classifies are among them, and every row of `Call` but the ones the client does not
//! make is an endpoint of the client.

use chrono::{TimeZone, Utc};
use mx_aggregation::Call;
use mx_aggregation_client::{DataList, Endpoint, MemberRef, PageQuery, TransactionFilter};

fn filter() -> TransactionFilter {
    TransactionFilter::dated(
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
    )
}

/// Every data list, with the call table's placeholders as guids.
fn every_list(member: &MemberRef) -> Vec<DataList> {
    vec![
        DataList::Accounts(member.clone()),
        DataList::Transactions(member.clone(), filter()),
        DataList::AccountTransactions {
            member: member.clone(),
            account: "{account}".to_owned(),
            filter: filter(),
        },
        DataList::UserAccounts(member.user.clone()),
        DataList::UserTransactions(member.user.clone(), filter()),
        DataList::AccountNumbers(member.clone()),
        DataList::AccountOwners(member.clone()),
        DataList::Holdings(member.clone()),
        DataList::Statements(member.clone()),
        DataList::AccountNumbersByAccount {
            user: member.user.clone(),
            account: "{account}".to_owned(),
        },
        DataList::UserHoldings(member.user.clone()),
        DataList::AccountHoldings {
            user: member.user.clone(),
            account: "{account}".to_owned(),
        },
    ]
}

/// Does not compile once `DataList` has a variant that [`every_list`] may lack.
const fn listed_list(list: &DataList) {
    match list {
        DataList::Accounts(_)
        | DataList::Transactions(..)
        | DataList::AccountTransactions { .. }
        | DataList::UserAccounts(_)
        | DataList::UserTransactions(..)
        | DataList::AccountNumbers(_)
        | DataList::AccountOwners(_)
        | DataList::Holdings(_)
        | DataList::Statements(_)
        | DataList::AccountNumbersByAccount { .. }
        | DataList::UserHoldings(_)
        | DataList::AccountHoldings { .. } => {}
    }
}

/// Every endpoint of the client, with the call table's placeholders as guids, so a member
/// call's method and path read as `Call::request` writes them.
fn every_endpoint() -> Vec<Endpoint> {
    let member = MemberRef::new("{user}", "{member}");
    let data = every_list(&member).into_iter().map(|list| {
        listed_list(&list);
        Endpoint::Data {
            list,
            page: PageQuery::new(1, 100),
        }
    });
    let mut endpoints = vec![
        Endpoint::CreateUser,
        Endpoint::ReadUser {
            user: "{user}".to_owned(),
        },
        Endpoint::Credentials {
            institution: "{institution}".to_owned(),
        },
        Endpoint::CreateMember {
            user: "{user}".to_owned(),
        },
        Endpoint::ListMembers {
            user: "{user}".to_owned(),
            page: 1,
            per_page: 100,
        },
        Endpoint::ReadMember(member.clone()),
        Endpoint::UpdateMember(member.clone()),
        Endpoint::DeleteMember(member.clone()),
        Endpoint::Status(member.clone()),
        Endpoint::Challenges(member.clone()),
        Endpoint::Resume(member.clone()),
        Endpoint::Aggregate(member.clone()),
        Endpoint::Verify(member.clone()),
        Endpoint::OauthWindowUri(member.clone()),
        Endpoint::ReadStatement {
            member: member.clone(),
            statement: "{statement}".to_owned(),
        },
        Endpoint::StatementPdf {
            member,
            statement: "{statement}".to_owned(),
        },
        Endpoint::ReadHolding {
            user: "{user}".to_owned(),
            holding: "{holding}".to_owned(),
        },
        Endpoint::ListInstitutions {
            name: None,
            page: 1,
            per_page: 25,
        },
        Endpoint::ReadInstitution {
            institution: "{institution}".to_owned(),
        },
        Endpoint::EmulatorClock,
    ];
    endpoints.extend(data);
    endpoints
}

/// Does not compile once `Endpoint` has a variant that [`every_endpoint`] may lack.
const fn listed(endpoint: &Endpoint) {
    match endpoint {
        Endpoint::CreateUser
        | Endpoint::ReadUser { .. }
        | Endpoint::Credentials { .. }
        | Endpoint::CreateMember { .. }
        | Endpoint::ListMembers { .. }
        | Endpoint::ReadMember(_)
        | Endpoint::UpdateMember(_)
        | Endpoint::DeleteMember(_)
        | Endpoint::Status(_)
        | Endpoint::Challenges(_)
        | Endpoint::Resume(_)
        | Endpoint::Aggregate(_)
        | Endpoint::Verify(_)
        | Endpoint::OauthWindowUri(_)
        | Endpoint::ReadStatement { .. }
        | Endpoint::StatementPdf { .. }
        | Endpoint::ReadHolding { .. }
        | Endpoint::ListInstitutions { .. }
        | Endpoint::ReadInstitution { .. }
        | Endpoint::Data { .. }
        | Endpoint::EmulatorClock => {}
    }
}

#[test]
fn mx_calls_are_rows_of_the_call_table() {
    for endpoint in every_endpoint() {
        listed(&endpoint);
        let Some(call) = endpoint.mx_call() else {
            assert_eq!(endpoint, Endpoint::EmulatorClock);
            continue;
        };
        if let Some(classified) = endpoint.call() {
            assert_eq!(classified, call, "{endpoint}");
        }
        assert_eq!(endpoint.name(), call.name(), "{endpoint}");
        // The data lists add their page and filters as a query.
        let shown = endpoint.to_string();
        let without_query = shown
            .split_once('?')
            .map_or(shown.as_str(), |(path, _)| path);
        assert_eq!(without_query, call.request(), "{endpoint}");
        assert_eq!(Call::from_name(endpoint.name()), Some(call), "{endpoint}");
    }
}

#[test]
fn every_call_the_client_needs_is_an_endpoint() {
    let made: Vec<Call> = every_endpoint()
        .iter()
        .filter_map(Endpoint::mx_call)
        .collect();
    let missing: Vec<Call> = Call::ALL
        .into_iter()
        .filter(|call| !made.contains(call))
        .collect();
    // The client never starts an identification or another premium job, deletes a user, or
    // reads a single account or transaction (it reads a user only to find one whose create
    // answer was lost).
    assert_eq!(
        missing,
        [
            Call::Identify,
            Call::CheckBalance,
            Call::ExtendHistory,
            Call::FetchStatements,
            Call::DeleteUser,
            Call::ReadAccount,
            Call::ReadMemberAccount,
            Call::ListUserAccountTransactions,
            Call::ReadTransaction,
        ]
    );
}

#[test]
fn the_emulators_clock_is_no_call_name() {
    assert_eq!(Endpoint::EmulatorClock.mx_call(), None);
    assert_eq!(Call::from_name(Endpoint::EmulatorClock.name()), None);
}

#[test]
fn paths_carry_the_guids() {
    let member = MemberRef::new("USR-1", "MBR-2");
    let cases = [
        (
            Endpoint::Aggregate(member.clone()),
            "POST /users/USR-1/members/MBR-2/aggregate",
        ),
        (
            Endpoint::ReadMember(member.clone()),
            "GET /users/USR-1/members/MBR-2",
        ),
        (
            Endpoint::DeleteMember(member),
            "DELETE /users/USR-1/members/MBR-2",
        ),
        (
            Endpoint::CreateMember {
                user: "USR-1".to_owned(),
            },
            "POST /users/USR-1/members",
        ),
        (
            Endpoint::ListMembers {
                user: "USR-1".to_owned(),
                page: 2,
                per_page: 25,
            },
            "GET /users/USR-1/members?page=2&records_per_page=25",
        ),
        (
            Endpoint::Credentials {
                institution: "mxbank".to_owned(),
            },
            "GET /institutions/mxbank/credentials",
        ),
        (Endpoint::CreateUser, "POST /users"),
        (
            Endpoint::ReadUser {
                user: "alice".to_owned(),
            },
            "GET /users/alice",
        ),
        (
            Endpoint::Data {
                list: DataList::AccountTransactions {
                    member: MemberRef::new("USR-1", "MBR-2"),
                    account: "ACT-3".to_owned(),
                    filter: TransactionFilter {
                        from_updated_at: Some(Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).unwrap()),
                        ..filter()
                    },
                },
                page: PageQuery::new(2, 5000),
            },
            "GET /users/USR-1/members/MBR-2/accounts/ACT-3/transactions?page=2&records_per_page=1000\
             &from_date=1767225600&to_date=1772323200&from_updated_at=1769947200",
        ),
        (
            Endpoint::StatementPdf {
                member: MemberRef::new("USR-1", "MBR-2"),
                statement: "STA-3".to_owned(),
            },
            "GET /users/USR-1/members/MBR-2/statements/STA-3.pdf",
        ),
        (
            Endpoint::ReadHolding {
                user: "USR-1".to_owned(),
                holding: "HOL-4".to_owned(),
            },
            "GET /users/USR-1/investment_holdings/HOL-4",
        ),
        (
            Endpoint::ListInstitutions {
                name: Some("MX Bank (OAuth)&x".to_owned()),
                page: 2,
                per_page: 10,
            },
            "GET /institutions?name=MX%20Bank%20%28OAuth%29%26x&page=2&records_per_page=10",
        ),
        (
            Endpoint::Data {
                list: DataList::AccountHoldings {
                    user: "USR-1".to_owned(),
                    account: "ACT-3".to_owned(),
                },
                page: PageQuery::new(1, 10),
            },
            "GET /users/USR-1/accounts/ACT-3/investment_holdings?page=1&records_per_page=10",
        ),
        (Endpoint::EmulatorClock, "POST /emulator/clock"),
    ];
    for (endpoint, expected) in cases {
        assert_eq!(endpoint.to_string(), expected);
    }
}
