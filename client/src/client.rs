//! [`MxClient`]: typed async calls to MX's member endpoints.

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde_json::json;
use tracing::Instrument;

use crate::config::{API_VERSION, MxConfig};
use crate::endpoint::{Endpoint, MemberRef};
use crate::error::MxError;
use crate::reply::Reply;
use crate::request_log::{CallTally, LoggedRequest, RequestLog};
use crate::types::{
    Challenge, ChallengeAnswer, CredentialField, Member, MemberCreate, MemberStatus, MemberUpdate,
    MembersPage, OauthWindow, User, UserCreate,
};

/// The media type of a statement's PDF (SPEC25 `downloadStatementPDF`).
const PDF_MEDIA_TYPE: &str = "application/vnd.mx.api.v1+pdf";

/// An MX client: base URL, Basic auth, `Accept: application/json` and
/// `Accept-Version: v20250224` on every request, the configured timeouts.
///
/// Two layers: [`send`](Self::send) returns MX's answer as it came ([`Reply`]), which
/// the driver hands to `mx_aggregation`'s classification and decisions; the typed methods
/// (`create_user`, `read_member`, …) turn a 2xx into its body and anything else into
/// [`MxError::Api`]. Cloning is cheap and shares the connection pool.
#[derive(Debug, Clone)]
pub struct MxClient {
    http: reqwest::Client,
    config: MxConfig,
    log: Option<RequestLog>,
    tally: Option<CallTally>,
}

impl MxClient {
    /// A client for `config`.
    ///
    /// # Errors
    /// [`MxError::Setup`] when the HTTP client cannot be built.
    pub fn new(config: MxConfig) -> Result<Self, MxError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert("Accept-Version", HeaderValue::from_static(API_VERSION));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(MxError::Setup)?;
        Ok(Self {
            http,
            config,
            log: None,
            tally: None,
        })
    }

    /// The same client, counting every call in `tally` (by name and status) and
    /// keeping MX's latest `Retry-After` there.
    #[must_use]
    pub fn with_call_tally(mut self, tally: CallTally) -> Self {
        self.tally = Some(tally);
        self
    }

    /// The same client, recording every call in `log`.
    #[must_use]
    pub fn with_request_log(mut self, log: RequestLog) -> Self {
        self.log = Some(log);
        self
    }

    /// The configuration.
    pub const fn config(&self) -> &MxConfig {
        &self.config
    }

    /// Makes the call and returns MX's answer, whatever its status.
    ///
    /// # Errors
    /// [`MxError::Transport`] when no answer came (including a timeout).
    pub async fn send<B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: Option<&B>,
    ) -> Result<Reply, MxError> {
        let span = tracing::info_span!(
            "mx.call",
            endpoint = endpoint.name(),
            method = endpoint.method(),
            path = %endpoint.path(),
            status = tracing::field::Empty,
        );
        self.send_inner(endpoint, body)
            .instrument(span)
            .await
            .map(|(reply, _)| reply)
    }

    /// Makes the call and returns MX's answer with the body's bytes when it succeeded and
    /// `endpoint` answers bytes rather than JSON (a statement's PDF): then the reply's
    /// `body` is empty. Any other answer carries its body as text, the bytes empty.
    ///
    /// # Errors
    /// [`MxError::Transport`] when no answer came (including a timeout).
    pub(crate) async fn send_for_bytes(
        &self,
        endpoint: &Endpoint,
    ) -> Result<(Reply, Vec<u8>), MxError> {
        let span = tracing::info_span!(
            "mx.call",
            endpoint = endpoint.name(),
            method = endpoint.method(),
            path = %endpoint.path(),
            status = tracing::field::Empty,
        );
        self.send_inner::<()>(endpoint, None).instrument(span).await
    }

    async fn send_inner<B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: Option<&B>,
    ) -> Result<(Reply, Vec<u8>), MxError> {
        let url = format!("{}{}", self.config.base_url, endpoint.path());
        let method = match endpoint.method() {
            "POST" => reqwest::Method::POST,
            "PUT" => reqwest::Method::PUT,
            "DELETE" => reqwest::Method::DELETE,
            _ => reqwest::Method::GET,
        };
        let mut request = self
            .http
            .request(method, url)
            .basic_auth(&self.config.client_id, Some(&self.config.api_key));
        if let Some(body) = body {
            request = request.json(body);
        }
        let binary = endpoint.answers_bytes();
        if binary {
            // SPEC25 `downloadStatementPDF` answers `application/vnd.mx.api.v1+pdf`.
            request = request.header(ACCEPT, PDF_MEDIA_TYPE);
        }
        let result = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = Vec::from(response.bytes().await?);
            let (body, bytes) = if binary && (200..300).contains(&status) {
                (String::new(), bytes)
            } else {
                (text(bytes), Vec::new())
            };
            Ok::<_, reqwest::Error>((
                Reply {
                    endpoint: endpoint.name(),
                    status,
                    body,
                    retry_after,
                },
                bytes,
            ))
        }
        .await;
        let span = tracing::Span::current();
        match &result {
            Ok((reply, _)) => {
                span.record("status", reply.status);
                tracing::debug!(status = reply.status, "MX answered");
            }
            Err(error) => tracing::warn!(%error, "no answer from MX"),
        }
        if let Some(tally) = &self.tally {
            let answered = result.as_ref().ok().map(|(reply, _)| reply);
            tally.count(
                endpoint.name(),
                answered.map(|r| r.status),
                answered.and_then(|r| r.retry_after.as_deref()),
            );
        }
        if let Some(log) = &self.log {
            log.push(LoggedRequest {
                endpoint: endpoint.name(),
                method: endpoint.method(),
                path: endpoint.path(),
                status: result.as_ref().ok().map(|(r, _)| r.status),
                body: result
                    .as_ref()
                    .map(|(r, _)| r.body.clone())
                    .unwrap_or_default(),
            });
        }
        result.map_err(|source| MxError::transport(endpoint, source))
    }

    async fn call<B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: Option<&B>,
    ) -> Result<Reply, MxError> {
        self.send(endpoint, body).await?.success()
    }

    /// `POST /users`: a new end user.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"user": …}`.
    pub async fn create_user(&self, user: &UserCreate) -> Result<User, MxError> {
        self.call(&Endpoint::CreateUser, Some(&json!({ "user": user })))
            .await?
            .envelope("user")
    }

    /// `GET /users/{user}`: the user `user` names, its guid or the caller's `id` (how a
    /// create whose answer was lost is found: MX answers the repeat 409).
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`404`: no such user), or a body that is not
    /// `{"user": …}`.
    pub async fn read_user(&self, user: &str) -> Result<User, MxError> {
        let endpoint = Endpoint::ReadUser {
            user: user.to_owned(),
        };
        self.call::<()>(&endpoint, None).await?.envelope("user")
    }

    /// `GET /institutions/{code}/credentials`: the login fields to show.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"credentials": […]}`.
    pub async fn credentials(&self, institution: &str) -> Result<Vec<CredentialField>, MxError> {
        let endpoint = Endpoint::Credentials {
            institution: institution.to_owned(),
        };
        self.call::<()>(&endpoint, None)
            .await?
            .envelope("credentials")
    }

    /// `POST /users/{user}/members`: a new member; MX starts aggregating it by itself
    /// (`202`), unless it uses OAuth.
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`409`: it exists already), or a body that is not
    /// `{"member": …}`.
    pub async fn create_member(
        &self,
        user: &str,
        member: &MemberCreate,
    ) -> Result<Member, MxError> {
        let endpoint = Endpoint::CreateMember {
            user: user.to_owned(),
        };
        self.call(&endpoint, Some(&json!({ "member": member })))
            .await?
            .envelope("member")
    }

    /// `GET /users/{user}/members`, one page.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not a members page.
    pub async fn list_members(
        &self,
        user: &str,
        page: u32,
        per_page: u32,
    ) -> Result<MembersPage, MxError> {
        let endpoint = Endpoint::ListMembers {
            user: user.to_owned(),
            page,
            per_page,
        };
        self.call::<()>(&endpoint, None)
            .await?
            .json("{\"members\": […]}")
    }

    /// Every member of `user`, page after page (100 a page).
    ///
    /// # Errors
    /// As [`list_members`](Self::list_members).
    pub async fn all_members(&self, user: &str) -> Result<Vec<Member>, MxError> {
        let mut members = Vec::new();
        let mut page = 1;
        loop {
            let answer = self.list_members(user, page, 100).await?;
            members.extend(answer.members);
            if !answer.pagination.has_next() {
                return Ok(members);
            }
            page = page.saturating_add(1);
        }
    }

    /// `GET /users/{user}/members/{member}`.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"member": …}`.
    pub async fn read_member(&self, member: &MemberRef) -> Result<Member, MxError> {
        self.call::<()>(&Endpoint::ReadMember(member.clone()), None)
            .await?
            .envelope("member")
    }

    /// `PUT /users/{user}/members/{member}`: new credentials or metadata.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"member": …}`.
    pub async fn update_member(
        &self,
        member: &MemberRef,
        update: &MemberUpdate,
    ) -> Result<Member, MxError> {
        let body = json!({ "member": update });
        self.call(&Endpoint::UpdateMember(member.clone()), Some(&body))
            .await?
            .envelope("member")
    }

    /// `DELETE /users/{user}/members/{member}`.
    ///
    /// # Errors
    /// Transport or a non-2xx answer.
    pub async fn delete_member(&self, member: &MemberRef) -> Result<(), MxError> {
        self.call::<()>(&Endpoint::DeleteMember(member.clone()), None)
            .await
            .map(drop)
    }

    /// `GET …/status`.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"member": …}`.
    pub async fn member_status(&self, member: &MemberRef) -> Result<MemberStatus, MxError> {
        self.call::<()>(&Endpoint::Status(member.clone()), None)
            .await?
            .envelope("member")
    }

    /// `GET …/challenges`: the open MFA challenges; empty when MX answers `204` (nothing
    /// to answer).
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"challenges": […]}`.
    pub async fn challenges(&self, member: &MemberRef) -> Result<Vec<Challenge>, MxError> {
        let reply = self
            .call::<()>(&Endpoint::Challenges(member.clone()), None)
            .await?;
        if reply.status == 204 || reply.body.trim().is_empty() {
            return Ok(Vec::new());
        }
        reply.envelope("challenges")
    }

    /// `PUT …/resume`: the end user's answers to the challenges.
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`405`: the member is not challenged), or a body that
    /// is not `{"member": …}`.
    pub async fn resume(
        &self,
        member: &MemberRef,
        answers: &[ChallengeAnswer],
    ) -> Result<Member, MxError> {
        self.call(
            &Endpoint::Resume(member.clone()),
            Some(&resume_body(answers)),
        )
        .await?
        .envelope("member")
    }

    /// `POST …/aggregate`. A `202` may mean "started", "already running" or "inside the
    /// throttle window, nothing started": the driver tells them apart through
    /// `mx_aggregation`'s classification of [`send`](Self::send)'s reply.
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`409`: another job runs), or a body that is not
    /// `{"member": …}`.
    pub async fn aggregate(&self, member: &MemberRef) -> Result<Member, MxError> {
        self.call::<()>(&Endpoint::Aggregate(member.clone()), None)
            .await?
            .envelope("member")
    }

    /// `POST …/verify`: instant account verification.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"member": …}`.
    pub async fn verify(&self, member: &MemberRef) -> Result<Member, MxError> {
        self.call::<()>(&Endpoint::Verify(member.clone()), None)
            .await?
            .envelope("member")
    }

    /// `GET …/oauth_window_uri`: a new one-time OAuth window (the previous one stops
    /// working).
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"member": …}`.
    pub async fn oauth_window_uri(&self, member: &MemberRef) -> Result<OauthWindow, MxError> {
        self.call::<()>(&Endpoint::OauthWindowUri(member.clone()), None)
            .await?
            .envelope("member")
    }
}

/// `{"member": {"challenges": [{"guid": …, "value": …}, …]}}`.
pub(crate) fn resume_body(answers: &[ChallengeAnswer]) -> serde_json::Value {
    json!({ "member": { "challenges": answers } })
}

/// An answer's body as text: moved, not copied, when it is UTF-8 (MX's JSON always is;
/// the check is the standard library's fast one), with U+FFFD for what is not.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
mod text_tests {
    use super::text;

    #[test]
    fn utf8_is_kept_and_anything_else_is_replaced() {
        assert_eq!(text(b"{\"a\":\"\xc3\xa9\"}".to_vec()), "{\"a\":\"\u{e9}\"}");
        assert_eq!(text(b"a\xffb".to_vec()), "a\u{fffd}b");
    }
}
