//! Reading list queries: paging for every list and the transaction filters, as MX's
//! OpenAPI v20250224 lists them per path.
//!
//! Paging (`page`, `records_per_page`): "Defaults to `25`. The valid range is from `10` to
//! `1000`. If the value exceeds `1000`, the default value of `25` will be used instead"
//! (`recordsPerPageMax1000`). Below the range the emulator serves the smallest page, 10.
//!
//! Transaction filters: `from_date`/`to_date` ("Defaults to 120 days ago" and "to 5 days
//! forward from the day the request is made to capture pending transactions", whatever
//! else is given: a transaction is in range by its `date`, whole UTC days),
//! `from_created_at`/`to_created_at`, `from_updated_at`/`to_updated_at`, and
//! `from_timestamp`/`to_timestamp` (by the time the transaction was created) on the
//! member's list only. v20250224 documents Unix seconds; v20111101 and MX's newer
//! reference pages document `YYYY-MM-DD`: both are read. A `to_…` bound is inclusive: a
//! day reaches its last second.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::ledger::{DAY, HISTORY_DAYS, Transaction};

/// A query parameter that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryError {
    /// The parameter's name.
    pub(crate) param: &'static str,
    /// What was sent, cut to 60 characters.
    pub(crate) value: String,
    /// What it should be.
    pub(crate) expected: &'static str,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is not readable: {:?} is not {}",
            self.param, self.value, self.expected
        )
    }
}

impl QueryError {
    fn new(param: &'static str, value: &str, expected: &'static str) -> Self {
        Self {
            param,
            value: value.chars().take(60).collect(),
            expected,
        }
    }
}

/// The `(name, value)` pairs of a query string.
pub(crate) fn pairs(query: Option<&str>) -> impl Iterator<Item = (&str, &str)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// The most records a page may hold (`recordsPerPageMax1000`).
pub(crate) const MAX_PER_PAGE: u64 = 1000;
/// The most institutions a page may hold (`recordsPerPage` of `listInstitutions`: "The
/// valid range is from `10` to `100`. If the value exceeds `100`, the default value of
/// `25` will be used instead").
pub(crate) const MAX_INSTITUTIONS_PER_PAGE: u64 = 100;

/// The records a page shows by default, and the fallback above the limit.
pub(crate) const DEFAULT_PER_PAGE: usize = 25;
/// The smallest page.
pub(crate) const MIN_PER_PAGE: usize = 10;

/// One page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    /// 1 for the first page.
    pub(crate) number: usize,
    pub(crate) per_page: usize,
}

/// MX's `pagination` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pagination {
    pub(crate) current_page: usize,
    pub(crate) per_page: usize,
    pub(crate) total_entries: usize,
    pub(crate) total_pages: usize,
}

impl Page {
    /// `page` and `records_per_page` from a query string.
    ///
    /// # Errors
    /// When either is not a whole number, or `page` is 0.
    pub(crate) fn of(query: Option<&str>) -> Result<Self, QueryError> {
        Self::at_most(query, MAX_PER_PAGE)
    }

    /// `page` and `records_per_page` from a query string, at most `max` records a page
    /// (above it, the default).
    ///
    /// # Errors
    /// When either is not a whole number, or `page` is 0.
    pub(crate) fn at_most(query: Option<&str>, max: u64) -> Result<Self, QueryError> {
        let mut page = Self {
            number: 1,
            per_page: DEFAULT_PER_PAGE,
        };
        for (key, value) in pairs(query) {
            match key {
                "page" => {
                    page.number = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| QueryError::new("page", value, "a whole number >= 1"))?;
                }
                "records_per_page" => page.per_page = per_page(value, max)?,
                _ => {}
            }
        }
        Ok(page)
    }

    /// The records of this page among `items`, in their order.
    pub(crate) fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = self
            .number
            .saturating_sub(1)
            .saturating_mul(self.per_page)
            .min(items.len());
        let end = start.saturating_add(self.per_page).min(items.len());
        &items[start..end]
    }

    /// The `pagination` of this page over `total` records.
    pub(crate) const fn pagination(&self, total: usize) -> Pagination {
        let pages = total.div_ceil(self.per_page);
        Pagination {
            current_page: self.number,
            per_page: self.per_page,
            total_entries: total,
            total_pages: if pages == 0 { 1 } else { pages },
        }
    }
}

/// `records_per_page`: a whole number, brought into the spec's range.
fn per_page(value: &str, max: u64) -> Result<usize, QueryError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QueryError::new("records_per_page", value, "a whole number"));
    }
    // Digits too many for u64 are over the limit too.
    let n = value.parse::<u64>().unwrap_or(u64::MAX);
    Ok(if n > max {
        DEFAULT_PER_PAGE
    } else {
        usize::try_from(n).map_or(DEFAULT_PER_PAGE, |n| n.max(MIN_PER_PAGE))
    })
}

/// The account lists' filters (`is_manual`, `member_is_managed_by_user`): MX Bank's
/// accounts are aggregated, not manual, and their members are managed by the user, so a
/// filter either keeps them all or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AccountFilter {
    /// `is_manual=true`: manual accounts only.
    manual_only: bool,
    /// `member_is_managed_by_user=false`: accounts of members the user does not manage.
    unmanaged_only: bool,
}

impl AccountFilter {
    /// The filters of `query`.
    ///
    /// # Errors
    /// A filter that is neither `true` nor `false`.
    pub(crate) fn of(query: Option<&str>) -> Result<Self, QueryError> {
        let flag = |param: &'static str, value: &str| match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(QueryError::new(param, value, "true or false")),
        };
        let mut filter = Self {
            manual_only: false,
            unmanaged_only: false,
        };
        for (key, value) in pairs(query) {
            match key {
                "is_manual" => filter.manual_only = flag("is_manual", value)?,
                "member_is_managed_by_user" => {
                    filter.unmanaged_only = !flag("member_is_managed_by_user", value)?;
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    /// True when the member's aggregated accounts pass.
    pub(crate) const fn admits_aggregated(&self) -> bool {
        !self.manual_only && !self.unmanaged_only
    }
}

/// A time bound as sent: Unix seconds, or a UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeArg {
    Seconds(i64),
    Day(NaiveDate),
}

const TIME_FORMS: &str = "Unix seconds or YYYY-MM-DD";

impl TimeArg {
    fn read(param: &'static str, value: &str) -> Result<Self, QueryError> {
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return value
                .parse::<i64>()
                .ok()
                .filter(|s| DateTime::<Utc>::from_timestamp(*s, 0).is_some())
                .map(Self::Seconds)
                .ok_or_else(|| QueryError::new(param, value, TIME_FORMS));
        }
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map(Self::Day)
            .map_err(|_| QueryError::new(param, value, TIME_FORMS))
    }

    fn day(self) -> NaiveDate {
        match self {
            Self::Seconds(s) => super::ledger::date_of(s),
            Self::Day(d) => d,
        }
    }

    /// The first second it covers.
    fn start(self) -> i64 {
        match self {
            Self::Seconds(s) => s,
            Self::Day(d) => d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        }
    }

    /// The last second it covers.
    fn end(self) -> i64 {
        match self {
            Self::Seconds(s) => s,
            Self::Day(_) => self.start().saturating_add(DAY - 1),
        }
    }
}

/// Which filters a list path takes, as the spec lists its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterSet {
    /// Dates, `created_at` and `updated_at` (by user, by account).
    Standard,
    /// Those and `from_timestamp`/`to_timestamp` (by member).
    WithTimestamp,
}

/// An inclusive range of Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) from: i64,
    pub(crate) to: i64,
}

impl Span {
    const ALL: Self = Self {
        from: i64::MIN,
        to: i64::MAX,
    };

    const fn contains(&self, t: i64) -> bool {
        self.from <= t && t <= self.to
    }
}

/// A transaction list's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TransactionFilter {
    /// The first and last `date`, inclusive.
    pub(crate) from_date: NaiveDate,
    pub(crate) to_date: NaiveDate,
    pub(crate) created: Span,
    pub(crate) updated: Span,
}

impl TransactionFilter {
    /// The filters of `query`, asked at virtual time `now`.
    ///
    /// # Errors
    /// The first filter that is neither Unix seconds nor `YYYY-MM-DD`.
    pub(crate) fn of(
        query: Option<&str>,
        now: DateTime<Utc>,
        set: FilterSet,
    ) -> Result<Self, QueryError> {
        let today = now.date_naive();
        let mut filter = Self {
            from_date: today - TimeDelta::days(HISTORY_DAYS),
            to_date: today + TimeDelta::days(5),
            created: Span::ALL,
            updated: Span::ALL,
        };
        for (key, value) in pairs(query) {
            match key {
                "from_date" => filter.from_date = TimeArg::read("from_date", value)?.day(),
                "to_date" => filter.to_date = TimeArg::read("to_date", value)?.day(),
                "from_created_at" => {
                    let t = TimeArg::read("from_created_at", value)?.start();
                    filter.created.from = filter.created.from.max(t);
                }
                "to_created_at" => {
                    let t = TimeArg::read("to_created_at", value)?.end();
                    filter.created.to = filter.created.to.min(t);
                }
                "from_timestamp" if set == FilterSet::WithTimestamp => {
                    let t = TimeArg::read("from_timestamp", value)?.start();
                    filter.created.from = filter.created.from.max(t);
                }
                "to_timestamp" if set == FilterSet::WithTimestamp => {
                    let t = TimeArg::read("to_timestamp", value)?.end();
                    filter.created.to = filter.created.to.min(t);
                }
                "from_updated_at" => {
                    let t = TimeArg::read("from_updated_at", value)?.start();
                    filter.updated.from = filter.updated.from.max(t);
                }
                "to_updated_at" => {
                    let t = TimeArg::read("to_updated_at", value)?.end();
                    filter.updated.to = filter.updated.to.min(t);
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    /// True when `t` passes every filter.
    pub(crate) fn admits(&self, t: &Transaction) -> bool {
        let date = t.date();
        self.from_date <= date
            && date <= self.to_date
            && self.created.contains(t.created_at)
            && self.updated.contains(t.updated_at)
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
