//! The lookups read only the members they name: a request costs the same whether the
//! tenant holds a hundred members or thousands. `Roster::visits` counts every member a
//! lookup reads; a lookup that went back to walking the tenant would read every resident
//! member and fail the equalities below. Counting, not timing: the figures are exact.

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::config::Config;
use crate::model::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use crate::model::member::{CredentialValue, JobKind};
use crate::model::mxbank::{self, CORRECT_ANSWER};
use crate::model::requests::jobs;
use crate::model::requests::members::{self, MemberChanges, NewMember};
use crate::model::requests::mfa::{self, ChallengeAnswer};
use crate::model::requests::users::{self, NewUser};
use crate::model::world::World;

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

fn credentials(password: &str) -> Vec<CredentialValue> {
    vec![
        CredentialValue {
            guid: MXBANK_USERNAME.guid.to_owned(),
            value: mxbank::USERNAME.to_owned(),
        },
        CredentialValue {
            guid: MXBANK_PASSWORD.guid.to_owned(),
            value: password.to_owned(),
        },
    ]
}

fn new_member(id: String, password: &str, skip_aggregation: bool) -> NewMember {
    NewMember {
        institution_code: Some("mxbank".to_owned()),
        credentials: credentials(password),
        id: Some(id),
        skip_aggregation,
        ..NewMember::default()
    }
}

/// A world holding `residents` users with one idle member each.
fn world_with(residents: usize) -> World {
    let mut config = Config::new("client", "key");
    config.real_time = false;
    config.start_at = Some(start());
    let mut world = World::new(&config, "http://127.0.0.1".to_owned());
    for i in 0..residents {
        let new = NewUser {
            id: Some(format!("resident-{i}")),
            ..NewUser::default()
        };
        let user = users::create(&mut world, new).expect("resident user");
        let member = new_member(format!("resident-member-{i}"), "password", true);
        members::create(&mut world, &user, member, start()).expect("resident member");
    }
    world.roster.visits.set(0);
    world
}

/// One user's whole life among the residents: created, a member through MFA to
/// `CONNECTED`, found by partner ids, updated, aggregated again, listed, deleted. Returns
/// the members the lookups read.
fn visits_of_one_user(residents: usize) -> u64 {
    let mut world = world_with(residents);
    let mut now = start();
    let mut step = |world: &mut World| {
        now += TimeDelta::seconds(2);
        world.advance_to(now);
        now
    };
    let new = NewUser {
        id: Some("visitor".to_owned()),
        ..NewUser::default()
    };
    users::create(&mut world, new).expect("visitor");
    let at = step(&mut world);
    let member = new_member("mine".to_owned(), "challenge", false);
    let (guid, _) = members::create(&mut world, "visitor", member, at).expect("member");
    step(&mut world);
    let challenged = mfa::challenged(&world, "visitor", "mine").expect("challenged");
    assert_eq!(challenged, guid);
    let challenge = world.member(&guid).map(|m| m.challenges[0].guid.clone());
    let answer = ChallengeAnswer {
        guid: challenge.expect("a challenge"),
        value: CORRECT_ANSWER.to_owned(),
    };
    let at = step(&mut world);
    mfa::resume(&mut world, &guid, &[answer], None, at).expect("resumed");
    step(&mut world);
    let status = world.member(&guid).and_then(|m| m.status);
    assert_eq!(status, Some(mx_aggregation::ConnectionStatus::Connected));
    let changes = MemberChanges {
        id: Some("renamed".to_owned()),
        skip_aggregation: true,
        ..MemberChanges::default()
    };
    let at = step(&mut world);
    members::update(&mut world, "visitor", "mine", changes, at).expect("updated");
    assert_eq!(world.member_guid("visitor", "renamed"), Ok(guid.clone()));
    assert!(world.member_guid("visitor", "mine").is_err());
    let at = step(&mut world);
    jobs::start(
        &mut world,
        "visitor",
        "renamed",
        JobKind::Verification,
        None,
        at,
    )
    .expect("verification");
    step(&mut world);
    let user = world.user_guid("visitor").expect("visitor's guid");
    assert_eq!(world.user_members(&user).len(), 1);
    let at = step(&mut world);
    members::delete(&mut world, "visitor", "renamed", at).expect("deleted");
    users::delete(&mut world, "visitor").expect("user deleted");
    assert!(world.user_guid("visitor").is_err());
    world.roster.visits.get()
}

#[test]
fn a_user_s_requests_read_the_same_members_among_100_or_5000_residents() {
    let few = visits_of_one_user(100);
    let many = visits_of_one_user(5_000);
    assert!(few > 0, "the lookups are counted");
    assert_eq!(few, many, "a lookup reads resident members");
}

#[test]
fn a_clock_jump_reads_only_the_members_it_moves() {
    let mut world = world_with(2_000);
    // Every resident's background aggregation is due within a day of its creation; in the
    // first two seconds, none is.
    world.advance_to(start() + TimeDelta::seconds(2));
    assert_eq!(world.roster.visits.get(), 0);
    // A day and a half later, each resident aggregated once: a start and a success, each
    // move reading its member three times (its wake, its exact time, the move).
    world.advance_to(start() + TimeDelta::hours(36));
    assert_eq!(world.roster.visits.get(), 2 * 3 * 2_000);
}

#[test]
fn a_duplicate_is_found_among_thousands_by_reading_one_member() {
    let mut world = world_with(3_000);
    let user = world.user_guid("resident-1234").expect("resident");
    let twin = new_member("twin".to_owned(), "password", true);
    let refused = members::create(&mut world, &user, twin, start());
    assert!(refused.is_err(), "the duplicate is refused");
    assert_eq!(world.roster.visits.get(), 1);
}
