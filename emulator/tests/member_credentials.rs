//! `GET /users/{u}/members/{m}/credentials` over loopback: the credential fields of the
//! member's institution, as the institution's list gives them, and never a value.

mod common;

use common::Mx;
use serde_json::json;

#[tokio::test]
async fn a_members_fields_are_its_institutions_without_values() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    let fields = mx
        .all(
            &format!("/users/{user}/members/{member}/credentials"),
            "credentials",
        )
        .await;
    let institution = mx
        .all("/institutions/mxbank/credentials", "credentials")
        .await;
    assert!(!fields.is_empty());
    assert_eq!(fields, institution);
    let text = serde_json::to_string(&fields).unwrap();
    assert!(!text.contains("\"value\""), "{text}");
    // The member's password (`password`) appears nowhere.
    assert!(!text.contains("\"password\""), "{text}");
    let missing = mx
        .send(
            "GET",
            &format!("/users/{user}/members/MBR-nope/credentials"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body["error"],
        json!({"message": "member not found"})
    );
}
