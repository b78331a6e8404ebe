//! When MX's daily background aggregation of a member is next due.
//!
//! MX "aggregates each member every 24 hours automatically" (Seed, "Background
//! Aggregation"), and "if you aggregate a member with this endpoint, MX will not initiate
//! a background aggregation within the next 20-hour period" (AT-aggregate-member). The
//! emulator starts each member's next background aggregation between 23 and 24 hours
//! after its creation or its latest job: "about every 24 hours", spread over an hour so
//! that members created together are not all aggregated in the same second, and a pure
//! function of the seed, the member and the time, so runs stay deterministic. The
//! interval is `job_rules::BACKGROUND_EVERY` (the simulation's too), less up to an hour.

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation_tooling::job_rules::BACKGROUND_EVERY;

/// How much earlier than `BACKGROUND_EVERY` it may start, at most, in seconds.
pub(crate) const SPREAD_SECS: u64 = 3_600;

/// The earliest a background aggregation starts after creation or the latest job.
pub(crate) const EARLIEST: TimeDelta = BACKGROUND_EVERY
    .checked_sub(&TimeDelta::hours(1))
    .expect("a day is over an hour");

/// When the background aggregation after `from` (creation or the latest job's start) is
/// due for `member_guid`, under `seed`: in `[from + 23 h, from + 24 h)`, saturating at
/// chrono's last instant.
pub(crate) fn next_background(seed: u64, member_guid: &str, from: DateTime<Utc>) -> DateTime<Utc> {
    let mut hash = seed ^ 0xcbf2_9ce4_8422_2325;
    for byte in member_guid.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    // The seconds of `from` as two's-complement bits: only mixed, never compared.
    #[allow(clippy::cast_sign_loss)]
    let mixed = crate::model::ids::splitmix(hash ^ from.timestamp() as u64);
    let offset = i64::try_from(mixed % SPREAD_SECS).unwrap_or(0);
    from.checked_add_signed(EARLIEST + TimeDelta::seconds(offset))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn always_between_23_and_24_hours_later(seed: u64, guid in "MBR-[0-9a-f]{8}", secs in 0_i64..4_000_000_000) {
            let from = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let due = next_background(seed, &guid, from);
            let after = due - from;
            prop_assert!(after >= TimeDelta::hours(23));
            prop_assert!(after < TimeDelta::hours(24));
            prop_assert_eq!(due, next_background(seed, &guid, from));
        }
    }

    #[test]
    fn members_created_together_are_spread() {
        let from = DateTime::<Utc>::UNIX_EPOCH;
        let dues: std::collections::BTreeSet<_> = (0..50)
            .map(|n| next_background(7, &format!("MBR-{n}"), from))
            .collect();
        assert!(dues.len() > 40, "{} distinct times", dues.len());
    }
}
