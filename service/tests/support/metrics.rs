//! The instance's `/metrics` as tests read it, and moving MX's clock to the end of the
//! earliest wait of its drives (`--clock emulator-follow`).

use std::time::Duration;

use super::mx::Mx;

/// The value of the unlabelled metric `name` in the instance's `/metrics`.
pub async fn gauge(http: &reqwest::Client, base: &str, name: &str) -> Option<i64> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines().find_map(|line| {
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
    })
}

/// Moves MX's clock to the earliest end of a wait of the instance's drives
/// (`mx_service_clock_wait_until_seconds`), then lets the drives run for a moment;
/// returns the seconds moved (0 when no wait ends later than now).
pub async fn move_to_next_wait(http: &reqwest::Client, base: &str, mx: &Mx) -> i64 {
    let mut moved = 0;
    if let Some(until) = gauge(http, base, "mx_service_clock_wait_until_seconds").await {
        let by = until - mx.now().timestamp();
        if by > 0 {
            mx.advance(u64::try_from(by).unwrap_or(0));
            moved = by;
        }
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    moved
}
