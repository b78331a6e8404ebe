//! `UserCreateRequest` and `UserResponse`: the end user a member belongs to.

use serde::{Deserialize, Serialize};

/// The body of `POST /users` (inside `{"user": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct UserCreate {
    /// Your own identifier for the user; MX keeps it as `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The user's email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Free text MX stores for you.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

/// A user as MX answers it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// MX's identifier, `USR-…`: the `{user}` of every member path.
    pub guid: Option<String>,
    /// Your identifier, when you gave one.
    pub id: Option<String>,
    /// The user's email address.
    pub email: Option<String>,
    /// True when the user is disabled.
    pub is_disabled: Option<bool>,
    /// What you stored with the user.
    pub metadata: Option<String>,
}
