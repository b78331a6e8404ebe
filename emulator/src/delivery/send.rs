//! One due webhook's sends and what each attempt came to.

use std::sync::Arc;
use std::time::Instant;

use crate::model::outbox::{Attempt, AttemptOutcome, DeliveryFault, Due};
use crate::tenant::state::TenantState;
use crate::wire::webhooks;

/// Sends `due` to `url` as its fault says (not at all, once, or twice), and returns each
/// attempt at the tenant's virtual time.
pub(crate) async fn send(
    client: &reqwest::Client,
    url: &str,
    tenant: &Arc<TenantState>,
    due: &Due,
) -> Vec<Attempt> {
    let sends = match due.fault {
        DeliveryFault::Drop => {
            let at = tenant.lock().tick();
            return vec![Attempt {
                at,
                outcome: AttemptOutcome::Dropped,
                status: None,
                error: None,
            }];
        }
        DeliveryFault::None => 1,
        DeliveryFault::Duplicate => 2,
    };
    let body = webhooks::body(&due.delivery).to_string();
    let mut attempts = Vec::new();
    for send in 0..sends {
        let sent_at = tenant.lock().tick();
        let mut request = client
            .post(url)
            .header("content-type", "application/json")
            .header(
                webhooks::NOW_HEADER,
                sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
            .body(body.clone());
        if let Some(payload) = &due.delivery.callback_payload {
            request = request.header("X-CALLBACK-PAYLOAD", payload);
        }
        let began = Instant::now();
        let result = request.send().await;
        if result.is_ok() {
            tenant.count_send(began.elapsed());
        }
        let at = tenant.lock().tick();
        let (status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(error) => (None, Some(short(&error.to_string()))),
        };
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        attempts.push(Attempt {
            at,
            outcome: match (ok, send) {
                (true, 0) => AttemptOutcome::Delivered,
                (true, _) => AttemptOutcome::Duplicate,
                (false, _) => AttemptOutcome::Failed,
            },
            status,
            error,
        });
        if !ok {
            break;
        }
    }
    attempts
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}
