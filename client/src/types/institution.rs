//! `InstitutionResponse` and the page that lists it (SPEC25 `InstitutionsResponseBody`,
//! `InstitutionResponseBody`): what an end user picks before entering credentials.

use serde::{Deserialize, Serialize};

use super::pagination::Pagination;

/// An institution (`GET /institutions/{code}`, `GET /institutions?name=…`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Institution {
    /// MX's code for it, e.g. `mxbank`: what a member is created with.
    pub code: Option<String>,
    /// MX's identifier, `INS-…`.
    pub guid: Option<String>,
    /// Its name, e.g. `MX Bank`.
    pub name: Option<String>,
    /// Its website.
    pub url: Option<String>,
    /// The products it supports, e.g. `account_verification`, `statements`.
    pub supported_products: Option<Vec<String>>,
    /// True when members connect to it through OAuth.
    pub supports_oauth: Option<bool>,
    /// True when the client disabled it.
    pub is_disabled_by_client: Option<bool>,
    /// True when it is hidden from the end user.
    pub is_hidden: Option<bool>,
    /// Its ISO 3166 country code.
    pub iso_country_code: Option<String>,
    /// Text to show beside the credential form.
    pub instructional_text: Option<String>,
    /// Where to recover a forgotten password.
    pub forgot_password_url: Option<String>,
    /// Where to recover a forgotten username.
    pub forgot_username_url: Option<String>,
    /// Where to get help signing in.
    pub trouble_signing_in_url: Option<String>,
    /// Its small logo.
    pub small_logo_url: Option<String>,
    /// Its medium logo.
    pub medium_logo_url: Option<String>,
    /// True when MX reads tax documents from it.
    pub supports_tax_document: Option<bool>,
    /// When MX created the record.
    pub created_at: Option<String>,
}

/// A page of institutions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InstitutionsPage {
    /// The institutions on this page.
    pub institutions: Vec<Institution>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}
