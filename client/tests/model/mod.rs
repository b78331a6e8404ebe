//! MX as a pure in-memory function for the sync properties: a member's transactions,
//! changed by arbitrary histories (creations, in-place updates, pending posted in place
//! or under a new guid, deletions, changes stamped up to a day before they show), and
//! answering a sync's page requests with the spec's filter semantics (inclusive bounds,
//! Unix seconds, numbered pages).

#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use mx_aggregation_client::sync::{
    Checkpoint, MemoryStore, PageRequest, RowMark, SyncOptions, TransactionStore, TransactionSync,
};
use mx_aggregation_client::types::{Pagination, Transaction, TransactionsPage};
use proptest::prelude::*;
use serde_json::json;
use serde_json::value::RawValue;

/// One change at MX.
#[derive(Debug, Clone)]
pub enum Event {
    /// A new transaction dated `days_back` before now.
    Create {
        days_back: i64,
        pending: bool,
        amount: i64,
    },
    /// The `pick`-th transaction gets a new amount (same guid).
    Update { pick: usize, amount: i64 },
    /// The `pick`-th PENDING transaction posts under the same guid.
    PostInPlace { pick: usize },
    /// The `pick`-th PENDING transaction is deleted and a POSTED one with a new guid
    /// replaces it; a transaction webhook announces the deletion when `webhook`.
    PostNewGuid { pick: usize, webhook: bool },
    /// The `pick`-th transaction is deleted; a posted one always with a webhook (MX's
    /// only signal for it), a pending one when `webhook`.
    Delete { pick: usize, webhook: bool },
}

/// What happens next in a history.
#[derive(Debug, Clone)]
pub enum Step {
    /// A change, stamped `lag_secs` before the moment it shows in the lists.
    Change { event: Event, lag_secs: i64 },
    /// Time passes.
    Advance { hours: i64 },
    /// A sync, killed after `crash_after` pages when set.
    Sync { crash_after: Option<usize> },
}

pub fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        3 => (0i64..10, any::<bool>(), -500i64..500)
            .prop_map(|(days_back, pending, amount)| Event::Create { days_back, pending, amount }),
        2 => (any::<usize>(), -500i64..500).prop_map(|(pick, amount)| Event::Update { pick, amount }),
        1 => any::<usize>().prop_map(|pick| Event::PostInPlace { pick }),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(pick, webhook)| Event::PostNewGuid { pick, webhook }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(pick, webhook)| Event::Delete { pick, webhook }),
    ]
}

/// A step; changes are stamped at most a day early (the least overlap a sync uses).
pub fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (event(), 0i64..=86_400).prop_map(|(event, lag_secs)| Step::Change { event, lag_secs }),
        2 => (1i64..40).prop_map(|hours| Step::Advance { hours }),
        2 => proptest::option::of(0usize..12).prop_map(|crash_after| Step::Sync { crash_after }),
    ]
}

/// Sync options with an arbitrary overlap (one to three days) and small pages.
pub fn options() -> impl Strategy<Value = SyncOptions> {
    (86_400i64..=3 * 86_400, 10u32..=13).prop_map(|(overlap, records_per_page)| SyncOptions {
        overlap: TimeDelta::seconds(overlap),
        records_per_page,
        ..SyncOptions::default()
    })
}

/// The member's transactions at MX.
#[derive(Debug, Clone)]
pub struct Mx {
    pub now: DateTime<Utc>,
    pub transactions: BTreeMap<String, serde_json::Value>,
    next: u32,
}

impl Mx {
    pub fn new() -> Self {
        Self {
            now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            transactions: BTreeMap::new(),
            next: 0,
        }
    }

    fn stamp(&self, lag_secs: i64) -> String {
        (self.now - TimeDelta::seconds(lag_secs)).to_rfc3339()
    }

    fn create(&mut self, day: chrono::NaiveDate, pending: bool, amount: i64, at: &str) -> String {
        self.next += 1;
        let guid = format!("TRN-{:04}", self.next);
        self.transactions.insert(
            guid.clone(),
            json!({
                "guid": guid, "account_guid": "ACT-1", "member_guid": "MBR-1",
                "amount": amount as f64, "status": if pending { "PENDING" } else { "POSTED" },
                "date": day.format("%Y-%m-%d").to_string(),
                "created_at": at, "updated_at": at,
            }),
        );
        guid
    }

    fn pick(&self, pick: usize, pending_only: bool) -> Option<String> {
        let candidates: Vec<&String> = self
            .transactions
            .iter()
            .filter(|(_, t)| !pending_only || t["status"] == "PENDING")
            .map(|(guid, _)| guid)
            .collect();
        (!candidates.is_empty()).then(|| candidates[pick % candidates.len()].clone())
    }

    /// Applies a change; returns the deletions a transaction webhook announces.
    pub fn apply(&mut self, event: &Event, lag_secs: i64) -> Vec<String> {
        let at = self.stamp(lag_secs);
        match *event {
            Event::Create {
                days_back,
                pending,
                amount,
            } => {
                let day = (self.now - TimeDelta::days(days_back)).date_naive();
                self.create(day, pending, amount, &at);
                Vec::new()
            }
            Event::Update { pick, amount } => {
                if let Some(guid) = self.pick(pick, false) {
                    let t = self.transactions.get_mut(&guid).unwrap();
                    t["amount"] = json!(amount as f64);
                    t["updated_at"] = json!(at);
                }
                Vec::new()
            }
            Event::PostInPlace { pick } => {
                if let Some(guid) = self.pick(pick, true) {
                    let t = self.transactions.get_mut(&guid).unwrap();
                    t["status"] = json!("POSTED");
                    t["updated_at"] = json!(at);
                }
                Vec::new()
            }
            Event::PostNewGuid { pick, webhook } => {
                let Some(guid) = self.pick(pick, true) else {
                    return Vec::new();
                };
                let old = self.transactions.remove(&guid).unwrap();
                let day =
                    chrono::NaiveDate::parse_from_str(old["date"].as_str().unwrap(), "%Y-%m-%d")
                        .unwrap();
                let amount = old["amount"].as_f64().unwrap() as i64;
                self.create(day, false, amount, &at);
                if webhook { vec![guid] } else { Vec::new() }
            }
            Event::Delete { pick, webhook } => {
                let Some(guid) = self.pick(pick, false) else {
                    return Vec::new();
                };
                let old = self.transactions.remove(&guid).unwrap();
                if webhook || old["status"] == "POSTED" {
                    vec![guid]
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// The page MX answers: filters inclusive, ordered by date then guid.
    pub fn answer(&self, request: &PageRequest) -> TransactionsPage {
        let f = request.filter;
        let time = |t: &serde_json::Value, key: &str| {
            DateTime::parse_from_rfc3339(t[key].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        let mut rows: Vec<&serde_json::Value> = self
            .transactions
            .values()
            .filter(|t| {
                let day =
                    chrono::NaiveDate::parse_from_str(t["date"].as_str().unwrap(), "%Y-%m-%d")
                        .unwrap();
                let day = day.and_time(NaiveTime::MIN).and_utc();
                let updated = time(t, "updated_at");
                let created = time(t, "created_at");
                f.from_date <= day
                    && day <= f.to_date
                    && f.from_updated_at.is_none_or(|from| from <= updated)
                    && f.to_updated_at.is_none_or(|to| updated <= to)
                    && f.from_created_at.is_none_or(|from| from <= created)
                    && f.to_created_at.is_none_or(|to| created <= to)
            })
            .collect();
        rows.sort_by(|a, b| {
            (a["date"].as_str(), a["guid"].as_str()).cmp(&(b["date"].as_str(), b["guid"].as_str()))
        });
        let per = request.page.records_per_page as usize;
        let total = rows.len();
        let start = (request.page.page as usize - 1) * per;
        TransactionsPage {
            transactions: rows.into_iter().skip(start).take(per).cloned().collect(),
            pagination: Pagination {
                current_page: request.page.page,
                per_page: request.page.records_per_page,
                total_entries: total as u32,
                total_pages: total.div_ceil(per) as u32,
            },
        }
    }

    /// MX's transactions, typed.
    pub fn truth(&self) -> BTreeMap<String, Transaction> {
        self.transactions
            .iter()
            .map(|(guid, t)| (guid.clone(), serde_json::from_value(t.clone()).unwrap()))
            .collect()
    }
}

/// What the syncs of a history reported.
#[derive(Debug, Default)]
pub struct Record {
    /// Every guid reported added, in order (crashed syncs included).
    pub added: Vec<String>,
    /// Every guid reported removed.
    pub removed: Vec<String>,
    /// Removed guids that MX still held when they were reported.
    pub removed_alive: Vec<String>,
    /// Syncs that completed, and pages read by each.
    pub completed: Vec<u32>,
}

/// The service: a stored checkpoint and copy, and what it saw.
#[derive(Debug, Default)]
pub struct Service {
    pub checkpoint: Checkpoint,
    pub store: MemoryStore,
    pub record: Record,
    /// Keeps its copy as MX's text, in `database`, as the durable service does: each
    /// sync loads the copy as text (`MemoryStore::hold_text`), reads MX's pages as raw
    /// rows, and writes back the rows the store noted as changed.
    pub text: bool,
    /// With `text`, loads each held row by its mark only (`MemoryStore::hold_mark`), as
    /// the durable service does, not its text.
    pub marks: bool,
    /// The copy between syncs when `text`: guid to MX's text.
    pub database: BTreeMap<String, String>,
    /// Held rows the sync read into a `Transaction` (`TransactionStore::transaction`).
    pub rows_read: usize,
}

/// A store that counts the held rows the sync reads.
struct Counting<'a> {
    store: &'a MemoryStore,
    reads: std::cell::Cell<usize>,
}

impl TransactionStore for Counting<'_> {
    fn transaction(&self, guid: &str) -> Option<std::borrow::Cow<'_, Transaction>> {
        self.reads.set(self.reads.get() + 1);
        self.store.transaction(guid)
    }

    fn pending(&self) -> Vec<(String, Option<chrono::NaiveDate>)> {
        self.store.pending()
    }

    fn count(&self) -> usize {
        self.store.count()
    }

    fn keeps_text(&self) -> bool {
        self.store.keeps_text()
    }

    fn text(&self, guid: &str) -> Option<&str> {
        self.store.text(guid)
    }

    fn holds_text(&self, guid: &str, text: &str) -> bool {
        self.store.holds_text(guid, text)
    }

    fn holds(&self, guid: &str) -> bool {
        self.store.holds(guid)
    }
}

/// A page as the durable service reads it: each row MX's raw text.
fn raw(page: &TransactionsPage) -> TransactionsPage<Box<RawValue>> {
    serde_json::from_str(&serde_json::to_string(page).unwrap()).unwrap()
}

impl Service {
    /// A service keeping its copy as MX's text.
    pub fn text() -> Self {
        Self {
            text: true,
            ..Self::default()
        }
    }

    /// A service keeping its copy as MX's text, and loading it by the rows' marks.
    pub fn marked() -> Self {
        Self {
            text: true,
            marks: true,
            ..Self::default()
        }
    }

    /// The copy, typed: the store's, or the database's rows read.
    pub fn copy(&self) -> BTreeMap<String, Transaction> {
        if self.text {
            self.database
                .iter()
                .map(|(guid, text)| (guid.clone(), serde_json::from_str(text).unwrap()))
                .collect()
        } else {
            self.store.transactions.clone()
        }
    }

    /// Writes the rows the store noted as changed to `database`.
    fn write_back(&mut self) {
        for guid in self.store.changed_transactions() {
            if let Some(text) = self.store.transaction_text(guid) {
                self.database.insert(guid.clone(), text.to_owned());
            } else if let Some(row) = self.store.transactions.get(guid) {
                self.database
                    .insert(guid.clone(), serde_json::to_string(row).unwrap());
            } else {
                self.database.remove(guid);
            }
        }
    }

    /// One sync at MX's `now`, killed after `crash_after` pages when set.
    pub fn sync(&mut self, mx: &Mx, options: &SyncOptions, crash_after: Option<usize>) {
        if self.text {
            self.store = MemoryStore::keeping_text();
            for (guid, text) in &self.database {
                if self.marks {
                    self.store.hold_mark(guid.clone(), RowMark::of_text(text));
                } else {
                    self.store.hold_text(guid.clone(), text.clone());
                }
            }
        }
        let mut sync = TransactionSync::start(&self.checkpoint, mx.now, options, &self.store);
        let mut pages = 0;
        while let Some(request) = sync.next_page() {
            if crash_after == Some(pages) {
                return;
            }
            let page = mx.answer(&request);
            let counting = Counting {
                store: &self.store,
                reads: std::cell::Cell::new(0),
            };
            let changes = if self.text {
                sync.handle_page(&raw(&page), &counting)
            } else {
                sync.handle_page(&page, &counting)
            }
            .expect("the page reads");
            self.rows_read += counting.reads.get();
            assert!(changes.skipped.is_empty(), "skipped {:?}", changes.skipped);
            self.record
                .added
                .extend(changes.added.iter().filter_map(|t| t.guid.clone()));
            self.store.apply(&changes);
            if self.text {
                self.write_back();
            }
            pages += 1;
        }
        let finished = sync.finish(&self.store).expect("every page read");
        for guid in &finished.removed {
            if mx.transactions.contains_key(guid) {
                self.record.removed_alive.push(guid.clone());
            }
        }
        self.record.removed.extend(finished.removed.iter().cloned());
        self.store.remove(&finished.removed);
        if self.text {
            self.write_back();
        }
        self.checkpoint = finished.checkpoint;
        self.record.completed.push(finished.counts.pages);
    }
}

/// Runs a history: MX starts with `initial` changes, then `steps`, then a day passes
/// and a sync runs to its end.
pub fn run(initial: &[Event], steps: &[Step], options: &SyncOptions) -> (Mx, Service) {
    run_with(Service::default(), initial, steps, options)
}

/// [`run`] with `service` (a [`Service::text`] one, say).
pub fn run_with(
    mut service: Service,
    initial: &[Event],
    steps: &[Step],
    options: &SyncOptions,
) -> (Mx, Service) {
    let mut mx = Mx::new();
    for event in initial {
        for guid in mx.apply(event, 0) {
            service.checkpoint.note_deleted(guid);
        }
    }
    for step in steps {
        match step {
            Step::Change { event, lag_secs } => {
                for guid in mx.apply(event, *lag_secs) {
                    service.checkpoint.note_deleted(guid);
                }
            }
            Step::Advance { hours } => mx.now += TimeDelta::hours(*hours),
            Step::Sync { crash_after } => service.sync(&mx, options, *crash_after),
        }
        mx.now += TimeDelta::minutes(7);
    }
    mx.now += TimeDelta::days(1);
    service.sync(&mx, options, None);
    (mx, service)
}

/// The guids that appear more than once in `guids`.
pub fn repeated(guids: &[String]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    guids
        .iter()
        .filter(|g| !seen.insert((*g).clone()))
        .cloned()
        .collect()
}
