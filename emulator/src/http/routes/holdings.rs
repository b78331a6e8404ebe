//! A member's investment holdings, by member, by user, by account and one at a time (MX's
//! OpenAPI v20250224: `listHoldingsByMember`, `listHoldings`, `listHoldingsByAccount`,
//! `readHolding`). They are derived on each read from the member's successful
//! aggregations (`model::data::holdings`): a member that never succeeded has none, and
//! only its investment account holds any.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::Answer;
use super::data::{find_account, key, listing, member_of, user_and_members};
use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, page_of, path_error};
use crate::http::respond;
use crate::model::data::accounts;
use crate::model::data::catalog::AccountKind;
use crate::model::data::holdings;
use crate::model::member::{Member, User};
use crate::model::world::World;
use crate::wire::holdings as wire;

/// The member's holdings as MX shows them.
fn holding_views(world: &World, user: &User, member: &Member) -> Vec<Value> {
    let key = key(world, member);
    let account = accounts::guid(key, AccountKind::Investment);
    holdings::holdings(key, &member.ledger)
        .iter()
        .map(|h| wire::holding(h, &account, &user.guid))
        .collect()
}

/// `GET /users/{u}/members/{m}/investment_holdings`.
pub(crate) async fn by_member(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    listing(
        "investment_holdings",
        page,
        &holding_views(&world, user, member),
    )
}

/// `GET /users/{u}/investment_holdings`: every member's, in the members' creation order.
pub(crate) async fn by_user(
    Tenant(app): Tenant,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, members) = user_and_members(&world, &user)?;
    let all: Vec<Value> = members
        .iter()
        .flat_map(|m| holding_views(&world, user, m))
        .collect();
    listing("investment_holdings", page, &all)
}

/// `GET /users/{u}/accounts/{a}/investment_holdings`: the investment account's holdings,
/// an empty list for another account, 404 for an account the user does not have.
pub(crate) async fn by_account(
    Tenant(app): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path((user, account)) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, member, found) = find_account(&world, &user, &account)?;
    let all = if found.kind.carries_transactions() {
        Vec::new()
    } else {
        holding_views(&world, user, member)
    };
    listing("investment_holdings", page, &all)
}

/// `GET /users/{u}/investment_holdings/{h}`: `{"investment_holding": …}`, 404 when none
/// of the user's members holds it.
pub(crate) async fn read(
    Tenant(app): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((user, guid)) = path.map_err(path_error)?;
    let mut world = app.lock();
    world.tick();
    let (user, members) = user_and_members(&world, &user)?;
    let (key, found) = members
        .into_iter()
        .find_map(|m| {
            let key = key(&world, m);
            holdings::find(key, &m.ledger, &guid).map(|h| (key, h))
        })
        .ok_or_else(|| ApiError::not_found("investment holding not found"))?;
    let view = wire::holding(
        &found,
        &accounts::guid(key, AccountKind::Investment),
        &user.guid,
    );
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "investment_holding": view }),
    ))
}
