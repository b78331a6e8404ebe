//! The same member create sent at the same moment several times — to three instances on
//! one PostgreSQL database, or three times to the one instance on SQLite — gives one
//! member: every answer is 202 with the same guid, and MX created it once.

mod support;

use std::sync::Arc;

use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::json;
use support::Scratch;
use support::api::Api;
use support::db::Database;
use support::mx::Mx;
use support::process::{Instance, Launch, log_tail};

const USERS: usize = 8;
const REPEATS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_member_from_simultaneous_creates_on_each_database() {
    let scratch = Scratch::new("concurrent-creates");
    for database in Database::all(&scratch.path, "concurrent_creates_both_databases").await {
        let kind = database.kind();
        let count = match database {
            Database::Sqlite { .. } => 1,
            Database::Postgres { .. } => 3,
        };
        let mx = Mx::start("http://127.0.0.1:9/unused", 3).await;
        let launches: Vec<Launch> = (0..count)
            .map(|i| {
                Launch::new(
                    &format!("{kind}-{i}"),
                    &scratch.path,
                    database.url(),
                    mx.base_url(),
                )
            })
            .collect();
        let mut instances = Vec::new();
        for launch in &launches {
            instances.push(Instance::start_async(launch).await);
        }
        let apis: Vec<Arc<Api>> = instances
            .iter()
            .map(|i| Arc::new(Api::new(vec![i.base_url.clone()])))
            .collect();
        let logs = || {
            launches
                .iter()
                .map(|l| log_tail(&l.log_path(), 20))
                .collect::<Vec<_>>()
                .join("\n")
        };

        for n in 0..USERS {
            let user = apis[0].user(&format!("{kind}-user-{n}")).await;
            // With a key and no id (the service derives MX's id from the key), or with an id.
            let member = if n % 2 == 0 {
                json!({"institution_code": "mxbank", "credentials": [
                    {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
                    {"guid": MXBANK_PASSWORD.guid, "value": "password"}]})
            } else {
                json!({"institution_code": "mxbank", "id": format!("m-{n}"), "credentials": [
                    {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
                    {"guid": MXBANK_PASSWORD.guid, "value": "password"}]})
            };
            let tasks: Vec<_> = (0..REPEATS)
                .map(|r| {
                    let (api, user, member) =
                        (apis[r % count].clone(), user.clone(), member.clone());
                    tokio::spawn(async move {
                        api.create_member(&user, &format!("key-{n}"), &member).await
                    })
                })
                .collect();
            let mut guids = Vec::new();
            for task in tasks {
                guids.push(
                    task.await
                        .unwrap_or_else(|e| panic!("{kind}: {e}\n{}", logs())),
                );
            }
            guids.dedup();
            assert_eq!(guids.len(), 1, "{kind}: one member for one key: {guids:?}");
            let held = mx.members_of(&user).await.len();
            assert_eq!(held, 1, "{kind}: MX holds {held} members\n{}", logs());
            let created = mx
                .journal()
                .await
                .iter()
                .filter(|e| {
                    e["method"] == "POST"
                        && e["path"] == format!("/users/{user}/members")
                        && e["status"].as_u64().is_some_and(|s| s < 300)
                })
                .count();
            assert_eq!(created, 1, "{kind}: MX created the member once");
        }
        drop(instances);
        database.drop_database().await;
    }
}
