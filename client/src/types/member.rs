//! `MemberResponse`, `MemberStatusResponse`, `OAuthWindowResponse` and the bodies of
//! member create and update requests.

use mx_aggregation::MemberJson;
use serde::{Deserialize, Serialize};

use super::challenge::Challenge;
use super::credential::CredentialValue;
use super::pagination::Pagination;

/// The body of `POST /users/{user}/members` (inside `{"member": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberCreate {
    /// The institution, e.g. `mxbank` or `mx_bank_oauth`.
    pub institution_code: String,
    /// One value per credential field of the institution; empty for an OAuth member.
    pub credentials: Vec<CredentialValue>,
    /// True to connect through the institution's OAuth window instead of credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_oauth: Option<bool>,
    /// Your own identifier for the member: after a lost answer to create, the driver
    /// finds the member by it instead of creating it twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Free text MX stores for you.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// True to keep MX from aggregating the member in the background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_aggregation_is_disabled: Option<bool>,
    /// True to keep MX from starting the aggregation a create starts by itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_aggregation: Option<bool>,
}

/// The body of `PUT /users/{user}/members/{member}` (inside `{"member": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberUpdate {
    /// New credential values; MX aggregates by itself after an update that has them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<CredentialValue>,
    /// Your own identifier for the member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Free text MX stores for you.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// True to keep MX from aggregating the member in the background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_aggregation_is_disabled: Option<bool>,
}

/// A member as MX answers a read, create, update or job call (`{"member": …}`).
///
/// The fields the driver needs are typed; decisions are made on the JSON MX sent, by
/// `mx_aggregation`, not on this struct.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    /// MX's identifier, `MBR-…`.
    pub guid: Option<String>,
    /// The owning user's guid.
    pub user_guid: Option<String>,
    /// Your identifier, when you gave one.
    pub id: Option<String>,
    /// The institution's code.
    pub institution_code: Option<String>,
    /// The institution's name, or the name you gave.
    pub name: Option<String>,
    /// MX's connection status, e.g. `CONNECTED`, `CHALLENGED`; `None` before any.
    pub connection_status: Option<String>,
    /// MX's text about the status, for support and logs.
    pub connection_status_message: Option<String>,
    /// True while a job runs on the member.
    pub is_being_aggregated: Option<bool>,
    /// When the latest aggregation-type job started (RFC 3339).
    pub aggregated_at: Option<String>,
    /// When the latest job succeeded (RFC 3339).
    pub successfully_aggregated_at: Option<String>,
    /// True for a member connected through OAuth.
    pub is_oauth: Option<bool>,
    /// The OAuth window to send the end user to, when MX includes it.
    pub oauth_window_uri: Option<String>,
    /// True when MX needs new credentials.
    pub needs_updated_credentials: Option<bool>,
    /// True when MX does not aggregate the member in the background.
    pub background_aggregation_is_disabled: Option<bool>,
    /// True for a manual member (MX never aggregates it).
    pub is_manual: Option<bool>,
    /// The latest job's guid.
    pub most_recent_job_guid: Option<String>,
    /// What you stored with the member.
    pub metadata: Option<String>,
    /// The optional `error` object (`error_code`, `user_message`, …) some MX versions
    /// send, kept as MX sent it (an object or a JSON string).
    pub error: Option<serde_json::Value>,
}

impl Member {
    /// The text to show the end user about the member's problem: `error.user_message`
    /// when MX sent one (as an object or a JSON string), as `mx_aggregation` reads it
    /// ([`MemberJson::user_message`], the message its explanations show).
    pub fn user_message(&self) -> Option<String> {
        let error = self.error.as_ref()?;
        let text = serde_json::json!({ "error": error }).to_string();
        MemberJson::parse(&text)
            .ok()?
            .user_message()
            .map(str::to_owned)
    }
}

/// A member's status (`GET …/status`, `MemberStatusResponse`): the job flags and times,
/// and the open challenges.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberStatus {
    /// MX's identifier, `MBR-…`.
    pub guid: Option<String>,
    /// MX's connection status.
    pub connection_status: Option<String>,
    /// True while a job runs on the member.
    pub is_being_aggregated: Option<bool>,
    /// When the latest aggregation-type job started (RFC 3339).
    pub aggregated_at: Option<String>,
    /// When the latest job succeeded (RFC 3339).
    pub successfully_aggregated_at: Option<String>,
    /// True once MX has logged in at the institution.
    pub is_authenticated: Option<bool>,
    /// The open MFA challenges.
    pub challenges: Vec<Challenge>,
}

/// A page of a user's members (`GET /users/{user}/members`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MembersPage {
    /// The members on this page.
    pub members: Vec<Member>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}

/// A one-time OAuth window (`GET …/oauth_window_uri`, `OAuthWindowResponse`): send the
/// end user's browser to `oauth_window_uri`. MX may answer it under a new member guid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OauthWindow {
    /// The member the window authorizes (possibly a new guid).
    pub guid: Option<String>,
    /// The URI to open, once.
    pub oauth_window_uri: Option<String>,
}
