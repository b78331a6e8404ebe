//! The Connect widget on each MX Bank path, as an end user clicks through it: the member
//! it leaves is read back through the API.

use std::time::Duration;

use serde_json::json;

use crate::harness::{self, Shot, screenshot, shown, text_contains, text_of, windows};
use crate::kit::{self, connected, log_in, only_member, pick, submit, widget_url};

#[tokio::test]
async fn plain_credentials_connect() {
    let mx = kit::emulator(None).await;
    harness::run("plain", |client| async move {
        let user = mx.user().await;
        client
            .goto(&widget_url(&mx, &user, json!({})).await)
            .await
            .unwrap();
        screenshot(&client, "widget-search", Shot::Kept).await;
        pick(&client, "MX", "mxbank").await;
        log_in(&client, "password").await;
        connected(&client).await;
        screenshot(&client, "widget-connected", Shot::Readme).await;
        let member = only_member(&mx, &user).await;
        assert_eq!(member["connection_status"], "CONNECTED");
        assert_eq!(member["background_aggregation_is_disabled"], false);
        let status = text_of(&client, "[data-test=status]").await;
        assert!(status.contains("CONNECTED"), "{status}");
    })
    .await;
}

#[tokio::test]
async fn each_mfa_type_is_answered() {
    let mx = kit::emulator(None).await;
    harness::run("mfa", |client| async move {
        for (password, kind) in [
            ("challenge", "TEXT"),
            ("options", "OPTIONS"),
            ("image", "IMAGE_DATA"),
        ] {
            let user = mx.user().await;
            client
                .goto(&widget_url(&mx, &user, json!({})).await)
                .await
                .unwrap();
            pick(&client, "mx bank", "mxbank").await;
            log_in(&client, password).await;
            text_contains(&client, "[data-test=status]", "CHALLENGED").await;
            if kind == "TEXT" {
                shown(&client, "[data-test=mfa-answer]")
                    .await
                    .send_keys("correct")
                    .await
                    .unwrap();
            } else {
                if kind == "IMAGE_DATA" {
                    shown(&client, "img.challenge-image").await;
                    screenshot(&client, "widget-mfa", Shot::Readme).await;
                }
                shown(&client, "[data-test=mfa-option][data-value=correct]")
                    .await
                    .click()
                    .await
                    .unwrap();
            }
            submit(&client).await;
            connected(&client).await;
            assert_eq!(
                only_member(&mx, &user).await["connection_status"],
                "CONNECTED",
                "{kind}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_wrong_mfa_answer_is_rejected() {
    let mx = kit::emulator(None).await;
    harness::run("wrong-mfa", |client| async move {
        let user = mx.user().await;
        client
            .goto(&widget_url(&mx, &user, json!({})).await)
            .await
            .unwrap();
        pick(&client, "MX", "mxbank").await;
        log_in(&client, "challenge").await;
        shown(&client, "[data-test=mfa-answer]")
            .await
            .send_keys("Paris")
            .await
            .unwrap();
        submit(&client).await;
        let status = text_contains(&client, "[data-test=status]", "REJECTED").await;
        assert!(
            status.len() > "REJECTED".len() + 5,
            "MX's message too: {status}"
        );
        assert_eq!(kit::count(&client, "[data-test=done]").await, 0);
        assert_eq!(
            only_member(&mx, &user).await["connection_status"],
            "REJECTED"
        );
    })
    .await;
}

#[tokio::test]
async fn denied_then_new_credentials_connect_the_same_member() {
    let mx = kit::emulator(None).await;
    harness::run("denied", |client| async move {
        let user = mx.user().await;
        client
            .goto(&widget_url(&mx, &user, json!({})).await)
            .await
            .unwrap();
        pick(&client, "MX", "mxbank").await;
        log_in(&client, "INVALID").await;
        text_contains(&client, "[data-test=status]", "DENIED").await;
        let denied = only_member(&mx, &user).await;
        log_in(&client, "password").await;
        connected(&client).await;
        let member = only_member(&mx, &user).await;
        assert_eq!(member["guid"], denied["guid"]);
        assert_eq!(member["connection_status"], "CONNECTED");
    })
    .await;
}

#[tokio::test]
async fn oauth_refused_then_authorized() {
    let mx = kit::emulator(None).await;
    harness::run("oauth", |client| async move {
        let user = mx.user().await;
        client
            .goto(&widget_url(&mx, &user, json!({})).await)
            .await
            .unwrap();
        pick(&client, "oauth", "mx_bank_oauth").await;
        shown(&client, "[data-test=oauth-continue]").await;
        let member = only_member(&mx, &user).await;
        assert_eq!(member["connection_status"], "PENDING");
        let guid = member["guid"].as_str().unwrap().to_owned();

        // The end user refuses in a window of their own.
        let widget = client.window().await.unwrap();
        let uri = mx
            .send(
                "GET",
                &format!("/users/{user}/members/{guid}/oauth_window_uri"),
                None,
            )
            .await
            .body["member"]["oauth_window_uri"]
            .as_str()
            .unwrap()
            .to_owned();
        let refusal = client.new_window(true).await.unwrap();
        client.switch_to_window(refusal.handle).await.unwrap();
        client.goto(&format!("{uri}?outcome=deny")).await.unwrap();
        text_contains(&client, "body", "refused").await;
        client.close_window().await.unwrap();
        client.switch_to_window(widget.clone()).await.unwrap();
        text_contains(&client, "[data-test=status]", "DENIED").await;
        text_contains(&client, "[data-test=status]", "refused").await;

        // Then authorizes through the widget's own button.
        shown(&client, "[data-test=oauth-continue]")
            .await
            .click()
            .await
            .unwrap();
        let all = windows(&client, 2).await;
        let popup = all.into_iter().find(|w| *w != widget).unwrap();
        client.switch_to_window(popup).await.unwrap();
        text_contains(&client, "body", "Authorization complete").await;
        let opened = client.current_url().await.unwrap();
        assert!(opened.path().starts_with("/oauth/authorize/"), "{opened}");
        client.close_window().await.unwrap();
        client.switch_to_window(widget).await.unwrap();
        connected(&client).await;
        let member = only_member(&mx, &user).await;
        assert_eq!(member["guid"], guid.as_str());
        assert_eq!(member["connection_status"], "CONNECTED");
    })
    .await;
}

#[tokio::test]
async fn verification_mode_runs_a_verification_with_background_off() {
    let mx = kit::emulator(None).await;
    harness::run("verification", |client| async move {
        for (options, disabled) in [
            (json!({"mode": "verification"}), true),
            (
                json!({"mode": "verification", "disable_background_agg": false}),
                false,
            ),
        ] {
            let user = mx.user().await;
            client
                .goto(&widget_url(&mx, &user, options.clone()).await)
                .await
                .unwrap();
            pick(&client, "MX", "mxbank").await;
            log_in(&client, "password").await;
            connected(&client).await;
            let member = only_member(&mx, &user).await;
            assert_eq!(
                member["background_aggregation_is_disabled"], disabled,
                "{options}"
            );
            let guid = member["guid"].as_str().unwrap();
            let status = mx
                .send("GET", &format!("/users/{user}/members/{guid}/status"), None)
                .await;
            assert_eq!(status.body["member"]["has_processed_account_numbers"], true);
            assert_eq!(status.body["member"]["has_processed_transactions"], false);
        }
    })
    .await;
}

#[tokio::test]
async fn update_credentials_opens_on_the_members_form() {
    let mx = kit::emulator(None).await;
    harness::run("update-credentials", |client| async move {
        let user = mx.user().await;
        let guid = mx.member_guid(&user, "password").await;
        let url = widget_url(
            &mx,
            &user,
            json!({"current_member_guid": guid, "update_credentials": true}),
        )
        .await;
        client.goto(&url).await.unwrap();
        shown(&client, "[data-test=credential][name=PASSWORD]").await;
        shown(&client, "[data-test=submit]").await;
        let search = client
            .find(fantoccini::Locator::Css("[data-test=search-input]"))
            .await
            .unwrap();
        assert!(!search.is_displayed().await.unwrap(), "no search first");
        log_in(&client, "password2").await;
        connected(&client).await;
        let member = only_member(&mx, &user).await;
        assert_eq!(
            member["guid"],
            guid.as_str(),
            "the same member, not a new one"
        );
    })
    .await;
}

#[tokio::test]
async fn a_widget_url_loads_once_and_expires_after_ten_minutes() {
    let mx = kit::emulator(None).await;
    harness::run("expired", |client| async move {
        let user = mx.user().await;
        let url = widget_url(&mx, &user, json!({})).await;
        client.goto(&url).await.unwrap();
        shown(&client, "[data-test=search-input]").await;
        client.goto(&url).await.unwrap();
        text_contains(&client, "[data-test=expired]", "already used").await;

        let late = widget_url(&mx, &user, json!({})).await;
        mx.emulator
            .as_ref()
            .unwrap()
            .advance_clock(Duration::from_secs(600));
        client.goto(&late).await.unwrap();
        text_contains(&client, "[data-test=expired]", "expired").await;
        assert_eq!(kit::count(&client, "[data-test=search-input]").await, 0);
    })
    .await;
}
