//! What the premium jobs read: `GET …/members/{m}/statements`, `…/statements/{s}`, the
//! statement's PDF `…/statements/{s}.pdf`, `…/account_numbers` and `…/account_owners`
//! (MX's OpenAPI v20250224: `listStatementsByMember`, `readStatementByMember`,
//! `downloadStatementPDF`, `listAccountNumbersByMember`, `listAccountNumbersByAccount`,
//! `listAccountOwnersByMember`).
//! Each list is empty until the job that reads it has succeeded (a statement fetch, a
//! verification, an identification), as MX has nothing to show before.

use axum::body::Body;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::Answer;
use super::data::{find_account, key, listing, member_of, owner};
use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, page_of, path_error};
use crate::http::respond;
use crate::model::data::premium;
use crate::model::member::JobKind;
use crate::wire::premium as wire;

/// `GET …/members/{m}/statements`.
pub(crate) async fn statements(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let fetched = member.premium.last_success(JobKind::Statements);
    let all: Vec<Value> = premium::statements(key(&world, member), &member.ledger, fetched)
        .iter()
        .map(|s| wire::statement(s, owner(user, member)))
        .collect();
    listing("statements", page, &all)
}

/// `GET …/members/{m}/statements/{s}`, and `…/statements/{s}.pdf` for its PDF (one route:
/// the router's segments cannot end in a suffix).
pub(crate) async fn statement(
    Tenant(app): Tenant,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Answer {
    let Path((user, member, statement)) = path.map_err(path_error)?;
    let (guid, pdf) = statement
        .strip_suffix(".pdf")
        .map_or((statement.as_str(), false), |guid| (guid, true));
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let fetched = member.premium.last_success(JobKind::Statements);
    let found = premium::statement(key(&world, member), &member.ledger, fetched, guid)
        .ok_or_else(|| ApiError::not_found("statement not found"))?;
    if pdf {
        let mut response = Response::new(Body::from(premium::statement_pdf(&found, &member.guid)));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pdf"),
        );
        return Ok(response);
    }
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "statement": wire::statement(&found, owner(user, member)) }),
    ))
}

/// `GET …/members/{m}/account_numbers`: the checking and savings accounts' numbers once a
/// verification has succeeded.
pub(crate) async fn account_numbers(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let verified = member.premium.last_success(JobKind::Verification).is_some();
    let all: Vec<Value> = premium::account_numbers(key(&world, member), &member.ledger, verified)
        .iter()
        .map(|n| wire::account_number(n, owner(user, member)))
        .collect();
    listing("account_numbers", page, &all)
}

/// `GET /users/{u}/accounts/{a}/account_numbers`: the account's numbers once a
/// verification of its member has succeeded (none for a card or an investment account);
/// 404 for an account the user does not have.
pub(crate) async fn account_numbers_by_account(
    Tenant(app): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path((user, account)) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, member, found) = find_account(&world, &user, &account)?;
    let verified = member.premium.last_success(JobKind::Verification).is_some();
    let all: Vec<Value> = premium::account_numbers(key(&world, member), &member.ledger, verified)
        .iter()
        .filter(|n| n.account.guid == found.guid)
        .map(|n| wire::account_number(n, owner(user, member)))
        .collect();
    listing("account_numbers", page, &all)
}

/// `GET …/members/{m}/account_owners`: the accounts' owners once an identification has
/// succeeded.
pub(crate) async fn account_owners(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let mut world = app.lock();
    world.tick();
    let (user, member) = member_of(&world, &user, &member)?;
    let identified = member
        .premium
        .last_success(JobKind::Identification)
        .is_some();
    let all: Vec<Value> = premium::account_owners(key(&world, member), &member.ledger, identified)
        .iter()
        .map(|o| wire::account_owner(o, owner(user, member)))
        .collect();
    listing("account_owners", page, &all)
}
