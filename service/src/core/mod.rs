//! The service's pure rules, sans IO: the scheduler's claims and wake-ups, the webhook
//! inbox's dedup key, and what a drive's outcome leaves in the member's row.

pub mod digest;
pub mod schedule;
pub mod verdict;
