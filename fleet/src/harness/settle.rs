//! Waiting for the service to finish what a step gave it: the service's tenant journal
//! is read until no new MX call has arrived for a quiet period of wall time (the
//! service's scheduler looks for due members several times a second). The entries read
//! are returned, so the journal is read once.

use std::time::{Duration, Instant};

use crate::metrics::journal::JournalEntry;
use crate::mx::Mx;

/// The longest a settle waits, whatever the service does.
const LONGEST: Duration = Duration::from_secs(300);

/// Reads the journal after `since` until it stays unchanged for `quiet`.
///
/// # Errors
///
/// When the journal cannot be read.
pub async fn settle(mx: &Mx, since: u64, quiet: Duration) -> Result<Vec<JournalEntry>, String> {
    let started = Instant::now();
    let mut last_change = Instant::now();
    let mut since = since;
    let mut entries = Vec::new();
    let poll = (quiet / 5).max(Duration::from_millis(10));
    loop {
        tokio::time::sleep(poll).await;
        let page = mx.journal_since(since).await.map_err(|e| e.to_string())?;
        if let Some(last) = page.last() {
            since = last.seq;
            last_change = Instant::now();
            entries.extend(page);
        } else if last_change.elapsed() >= quiet || started.elapsed() >= LONGEST {
            return Ok(entries);
        }
    }
}
