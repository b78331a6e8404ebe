//! Every MX Bank scenario end to end over loopback: create the member, let the virtual
//! clock run the job, read the status MX's table promises.

mod common;

use common::Mx;
use mx_emulator::mxbank::{ANY_OTHER_PASSWORD, Outcome, SCENARIOS};

#[tokio::test]
async fn every_failure_and_success_row_ends_in_its_status() {
    let mx = Mx::frozen().await;
    for scenario in SCENARIOS {
        let expected = match scenario.outcome {
            Outcome::Connect => "CONNECTED",
            Outcome::Challenge(_) => "CHALLENGED",
            Outcome::Fail(status) => status.as_str(),
        };
        let user = mx.user().await;
        let member = mx.member_guid(&user, scenario.password).await;
        let before = mx.read(&user, &member).await;
        assert_eq!(
            before["connection_status"], "CREATED",
            "{}",
            scenario.password
        );
        assert_eq!(before["is_being_aggregated"], true);
        mx.advance(1).await;
        let after = mx.read(&user, &member).await;
        assert_eq!(
            after["connection_status"], expected,
            "password {}",
            scenario.password
        );
        let challenged = matches!(scenario.outcome, Outcome::Challenge(_));
        assert_eq!(
            after["is_being_aggregated"], challenged,
            "{}",
            scenario.password
        );
        assert_eq!(
            after["successfully_aggregated_at"].is_string(),
            scenario.outcome == Outcome::Connect,
            "{}",
            scenario.password
        );
    }
}

#[tokio::test]
async fn an_unlisted_password_connects_and_another_user_name_is_denied() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "hunter2").await;
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );

    let mut body = common::mxbank_member(ANY_OTHER_PASSWORD);
    body["member"]["credentials"][0]["value"] = "someone".into();
    let answer = mx
        .send("POST", &format!("/users/{user}/members"), Some(body))
        .await;
    assert_eq!(answer.status, 202);
    let guid = answer.member()["guid"].as_str().unwrap().to_owned();
    mx.advance(1).await;
    assert_eq!(mx.read(&user, &guid).await["connection_status"], "DENIED");
}

#[tokio::test]
async fn each_challenge_type_passes_with_correct() {
    let mx = Mx::frozen().await;
    for (password, mx_type) in [
        ("challenge", "TEXT"),
        ("options", "OPTIONS"),
        ("image", "IMAGE_DATA"),
    ] {
        let user = mx.user().await;
        let member = mx.member_guid(&user, password).await;
        mx.advance(1).await;
        let challenges = mx
            .send(
                "GET",
                &format!("/users/{user}/members/{member}/challenges"),
                None,
            )
            .await;
        assert_eq!(challenges.status, 200);
        assert_eq!(challenges.body["challenges"][0]["type"], mx_type);
        let resumed = mx.answer_mfa(&user, &member, "correct").await;
        assert_eq!(resumed.status, 202);
        assert_eq!(resumed.member()["connection_status"], "RESUMED");
        assert_eq!(resumed.member()["is_being_aggregated"], true);
        mx.advance(1).await;
        let member = mx.read(&user, &member).await;
        assert_eq!(member["connection_status"], "CONNECTED", "{password}");
        assert_eq!(member["is_being_aggregated"], false);
    }
}

#[tokio::test]
async fn a_wrong_answer_is_rejected() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "challenge").await;
    mx.advance(1).await;
    assert_eq!(mx.answer_mfa(&user, &member, "wrong").await.status, 202);
    mx.advance(1).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "REJECTED");
    assert_eq!(read["is_being_aggregated"], false);
}

#[tokio::test]
async fn an_unanswered_challenge_expires_after_ten_virtual_minutes() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "options").await;
    mx.advance(1).await;
    mx.advance(599).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CHALLENGED"
    );
    mx.advance(1).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "EXPIRED");
    assert_eq!(read["is_being_aggregated"], false);
    let challenges = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/challenges"),
            None,
        )
        .await;
    assert_eq!(challenges.status, 204);
}

#[tokio::test]
async fn new_credentials_after_a_denial_connect() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "UNAUTHORIZED").await;
    mx.advance(1).await;
    assert_eq!(mx.read(&user, &member).await["connection_status"], "DENIED");
    let update = mx
        .send(
            "PUT",
            &format!("/users/{user}/members/{member}"),
            Some(common::mxbank_member("fixed")),
        )
        .await;
    assert_eq!(update.status, 200, "{:?}", update.body);
    assert_eq!(update.member()["connection_status"], "UPDATED");
    assert_eq!(update.member()["is_being_aggregated"], true);
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
}

#[tokio::test]
async fn the_third_denial_in_a_row_is_prevented() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "INVALID").await;
    let mut statuses = Vec::new();
    for password in ["UNAUTHORIZED", "DISABLED"] {
        mx.advance(1).await;
        statuses.push(mx.read(&user, &member).await["connection_status"].clone());
        let update = mx
            .send(
                "PUT",
                &format!("/users/{user}/members/{member}"),
                Some(common::mxbank_member(password)),
            )
            .await;
        assert_eq!(update.status, 200);
    }
    mx.advance(1).await;
    statuses.push(mx.read(&user, &member).await["connection_status"].clone());
    assert_eq!(statuses, ["DENIED", "DENIED", "PREVENTED"]);
    let emulator = mx.emulator.as_ref().unwrap();
    assert_eq!(emulator.off_model_moves(), Vec::<String>::new());
}
