//! A transaction listing's text is the JSON of its values with every object's keys in
//! sorted order — the text the emulator printed when it built each row as a JSON map —
//! and each listed transaction reads the same through its single read.

mod common;

use common::Mx;
use serde_json::Value;

/// The raw text of `GET path`.
async fn text(mx: &Mx, path: &str) -> String {
    let response = mx
        .http
        .get(format!("{}{path}", mx.base))
        .basic_auth(&mx.client_id, Some(&mx.api_key))
        .header("Accept", "application/json")
        .header("Accept-Version", "v20250224")
        .send()
        .await
        .expect("request reaches the emulator");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.text().await.expect("a body")
}

#[tokio::test]
async fn a_listing_prints_its_values_with_sorted_keys() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    let path = format!("/users/{user}/members/{member}/transactions?records_per_page=1000");
    let listed = text(&mx, &path).await;
    let value: Value = serde_json::from_str(&listed).expect("the listing is JSON");
    // `Value` keeps its keys sorted: printing it again gives the sorted-key text.
    assert_eq!(serde_json::to_string(&value).unwrap(), listed);
    let rows = value["transactions"].as_array().expect("a list");
    assert!(rows.len() > 100, "MX Bank's 120 days: {} rows", rows.len());
    for row in rows {
        assert_eq!(row.as_object().map(serde_json::Map::len), Some(43), "{row}");
    }
    for row in [&rows[0], &rows[rows.len() / 2], &rows[rows.len() - 1]] {
        let guid = row["guid"].as_str().expect("a guid");
        let one = text(&mx, &format!("/users/{user}/transactions/{guid}")).await;
        let one: Value = serde_json::from_str(&one).expect("the read is JSON");
        assert_eq!(&one["transaction"], row);
    }
}
