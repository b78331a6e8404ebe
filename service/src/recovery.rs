//! After a start: the MX calls the journal holds in doubt are checked against MX
//! before anything repeats them (`Call::classify`'s `check_before_retry`: a create
//! without an answer may have taken effect). A member create MX carried out is
//! recorded as the service's own; one MX never saw is settled so the caller's retry
//! creates it.

use mx_aggregation::Call;

use crate::drive::Worker;
use crate::store::CreatedMember;

/// Checks every create in doubt once; runs in the background after the start.
pub async fn recover(worker: Worker) {
    let db = worker.db();
    let calls = match db.calls_in_doubt().await {
        Ok(calls) => calls,
        Err(error) => {
            tracing::warn!(%error, "reading the calls in doubt failed");
            return;
        }
    };
    for call in calls {
        if call.call != Call::Create.name() {
            // A user create in doubt is settled by the caller's retry with its `id`.
            continue;
        }
        let (Some(user), Some(member_id)) = (call.user_guid.as_deref(), call.member_id.as_deref())
        else {
            continue;
        };
        let members = match worker.present().client().all_members(user).await {
            Ok(members) => members,
            Err(error) => {
                tracing::warn!(%error, "MX did not list the members of a create in doubt");
                continue;
            }
        };
        let Ok(now) = worker.now().await else {
            continue;
        };
        let found = members
            .iter()
            .find(|m| m.id.as_deref() == Some(member_id))
            .and_then(|m| m.guid.clone());
        let settled = match found {
            Some(guid) => {
                db.record_created_member(&CreatedMember {
                    guid: &guid,
                    user_guid: user,
                    member_id,
                    call_key: &call.call_key,
                    // The caller's retry with its key finds the member by its `id`
                    // and notes it for the key then.
                    idempotency_key: None,
                    now,
                })
                .await
            }
            None => {
                db.settle_call(&call.call_key, None, "not_created", now)
                    .await
            }
        };
        if let Err(error) = settled {
            tracing::warn!(%error, "settling a create in doubt failed");
        }
    }
}
