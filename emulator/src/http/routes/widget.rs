//! The Connect widget: `POST /users/{u}/widget_urls` (SPEC25 `requestWidgetURL`) hands
//! out a single-use URL on the emulator; `GET /connect/{token}` is the page (no
//! credentials, as the end user's browser loads it; 410 once used or after ten virtual
//! minutes); the page's own requests go to `/widget/{session}/…` and drive the members
//! through `model::requests::widget`.

use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::error::ApiError;
use crate::http::extract::{Tenant, parse, path_error, query_value};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::institutions::{self, INSTITUTIONS};
use crate::model::member::CredentialValue;
use crate::model::requests::mfa::ChallengeAnswer;
use crate::model::requests::widget;
use crate::model::widget::{ColorScheme, Mode, Unusable, WidgetOptions};
use crate::wire::{views, widget as wire};

const PAGE: &str = include_str!("../assets/widget.html");
const COMMON_CSS: &str = include_str!("../assets/common.css");
const WIDGET_CSS: &str = include_str!("../assets/widget.css");
const SCRIPT: &str = include_str!("../assets/widget.js");

/// The body of `POST /users/{u}/widget_urls`.
#[derive(Debug, Deserialize)]
struct Envelope {
    widget_url: RequestIn,
}

/// SPEC25 `WidgetRequest`, the Connect widget's options; MX's other options are
/// accepted and change nothing here.
#[derive(Debug, Deserialize)]
struct RequestIn {
    widget_type: Option<String>,
    mode: Option<String>,
    disable_background_agg: Option<bool>,
    current_member_guid: Option<String>,
    update_credentials: Option<bool>,
    include_transactions: Option<bool>,
    client_redirect_url: Option<String>,
    is_mobile_webview: Option<bool>,
    ui_message_version: Option<u32>,
    ui_message_webview_url_scheme: Option<String>,
    color_scheme: Option<String>,
}

impl RequestIn {
    /// The options, or 400 naming the field and the value MX does not define.
    fn options(self) -> Result<WidgetOptions, ApiError> {
        match self.widget_type.as_deref() {
            Some("connect_widget") => {}
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "widget_url.widget_type: the emulator serves connect_widget only, got {other:.60}"
                )));
            }
            None => {
                return Err(ApiError::bad_request(
                    "widget_url.widget_type is required (connect_widget)",
                ));
            }
        }
        if let Some(version) = self.ui_message_version
            && version != 4
        {
            return Err(ApiError::bad_request(format!(
                "widget_url.ui_message_version: the emulator sends version 4 messages only, got {version}"
            )));
        }
        let mode = match self.mode.as_deref() {
            None => Mode::Aggregation,
            Some(text) => Mode::parse(text).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "widget_url.mode must be aggregation or verification, got {text:.60}"
                ))
            })?,
        };
        let color_scheme = match self.color_scheme.as_deref() {
            None => ColorScheme::Light,
            Some(text) => ColorScheme::parse(text).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "widget_url.color_scheme must be light, dark or browser, got {text:.60}"
                ))
            })?,
        };
        if let Some(url) = &self.client_redirect_url
            && !url.contains("://")
        {
            return Err(ApiError::bad_request(format!(
                "widget_url.client_redirect_url must be an absolute URL, got {url:.60}"
            )));
        }
        let url_scheme = self
            .ui_message_webview_url_scheme
            .unwrap_or_else(|| "mx".to_owned());
        let scheme_ok = url_scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && url_scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !scheme_ok {
            return Err(ApiError::bad_request(format!(
                "widget_url.ui_message_webview_url_scheme is not a URL scheme: {url_scheme:.60}"
            )));
        }
        Ok(WidgetOptions {
            mode,
            disable_background_agg: self.disable_background_agg,
            current_member_guid: self.current_member_guid,
            update_credentials: self.update_credentials.unwrap_or(false),
            include_transactions: self.include_transactions,
            client_redirect_url: self.client_redirect_url,
            is_mobile_webview: self.is_mobile_webview.unwrap_or(false),
            url_scheme,
            color_scheme,
        })
    }
}

/// `POST /users/{user}/widget_urls`: a new single-use widget URL.
pub(crate) async fn create_url(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let Envelope { widget_url } = parse(body)?;
    let options = widget_url.options()?;
    let mut world = tenant.lock();
    let now = world.tick();
    let (token, user_id) = widget::issue(&mut world, &user, options, now)?;
    let url = wire::url(&world.cx.base_url, &token);
    Ok(respond::json(
        StatusCode::OK,
        &wire::widget_url(&url, user_id.as_deref()),
    ))
}

/// `GET /connect/{token}`: the widget page, once; 410 when used or expired.
pub(crate) async fn page(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(token)) = path else {
        return html(StatusCode::NOT_FOUND, &notice("No such widget URL."));
    };
    let mut world = tenant.lock();
    let now = world.tick();
    match widget::open(&mut world, &token, now) {
        Ok(session) => {
            let current = session
                .options
                .current_member_guid
                .as_deref()
                .and_then(|guid| world.member(guid));
            let config = wire::page_config(&session, current);
            let page = PAGE
                .replace("{{COLOR_SCHEME}}", session.options.color_scheme.as_str())
                .replace("{{STYLE}}", &format!("{COMMON_CSS}{WIDGET_CSS}"))
                .replace("{{SCRIPT}}", SCRIPT)
                .replace("{{CONFIG}}", &script_json(&config));
            html(StatusCode::OK, &page)
        }
        Err(Unusable::Used) => html(
            StatusCode::GONE,
            &notice("This widget URL was already used: request a new one."),
        ),
        Err(Unusable::Expired) => html(
            StatusCode::GONE,
            &notice("This widget URL has expired (ten minutes): request a new one."),
        ),
        Err(Unusable::Unknown) => html(StatusCode::NOT_FOUND, &notice("No such widget URL.")),
    }
}

/// JSON safe inside a `<script>` element: `<` never appears as such.
fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

fn notice(text: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Connect · MX emulator</title>\
         <style>{COMMON_CSS}</style><main style=\"max-width:420px;margin:24px auto\">\
         <p data-test=\"expired\">{text}</p></main></html>"
    )
}

fn html(status: StatusCode, body: &str) -> Response {
    let mut response = Response::new(Body::from(body.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// `GET /widget/{session}/institutions?search=`: the institutions whose name or code
/// contains the search (case-insensitive); all of them for an empty one.
pub(crate) async fn institutions(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path(session) = path.map_err(path_error)?;
    widget::session(&tenant.lock(), &session)?;
    let search = query_value(uri.query(), "search")?
        .unwrap_or_default()
        .to_lowercase();
    let found: Vec<Value> = INSTITUTIONS
        .iter()
        .filter(|i| {
            i.name.to_lowercase().contains(&search) || i.code.to_lowercase().contains(&search)
        })
        .map(wire::institution)
        .collect();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "institutions": found }),
    ))
}

/// `GET /widget/{session}/institutions/{code}/credentials`: the login form's fields.
pub(crate) async fn credentials(
    Tenant(tenant): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((session, code)) = path.map_err(path_error)?;
    widget::session(&tenant.lock(), &session)?;
    let institution =
        institutions::find(&code).ok_or_else(|| ApiError::not_found("institution not found"))?;
    let mut fields: Vec<_> = institution.credentials.to_vec();
    fields.sort_by_key(|f| f.display_order);
    let fields: Vec<Value> = fields.iter().map(views::credential).collect();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "credentials": fields }),
    ))
}

#[derive(Debug, Deserialize)]
struct CredentialIn {
    guid: String,
    value: String,
}

fn credential_values(given: Vec<CredentialIn>) -> Vec<CredentialValue> {
    given
        .into_iter()
        .map(|c| CredentialValue {
            guid: c.guid,
            value: c.value,
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct NewMemberIn {
    institution_code: String,
    #[serde(default)]
    credentials: Vec<CredentialIn>,
}

/// The member as the page follows it, with `status`.
fn member_view(
    world: &crate::model::world::World,
    guid: &str,
    extra: Option<(&str, Value)>,
) -> Answer {
    let member = world
        .member(guid)
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    let mut body = json!({ "member": wire::member(member, &world.cx.base_url) });
    if let Some((key, value)) = extra {
        body[key] = value;
    }
    Ok(respond::json(StatusCode::OK, &body))
}

/// `POST /widget/{session}/members`: the end user connects an institution.
pub(crate) async fn create_member(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Path(session) = path.map_err(path_error)?;
    let new: NewMemberIn = parse(body)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let (guid, token) = widget::create_member(
        &mut world,
        &session,
        &new.institution_code,
        credential_values(new.credentials),
        now,
    )?;
    let uri = token.map(|t| Value::String(views::oauth_uri(&world.cx.base_url, &t)));
    let answer = member_view(&world, &guid, uri.map(|u| ("oauth_window_uri", u)));
    drop(world);
    tenant.wake.notify_one();
    answer
}

/// `GET /widget/{session}/members/{member}`: the member as the page follows it.
pub(crate) async fn read_member(
    Tenant(tenant): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((session, member)) = path.map_err(path_error)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = widget::follow(&mut world, &session, &member, now)?;
    let answer = member_view(&world, &guid, None);
    drop(world);
    tenant.wake.notify_one();
    answer
}

#[derive(Debug, Deserialize)]
struct CredentialsIn {
    credentials: Vec<CredentialIn>,
}

/// `PUT /widget/{session}/members/{member}`: new credentials.
pub(crate) async fn update_member(
    Tenant(tenant): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Path((session, member)) = path.map_err(path_error)?;
    let given: CredentialsIn = parse(body)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = widget::update_credentials(
        &mut world,
        &session,
        &member,
        credential_values(given.credentials),
        now,
    )?;
    let answer = member_view(&world, &guid, None);
    drop(world);
    tenant.wake.notify_one();
    answer
}

#[derive(Debug, Deserialize)]
struct AnswersIn {
    challenges: Vec<CredentialIn>,
}

/// `PUT /widget/{session}/members/{member}/resume`: the end user's MFA answers.
pub(crate) async fn resume(
    Tenant(tenant): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Path((session, member)) = path.map_err(path_error)?;
    let given: AnswersIn = parse(body)?;
    let answers: Vec<ChallengeAnswer> = given
        .challenges
        .into_iter()
        .map(|a| ChallengeAnswer {
            guid: a.guid,
            value: a.value,
        })
        .collect();
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = widget::answer_mfa(&mut world, &session, &member, &answers, now)?;
    let answer = member_view(&world, &guid, None);
    drop(world);
    tenant.wake.notify_one();
    answer
}

/// `POST /widget/{session}/members/{member}/oauth_window`: a new OAuth window.
pub(crate) async fn oauth_window(
    Tenant(tenant): Tenant,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((session, member)) = path.map_err(path_error)?;
    let mut world = tenant.lock();
    world.tick();
    let token = widget::oauth_window(&mut world, &session, &member)?;
    let uri = views::oauth_uri(&world.cx.base_url, &token);
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "oauth_window_uri": uri }),
    ))
}
