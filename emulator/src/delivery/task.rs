//! The loop of one tenant's delivery task.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::delivery::send::send;
use crate::model::outbox::Due;
use crate::model::world::World;
use crate::tenant::state::TenantState;

/// Delivers due webhooks to the tenant's webhook URL (read before each round, so a new
/// one takes effect at the next) until the emulator stops: wakes when one is queued or
/// the clock moves, and every 50 ms of real time. Up to the tenant's `webhook_concurrency`
/// members' webhooks are in flight at once; each member's go one after the other, in
/// the order they were queued.
pub(crate) async fn deliver(tenant: Arc<TenantState>) {
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
        let Some(url) = tenant.webhook_url() else {
            return;
        };
        let (due, generation) = {
            let mut world = tenant.lock();
            let now = world.tick();
            let World { cx, .. } = &mut *world;
            (cx.outbox.take_due(now, &mut cx.faults), world.generation)
        };
        let mut lanes = by_member(due).into_iter();
        let mut sending = JoinSet::new();
        loop {
            while sending.len() < tenant.webhook_concurrency {
                let Some(lane) = lanes.next() else { break };
                let (client, url, tenant) = (client.clone(), Arc::clone(&url), Arc::clone(&tenant));
                sending.spawn(async move {
                    for due in lane {
                        send_and_record(&client, &url, &tenant, &due, generation).await;
                    }
                });
            }
            if sending.join_next().await.is_none() {
                break;
            }
        }
        tokio::select! {
            () = tenant.wake.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}

/// The due webhooks in lanes, one per member, each in the order given, the lanes in the
/// order of their first webhook.
fn by_member(due: Vec<Due>) -> Vec<Vec<Due>> {
    let mut lanes: Vec<Vec<Due>> = Vec::new();
    let mut lane_of: HashMap<String, usize> = HashMap::new();
    for due in due {
        let member = due.delivery.event.member_guid().to_owned();
        match lane_of.get(&member) {
            Some(&lane) => lanes[lane].push(due),
            None => {
                lane_of.insert(member, lanes.len());
                lanes.push(vec![due]);
            }
        }
    }
    lanes
}

/// Sends one webhook and records its attempts, unless the tenant was reset since it was
/// taken (`generation`): that delivery no longer exists.
async fn send_and_record(
    client: &reqwest::Client,
    url: &str,
    tenant: &Arc<TenantState>,
    due: &Due,
    generation: u64,
) {
    let attempts = send(client, url, tenant, due).await;
    let mut world = tenant.lock();
    if world.generation != generation {
        return;
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
