use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

/// 2026-03-02T09:00:00Z.
const START: i64 = 1_772_442_000;

fn ledger(jobs: &[i64]) -> Ledger {
    let mut ledger = Ledger::default();
    for job in jobs {
        assert!(ledger.record(*job));
    }
    ledger
}

fn live(records: &[Transaction]) -> BTreeMap<String, Transaction> {
    records
        .iter()
        .filter(|t| t.is_live())
        .map(|t| (t.guid(), t.clone()))
        .collect()
}

#[test]
fn nothing_before_the_first_success() {
    let key = MemberKey::new(1, "MBR-a");
    assert!(all_records(key, &Ledger::default()).is_empty());
    assert_eq!(latest_changes(key, &Ledger::default()), Changes::default());
}

#[test]
fn a_job_is_recorded_only_after_the_last_one() {
    let mut ledger = ledger(&[START]);
    assert!(!ledger.record(START));
    assert!(!ledger.record(START - 1));
    assert!(ledger.record(START + 1));
    assert_eq!(ledger.jobs(), [START, START + 1]);
}

#[test]
fn the_first_success_brings_120_days_of_3_to_6_a_day() {
    let key = MemberKey::new(1, "MBR-a");
    let ledger = ledger(&[START]);
    let records = all_records(key, &ledger);
    let oldest = records.iter().map(|t| t.transacted_at).min().unwrap();
    assert!(oldest >= START - HISTORY_DAYS * DAY);
    assert!(oldest < START - (HISTORY_DAYS - 1) * DAY);
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for t in &records {
        assert_eq!(t.created_at, START);
        assert_eq!(t.updated_at, START);
        assert!(t.is_live());
        *per_day.entry(t.date()).or_default() += 1;
    }
    // The first and last days are partial; every whole day has 3 to 6.
    let days: Vec<usize> = per_day.values().copied().collect();
    assert!(
        days[1..days.len() - 1].iter().all(|n| (3..=6).contains(n)),
        "{days:?}"
    );
    let recent_pending = records
        .iter()
        .filter(|t| t.status == Status::Pending && START - t.transacted_at < 3 * DAY)
        .count();
    assert!(recent_pending >= 1);
    assert!(records.iter().all(|t| t.guid().starts_with("TRN-")));
}

#[test]
fn pending_posts_under_a_new_guid_at_the_job_that_sees_it_posted() {
    let key = MemberKey::new(1, "MBR-a");
    let jobs = [START, START + 3 * DAY];
    let before = all_records(key, &ledger(&jobs[..1]));
    let after = all_records(key, &ledger(&jobs));
    let changes = latest_changes(key, &ledger(&jobs));
    let posted_pending: Vec<&Transaction> = changes
        .deleted
        .iter()
        .filter(|t| jobs[1] - t.transacted_at < PENDING_DELETED_AFTER)
        .collect();
    assert!(!posted_pending.is_empty());
    for gone in posted_pending {
        assert!(
            before
                .iter()
                .any(|t| t.guid() == gone.guid() && t.status == Status::Pending)
        );
        let replacement = after
            .iter()
            .find(|t| {
                t.is_live() && t.transacted_at == gone.transacted_at && t.guid() != gone.guid()
            })
            .expect("a posted replacement");
        assert_eq!(replacement.status, Status::Posted);
        assert_eq!(replacement.created_at, jobs[1]);
        assert_eq!(replacement.amount_cents, gone.amount_cents);
        assert!(replacement.posted_at.unwrap() <= jobs[1]);
    }
}

#[test]
fn pending_left_14_days_is_deleted() {
    let key = MemberKey::new(3, "MBR-b");
    let jobs: Vec<i64> = (0..20).map(|d| START + d * DAY).collect();
    let ledger = ledger(&jobs);
    let records = all_records(key, &ledger);
    let last = *jobs.last().unwrap();
    assert!(
        records
            .iter()
            .filter(|t| t.is_live() && t.status == Status::Pending)
            .all(|t| last - t.transacted_at < PENDING_DELETED_AFTER)
    );
    let never_posted = records
        .iter()
        .filter(|t| t.status == Status::Pending && !t.is_live())
        .filter(|t| {
            !records
                .iter()
                .any(|r| r.is_live() && r.transacted_at == t.transacted_at)
        })
        .count();
    assert!(never_posted >= 1, "one purchase in ten never posts");
}

#[test]
fn later_jobs_update_some_in_place() {
    let key = MemberKey::new(1, "MBR-a");
    let jobs = [START, START + DAY];
    let changes = latest_changes(key, &ledger(&jobs));
    assert!(!changes.updated.is_empty());
    for t in &changes.updated {
        assert_eq!(t.created_at, START);
        assert_eq!(t.updated_at, jobs[1]);
        assert_eq!(t.description, t.entry.description);
    }
    let first = all_records(key, &ledger(&jobs[..1]));
    let raw = first
        .iter()
        .find(|t| t.guid() == changes.updated[0].guid())
        .unwrap();
    assert_eq!(raw.description, raw.entry.original);
}

#[test]
fn the_same_seed_and_member_give_the_same_data_and_others_differ() {
    let jobs = ledger(&[START, START + DAY]);
    let a = all_records(MemberKey::new(1, "MBR-a"), &jobs);
    assert_eq!(a, all_records(MemberKey::new(1, "MBR-a"), &jobs));
    let other_seed = all_records(MemberKey::new(2, "MBR-a"), &jobs);
    let other_member = all_records(MemberKey::new(1, "MBR-b"), &jobs);
    let guids = |r: &[Transaction]| r.iter().map(|t| t.guid()).collect::<BTreeSet<_>>();
    assert!(guids(&a).is_disjoint(&guids(&other_seed)));
    assert!(guids(&a).is_disjoint(&guids(&other_member)));
}

#[test]
fn find_reads_live_records_only() {
    let key = MemberKey::new(1, "MBR-a");
    let jobs = ledger(&[START, START + 3 * DAY]);
    let changes = latest_changes(key, &jobs);
    let created = &changes.created[0];
    assert_eq!(find(key, &jobs, &created.guid()).as_ref(), Some(created));
    assert_eq!(find(key, &jobs, &changes.deleted[0].guid()), None);
}

/// Job times: a start and gaps from a minute to 20 days.
fn job_times() -> impl Strategy<Value = Vec<i64>> {
    (0..DAY, prop::collection::vec(60..20 * DAY, 0..8)).prop_map(|(offset, gaps)| {
        let mut at = START + offset;
        let mut jobs = vec![at];
        for gap in gaps {
            at += gap;
            jobs.push(at);
        }
        jobs
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Each job's changes, read from the days it can touch, are exactly what separates the
    /// state before it from the state after it.
    #[test]
    fn each_job_moves_the_state_by_its_changes(seed in any::<u64>(), jobs in job_times()) {
        let key = MemberKey::new(seed, "MBR-prop");
        let mut before: BTreeMap<String, Transaction> = BTreeMap::new();
        for n in 0..jobs.len() {
            let ledger = ledger(&jobs[..=n]);
            let records = all_records(key, &ledger);
            let after = live(&records);
            let changes = latest_changes(key, &ledger);
            let mut expected = before.clone();
            for t in &changes.deleted {
                prop_assert!(expected.remove(&t.guid()).is_some(), "deleted {} was not live", t.guid());
            }
            for t in changes.created.iter().chain(&changes.updated) {
                prop_assert!(after.contains_key(&t.guid()));
            }
            for t in &changes.updated {
                prop_assert!(before.contains_key(&t.guid()));
                expected.insert(t.guid(), t.clone());
            }
            for t in &changes.created {
                prop_assert!(!before.contains_key(&t.guid()));
                expected.insert(t.guid(), t.clone());
            }
            prop_assert_eq!(&expected, &after);
            // The records themselves: job times, unique GUIDs, posted ones with a posting time.
            let mut guids = BTreeSet::new();
            for t in &records {
                prop_assert!(guids.insert(t.guid()), "duplicate {}", t.guid());
                prop_assert!(jobs.contains(&t.created_at) && jobs.contains(&t.updated_at));
                prop_assert!(t.created_at <= t.updated_at && t.transacted_at <= t.created_at);
                prop_assert_eq!(t.posted_at.is_some(), t.status == Status::Posted);
                if t.is_live() && t.status == Status::Pending {
                    prop_assert!(jobs[n] - t.transacted_at < PENDING_DELETED_AFTER);
                }
            }
            // A job covering 24 hours or more brings at least one new transaction.
            if n > 0 && jobs[n] - jobs[n - 1] >= DAY {
                prop_assert!(changes.created.iter().any(|t| t.transacted_at > jobs[n - 1]));
            }
            before = after;
        }
    }
}
