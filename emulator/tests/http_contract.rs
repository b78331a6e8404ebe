//! MX's HTTP answers: authentication before routing, the API version, error bodies,
//! 404/400/405/409/413, and the envelopes.

mod common;

use common::{API_KEY, CLIENT_ID, Mx};
use serde_json::json;

async fn raw(
    mx: &Mx,
    path: &str,
    auth: Option<(&str, &str)>,
    version: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut request = mx
        .http
        .get(format!("{}{path}", mx.base))
        .header("Accept", "application/json");
    if let Some((id, key)) = auth {
        request = request.basic_auth(id, Some(key));
    }
    if let Some(version) = version {
        request = request.header("Accept-Version", version);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn credentials_are_checked_before_routing() {
    let mx = Mx::frozen().await;
    for path in [
        "/users",
        "/no/such/route",
        "/emulator/clock",
        "/institutions/mxbank/credentials",
    ] {
        let (status, body) = raw(&mx, path, None, Some("v20250224")).await;
        assert_eq!(status, 401, "{path}");
        assert!(body["error"]["message"].is_string(), "{path}: {body}");
        let (status, _) = raw(&mx, path, Some((CLIENT_ID, "wrong")), Some("v20250224")).await;
        assert_eq!(status, 401, "{path}");
        let (status, _) = raw(&mx, path, Some(("wrong", API_KEY)), Some("v20250224")).await;
        assert_eq!(status, 401, "{path}");
    }
}

#[tokio::test]
async fn a_request_without_a_valid_version_is_not_acceptable() {
    let mx = Mx::frozen().await;
    let auth = Some((CLIENT_ID, API_KEY));
    let (status, body) = raw(&mx, "/institutions/mxbank/credentials", auth, None).await;
    assert_eq!(status, 406);
    assert!(body["error"]["message"].is_string());
    let (status, _) = raw(&mx, "/institutions/mxbank/credentials", auth, Some("v2099")).await;
    assert_eq!(status, 406);
    let (status, _) = raw(
        &mx,
        "/institutions/mxbank/credentials",
        auth,
        Some("v20250224"),
    )
    .await;
    assert_eq!(status, 200);
    // The classic media type is served too.
    let response = mx
        .http
        .get(format!("{}/institutions/mxbank/credentials", mx.base))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .header("Accept", "application/vnd.mx.api.v1+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn unknown_routes_users_and_members_are_404_with_an_error_body() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    for path in [
        "/nowhere".to_owned(),
        "/users/USR-nobody/members".to_owned(),
        format!("/users/{user}/members/MBR-nobody"),
        format!("/users/{user}/members/MBR-nobody/status"),
        "/institutions/nowhere/credentials".to_owned(),
    ] {
        let answer = mx.send("GET", &path, None).await;
        assert_eq!(answer.status, 404, "{path}");
        assert!(answer.body["error"]["message"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn bad_json_is_400_and_a_huge_body_is_413() {
    let mx = Mx::frozen().await;
    let response = mx
        .http
        .post(format!("{}/users", mx.base))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .header("Accept-Version", "v20250224")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert!(body["error"]["message"].is_string());

    let huge = format!("{{\"user\": {{\"id\": \"{}\"}}}}", "x".repeat(200_000));
    let response = mx
        .http
        .post(format!("{}/users", mx.base))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .header("Accept-Version", "v20250224")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn credentials_list_carries_guids_and_display_order() {
    let mx = Mx::frozen().await;
    let answer = mx
        .send("GET", "/institutions/mxbank/credentials", None)
        .await;
    assert_eq!(answer.status, 200);
    let fields = answer.body["credentials"].as_array().unwrap();
    assert_eq!(fields.len(), 2);
    for (i, field) in fields.iter().enumerate() {
        assert!(field["guid"].as_str().unwrap().starts_with("CRD-"));
        assert_eq!(field["display_order"], i + 1);
    }
}

#[tokio::test]
async fn create_is_202_and_an_identical_member_is_409() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let first = mx.create_member(&user, "password").await;
    assert_eq!(first.status, 202);
    assert_eq!(first.member()["is_being_aggregated"], true);
    let again = mx.create_member(&user, "password").await;
    assert_eq!(again.status, 409);
    assert!(again.body["error"]["message"].is_string());
    // Other credential values are another member.
    assert_eq!(mx.create_member(&user, "other").await.status, 202);
}

#[tokio::test]
async fn challenges_are_204_and_resume_405_when_not_challenged() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    let challenges = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/challenges"),
            None,
        )
        .await;
    assert_eq!(challenges.status, 204);
    let resume = mx
        .send(
            "PUT",
            &format!("/users/{user}/members/{member}/resume"),
            Some(json!({"member": {"challenges": [{"guid": "CRD-x", "value": "correct"}]}})),
        )
        .await;
    assert_eq!(resume.status, 405);
}

#[tokio::test]
async fn members_are_listed_with_pagination_and_deleted_with_204() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    for n in 0..11 {
        mx.member_guid(&user, &format!("password {n}")).await;
    }
    // 2 a page is below the spec's range (10 to 1000): the page holds 10.
    let page = mx
        .send(
            "GET",
            &format!("/users/{user}/members?page=2&records_per_page=2"),
            None,
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["members"].as_array().unwrap().len(), 1);
    assert_eq!(page.body["pagination"]["per_page"], 10);
    assert_eq!(page.body["pagination"]["total_entries"], 11);
    assert_eq!(page.body["pagination"]["total_pages"], 2);
    assert_eq!(page.body["pagination"]["current_page"], 2);
    let guid = page.body["members"][0]["guid"].as_str().unwrap().to_owned();
    let deleted = mx
        .send("DELETE", &format!("/users/{user}/members/{guid}"), None)
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        mx.send("GET", &format!("/users/{user}/members/{guid}"), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_wrong_method_is_405() {
    let mx = Mx::frozen().await;
    let answer = mx.send("DELETE", "/users", None).await;
    assert_eq!(answer.status, 405);
    assert!(answer.body["error"]["message"].is_string());
}
