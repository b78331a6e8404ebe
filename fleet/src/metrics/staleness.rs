//! Data staleness: for each time MX had new data for a member (a successful
//! aggregation), how long until the integrator's local copy had it — the first
//! transactions read answered 2xx for that member at or after that time.
//!
//! New data that no read followed before the run ended counts until the end of the run
//! (a lower bound of its staleness) and is reported as never read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::metrics::calls::member_of;
use crate::metrics::journal::{JournalEntry, reads_transactions, route};

/// Staleness over every new-data event of a fleet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Staleness {
    /// New-data events (successful aggregations).
    pub events: usize,
    /// Events no read followed before the end of the run.
    pub never_read: usize,
    /// Median staleness in seconds (`None` without events).
    pub p50_secs: Option<i64>,
    /// 99th percentile staleness in seconds.
    pub p99_secs: Option<i64>,
}

/// Per member guid, the virtual times of its transactions reads answered 2xx, sorted.
pub fn transaction_reads(
    entries: &[JournalEntry],
    members_of_users: &HashMap<String, String>,
) -> HashMap<String, Vec<DateTime<Utc>>> {
    let mut reads: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
    for entry in entries {
        let Some(call) = route(&entry.method, &entry.path).call else {
            continue;
        };
        if !reads_transactions(call) || !(200..300).contains(&entry.status) {
            continue;
        }
        if let Some(member) = member_of(entry, members_of_users) {
            reads.entry(member.to_owned()).or_default().push(entry.at);
        }
    }
    for times in reads.values_mut() {
        times.sort_unstable();
    }
    reads
}

/// The nearest-rank percentile `p` (0 to 100) of sorted values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    let index = usize::try_from(rank - 1)
        .unwrap_or(usize::MAX)
        .min(sorted.len() - 1);
    sorted.get(index).copied()
}

/// Staleness of every new-data event (`new_data`: member → sorted times) against the
/// reads (`reads`: member → sorted times), the run ending at `end`.
pub fn staleness(
    new_data: &HashMap<String, Vec<DateTime<Utc>>>,
    reads: &HashMap<String, Vec<DateTime<Utc>>>,
    end: DateTime<Utc>,
) -> Staleness {
    let mut ages = Vec::new();
    let mut never_read = 0;
    for (member, events) in new_data {
        let member_reads = reads.get(member).map_or(&[][..], Vec::as_slice);
        for event in events {
            let next = member_reads.partition_point(|read| read < event);
            let seen = member_reads.get(next).copied();
            if seen.is_none() {
                never_read += 1;
            }
            ages.push((seen.unwrap_or(end) - *event).num_seconds().max(0));
        }
    }
    ages.sort_unstable();
    Staleness {
        events: ages.len(),
        never_read,
        p50_secs: percentile(&ages, 50),
        p99_secs: percentile(&ages, 99),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 12, minute, 0).unwrap()
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&values, 99), Some(99));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn each_event_waits_for_the_next_read() {
        let new_data = HashMap::from([("M".to_owned(), vec![at(0), at(10)])]);
        let reads = HashMap::from([("M".to_owned(), vec![at(5), at(10)])]);
        let figures = staleness(&new_data, &reads, at(59));
        assert_eq!(figures.events, 2);
        assert_eq!(figures.never_read, 0);
        assert_eq!(figures.p50_secs, Some(0));
        assert_eq!(figures.p99_secs, Some(300));
    }

    #[test]
    fn unread_data_counts_until_the_end() {
        let new_data = HashMap::from([("M".to_owned(), vec![at(30)])]);
        let figures = staleness(&new_data, &HashMap::new(), at(50));
        assert_eq!(figures.never_read, 1);
        assert_eq!(figures.p50_secs, Some(1200));
    }

    #[test]
    fn transaction_reads_are_found_by_member_and_by_user() {
        let entry = |seq, path: &str, status| JournalEntry {
            seq,
            at: at(u32::try_from(seq).unwrap()),
            method: "GET".to_owned(),
            path: path.to_owned(),
            status,
            job_started: None,
        };
        let entries = [
            entry(1, "/users/U/members/M/transactions", 200),
            entry(2, "/users/U/transactions", 200),
            entry(3, "/users/U/members/M/transactions", 503),
            entry(4, "/users/U/members/M/accounts", 200),
        ];
        let users = HashMap::from([("U".to_owned(), "M".to_owned())]);
        let reads = transaction_reads(&entries, &users);
        assert_eq!(reads.get("M"), Some(&vec![at(1), at(2)]));
    }
}
