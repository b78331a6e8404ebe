//! `PaginationResponse`: which page of a list MX answered.

use serde::{Deserialize, Serialize};

/// Where a page sits in a list (`GET /users/{user}/members?page=N&records_per_page=M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Pagination {
    /// The page this answer holds, from 1.
    pub current_page: u32,
    /// Records on each page.
    pub per_page: u32,
    /// Records in the whole list.
    pub total_entries: u32,
    /// Pages in the whole list.
    pub total_pages: u32,
}

impl Pagination {
    /// True when a page after this one exists.
    pub const fn has_next(&self) -> bool {
        self.current_page < self.total_pages
    }
}
