//! A member's data: accounts and transactions, by member, by account and by user, on
//! MX's paths (MX's OpenAPI v20250224: `listMemberAccounts`, `readAccountByMember`,
//! `listUserAccounts`, `readAccount`, `listTransactionsByMember`,
//! `listTransactionsByAccount`, `listTransactionsByAccountPerMember`, `listTransactions`,
//! `readTransaction`, `readTransactionByAccount`). The data is derived on each read from the member's successful
//! aggregations (`model::data`); a member that never succeeded has none.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::Answer;
use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, page_of, path_error};
use crate::http::respond;
use crate::model::data::accounts::{self, Account};
use crate::model::data::ledger::{self, MemberKey, Transaction};
use crate::model::data::query::{AccountFilter, FilterSet, Page, QueryError, TransactionFilter};
use crate::model::data::{self as data};
use crate::model::member::{Member, User};
use crate::model::world::World;
use crate::wire::data::{self as data_wire, Owner, TransactionView};
use crate::wire::views;

fn bad_query(error: QueryError) -> ApiError {
    ApiError::bad_request(error.to_string())
}

fn filter_of(uri: &Uri, now: DateTime<Utc>, set: FilterSet) -> Result<TransactionFilter, ApiError> {
    TransactionFilter::of(uri.query(), now, set).map_err(bad_query)
}

/// The user the path names, and its members in creation order.
pub(crate) fn user_and_members<'w>(
    world: &'w World,
    user: &str,
) -> Result<(&'w User, Vec<&'w Member>), ApiError> {
    let guid = world.user_guid(user)?;
    let user = world
        .user(&guid)
        .ok_or_else(|| ApiError::not_found("user not found"))?;
    let members = world.user_members(&guid);
    Ok((user, members))
}

/// The member the path names under its user.
pub(crate) fn member_of<'w>(
    world: &'w World,
    user: &str,
    member: &str,
) -> Result<(&'w User, &'w Member), ApiError> {
    let guid = world.member_guid(user, member)?;
    let member = world
        .member(&guid)
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    let user = world
        .user(&member.user_guid)
        .ok_or_else(|| ApiError::not_found("user not found"))?;
    Ok((user, member))
}

pub(crate) fn owner<'a>(user: &'a User, member: &'a Member) -> Owner<'a> {
    Owner {
        user_guid: &user.guid,
        user_id: user.id.as_deref(),
        member_guid: &member.guid,
        member_id: member.id.as_deref(),
        institution_code: &member.institution_code,
    }
}

pub(crate) fn key(world: &World, member: &Member) -> MemberKey {
    MemberKey::new(world.cx.rules.seed, &member.guid)
}

/// A page of `items` under `name`, with MX's `pagination`.
pub(crate) fn listing(name: &str, page: Page, items: &[Value]) -> Answer {
    let shown = page.slice(items);
    Ok(respond::json(
        StatusCode::OK,
        &json!({ name: shown, "pagination": views::pagination(page.pagination(items.len())) }),
    ))
}

fn account_views(world: &World, user: &User, member: &Member) -> Vec<Value> {
    accounts::accounts(key(world, member), &member.ledger)
        .iter()
        .map(|a| data_wire::account(a, owner(user, member)))
        .collect()
}

/// `GET /users/{u}/members/{m}/accounts`.
pub(crate) async fn member_accounts(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let filter = AccountFilter::of(uri.query()).map_err(bad_query)?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let all = if filter.admits_aggregated() {
        account_views(&world, user, member)
    } else {
        Vec::new()
    };
    listing("accounts", page, &all)
}

/// `GET /users/{u}/accounts`.
pub(crate) async fn user_accounts(
    Tenant(app): Tenant,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let filter = AccountFilter::of(uri.query()).map_err(bad_query)?;
    let mut world = app.lock();
    world.tick();
    let (user, members) = user_and_members(&world, &user)?;
    let all: Vec<Value> = members
        .iter()
        .filter(|_| filter.admits_aggregated())
        .flat_map(|m| account_views(&world, user, m))
        .collect();
    listing("accounts", page, &all)
}

fn account_answer(account: &Account, owner: Owner<'_>) -> Answer {
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "account": data_wire::account(account, owner) }),
    ))
}

/// `GET /users/{u}/members/{m}/accounts/{a}`.
pub(crate) async fn member_account(
    Tenant(app): Tenant,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Answer {
    let Path((user, member, account)) = path.map_err(path_error)?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let found = accounts::find(key(&world, member), &member.ledger, &account)
        .ok_or_else(|| ApiError::not_found("account not found"))?;
    account_answer(&found, owner(user, member))
}

/// The member of `user` holding the account with `guid`, and the account.
pub(crate) fn find_account<'w>(
    world: &'w World,
    user: &str,
    guid: &str,
) -> Result<(&'w User, &'w Member, Account), ApiError> {
    let (user, members) = user_and_members(world, user)?;
    members
        .into_iter()
        .find_map(|m| accounts::find(key(world, m), &m.ledger, guid).map(|a| (user, m, a)))
        .ok_or_else(|| ApiError::not_found("account not found"))
}

/// `GET /users/{u}/accounts/{a}`.
pub(crate) async fn user_account(
    Tenant(app): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((user, account)) = path.map_err(path_error)?;
    let mut world = app.lock();
    world.tick();
    let (user, member, found) = find_account(&world, &user, &account)?;
    account_answer(&found, owner(user, member))
}

/// The page `page` of the transactions of `members` that pass `filter` (of one account
/// when `account` is set), newest first. Every record is generated and sorted, but only
/// the page's records become JSON.
/// The page of a transaction listing, built under the world's lock; the caller releases
/// the lock before printing it ([`TransactionsPage::answer`]): the page is the emulator's
/// largest answer, and every other request (the clock, the webhooks, the member reads)
/// waited while it printed.
fn transaction_listing(
    world: &World,
    user: &User,
    members: &[&Member],
    filter: &TransactionFilter,
    account: Option<&Account>,
    page: Page,
) -> TransactionsPage {
    let mut all: Vec<(Transaction, &Member, MemberKey)> = Vec::new();
    for member in members {
        let key = key(world, member);
        for t in data::transactions(key, &member.ledger, filter) {
            if account.is_none_or(|a| a.kind == t.account()) {
                all.push((t, member, key));
            }
        }
    }
    all.sort_by(|(a, ..), (b, ..)| data::listing_order(a, b));
    let transactions: Vec<TransactionView> = page
        .slice(&all)
        .iter()
        .map(|(t, member, key)| {
            TransactionView::of(t, accounts::guid(*key, t.account()), owner(user, member))
        })
        .collect();
    TransactionsPage {
        pagination: views::pagination(page.pagination(all.len())),
        transactions,
    }
}

/// A page of transactions, its keys in the order a JSON object prints them (sorted).
#[derive(Serialize)]
struct TransactionsPage {
    pagination: Value,
    transactions: Vec<TransactionView>,
}

impl TransactionsPage {
    /// The `200` answer, printed (outside the world's lock).
    fn answer(&self) -> Answer {
        Ok(respond::json(StatusCode::OK, self))
    }
}

/// `GET /users/{u}/members/{m}/transactions`.
pub(crate) async fn member_transactions(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    let now = world.tick();
    let filter = filter_of(&uri, now, FilterSet::WithTimestamp)?;
    let (user, member) = member_of(&world, &user, &member)?;
    let listed = transaction_listing(&world, user, &[member], &filter, None, page);
    drop(world);
    listed.answer()
}

/// `GET /users/{u}/transactions`.
pub(crate) async fn user_transactions(
    Tenant(app): Tenant,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    let now = world.tick();
    let filter = filter_of(&uri, now, FilterSet::Standard)?;
    let (user, members) = user_and_members(&world, &user)?;
    let listed = transaction_listing(&world, user, &members, &filter, None, page);
    drop(world);
    listed.answer()
}

/// `GET /users/{u}/accounts/{a}/transactions`.
pub(crate) async fn account_transactions(
    Tenant(app): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path((user, account)) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    let now = world.tick();
    let filter = filter_of(&uri, now, FilterSet::Standard)?;
    let (user, member, found) = find_account(&world, &user, &account)?;
    let listed = transaction_listing(&world, user, &[member], &filter, Some(&found), page);
    drop(world);
    listed.answer()
}

/// `GET /users/{u}/members/{m}/accounts/{a}/transactions`.
pub(crate) async fn member_account_transactions(
    Tenant(app): Tenant,
    path: Result<Path<(String, String, String)>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path((user, member, account)) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    let now = world.tick();
    let filter = filter_of(&uri, now, FilterSet::Standard)?;
    let (user, member) = member_of(&world, &user, &member)?;
    let found = accounts::find(key(&world, member), &member.ledger, &account)
        .ok_or_else(|| ApiError::not_found("account not found"))?;
    let listed = transaction_listing(&world, user, &[member], &filter, Some(&found), page);
    drop(world);
    listed.answer()
}

/// `GET /users/{u}/transactions/{t}`: `{"transaction": …}`, as MX's SDKs read it.
pub(crate) async fn user_transaction(
    Tenant(app): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((user, guid)) = path.map_err(path_error)?;
    let mut world = app.lock();
    world.tick();
    let (user, members) = user_and_members(&world, &user)?;
    let (member, key, found) = members
        .into_iter()
        .find_map(|m| {
            let key = key(&world, m);
            ledger::find(key, &m.ledger, &guid).map(|t| (m, key, t))
        })
        .ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let view = data_wire::transaction(
        &found,
        &accounts::guid(key, found.account()),
        owner(user, member),
    );
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "transaction": view }),
    ))
}

/// `GET /users/{u}/members/{m}/accounts/{a}/transactions/{t}`: `{"transaction": …}`, as
/// the user-level read answers; 404 when the account or the member does not have it.
pub(crate) async fn member_account_transaction(
    Tenant(app): Tenant,
    path: Result<Path<(String, String, String, String)>, PathRejection>,
) -> Answer {
    let Path((user, member, account, guid)) = path.map_err(path_error)?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let key = key(&world, member);
    let account = accounts::find(key, &member.ledger, &account)
        .ok_or_else(|| ApiError::not_found("account not found"))?;
    let found = ledger::find(key, &member.ledger, &guid)
        .filter(|t| t.account() == account.kind)
        .ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let view = data_wire::transaction(&found, &account.guid, owner(user, member));
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "transaction": view }),
    ))
}
