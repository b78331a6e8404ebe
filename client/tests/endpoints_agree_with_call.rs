//! The client's endpoints and `mx_aggregation`'s call table are one vocabulary: every
//! member call the client makes is a row of `Call` (same name, method and path), and every
//! row of `Call` but the one the client does not make is an endpoint of the client.

use mx_aggregation::Call;
use mx_aggregation_client::{Endpoint, MemberRef};

/// Every endpoint of the client, with the call table's placeholders as guids, so a member
/// call's method and path read as `Call::request` writes them.
fn every_endpoint() -> Vec<Endpoint> {
    let member = MemberRef::new("{user}", "{member}");
    vec![
        Endpoint::CreateUser,
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
        Endpoint::OauthWindowUri(member),
        Endpoint::EmulatorClock,
    ]
}

/// Does not compile once `Endpoint` has a variant that [`every_endpoint`] may lack.
const fn listed(endpoint: &Endpoint) {
    match endpoint {
        Endpoint::CreateUser
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
        | Endpoint::EmulatorClock => {}
    }
}

#[test]
fn member_calls_are_rows_of_the_call_table() {
    for endpoint in every_endpoint() {
        listed(&endpoint);
        let Some(call) = endpoint.call() else {
            continue;
        };
        assert_eq!(endpoint.name(), call.name(), "{endpoint}");
        assert_eq!(endpoint.to_string(), call.request(), "{endpoint}");
        assert_eq!(Call::from_name(endpoint.name()), Some(call), "{endpoint}");
    }
}

#[test]
fn every_call_but_identify_is_an_endpoint() {
    let made: Vec<Call> = every_endpoint().iter().filter_map(Endpoint::call).collect();
    let missing: Vec<Call> = Call::ALL
        .into_iter()
        .filter(|call| !made.contains(call))
        .collect();
    // The client never starts an identification job.
    assert_eq!(missing, [Call::Identify]);
}

#[test]
fn names_outside_the_call_table_are_not_call_names() {
    for endpoint in every_endpoint() {
        if endpoint.call().is_none() {
            assert_eq!(Call::from_name(endpoint.name()), None, "{endpoint}");
        }
    }
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
        (Endpoint::EmulatorClock, "POST /emulator/clock"),
    ];
    for (endpoint, expected) in cases {
        assert_eq!(endpoint.to_string(), expected);
    }
}
