//! What one later sync costs in memory, the copy read into `Transaction`s against the
//! copy kept as MX's text (`MemoryStore::keeping_text`) and against the copy held by
//! each row's mark (`MemoryStore::hold_mark`, loaded as the durable service's
//! `transactions_marks` index gives them), in one run: a page of the
//! member's whole history (475 MX-shaped rows, 5 of them new) against a stored copy of
//! 540, each sync from the stored rows as a database hands them over (one JSON array of
//! `[guid, body]` pairs, or of `[guid, digest, pending_day]` triples) to the rows to
//! write back. Best of five rounds each.
//!
//! `cargo run --release -p mx-aggregation-client --example sync_text_cost`

use std::time::Instant;

use chrono::{TimeZone, Utc};
use mx_aggregation_client::sync::{
    Checkpoint, MemoryStore, Pending, RowMark, SyncOptions, TransactionStore, TransactionSync,
    text_digest,
};
use mx_aggregation_client::types::{Transaction, TransactionsPage};
use serde_json::value::RawValue;

fn row(i: usize) -> String {
    format!(
        r#"{{"account_guid":"ACT-0a1b2c3d-4e5f-6789-abcd-ef0123456789","account_id":null,"amount":{}.25,"category":"Groceries","category_guid":null,"check_number_string":null,"created_at":"2026-03-01T10:00:00Z","currency_code":"USD","date":"2026-02-{:02}","description":"Whole Foods Market","guid":"TRN-{:08x}-1111-2222-3333-444455556666","id":null,"is_bill_pay":false,"is_direct_deposit":false,"is_expense":true,"is_fee":false,"is_income":false,"is_international":false,"is_manual":false,"is_overdraft_fee":false,"is_payroll_advance":false,"is_recurring":false,"is_subscription":false,"latitude":null,"localized_description":null,"localized_memo":null,"longitude":null,"member_guid":"MBR-0a1b2c3d-4e5f-6789-abcd-ef0123456789","member_is_managed_by_user":true,"memo":null,"merchant_category_code":5411,"merchant_guid":null,"merchant_location_guid":null,"metadata":null,"original_description":"WHOLEFDS MKT 10234","posted_at":"2026-02-03T00:00:00Z","status":"POSTED","top_level_category":"Food & Dining","transacted_at":"2026-02-02T18:00:00Z","type":"DEBIT","updated_at":"2026-03-01T10:00:00Z","user_guid":"USR-0a1b2c3d-4e5f-6789-abcd-ef0123456789","user_id":null}}"#,
        i % 300,
        1 + i % 28,
        i
    )
}

fn main() {
    let held: Vec<String> = (0..540).map(row).collect();
    let listed: Vec<String> = (70..545).map(row).collect();
    let page_text = format!(
        r#"{{"pagination":{{"current_page":1,"per_page":1000,"total_entries":{},"total_pages":1}},"transactions":[{}]}}"#,
        listed.len(),
        listed.join(",")
    );
    let joined = format!(
        "[{}]",
        held.iter()
            .enumerate()
            .map(|(i, r)| format!("[\"TRN-{i:08x}-1111-2222-3333-444455556666\",{r}]"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let marks = serde_json::to_string(
        &held
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let digest = i64::from_le_bytes(text_digest(r).to_le_bytes());
                (
                    format!("TRN-{i:08x}-1111-2222-3333-444455556666"),
                    digest,
                    None::<String>,
                )
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
    let checkpoint = Checkpoint {
        updated_through: Some(now - chrono::TimeDelta::days(1)),
        history_from: Some(chrono::NaiveDate::from_ymd_opt(2025, 11, 2).unwrap()),
        ..Checkpoint::default()
    };
    let options = SyncOptions {
        records_per_page: 1000,
        ..SyncOptions::default()
    };
    let mut best = [f64::MAX; 3];
    for _round in 0..5 {
        for (side, best) in best.iter_mut().enumerate() {
            let (text, marked) = (side > 0, side == 2);
            let start = Instant::now();
            let n: u32 = 300;
            let mut changed = 0;
            for _ in 0..n {
                let mut store = if text {
                    MemoryStore::keeping_text()
                } else {
                    MemoryStore::default()
                };
                if marked {
                    let rows: Vec<(String, i64, Option<String>)> =
                        serde_json::from_str(&marks).unwrap();
                    for (g, digest, _) in rows {
                        let mark = RowMark {
                            digest: u64::from_le_bytes(digest.to_le_bytes()),
                            pending: Pending::No,
                        };
                        store.hold_mark(g, mark);
                    }
                } else if text {
                    let rows: Vec<(String, &RawValue)> = serde_json::from_str(&joined).unwrap();
                    for (g, b) in rows {
                        store.hold_text(g, b.get().to_owned());
                    }
                } else {
                    let rows: Vec<(String, Transaction)> = serde_json::from_str(&joined).unwrap();
                    store.transactions.extend(rows);
                }
                let before = if text {
                    MemoryStore::default()
                } else {
                    store.clone()
                };
                let mut sync = TransactionSync::start(&checkpoint, now, &options, &store);
                while sync.next_page().is_some() {
                    let page: TransactionsPage<Box<RawValue>> =
                        serde_json::from_str(&page_text).unwrap();
                    let changes = sync.handle_page(&page, &store).unwrap();
                    store.apply(&changes);
                }
                let finished = sync.finish(&store).unwrap();
                store.remove(&finished.removed);
                changed += if text {
                    store.changed_transactions().len()
                } else {
                    store
                        .transactions
                        .iter()
                        .filter(|(g, t)| before.transactions.get(*g) != Some(*t))
                        .count()
                };
                let _ = store.count();
            }
            let per = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
            assert_eq!(changed, 5 * n as usize, "5 rows to write back a sync");
            *best = best.min(per);
        }
    }
    println!(
        "a sync, the copy read: {:.2} ms; kept as MX's text: {:.2} ms ({:.2}x); \
         held by marks: {:.2} ms ({:.2}x)",
        best[0],
        best[1],
        best[0] / best[1],
        best[2],
        best[0] / best[2]
    );
}
