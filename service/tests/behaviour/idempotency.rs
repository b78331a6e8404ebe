//! Creates are idempotent: the same key or member id gives the same member, and MX sees one
//! create.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_or_member_id_gives_the_same_member_and_mx_sees_one_create() {
    each_database("idempotent", |env| async move {
        let first_user = env.api.user("u-idem").await;
        assert_eq!(
            env.api.user("u-idem").await,
            first_user,
            "the same user id, the same user"
        );
        let user = first_user;
        let by_key = env.mxbank(&user, "k-same", "pw-idem").await;
        assert_eq!(env.mxbank(&user, "k-same", "pw-idem").await, by_key);
        let with_id = json!({"institution_code": "mxbank", "id": "my-member-1",
            "credentials": env.credentials("pw-idem-2").await});
        let path = format!("/users/{user}/members");
        let (status, body) = env.send("POST", &path, &json!({"member": with_id})).await;
        assert_eq!(status, 202, "{body}");
        let (again, body2) = env.send("POST", &path, &json!({"member": with_id})).await;
        assert_eq!(again, 202, "{body2}");
        assert_eq!(body["member"]["guid"], body2["member"]["guid"]);
        assert_ne!(body["member"]["guid"].as_str(), Some(by_key.as_str()));
        let creates = env.calls("POST", &format!("/users/{user}/members")).await;
        assert_eq!(creates.len(), 2, "one create per member: {creates:?}");
        assert_eq!(
            env.calls("POST", "/users").await.len(),
            1,
            "one user create"
        );
    })
    .await;
}
