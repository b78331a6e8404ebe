//! The store's write-back as a test calls it: a drive's data changes written under a
//! claim, with a default state and checkpoint and nothing else decided.

use chrono::{DateTime, Utc};
use mx_aggregation::MemberState;
use mx_aggregation_client::sync::Checkpoint;
use mx_aggregation_service::core::data_changes::DataChanges;
use mx_aggregation_service::store::{Claimed, Db, DriveWrite, Written};

/// Writes `changes` back under `claimed` at `now`, as a drive that synced does.
pub async fn write_data(
    db: &Db,
    claimed: &Claimed,
    changes: &DataChanges,
    now: DateTime<Utc>,
) -> Written {
    db.write_drive(&DriveWrite {
        claimed,
        state: &MemberState::default(),
        connection_status: None,
        action: None,
        reason: None,
        requires_end_user: None,
        challenges: None,
        oauth_window_uri: None,
        user_message: None,
        synced_through: None,
        checkpoint: &Checkpoint::default(),
        data_due: None,
        data: Some(changes),
        folded: &[],
        run_at: None,
        now,
    })
    .await
    .expect("a write-back")
}
