//! The query of MX's transaction lists: the date filters and paging of SPEC25
//! (`fromDateUnix`, `toDateUnix`, `fromCreatedAt`, `toCreatedAt`, `fromUpdatedAt`,
//! `toUpdatedAt`, `page`, `recordsPerPageMax1000`). Plain data, shared by the sans-IO
//! sync core that plans reads and the client that makes them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// MX's smallest `records_per_page` (SPEC25 `recordsPerPageMax1000`: 10 to 1000).
pub const MIN_RECORDS_PER_PAGE: u32 = 10;
/// MX's largest `records_per_page`; above it MX silently answers 25 a page.
pub const MAX_RECORDS_PER_PAGE: u32 = 1000;

/// Which transactions a list returns. Every bound is inclusive, sent as Unix seconds
/// (v20250224 takes "only unix timestamp format" for all six).
///
/// `from_date` is always sent: left out, MX answers only the last 120 days (SPEC25
/// `fromDateUnix`), and an update to an older transaction would be missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransactionFilter {
    /// The first day (midnight UTC) of `date`.
    pub from_date: DateTime<Utc>,
    /// The last day (midnight UTC) of `date`; MX's default is 5 days ahead "to capture
    /// pending transactions".
    pub to_date: DateTime<Utc>,
    /// Only transactions MX changed at or after this time.
    pub from_updated_at: Option<DateTime<Utc>>,
    /// Only transactions MX changed at or before this time.
    pub to_updated_at: Option<DateTime<Utc>>,
    /// Only transactions MX created at or after this time.
    pub from_created_at: Option<DateTime<Utc>>,
    /// Only transactions MX created at or before this time.
    pub to_created_at: Option<DateTime<Utc>>,
}

impl TransactionFilter {
    /// The transactions dated from `from_date` to `to_date`, whenever changed.
    pub const fn dated(from_date: DateTime<Utc>, to_date: DateTime<Utc>) -> Self {
        Self {
            from_date,
            to_date,
            from_updated_at: None,
            to_updated_at: None,
            from_created_at: None,
            to_created_at: None,
        }
    }

    /// The query string's filter part, e.g. `from_date=1666915200&to_date=1698451200`.
    pub fn query(&self) -> String {
        let bounds = [
            ("from_date", Some(self.from_date)),
            ("to_date", Some(self.to_date)),
            ("from_created_at", self.from_created_at),
            ("to_created_at", self.to_created_at),
            ("from_updated_at", self.from_updated_at),
            ("to_updated_at", self.to_updated_at),
        ];
        let mut query = String::new();
        for (name, value) in bounds {
            if let Some(value) = value {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(name);
                query.push('=');
                query.push_str(&value.timestamp().to_string());
            }
        }
        query
    }
}

/// One page of a list: `page` from 1, `records_per_page` within MX's 10 to 1000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageQuery {
    /// The page, from 1.
    pub page: u32,
    /// Records per page, clamped to 10..=1000 by [`new`](Self::new).
    pub records_per_page: u32,
}

impl PageQuery {
    /// Page `page` (0 reads as 1) of `records_per_page` records, clamped to MX's range.
    pub fn new(page: u32, records_per_page: u32) -> Self {
        Self {
            page: page.max(1),
            records_per_page: records_per_page.clamp(MIN_RECORDS_PER_PAGE, MAX_RECORDS_PER_PAGE),
        }
    }

    /// `page=N&records_per_page=M`.
    pub fn query(&self) -> String {
        format!(
            "page={}&records_per_page={}",
            self.page, self.records_per_page
        )
    }
}
