//! Paging edges on the data lists: the spec's range (10 to 1000, over 1000 falls back to
//! 25, 1 to 9 give 10), pages that hold every record once, a page past the end, and a
//! filter or page that cannot be read answered 400 naming it.

mod common;

use std::collections::BTreeSet;

use common::Mx;

#[tokio::test]
async fn records_per_page_edges() {
    let mx = Mx::frozen().await;
    let (user, _) = mx.connected().await;
    for (asked, got) in [
        ("1", 10),
        ("9", 10),
        ("10", 10),
        ("1000", 1000),
        ("1001", 25),
        ("99999999999999999999", 25),
    ] {
        let answer = mx
            .send(
                "GET",
                &format!("/users/{user}/transactions?records_per_page={asked}"),
                None,
            )
            .await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["pagination"]["per_page"], got, "{asked}");
        let shown = answer.body["transactions"].as_array().unwrap().len();
        assert_eq!(
            shown,
            got.min(answer.body["pagination"]["total_entries"].as_u64().unwrap() as usize)
        );
    }
}

#[tokio::test]
async fn the_pages_hold_every_record_once_and_past_the_end_is_empty() {
    let mx = Mx::frozen().await;
    let (user, _) = mx.connected().await;
    let first = mx
        .send(
            "GET",
            &format!("/users/{user}/transactions?records_per_page=37"),
            None,
        )
        .await;
    let total = first.body["pagination"]["total_entries"].as_u64().unwrap();
    let pages = first.body["pagination"]["total_pages"].as_u64().unwrap();
    assert_eq!(pages, total.div_ceil(37));
    let mut seen = Vec::new();
    for page in 1..=pages + 1 {
        let answer = mx
            .send(
                "GET",
                &format!("/users/{user}/transactions?records_per_page=37&page={page}"),
                None,
            )
            .await;
        assert_eq!(answer.body["pagination"]["current_page"], page);
        let guids = answer.body["transactions"].as_array().unwrap();
        if page > pages {
            assert!(guids.is_empty());
        }
        seen.extend(guids.iter().map(|t| t["guid"].as_str().unwrap().to_owned()));
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len() as u64, total);
}

#[tokio::test]
async fn an_unreadable_filter_or_page_is_400_naming_it() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    for (query, name) in [
        ("from_date=last-week", "from_date"),
        ("to_date=2026-02-30", "to_date"),
        ("from_created_at=x", "from_created_at"),
        ("to_updated_at=-5", "to_updated_at"),
        ("from_timestamp=soon", "from_timestamp"),
        ("page=0", "page"),
        ("records_per_page=ten", "records_per_page"),
    ] {
        let answer = mx
            .send(
                "GET",
                &format!("/users/{user}/members/{member}/transactions?{query}"),
                None,
            )
            .await;
        assert_eq!(answer.status, 400, "{query}");
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(name), "{query}: {message}");
    }
    // Members page the same way.
    let members = mx
        .send(
            "GET",
            &format!("/users/{user}/members?records_per_page=3"),
            None,
        )
        .await;
    assert_eq!(members.body["pagination"]["per_page"], 10);
}

#[tokio::test]
async fn dates_filter_whole_utc_days() {
    let mx = Mx::frozen().await;
    let (user, _) = mx.connected().await;
    // Two days on, the history's first two days fall out of the default window.
    mx.advance(2 * 86_400 + 5).await;
    let all = mx
        .all(
            &format!("/users/{user}/transactions?from_date=2000-01-01&to_date=2100-01-01"),
            "transactions",
        )
        .await;
    let day = all[all.len() / 2]["date"].as_str().unwrap().to_owned();
    let on_day = mx
        .all(
            &format!("/users/{user}/transactions?from_date={day}&to_date={day}"),
            "transactions",
        )
        .await;
    assert!(!on_day.is_empty());
    assert!(on_day.iter().all(|t| t["date"] == day.as_str()));
    assert_eq!(
        on_day.len(),
        all.iter().filter(|t| t["date"] == day.as_str()).count()
    );
    // The default window is 120 days back from today.
    let default = mx
        .all(&format!("/users/{user}/transactions"), "transactions")
        .await;
    assert!(default.len() < all.len());
}
