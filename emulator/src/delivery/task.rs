//! The loop of one tenant's delivery task.

use std::sync::Arc;
use std::time::Duration;

use crate::delivery::send::send;
use crate::model::world::World;
use crate::tenant::state::TenantState;

/// Delivers due webhooks until the emulator stops: wakes when one is queued or the clock
/// moves, and every 50 ms of real time.
pub(crate) async fn deliver(tenant: Arc<TenantState>, url: String) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("mx-emulator: webhooks disabled, no HTTP client: {error}");
            return;
        }
    };
    loop {
        let (due, generation) = {
            let mut world = tenant.lock();
            let now = world.tick();
            let World { cx, .. } = &mut *world;
            (cx.outbox.take_due(now, &mut cx.faults), world.generation)
        };
        for due in due {
            let attempts = send(&client, &url, &tenant, &due).await;
            let mut world = tenant.lock();
            if world.generation != generation {
                // The tenant was reset meanwhile: this delivery no longer exists.
                continue;
            }
            let now = world.tick();
            world.cx.outbox.record(
                due.delivery.id,
                attempts,
                now,
                tenant.webhook_backoff,
                tenant.webhook_retries,
            );
        }
        tokio::select! {
            () = tenant.wake.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}
