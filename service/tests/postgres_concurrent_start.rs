//! Several instances started at the same moment on one empty PostgreSQL database: the
//! embedded migrations run once (the others wait for them), every instance prints its URL
//! and answers, and the same user id through each instance is one user at MX. Skipped
//! (with a line on stderr) without `MX_TEST_POSTGRES_URL`, failed under `CI=true`.

mod support;

use std::time::Duration;

use support::Scratch;
use support::api::Api;
use support::db::Database;
use support::mx::Mx;
use support::process::{Instance, Launch, log_tail};

const INSTANCES: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_starts_share_one_schema() {
    let Some(database) = Database::postgres("postgres_concurrent_start").await else {
        return;
    };
    let scratch = Scratch::new("concurrent-start");
    let mx = Mx::start("http://127.0.0.1:9/unused", 7).await;
    let launches: Vec<Launch> = (0..INSTANCES)
        .map(|i| {
            Launch::new(
                &format!("instance-{i}"),
                &scratch.path,
                database.url(),
                mx.base_url(),
            )
        })
        .collect();

    // Spawned together, on threads of their own: each start blocks until its first line.
    let handles: Vec<_> = launches
        .iter()
        .cloned()
        .map(|launch| std::thread::spawn(move || Instance::start(&launch)))
        .collect();
    let instances: Vec<Instance> = handles
        .into_iter()
        .map(|h| h.join().expect("an instance starts"))
        .collect();

    for (instance, launch) in instances.iter().zip(&launches) {
        let api = Api::new(vec![instance.base_url.clone()]);
        let health = api.until_answered("GET", "/healthz", None, &[], 200).await;
        assert_eq!(health.status, 200, "{}", log_tail(&launch.log_path(), 30));
    }
    let mut guids = Vec::new();
    for instance in &instances {
        let api = Api::new(vec![instance.base_url.clone()]);
        guids.push(api.user("the-same-user").await);
    }
    guids.dedup();
    assert_eq!(guids.len(), 1, "one user through every instance: {guids:?}");
    let user_creates = mx
        .journal()
        .await
        .iter()
        .filter(|e| e["method"] == "POST" && e["path"] == "/users" && e["status"] == 200)
        .count();
    assert_eq!(user_creates, 1, "MX created the user once");

    for mut instance in instances {
        let status =
            tokio::task::spawn_blocking(move || instance.terminate(Duration::from_secs(10)))
                .await
                .expect("the stop task");
        assert!(status.is_some_and(|s| s.success()), "SIGTERM: {status:?}");
    }
    database.drop_database().await;
}
