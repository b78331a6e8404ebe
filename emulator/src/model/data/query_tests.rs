use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

fn page(query: &str) -> Result<Page, QueryError> {
    Page::of(Some(query))
}

#[test]
fn records_per_page_follows_the_spec_range() {
    let per = |q: &str| page(q).unwrap().per_page;
    assert_eq!(per(""), 25);
    assert_eq!(per("records_per_page=10"), 10);
    assert_eq!(per("records_per_page=1000"), 1000);
    assert_eq!(per("records_per_page=1001"), 25);
    assert_eq!(per("records_per_page=99999999999999999999999"), 25);
    assert_eq!(per("records_per_page=2"), 10);
    assert_eq!(per("records_per_page=0"), 10);
}

#[test]
fn unreadable_paging_names_the_parameter() {
    let error = page("records_per_page=-3").unwrap_err();
    assert_eq!(error.param, "records_per_page");
    assert_eq!(page("page=0").unwrap_err().param, "page");
    assert_eq!(
        page("page=x").unwrap_err().to_string(),
        "page is not readable: \"x\" is not a whole number >= 1"
    );
}

#[test]
fn pagination_counts_pages_and_a_page_past_the_end_is_empty() {
    let items: Vec<u32> = (0..23).collect();
    let p = page("page=3&records_per_page=10").unwrap();
    assert_eq!(p.slice(&items), [20, 21, 22]);
    assert_eq!(
        p.pagination(items.len()),
        Pagination {
            current_page: 3,
            per_page: 10,
            total_entries: 23,
            total_pages: 3
        }
    );
    assert!(
        page("page=4&records_per_page=10")
            .unwrap()
            .slice(&items)
            .is_empty()
    );
    assert_eq!(page("").unwrap().pagination(0).total_pages, 1);
}

proptest! {
    #[test]
    fn the_pages_hold_every_record_once(total in 0_usize..2500, per in 0_u64..1500) {
        let items: Vec<usize> = (0..total).collect();
        let first = page(&format!("records_per_page={per}")).unwrap();
        let pages = first.pagination(total).total_pages;
        let mut seen = Vec::new();
        for n in 1..=pages + 1 {
            let p = page(&format!("page={n}&records_per_page={per}")).unwrap();
            prop_assert!(p.slice(&items).len() <= p.per_page);
            seen.extend_from_slice(p.slice(&items));
        }
        prop_assert_eq!(seen, items);
        prop_assert!((10..=1000).contains(&first.per_page));
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn filter(query: &str, set: FilterSet) -> Result<TransactionFilter, QueryError> {
    TransactionFilter::of(Some(query), now(), set)
}

#[test]
fn dates_default_to_120_days_back_and_5_ahead_whatever_else_is_given() {
    let f = filter("from_updated_at=1772000000", FilterSet::Standard).unwrap();
    assert_eq!(f.from_date, NaiveDate::from_ymd_opt(2025, 11, 2).unwrap());
    assert_eq!(f.to_date, NaiveDate::from_ymd_opt(2026, 3, 7).unwrap());
    assert_eq!(f.updated.from, 1_772_000_000);
}

#[test]
fn each_filter_reads_unix_seconds_and_days() {
    let f = filter(
        "from_date=2026-01-01&to_date=1772409600&from_created_at=2026-02-01&to_created_at=2026-02-01",
        FilterSet::Standard,
    )
    .unwrap();
    assert_eq!(f.from_date, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    assert_eq!(f.to_date, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    let feb1 = Utc
        .with_ymd_and_hms(2026, 2, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    assert_eq!(
        f.created,
        Span {
            from: feb1,
            to: feb1 + DAY - 1
        }
    );
}

#[test]
fn timestamps_filter_by_creation_where_the_spec_has_them_only() {
    let with = filter(
        "from_timestamp=100&to_timestamp=200",
        FilterSet::WithTimestamp,
    )
    .unwrap();
    assert_eq!(with.created, Span { from: 100, to: 200 });
    let without = filter("from_timestamp=100", FilterSet::Standard).unwrap();
    assert_eq!(without.created, Span::ALL);
    assert!(filter("from_timestamp=soon", FilterSet::Standard).is_ok());
}

#[test]
fn an_unreadable_filter_names_itself() {
    for name in [
        "from_date",
        "to_date",
        "from_created_at",
        "to_created_at",
        "from_updated_at",
        "to_updated_at",
    ] {
        let error = filter(&format!("{name}=yesterday"), FilterSet::Standard).unwrap_err();
        assert_eq!(error.param, name);
        assert!(error.to_string().contains("Unix seconds or YYYY-MM-DD"));
    }
    assert_eq!(
        filter("to_timestamp=2026-13-01", FilterSet::WithTimestamp)
            .unwrap_err()
            .param,
        "to_timestamp"
    );
    assert_eq!(
        filter("from_date=99999999999999999", FilterSet::Standard)
            .unwrap_err()
            .param,
        "from_date"
    );
}

proptest! {
    #[test]
    fn a_day_and_its_unix_seconds_select_the_same_dates(days in 0_i64..40_000, second in 0_i64..DAY) {
        let date = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + TimeDelta::days(days);
        let unix = days * DAY + second;
        let by_day = filter(&format!("from_date={date}&to_date={date}"), FilterSet::Standard).unwrap();
        let by_unix = filter(&format!("from_date={unix}&to_date={unix}"), FilterSet::Standard).unwrap();
        prop_assert_eq!(by_day.from_date, by_unix.from_date);
        prop_assert_eq!(by_day.to_date, by_unix.to_date);
    }
}

#[test]
fn account_filters_keep_the_aggregated_accounts_or_none() {
    let admits = |q: &str| AccountFilter::of(Some(q)).unwrap().admits_aggregated();
    assert!(admits(""));
    assert!(admits("is_manual=false&member_is_managed_by_user=true"));
    assert!(!admits("is_manual=true"));
    assert!(!admits("member_is_managed_by_user=false"));
    let error = AccountFilter::of(Some("is_manual=yes")).unwrap_err();
    assert_eq!(error.param, "is_manual");
}
