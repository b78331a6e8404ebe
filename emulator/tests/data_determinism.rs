//! Data from the seed: the same seed and requests give the same accounts and
//! transactions; another seed gives others.

mod common;

use common::{Mx, frozen_config};
use serde_json::Value;

async fn data_with_seed(seed: u64) -> (Value, Vec<Value>) {
    let mut config = frozen_config();
    config.seed = seed;
    let mx = Mx::start(config).await;
    let (user, _) = mx.connected().await;
    mx.advance(2 * 86_400 + 5).await;
    let accounts = mx
        .send("GET", &format!("/users/{user}/accounts"), None)
        .await
        .body;
    (
        accounts,
        mx.all(&format!("/users/{user}/transactions"), "transactions")
            .await,
    )
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let first = data_with_seed(7).await;
    assert_eq!(first, data_with_seed(7).await);
    let other = data_with_seed(8).await;
    assert_ne!(
        first.0["accounts"][0]["guid"],
        other.0["accounts"][0]["guid"]
    );
    assert_ne!(first.1[0]["guid"], other.1[0]["guid"]);
}
