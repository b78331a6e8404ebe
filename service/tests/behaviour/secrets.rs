//! No credential value or MFA answer reaches the database files or the service's log.

use super::*;

/// Credential values and MFA answers go to MX and nowhere else: the database file,
/// its write-ahead log and shared memory, and the service's log are scanned byte for
/// byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_or_answer_reaches_the_database_files_or_the_log() {
    let scratch = Scratch::new("secrets");
    let env = Env::start(&scratch, Database::sqlite(&scratch.path)).await;
    let user = env.api.user("u-secrets").await;
    let created = env.mxbank(&user, "k-s1", "s3cret-create-7f3a").await;
    let denied = env.mxbank(&user, "k-s2", "INVALID").await;
    let challenged = env.mxbank(&user, "k-s3", "challenge").await;
    env.action_is(&denied, "update_credentials").await;
    let body = json!({"credentials": env.credentials("s3cret-update-91bc").await});
    assert_eq!(
        env.send("PUT", &format!("/members/{denied}/credentials"), &body)
            .await
            .0,
        202
    );
    let shown = env.action_is(&challenged, "answer_mfa").await;
    let answers =
        json!({"answers": [{"guid": shown["challenges"][0]["guid"], "value": "correct"}]});
    assert_eq!(
        env.send("POST", &format!("/members/{challenged}/mfa"), &answers)
            .await
            .0,
        202
    );
    for guid in [&created, &denied, &challenged] {
        env.synced(guid).await;
    }
    let needles: [&[u8]; 4] = [
        b"s3cret-create-7f3a",
        b"s3cret-update-91bc",
        b"\"value\":\"correct\"",
        b"mxuser",
    ];
    let mut scanned = Vec::new();
    for entry in std::fs::read_dir(&scratch.path).expect("the scratch directory") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !(name.starts_with("mx.db") || name.ends_with(".log")) {
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable");
        for needle in needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{name} holds {:?}",
                String::from_utf8_lossy(needle)
            );
        }
        scanned.push(name);
    }
    assert!(
        scanned.iter().any(|n| n == "mx.db-wal"),
        "the WAL was scanned: {scanned:?}"
    );
    assert!(
        scanned.iter().any(|n| n == "mx.db"),
        "the database was scanned: {scanned:?}"
    );
}
