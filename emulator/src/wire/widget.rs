//! The Connect widget's JSON: the `WidgetResponseBody` of `POST /users/{u}/widget_urls`
//! (SPEC25: `{"widget_url": {"type", "url", "user_id"}}`), the configuration the page
//! starts from, and the member as the page follows it.

use mx_aggregation::ConnectionStatus;
use serde_json::{Value, json};

use crate::model::institutions::Institution;
use crate::model::member::Member;
use crate::model::widget::{Session, Step};
use crate::wire::views;

/// The path under which widget URLs live: `{base}/connect/{token}`.
pub(crate) const URL_PREFIX: &str = "/connect/";

/// The path under which a session's page sends its requests: `/widget/{session}/…`.
pub(crate) const SESSION_PREFIX: &str = "/widget/";

/// The widget URL for `token`.
pub(crate) fn url(base_url: &str, token: &str) -> String {
    format!("{base_url}{URL_PREFIX}{token}")
}

/// `WidgetResponseBody`: `type`, `url` and the user's own `id` as `user_id`.
pub(crate) fn widget_url(url: &str, user_id: Option<&str>) -> Value {
    json!({ "widget_url": { "type": "connect_widget", "url": url, "user_id": user_id } })
}

/// What the page starts from: the session, its options, and where to send requests.
pub(crate) fn page_config(session: &Session, current: Option<&Member>) -> Value {
    let o = &session.options;
    json!({
        "api": format!("{SESSION_PREFIX}{}", session.guid),
        "color_scheme": o.color_scheme.as_str(),
        "current_member": current.map(|m| json!({
            "guid": m.guid,
            "institution_code": m.institution_code,
        })),
        "include_transactions": o.include_transactions,
        "is_mobile_webview": o.is_mobile_webview,
        "mode": o.mode.as_str(),
        "session_guid": session.guid,
        "ui_message_webview_url_scheme": o.url_scheme,
        "update_credentials": o.update_credentials,
        "user_guid": session.user_guid,
    })
}

/// An institution as the search lists it (the fields of MX's `selectedInstitution`
/// event, with whether it connects through OAuth). MX's `url` is the institution's
/// website; the emulator's test institutions have none, so it is empty.
pub(crate) fn institution(i: &Institution) -> Value {
    json!({
        "code": i.code,
        "guid": i.guid,
        "name": i.name,
        "is_oauth": i.supports_oauth,
        "url": "",
    })
}

/// The member as the page follows it: its status with MX's meaning, the step the widget
/// shows, the open challenges, and where its OAuth authorization stands (with the open
/// window's URI, the one `oauth-continue` opens).
pub(crate) fn member(m: &Member, base_url: &str) -> Value {
    let step = Step::of(m);
    let oauth = m.is_oauth.then(|| {
        if m.oauth_authorized {
            "authorized"
        } else if m.oauth_token.is_some() {
            "waiting"
        } else {
            "refused"
        }
    });
    json!({
        "guid": m.guid,
        "institution_code": m.institution_code,
        "connection_status": m.status.map(ConnectionStatus::as_str),
        "connection_status_id": m.status.map(ConnectionStatus::id),
        "message": m.status.map_or(
            "The member has no credentials yet.",
            ConnectionStatus::meaning,
        ),
        "is_being_aggregated": m.is_being_aggregated(),
        "step": step.as_str(),
        "challenges": m.challenges.iter().map(views::challenge).collect::<Vec<_>>(),
        "oauth": oauth,
        "oauth_window_uri": m.oauth_token.as_deref().map(|t| views::oauth_uri(base_url, t)),
    })
}
