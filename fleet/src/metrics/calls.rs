//! MX calls counted by call, and the wasted ones: an aggregation-type job call answered
//! 202 with nothing started, a 409, a 429, a read of data that had not changed, a create
//! repeated.
//!
//! A 202 that starts nothing is MX's answer inside its 3-hour window or while a job of
//! the same kind runs (`NEXUS \[V\]`, Seed "Aggregation"); a 409 is a job of another kind
//! running; a 429 is MX's rate limit. Data changes at MX only when an aggregation
//! succeeds, so a read of a member's data with no successful job since the integrator's
//! previous read of the same list returns what it already has.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use mx_aggregation::Call;

use crate::metrics::journal::{JournalEntry, reads_data, route};

/// Calls by the library's call name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// Calls per call name.
    pub by_call: BTreeMap<&'static str, u64>,
    /// Every call.
    pub total: u64,
    /// The calls that read the member's data ([`reads_data`]: accounts, transactions).
    pub data: u64,
}

/// The wasted calls, by kind; a call counts in one kind only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waste {
    /// Aggregation-type job calls answered 2xx with no job started.
    pub aggregate_nothing_started: u64,
    /// Answers 409 (a create's 409 counts as a repeated create).
    pub conflict: u64,
    /// Answers 429.
    pub rate_limited: u64,
    /// Data reads (every page) with no successful aggregation since the same list's
    /// previous read for the member.
    pub unchanged_reads: u64,
    /// Member creates after the user's first: MX's 409 for an identical member, or a
    /// second member.
    pub repeated_creates: u64,
}

impl Waste {
    /// Every wasted call.
    pub const fn total(&self) -> u64 {
        self.aggregate_nothing_started
            + self.conflict
            + self.rate_limited
            + self.unchanged_reads
            + self.repeated_creates
    }
}

/// Counts the calls by name. Requests outside MX's API (the call table), such as the
/// end user's browser opening the OAuth window, are not the integrator's calls and are
/// left out.
pub fn count_calls(entries: &[JournalEntry]) -> CallCounts {
    let mut counts = CallCounts::default();
    for entry in entries {
        if let Some(call) = route(&entry.method, &entry.path).call {
            *counts.by_call.entry(call.name()).or_default() += 1;
            counts.total += 1;
            counts.data += u64::from(reads_data(call));
        }
    }
    counts
}

/// The member an entry concerns: its `{member}` segment, or the one member of its
/// `{user}` (`members_of_users`, user guid → member guid).
pub fn member_of<'a>(
    entry: &'a JournalEntry,
    members_of_users: &'a HashMap<String, String>,
) -> Option<&'a str> {
    let route = route(&entry.method, &entry.path);
    route.member.or_else(|| {
        route
            .user
            .and_then(|user| members_of_users.get(user).map(String::as_str))
    })
}

/// A member's call at a virtual time (the pages of one read share them).
type ReadKey<'a> = (&'a str, Call, DateTime<Utc>);

/// Classifies every wasted call. `new_data` holds, per member guid, the virtual times at
/// which MX's data for it changed (its successful aggregations), sorted.
pub fn waste(
    entries: &[JournalEntry],
    members_of_users: &HashMap<String, String>,
    new_data: &HashMap<String, Vec<DateTime<Utc>>>,
) -> Waste {
    let mut waste = Waste::default();
    let mut users_with_a_member: HashMap<&str, ()> = HashMap::new();
    // (member, call) → the virtual time of the previous read of that list.
    let mut previous_read: HashMap<(&str, Call), DateTime<Utc>> = HashMap::new();
    // Per member, its latest entry's call and time, and whether that entry was a wasted
    // read: the pages of one read follow each other among the member's own entries.
    let mut latest: HashMap<&str, (ReadKey<'_>, bool)> = HashMap::new();
    for entry in entries {
        let route = route(&entry.method, &entry.path);
        let member = member_of(entry, members_of_users);
        let continues = match (route.call, member) {
            (Some(call), Some(member)) => {
                let key = (member, call, entry.at);
                let previous = latest.get(member).copied();
                latest.insert(member, (key, false));
                previous.filter(|(latest, _)| *latest == key)
            }
            _ => None,
        };
        if entry.status == 429 {
            waste.rate_limited += 1;
            continue;
        }
        match route.call {
            Some(Call::Create) => {
                let user = route.user.unwrap_or_default();
                let success = (200..300).contains(&entry.status);
                if entry.status == 409 || (success && users_with_a_member.contains_key(user)) {
                    waste.repeated_creates += 1;
                } else if success {
                    users_with_a_member.insert(user, ());
                }
                continue;
            }
            Some(
                Call::Aggregate
                | Call::Verify
                | Call::Identify
                | Call::CheckBalance
                | Call::ExtendHistory
                | Call::FetchStatements,
            ) if (200..300).contains(&entry.status) && entry.job_started == Some(false) => {
                waste.aggregate_nothing_started += 1;
                continue;
            }
            _ => {}
        }
        if entry.status == 409 {
            waste.conflict += 1;
            continue;
        }
        let (Some(call), Some(member)) = (route.call, member) else {
            continue;
        };
        if !reads_data(call) || !(200..300).contains(&entry.status) {
            continue;
        }
        let wasted = match continues {
            Some((_, wasted)) => wasted,
            None => {
                let wasted = previous_read.get(&(member, call)).is_some_and(|previous| {
                    !new_data.get(member).is_some_and(|times| {
                        times
                            .iter()
                            .any(|time| time > previous && *time <= entry.at)
                    })
                });
                previous_read.insert((member, call), entry.at);
                wasted
            }
        };
        latest.insert(member, ((member, call, entry.at), wasted));
        if wasted {
            waste.unchanged_reads += 1;
        }
    }
    waste
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 12, minute, 0).unwrap()
    }

    fn entry(seq: u64, minute: u32, method: &str, path: &str, status: u16) -> JournalEntry {
        JournalEntry {
            seq,
            at: at(minute),
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            job_started: None,
        }
    }

    #[test]
    fn calls_are_counted_by_name() {
        let entries = [
            entry(1, 0, "GET", "/users/U/members/M/status", 200),
            entry(2, 1, "GET", "/users/U/members/M/status", 200),
            entry(3, 2, "GET", "/oauth/authorize/TOKEN", 200),
        ];
        let counts = count_calls(&entries);
        assert_eq!(counts.by_call.get("status"), Some(&2));
        assert_eq!(counts.by_call.len(), 1);
        assert_eq!(counts.total, 2);
    }

    #[test]
    fn an_aggregate_that_starts_nothing_409_and_429_are_wasted() {
        let mut nothing = entry(1, 0, "POST", "/users/U/members/M/aggregate", 202);
        nothing.job_started = Some(false);
        let mut started = entry(2, 1, "POST", "/users/U/members/M/aggregate", 202);
        started.job_started = Some(true);
        let entries = [
            nothing,
            started,
            entry(3, 2, "POST", "/users/U/members/M/aggregate", 409),
            entry(4, 3, "GET", "/users/U/members/M/status", 429),
        ];
        let waste = waste(&entries, &HashMap::new(), &HashMap::new());
        assert_eq!(waste.aggregate_nothing_started, 1);
        assert_eq!(waste.conflict, 1);
        assert_eq!(waste.rate_limited, 1);
        assert_eq!(waste.total(), 3);
    }

    #[test]
    fn a_second_create_for_a_user_is_a_repeat() {
        let entries = [
            entry(1, 0, "POST", "/users/U/members", 202),
            entry(2, 1, "POST", "/users/U/members", 409),
            entry(3, 2, "POST", "/users/U/members", 200),
            entry(4, 3, "POST", "/users/V/members", 202),
        ];
        assert_eq!(
            waste(&entries, &HashMap::new(), &HashMap::new()).repeated_creates,
            2
        );
    }

    #[test]
    fn a_read_with_no_new_data_since_the_last_one_is_wasted_with_all_its_pages() {
        let path = "/users/U/members/M/transactions";
        let entries = [
            entry(1, 0, "GET", path, 200),
            entry(2, 0, "GET", path, 200),
            // New data at minute 5: the read at 10 is needed.
            entry(3, 10, "GET", path, 200),
            // Nothing new since 10: both pages at 20 are wasted.
            entry(4, 20, "GET", path, 200),
            entry(5, 20, "GET", path, 200),
            // User-level reads are the user's one member's.
            entry(6, 30, "GET", "/users/U/transactions", 200),
            entry(7, 40, "GET", "/users/U/transactions", 200),
        ];
        let new_data = HashMap::from([("M".to_owned(), vec![at(5)])]);
        let users = HashMap::from([("U".to_owned(), "M".to_owned())]);
        assert_eq!(waste(&entries, &users, &new_data).unchanged_reads, 3);
    }

    #[test]
    fn pages_among_other_members_calls_are_one_read_and_a_second_read_at_once_is_wasted() {
        let path = "/users/U/members/M/transactions";
        let other = "/users/V/members/N/transactions";
        let entries = [
            entry(1, 10, "GET", path, 200),
            entry(2, 10, "GET", other, 200),
            entry(3, 10, "GET", path, 200),
            entry(4, 10, "GET", other, 200),
            // The same member read again at the same virtual time, after another call.
            entry(5, 10, "GET", "/users/U/members/M/accounts", 200),
            entry(6, 10, "GET", path, 200),
            entry(7, 10, "GET", path, 200),
        ];
        let new_data =
            HashMap::from([("M".to_owned(), vec![at(5)]), ("N".to_owned(), vec![at(5)])]);
        assert_eq!(
            waste(&entries, &HashMap::new(), &new_data).unchanged_reads,
            2
        );
    }
}
