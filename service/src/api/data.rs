//! The stored copy of a member's data, in MX's envelopes and pagination:
//! `GET /members/{member}/accounts` and `GET /members/{member}/transactions`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::value::RawValue;

use super::error::ApiError;
use super::state::AppState;
use crate::store::List;

/// MX's default page size (SPEC25 `recordsPerPage`: "Defaults to 25").
const DEFAULT_PER_PAGE: i64 = 25;
/// MX's largest page (SPEC25: at most 1000).
const MAX_PER_PAGE: i64 = 1000;

/// `page` and `records_per_page` from the query: whole numbers, `page` from 1,
/// `records_per_page` from 1 to 1000.
fn paging(query: Option<&str>) -> Result<(i64, i64), ApiError> {
    let mut page = 1;
    let mut per_page = DEFAULT_PER_PAGE;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            value.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!("{name} must be a whole number, got {value:?}"))
            })
        };
        match name {
            "page" => page = number()?,
            "records_per_page" => per_page = number()?,
            _ => {}
        }
    }
    if page < 1 {
        return Err(ApiError::bad_request(format!(
            "page must be 1 or more, got {page}"
        )));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::bad_request(format!(
            "records_per_page must be 1 to {MAX_PER_PAGE}, got {per_page}"
        )));
    }
    Ok((page, per_page))
}

async fn list(
    state: &AppState,
    member: &str,
    list: List,
    query: Option<&str>,
) -> Result<Response, ApiError> {
    let (page, per_page) = paging(query)?;
    let db = state.worker.db();
    if db.member_view(member).await?.is_none() {
        return Err(ApiError::not_found(format!("unknown member {member:?}")));
    }
    let found = db.page(member, list, page, per_page).await?;
    let (accounts, transactions) = match list {
        List::Accounts => (Some(found.rows), None),
        List::Transactions => (None, Some(found.rows)),
    };
    Ok(Json(ListBody {
        accounts,
        transactions,
        pagination: Pagination {
            current_page: found.current_page,
            per_page: found.per_page,
            total_entries: found.total_entries,
            total_pages: found.total_pages,
        },
    })
    .into_response())
}

/// A list's answer, MX's envelope: the rows under the list's name, and its pagination.
/// The rows go out as the text stored, not parsed into a tree and written again.
#[derive(Serialize)]
struct ListBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<Vec<Box<RawValue>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transactions: Option<Vec<Box<RawValue>>>,
    pagination: Pagination,
}

/// MX's pagination numbers (SPEC25 `PaginationResponse`).
#[derive(Serialize)]
struct Pagination {
    current_page: i64,
    per_page: i64,
    total_entries: i64,
    total_pages: i64,
}

/// `GET /members/{member}/accounts`.
pub(super) async fn accounts(
    State(state): State<AppState>,
    Path(member): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list(&state, &member, List::Accounts, query.as_deref()).await
}

/// `GET /members/{member}/transactions?page=N&records_per_page=M`.
pub(super) async fn transactions(
    State(state): State<AppState>,
    Path(member): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list(&state, &member, List::Transactions, query.as_deref()).await
}
