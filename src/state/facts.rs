//! What a member payload says, stamped with when it was true, so the newest wins whatever
//! order the payloads arrive in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::snapshot::MemberSnapshot;
use crate::model::status::ConnectionStatus;

/// When a member payload was true. Compared field by field: the latest job start
/// (`aggregated_at`) first, then the latest success, then when the payload was received.
/// MX's own timestamps come first because a response can arrive late (a slow read, a
/// retried member webhook): a payload with older timestamps shows an older state, however
/// late it arrives. Only payloads with the same timestamps (reads during one job: `RESUMED`,
/// then `CONNECTED`) are ordered by receipt. `None` sorts before any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub(crate) aggregated_at: Option<DateTime<Utc>>,
    pub(crate) successfully_aggregated_at: Option<DateTime<Utc>>,
    pub(crate) received_at: DateTime<Utc>,
}

impl Stamp {
    pub(crate) const fn of(snapshot: &MemberSnapshot, received_at: DateTime<Utc>) -> Self {
        Self {
            aggregated_at: snapshot.aggregated_at,
            successfully_aggregated_at: snapshot.successfully_aggregated_at,
            received_at,
        }
    }

    /// The two stamps show the same job: the same latest start and the same latest success.
    pub(crate) fn same_job(&self, other: &Self) -> bool {
        (self.aggregated_at, self.successfully_aggregated_at)
            == (other.aggregated_at, other.successfully_aggregated_at)
    }
}

/// The job-state fields of the newest member payload: they describe one moment of one
/// job, so they are taken together, never mixed from two payloads. `needs_updated_credentials`
/// is the exception the member state sets: a status read lacks it, so it is the newest
/// value any payload of the same job carried (`false` when none did).
///
/// Ordered by stamp first, then by content, so two payloads with the same stamp still
/// merge to the same result in either order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Facts {
    pub(crate) stamp: Stamp,
    pub(crate) connection_status: Option<ConnectionStatus>,
    pub(crate) is_being_aggregated: bool,
    pub(crate) needs_updated_credentials: bool,
    pub(crate) has_challenges: bool,
    pub(crate) error_code: Option<u32>,
}

impl Facts {
    pub(crate) const fn of(snapshot: &MemberSnapshot, received_at: DateTime<Utc>) -> Self {
        Self {
            stamp: Stamp::of(snapshot, received_at),
            connection_status: snapshot.connection_status,
            is_being_aggregated: snapshot.is_being_aggregated,
            needs_updated_credentials: snapshot.needs_updated_credentials,
            has_challenges: snapshot.has_challenges,
            error_code: snapshot.error_code,
        }
    }
}

/// A flag that describes the member rather than its current job (`is_oauth`,
/// `background_aggregation_is_disabled`), with the stamp of the newest payload that
/// carried it: a payload without the flag (a status read, a webhook) leaves it as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Stamped {
    pub(crate) stamp: Stamp,
    pub(crate) value: bool,
}

/// Keeps the greater of `slot` and `new`; true when `slot` changed.
pub(crate) fn keep_max<T: Ord + Copy>(slot: &mut Option<T>, new: T) -> bool {
    match slot {
        Some(old) if *old >= new => false,
        _ => {
            *slot = Some(new);
            true
        }
    }
}
