//! `GET /institutions`, `GET /institutions/{code}`, `GET /institutions/{code}/credentials`
//! and a member's credential fields `GET /users/{u}/members/{m}/credentials` (MX's OpenAPI
//! v20250224: `listInstitutions`, `readInstitution`, `listInstitutionCredentials`,
//! `listMemberCredentials`).

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, page_of, path_error, query_value, query_values};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::http::routes::data::member_of;
use crate::model::data::query::{MAX_INSTITUTIONS_PER_PAGE, Page};
use crate::model::institutions::{self, Product};
use crate::wire::views;

/// The institutions whose name holds `name` (case-insensitive) and that support every
/// product of `supported_products`, paged by the list's own rule: 10 to 100 a page, the
/// default 25 above 100.
pub(crate) async fn list(uri: Uri) -> Answer {
    let query = uri.query();
    let page = Page::at_most(query, MAX_INSTITUTIONS_PER_PAGE)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    let name = query_value(query, "name")?;
    let products = query_values(query, "supported_products")?
        .iter()
        .map(|value| {
            Product::parse(value).ok_or_else(|| {
                let known: Vec<&str> = Product::ALL.iter().map(|p| p.as_str()).collect();
                ApiError::bad_request(format!(
                    "supported_products: unknown product {value:?}; expected one of {}",
                    known.join(", ")
                ))
            })
        })
        .collect::<Result<Vec<Product>, ApiError>>()?;
    let countries = query_values(query, "iso_country_code")?;
    let found = if countries.is_empty() || countries.iter().any(|c| c.eq_ignore_ascii_case("US")) {
        institutions::search(name.as_deref().filter(|n| !n.is_empty()), &products)
    } else {
        // Every institution the emulator has is in the US.
        Vec::new()
    };
    let all: Vec<Value> = found.iter().map(|i| views::institution(i)).collect();
    Ok(respond::json(
        StatusCode::OK,
        &json!({
            "institutions": page.slice(&all),
            "pagination": views::pagination(page.pagination(all.len())),
        }),
    ))
}

/// `{"institution": …}` for the institution with `code`.
pub(crate) async fn read(path: Result<Path<String>, PathRejection>) -> Answer {
    let Path(code) = path.map_err(path_error)?;
    let institution =
        institutions::find(&code).ok_or_else(|| ApiError::not_found("institution not found"))?;
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "institution": views::institution(institution) }),
    ))
}

/// The credential fields an institution's login form asks for.
pub(crate) async fn credentials(path: Result<Path<String>, PathRejection>, uri: Uri) -> Answer {
    let Path(code) = path.map_err(path_error)?;
    fields_of(&code, &uri)
}

/// `GET /users/{u}/members/{m}/credentials` (`listMemberCredentials`): the credential
/// fields of the member's institution, as `listInstitutionCredentials` lists them. A
/// credential field carries no value (`CredentialResponse` has none): what the member
/// entered is never answered.
pub(crate) async fn member_credentials(
    Tenant(app): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let code = {
        let mut world = app.lock();
        world.tick();
        let (_, member) = member_of(&world, &user, &member)?;
        member.institution_code.clone()
    };
    fields_of(&code, &uri)
}

/// A page of the credential fields of the institution `code`.
fn fields_of(code: &str, uri: &Uri) -> Answer {
    let page = page_of(uri.query())?;
    let institution =
        institutions::find(code).ok_or_else(|| ApiError::not_found("institution not found"))?;
    let fields: Vec<_> = page
        .slice(institution.credentials)
        .iter()
        .map(views::credential)
        .collect();
    let pagination = page.pagination(institution.credentials.len());
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "credentials": fields, "pagination": views::pagination(pagination) }),
    ))
}
