//! `GET /institutions/{code}/credentials`.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::extract::{page_of, path_error};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::institutions;
use crate::wire::views;

/// The credential fields an institution's login form asks for.
pub(crate) async fn credentials(path: Result<Path<String>, PathRejection>, uri: Uri) -> Answer {
    let Path(code) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let institution =
        institutions::find(&code).ok_or_else(|| ApiError::not_found("institution not found"))?;
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
