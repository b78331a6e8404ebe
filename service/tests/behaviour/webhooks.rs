//! Webhook dedup: a repeated body in another key order counts once; a body that is not
//! JSON is 400.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_body_in_another_key_order_counts_once_and_non_json_is_400() {
    each_database("webhooks", |env| async move {
        let user = env.api.user("u-hooks").await;
        let guid = env.mxbank(&user, "k-hooks", "pw-hooks").await;
        let before = env.synced(&guid).await["webhooks_received"].as_i64().unwrap_or_default();
        let one = format!(
            r#"{{"action":"member_data_updated","type":"AGGREGATION","member_guid":"{guid}","user_guid":"{user}","completed_at":1,"transactions_created_count":0,"transactions_updated_count":0}}"#
        );
        let reordered = format!(
            r#"{{"transactions_updated_count":0, "user_guid":"{user}", "member_guid":"{guid}", "completed_at":1, "type":"AGGREGATION", "transactions_created_count":0, "action":"member_data_updated"}}"#
        );
        let http = reqwest::Client::new();
        let url = env.launch.webhook_url();
        for body in [&one, &reordered, &one] {
            let answer = http.post(&url).body(body.clone()).send().await.expect("answered");
            assert_eq!(answer.status().as_u16(), 204);
        }
        let not_json = http.post(&url).body("{not json").send().await.expect("answered");
        assert_eq!(not_json.status().as_u16(), 400);
        let member = env
            .member_until(&guid, "one more webhook", |m| m["webhooks_received"].as_i64().is_some())
            .await;
        assert_eq!(member["webhooks_received"].as_i64(), Some(before + 1));
        let text = http
            .get(format!("{}/metrics", env.launch.base_url()))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .unwrap_or_default();
        assert!(text.contains("mx_service_webhooks_repeated_total 2"), "{text}");
    })
    .await;
}
