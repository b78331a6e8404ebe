//! Isolated tenants: each client id / API key pair has its own users, members, clock,
//! faults and `POST /emulator/reset`; two tenants never see each other's members.

mod common;

use common::{Binary, Mx, frozen_config};
use serde_json::json;

async fn two_tenants() -> (Mx, Mx) {
    let mut config = frozen_config();
    config.tenants = vec![("second".to_owned(), "second-key".to_owned())];
    let first = Mx::start(config).await;
    let second = Mx::at(&first.base, "second", "second-key");
    (first, second)
}

#[tokio::test]
async fn two_tenants_never_see_each_others_members() {
    let (a, b) = two_tenants().await;
    let user_a = a.user().await;
    let member_a = a.member_guid(&user_a, "any").await;
    let user_b = b.user().await;
    let member_b = b.member_guid(&user_b, "any").await;
    assert_ne!(user_a, user_b);
    assert_ne!(member_a, member_b);

    for (me, other_user, other_member) in [(&a, &user_b, &member_b), (&b, &user_a, &member_a)] {
        for path in [
            format!("/users/{other_user}"),
            format!("/users/{other_user}/members"),
            format!("/users/{other_user}/members/{other_member}"),
            format!("/users/{other_user}/members/{other_member}/status"),
        ] {
            let answer = me.send("GET", &path, None).await;
            assert_eq!(answer.status, 404, "{path}: {:?}", answer.body);
        }
        let trace = me
            .send(
                "GET",
                &format!("/emulator/members/{other_member}/trace"),
                None,
            )
            .await;
        assert_eq!(trace.status, 404);
        let aggregate = me
            .send(
                "POST",
                &format!("/users/{other_user}/members/{other_member}/aggregate"),
                None,
            )
            .await;
        assert_eq!(aggregate.status, 404);
    }
    let listed = b
        .send("GET", &format!("/users/{user_b}/members"), None)
        .await;
    let guids: Vec<_> = listed.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["guid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(guids, [member_b]);
    // The same credentials at two tenants are two members, not a 409 duplicate.
    let again = b.create_member(&user_b, "other").await;
    assert_eq!(again.status, 202);
}

#[tokio::test]
async fn each_tenant_has_its_own_clock_faults_and_reset() {
    let (a, b) = two_tenants().await;
    let start = a.advance(0).await;
    let moved = b.advance(3600).await;
    assert_eq!((moved - start).num_seconds(), 3600);
    assert_eq!(a.advance(0).await, start);

    let loaded = a
        .send(
            "POST",
            "/emulator/faults",
            Some(json!({"rules": [{"call": "create_user", "sequence": [503]}]})),
        )
        .await;
    assert_eq!(loaded.status, 200);
    assert_eq!(
        b.send("POST", "/users", Some(json!({"user": {}})))
            .await
            .status,
        200
    );
    assert_eq!(
        a.send("POST", "/users", Some(json!({"user": {}})))
            .await
            .status,
        503
    );

    let user_a = a.user().await;
    let user_b = b.user().await;
    let member_b = b.member_guid(&user_b, "any").await;
    let reset = a.send("POST", "/emulator/reset", None).await;
    assert_eq!(reset.status, 200, "{:?}", reset.body);
    assert_eq!(
        a.send("GET", &format!("/users/{user_a}"), None)
            .await
            .status,
        404
    );
    assert_eq!(a.advance(0).await, start);
    // The other tenant keeps its data and its clock.
    assert_eq!(b.read(&user_b, &member_b).await["guid"], member_b.as_str());
    assert_eq!((b.advance(0).await - start).num_seconds(), 3600);
}

#[tokio::test]
async fn the_binary_takes_repeated_tenant_flags() {
    let binary = Binary::start(&["--frozen", "--tenant", "t2:k2", "--tenant", "t3:k3"]);
    let mut statuses = Vec::new();
    for (id, key) in [
        (common::CLIENT_ID, common::API_KEY),
        ("t2", "k2"),
        ("t3", "k3"),
        ("t2", "k3"),
    ] {
        let mx = Mx::at(&binary.base, id, key);
        statuses.push(
            mx.send("POST", "/users", Some(json!({"user": {}})))
                .await
                .status,
        );
    }
    assert_eq!(statuses, [200, 200, 200, 401]);
}
