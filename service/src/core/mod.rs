//! The service's pure rules, sans IO: the scheduler's claims and wake-ups, the webhook
//! inbox's dedup key, how a transaction's text is stored, which webhooks stored during a drive it already answered, what a drive's outcome leaves in the member's row, and the rows of
//! the member's copy it changed.

pub mod data_changes;
pub mod digest;
pub mod late_webhooks;
pub mod packed;
pub mod schedule;
pub mod verdict;
