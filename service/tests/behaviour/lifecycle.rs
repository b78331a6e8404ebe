//! A member through each path to its data: good credentials, MFA answered, DENIED then
//! new credentials, LOCKED (the end user's to act on), OAuth once authorized.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_with_good_credentials_is_synced_and_its_data_equals_mx() {
    each_database("success", |env| async move {
        let user = env.api.user("u-success").await;
        let guid = env.mxbank(&user, "k-success", "pw-success").await;
        let member = env.synced(&guid).await;
        assert_eq!(member["connection_status"], "CONNECTED");
        assert_eq!(member["requires_end_user"], false);
        assert_eq!(member["user_guid"], user.as_str());
        for field in [
            "challenges",
            "oauth_window_uri",
            "user_message",
            "next_look_at",
            "webhooks_received",
        ] {
            assert!(member.get(field).is_some(), "{field} is present: {member}");
        }
        env.data_equals_mx(&user, &guid).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_is_shown_answered_once_and_the_member_synced() {
    each_database("mfa", |env| async move {
        let user = env.api.user("u-mfa").await;
        let guid = env.mxbank(&user, "k-mfa", "challenge").await;
        let member = env.action_is(&guid, "answer_mfa").await;
        assert_eq!(member["requires_end_user"], true);
        let challenge = member["challenges"][0]["guid"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!challenge.is_empty(), "a challenge to answer: {member}");
        let answers = json!({"answers": [{"guid": challenge, "value": "correct"}]});
        let path = format!("/members/{guid}/mfa");
        assert_eq!(env.send("POST", &path, &answers).await.0, 202);
        // The same answers again while MX acts on them: still 202.
        assert_eq!(env.send("POST", &path, &answers).await.0, 202);
        env.synced(&guid).await;
        env.data_equals_mx(&user, &guid).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_then_new_credentials_syncs() {
    each_database("denied", |env| async move {
        let user = env.api.user("u-denied").await;
        let guid = env.mxbank(&user, "k-denied", "INVALID").await;
        let member = env.action_is(&guid, "update_credentials").await;
        assert_eq!(member["connection_status"], "DENIED");
        assert_eq!(member["requires_end_user"], true);
        let body = json!({"credentials": env.credentials("pw-new-denied").await});
        let (status, _) = env
            .send("PUT", &format!("/members/{guid}/credentials"), &body)
            .await;
        assert_eq!(status, 202);
        env.synced(&guid).await;
        env.data_equals_mx(&user, &guid).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_member_waits_for_the_end_user_and_is_not_aggregated() {
    each_database("locked", |env| async move {
        let user = env.api.user("u-locked").await;
        let guid = env.mxbank(&user, "k-locked", "LOCKED").await;
        let member = env
            .member_until(&guid, "LOCKED and waiting for the end user", |m| {
                m["connection_status"] == "LOCKED" && m["requires_end_user"] == true
            })
            .await;
        assert!(member["synced_through"].is_null());
        assert!(
            env.calls("POST", "/aggregate").await.is_empty(),
            "nothing aggregates a locked member"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_member_shows_its_window_then_syncs_once_authorized() {
    each_database("oauth", |env| async move {
        let user = env.api.user("u-oauth").await;
        let member = json!({"institution_code": "mx_bank_oauth", "is_oauth": true});
        let guid = env.api.create_member(&user, "k-oauth", &member).await;
        let shown = env.action_is(&guid, "authorize_oauth").await;
        let uri = shown["oauth_window_uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(uri.starts_with("http"), "a window to open: {shown}");
        // The end user's browser.
        let page = reqwest::get(&uri).await.expect("the window opens");
        assert!(page.status().is_success(), "{}", page.status());
        // Back in the app, the end user is present: the app asks for the data.
        let (status, _) = env
            .send("POST", &format!("/members/{guid}/aggregate"), &json!({}))
            .await;
        assert_eq!(status, 202);
        env.synced(&guid).await;
        env.data_equals_mx(&user, &guid).await;
    })
    .await;
}
