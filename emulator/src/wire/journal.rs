//! The request journal as `GET /emulator/requests` shows it.

use serde_json::{Value, json};

use crate::model::journal::{Entry, Page};
use crate::wire::views::rfc3339;

/// `{"requests": [{"seq", "at", "method", "path", "status", "rule", "job_started"}],
/// "more"}`; `job_started` only on the calls that can start a job.
pub(crate) fn page(page: &Page<'_>) -> Value {
    let requests: Vec<Value> = page.entries.iter().map(|e| entry(e)).collect();
    json!({ "requests": requests, "more": page.more })
}

fn entry(entry: &Entry) -> Value {
    let mut view = json!({
        "seq": entry.seq,
        "at": rfc3339(entry.at),
        "method": &*entry.method,
        "path": &*entry.path,
        "status": entry.status,
        "rule": &*entry.rule,
    });
    if let (Some(started), Some(object)) = (entry.job_started, view.as_object_mut()) {
        object.insert("job_started".to_owned(), Value::Bool(started));
    }
    view
}
