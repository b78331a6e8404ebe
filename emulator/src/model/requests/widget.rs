//! What the Connect widget does for the end user: it creates members, sends MFA answers,
//! opens OAuth windows and updates credentials through the same flows as the API calls
//! (`requests::members`, `requests::mfa`, `requests::oauth`, `requests::jobs`), so a
//! member born in the widget is one an API caller could have made, webhooks included.
//!
//! `mode: verification` (SPEC25 `mode`: "`verification` mode … runs an Instant Account
//! Verification (IAV) … By default, background aggregation is disabled for all members
//! created in verification mode") creates the member with `skip_aggregation` and starts
//! a verification instead; an OAuth member's window then skips the aggregation too, and
//! the verification starts once the end user has authorized it.

use chrono::{DateTime, Utc};

use crate::model::institutions;
use crate::model::member::{CredentialValue, JobKind, OAuthWindow};
use crate::model::refusal::{Refusal, Refused};
use crate::model::requests::jobs;
use crate::model::requests::members::{self, MemberChanges, NewMember};
use crate::model::requests::mfa::{self, ChallengeAnswer};
use crate::model::requests::oauth;
use crate::model::widget::{Mode, Session, Unusable, WidgetOptions};
use crate::model::world::World;

/// A new widget URL token for the user `user` (GUID or partner id); `current_member`
/// must be one of the user's members. Returns the token and the user's `id`.
pub(crate) fn issue(
    world: &mut World,
    user: &str,
    mut options: WidgetOptions,
    now: DateTime<Utc>,
) -> Refused<(String, Option<String>)> {
    let user_guid = world.user_guid(user)?;
    if let Some(member) = &options.current_member_guid {
        options.current_member_guid = Some(world.member_guid(&user_guid, member)?);
    }
    let user_id = world.user(&user_guid).and_then(|u| u.id.clone());
    let token = world.cx.ids.token();
    world.widgets.issue(token.clone(), user_guid, options, now);
    Ok((token, user_id))
}

/// Loads the widget URL `token` at `now`: a new session, or why the URL cannot load.
pub(crate) fn open(
    world: &mut World,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Session, Unusable> {
    let guid = world.cx.ids.next("SES");
    world.widgets.open(token, guid, now).cloned()
}

/// The session `guid`.
pub(crate) fn session(world: &World, guid: &str) -> Refused<Session> {
    world
        .widgets
        .session(guid)
        .cloned()
        .ok_or(Refusal::NotFound("widget session not found"))
}

/// The member `member` of the session's user, by GUID.
fn own_member(world: &World, session: &Session, member: &str) -> Refused<String> {
    world.member_guid(&session.user_guid, member)
}

/// The OAuth window the session asks for: no aggregation in verification mode, and the
/// session's `client_redirect_url`.
fn window_of(session: &Session) -> OAuthWindow {
    OAuthWindow {
        skip_aggregation: session.options.mode == Mode::Verification,
        client_redirect_url: session.options.client_redirect_url.clone(),
    }
}

/// Starts the verification of `guid` in verification mode (nothing in aggregation
/// mode, where the create or update call started the aggregation).
fn verify_if_asked(
    world: &mut World,
    session: &Session,
    guid: &str,
    now: DateTime<Utc>,
) -> Refused<()> {
    if session.options.mode == Mode::Verification {
        jobs::start(
            world,
            &session.user_guid,
            guid,
            JobKind::Verification,
            None,
            now,
        )?;
    }
    Ok(())
}

/// The end user picked `institution_code` and, for a credential institution, typed
/// `credentials`: the member is created (an OAuth one `PENDING`, with a window the page
/// opens). Returns the member's GUID and, for OAuth, the window's token.
pub(crate) fn create_member(
    world: &mut World,
    session_guid: &str,
    institution_code: &str,
    credentials: Vec<CredentialValue>,
    now: DateTime<Utc>,
) -> Refused<(String, Option<String>)> {
    let session = session(world, session_guid)?;
    let institution = institutions::find(institution_code).ok_or_else(|| {
        Refusal::Invalid(format!("unknown institution_code {institution_code:.60}"))
    })?;
    let verification = session.options.mode == Mode::Verification;
    let new = NewMember {
        institution_code: Some(institution.code.to_owned()),
        credentials,
        is_oauth: institution.supports_oauth,
        background_disabled: session.options.background_disabled(),
        skip_aggregation: verification,
        ..NewMember::default()
    };
    let (guid, _) = members::create(world, &session.user_guid, new, now)?;
    if institution.supports_oauth {
        let (_, token) = oauth::new_window(world, &session.user_guid, &guid, window_of(&session))?;
        if verification && let Some(open) = world.widgets.session_mut(session_guid) {
            open.verify_after_oauth.push(guid.clone());
        }
        return Ok((guid, Some(token)));
    }
    verify_if_asked(world, &session, &guid, now)?;
    Ok((guid, None))
}

/// New credentials for the session's member `member`: it moves to `UPDATED` and MX
/// aggregates it (verifies it in verification mode).
pub(crate) fn update_credentials(
    world: &mut World,
    session_guid: &str,
    member: &str,
    credentials: Vec<CredentialValue>,
    now: DateTime<Utc>,
) -> Refused<String> {
    let session = session(world, session_guid)?;
    let guid = own_member(world, &session, member)?;
    if credentials.is_empty() {
        return Err(Refusal::Invalid("credentials: none given".to_owned()));
    }
    let changes = MemberChanges {
        credentials,
        skip_aggregation: session.options.mode == Mode::Verification,
        ..MemberChanges::default()
    };
    members::update(world, &session.user_guid, &guid, changes, now)?;
    verify_if_asked(world, &session, &guid, now)?;
    Ok(guid)
}

/// The end user's MFA answers for the session's member `member`.
pub(crate) fn answer_mfa(
    world: &mut World,
    session_guid: &str,
    member: &str,
    answers: &[ChallengeAnswer],
    now: DateTime<Utc>,
) -> Refused<String> {
    let session = session(world, session_guid)?;
    let guid = mfa::challenged(world, &session.user_guid, member)?;
    mfa::resume(world, &guid, answers, None, now)?;
    Ok(guid)
}

/// A new OAuth window for the session's member `member` (after a refusal); returns its
/// token.
pub(crate) fn oauth_window(world: &mut World, session_guid: &str, member: &str) -> Refused<String> {
    let session = session(world, session_guid)?;
    let guid = own_member(world, &session, member)?;
    let (_, token) = oauth::new_window(world, &session.user_guid, &guid, window_of(&session))?;
    Ok(token)
}

/// The session's member `member` as the page polls it, at `now`: in verification mode an
/// OAuth member the end user has just authorized starts its verification here. Returns
/// the member's GUID.
pub(crate) fn follow(
    world: &mut World,
    session_guid: &str,
    member: &str,
    now: DateTime<Utc>,
) -> Refused<String> {
    let session = session(world, session_guid)?;
    let guid = own_member(world, &session, member)?;
    let authorized_idle = world
        .member(&guid)
        .is_some_and(|m| m.oauth_authorized && m.job.is_none());
    if authorized_idle && session.verify_after_oauth.contains(&guid) {
        if let Some(open) = world.widgets.session_mut(session_guid) {
            open.verify_after_oauth.retain(|g| *g != guid);
        }
        verify_if_asked(world, &session, &guid, now)?;
    }
    Ok(guid)
}
