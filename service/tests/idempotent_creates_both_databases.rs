//! Creates are idempotent on SQLite and on PostgreSQL alike: the same user `id` gives the
//! same user, the same `Idempotency-Key` or the same member `id` under the user gives the
//! same member, and MX's request journal shows one create of each.

mod support;

use serde_json::json;
use support::Scratch;
use support::db::Database;
use support::harness::Harness;

fn mxbank(id: &str) -> serde_json::Value {
    use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
    json!({"institution_code": "mxbank", "id": id, "credentials": [
        {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
        {"guid": MXBANK_PASSWORD.guid, "value": "password"},
    ]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_user_and_member_once_at_mx_on_each_database() {
    let scratch = Scratch::new("idempotent");
    for database in Database::all(&scratch.path, "idempotent_creates_both_databases").await {
        let kind = database.kind();
        let h = Harness::start(kind, &scratch.path, database, &[]).await;
        let user = h.api.user("alice").await;
        assert_eq!(h.api.user("alice").await, user, "{kind}: the same id");
        let other = h.api.user("bob").await;
        assert_ne!(other, user, "{kind}: another id, another user");

        let first = h.api.create_member(&user, "key-1", &mxbank("m-1")).await;
        let again = h.api.create_member(&user, "key-1", &mxbank("m-1")).await;
        assert_eq!(again, first, "{kind}: the same Idempotency-Key");
        let same_id = h.api.create_member(&user, "key-2", &mxbank("m-1")).await;
        assert_eq!(same_id, first, "{kind}: the same member id under the user");

        let journal = h.mx.journal().await;
        let ok = |e: &serde_json::Value| e["status"].as_u64().is_some_and(|s| s < 300);
        let users = journal
            .iter()
            .filter(|e| e["method"] == "POST" && e["path"] == "/users" && ok(e))
            .count();
        assert_eq!(users, 2, "{kind}: MX created alice and bob once each");
        let members = journal
            .iter()
            .filter(|e| {
                e["method"] == "POST" && e["path"] == format!("/users/{user}/members") && ok(e)
            })
            .count();
        assert_eq!(
            members,
            1,
            "{kind}: MX created the member once\n{}",
            h.log()
        );
        assert_eq!(h.mx.members_of(&user).await.len(), 1, "{kind}");
        h.finish().await;
    }
}
