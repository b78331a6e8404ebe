//! The request journal: WireMock's request journal, for MX. Each answered request of a
//! tenant is one [`Entry`], numbered by `seq`; the journal keeps the newest
//! `capacity` entries and forgets the oldest, so its memory stays bounded.
//!
//! Memory per entry: 80 bytes in the ring (`Entry`) plus its method, path and rule text
//! on the heap. The path is cut at [`MAX_PATH_BYTES`] and the rule is at
//! most 300 characters (`X-Emulator-Rule`), so an entry costs about 250 bytes for MX's
//! usual paths and rules and never more than about 1 KiB: 100,000 entries (the default)
//! take about 25 MB, 100 MB at the very worst.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use mx_aggregation::Call;

use crate::model::faults::calls::CallName;

/// The longest path kept, in bytes; a longer one is cut at a character boundary.
pub(crate) const MAX_PATH_BYTES: usize = 512;

/// The most entries one read answers; the reader goes on with `since`.
pub(crate) const MAX_PER_READ: usize = 10_000;

/// True for the calls that can start a job, whose entries say whether one started:
/// creating and updating a member (MX starts an aggregation by itself, Seed "Automatic
/// Aggregation") and every job call.
pub(crate) const fn can_start_a_job(call: CallName) -> bool {
    match call {
        CallName::Mx(call) => matches!(call, Call::Create | Call::Update) || call.starts_job(),
        CallName::Other => false,
    }
}

/// One answered request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The entry's number in the tenant's journal, from 1, never reused until a reset.
    pub(crate) seq: u64,
    /// The virtual time of the answer.
    pub(crate) at: DateTime<Utc>,
    /// The HTTP method.
    pub(crate) method: Box<str>,
    /// The path, without the query.
    pub(crate) path: Box<str>,
    /// The HTTP status answered.
    pub(crate) status: u16,
    /// The `X-Emulator-Rule` text of the answer.
    pub(crate) rule: Box<str>,
    /// For the calls that can start a job (create and update member, every job call):
    /// whether one started. `None` for every other call.
    pub(crate) job_started: Option<bool>,
}

/// What a request left in the journal, before it is numbered.
#[derive(Debug, Clone)]
pub(crate) struct Record<'a> {
    /// The virtual time of the answer.
    pub(crate) at: DateTime<Utc>,
    /// The HTTP method.
    pub(crate) method: &'a str,
    /// The path, without the query.
    pub(crate) path: &'a str,
    /// The HTTP status answered.
    pub(crate) status: u16,
    /// The `X-Emulator-Rule` text.
    pub(crate) rule: &'a str,
    /// Whether a job started, for the calls that can start one.
    pub(crate) job_started: Option<bool>,
}

/// The newest `capacity` entries of one tenant.
#[derive(Debug, Clone)]
pub(crate) struct Journal {
    entries: VecDeque<Entry>,
    capacity: usize,
    /// The `seq` the next entry gets.
    next_seq: u64,
}

/// One read of the journal: the entries after `since`, in `seq` order, and whether more
/// follow.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    /// The entries, oldest first.
    pub(crate) entries: Vec<&'a Entry>,
    /// True when newer entries remain past this read's limit.
    pub(crate) more: bool,
}

impl Journal {
    /// An empty journal keeping at most `capacity` entries (0 keeps none).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            next_seq: 1,
        }
    }

    /// Appends `record` as the newest entry, forgetting the oldest when full; returns its
    /// `seq`.
    pub(crate) fn push(&mut self, record: &Record<'_>) -> u64 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        if self.capacity == 0 {
            return seq;
        }
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            seq,
            at: record.at,
            method: record.method.into(),
            path: cut(record.path, MAX_PATH_BYTES).into(),
            status: record.status,
            rule: record.rule.into(),
            job_started: record.job_started,
        });
        seq
    }

    /// The kept entries with `seq` greater than `since` (all kept entries when `None`),
    /// oldest first, at most `limit` of them.
    pub(crate) fn read(&self, since: Option<u64>, limit: usize) -> Page<'_> {
        let first = self.entries.front().map_or(self.next_seq, |e| e.seq);
        let skip = since.map_or(0, |since| {
            usize::try_from(since.saturating_add(1).saturating_sub(first)).unwrap_or(usize::MAX)
        });
        let remaining = self.entries.len().saturating_sub(skip);
        let entries: Vec<&Entry> = self.entries.iter().skip(skip).take(limit).collect();
        Page {
            more: remaining > entries.len(),
            entries,
        }
    }

    /// How many entries are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str) -> Record<'_> {
        Record {
            at: DateTime::<Utc>::UNIX_EPOCH,
            method: "GET",
            path,
            status: 200,
            rule: "200: read",
            job_started: None,
        }
    }

    #[test]
    fn an_entry_takes_at_most_80_bytes_in_the_ring() {
        assert!(
            std::mem::size_of::<Entry>() <= 80,
            "{}",
            std::mem::size_of::<Entry>()
        );
    }

    #[test]
    fn keeps_the_newest_capacity_entries_in_seq_order() {
        let mut journal = Journal::new(3);
        for _ in 0..5 {
            journal.push(&record("/users"));
        }
        let page = journal.read(None, 10);
        let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert!(!page.more);
        assert_eq!(journal.len(), 3);
    }

    #[test]
    fn since_is_exclusive_and_limit_sets_more() {
        let mut journal = Journal::new(100);
        for _ in 0..10 {
            journal.push(&record("/users"));
        }
        let page = journal.read(Some(4), 3);
        let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [5, 6, 7]);
        assert!(page.more);
        let last = journal.read(Some(7), 3);
        assert_eq!(last.entries.len(), 3);
        assert!(!last.more);
        assert!(journal.read(Some(10), 3).entries.is_empty());
        assert!(journal.read(Some(u64::MAX), 3).entries.is_empty());
    }

    #[test]
    fn since_before_the_oldest_kept_entry_reads_from_the_oldest() {
        let mut journal = Journal::new(2);
        for _ in 0..6 {
            journal.push(&record("/users"));
        }
        let seqs: Vec<u64> = journal
            .read(Some(1), 10)
            .entries
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, [5, 6]);
    }

    #[test]
    fn zero_capacity_keeps_nothing_and_long_paths_are_cut() {
        let mut journal = Journal::new(0);
        assert_eq!(journal.push(&record("/a")), 1);
        assert_eq!(journal.push(&record("/b")), 2);
        assert!(journal.read(None, 10).entries.is_empty());
        let mut journal = Journal::new(1);
        let long = "é".repeat(MAX_PATH_BYTES);
        journal.push(&record(&long));
        let kept = &journal.read(None, 1).entries[0].path;
        assert!(kept.len() <= MAX_PATH_BYTES && kept.len() >= MAX_PATH_BYTES - 1);
    }
}
