//! A create for a member MX already holds under the same `id` (created by the same create
//! sent at the same moment, or by another client) answers 202 with MX's member, which the
//! service adopts: MX answers the repeated create 409, and the service finds the member by
//! its `id` instead of refusing. On SQLite and on PostgreSQL alike.

mod support;

use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::json;
use support::Scratch;
use support::db::Database;
use support::harness::Harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_mx_holds_under_the_id_is_adopted_on_each_database() {
    let scratch = Scratch::new("adopts");
    for database in Database::all(&scratch.path, "create_adopts_mx_member").await {
        let kind = database.kind();
        let h = Harness::start(kind, &scratch.path, database, &[]).await;
        let user = h.api.user("carol").await;
        let member = json!({"institution_code": "mxbank", "id": "m-carol", "credentials": [
            {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
            {"guid": MXBANK_PASSWORD.guid, "value": "password"}]});
        let (status, at_mx) =
            h.mx.post(
                &format!("/users/{user}/members"),
                &json!({ "member": member }),
            )
            .await;
        assert_eq!(status, 202, "{kind}: MX creates it: {at_mx}");
        let guid = at_mx["member"]["guid"].as_str().expect("a guid").to_owned();

        let adopted = h.api.create_member(&user, "key-carol", &member).await;
        assert_eq!(
            adopted,
            guid,
            "{kind}: the service's member is MX's\n{}",
            h.log()
        );
        let view = h
            .api
            .get(&format!("/members/{guid}"))
            .await
            .expect("an answer");
        assert_eq!(view.status, 200, "{kind}: {}", view.body);
        assert_eq!(
            h.mx.members_of(&user).await.len(),
            1,
            "{kind}: still one member at MX"
        );
        h.finish().await;
    }
}
