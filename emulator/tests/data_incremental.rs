//! Incremental reads: after a clock jump, `from_updated_at` set to the last read returns
//! exactly what the background aggregations since then created or changed.

mod common;

use std::collections::BTreeMap;

use common::Mx;
use serde_json::Value;

fn by_guid(list: Vec<Value>) -> BTreeMap<String, Value> {
    list.into_iter()
        .map(|t| (t["guid"].as_str().unwrap().to_owned(), t))
        .collect()
}

#[tokio::test]
async fn from_updated_at_after_a_clock_jump_reads_only_what_changed() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    // The whole history: the default window (120 days back) moves with the clock.
    let path = format!("/users/{user}/members/{member}/transactions?from_date=2000-01-01");
    let first = by_guid(mx.all(&path, "transactions").await);
    // The next read starts a second after the last: the first job's records carry its
    // second, which the last read already saw.
    let read_at = mx.advance(1).await;
    // Three daily background aggregations.
    mx.advance(3 * 86_400 + 10).await;
    let member_now = mx.read(&user, &member).await;
    assert_eq!(member_now["connection_status"], "CONNECTED");
    let now = by_guid(mx.all(&path, "transactions").await);
    for (unix, day) in [
        (read_at.timestamp().to_string(), false),
        (read_at.format("%Y-%m-%d").to_string(), true),
    ] {
        let since = by_guid(
            mx.all(&format!("{path}&from_updated_at={unix}"), "transactions")
                .await,
        );
        let changed: BTreeMap<String, Value> = now
            .iter()
            .filter(|(guid, t)| first.get(*guid) != Some(*t))
            .map(|(g, t)| (g.clone(), t.clone()))
            .collect();
        if day {
            // A whole day: the day of the last read is in, all of it.
            assert!(since.len() >= changed.len());
            assert!(changed.keys().all(|g| since.contains_key(g)));
        } else {
            assert_eq!(
                since.keys().collect::<Vec<_>>(),
                changed.keys().collect::<Vec<_>>()
            );
            assert!(since == changed, "the same records");
        }
    }
    let changed = now
        .iter()
        .filter(|(g, t)| first.get(*g) != Some(*t))
        .count();
    assert!(changed >= 9, "three days bring 3 to 6 a day: {changed}");
    // What disappeared was pending: posted under a new GUID, or left 14 days.
    for (guid, gone) in first.iter().filter(|(g, _)| !now.contains_key(*g)) {
        assert_eq!(gone["status"], "PENDING", "{guid}");
    }
}
