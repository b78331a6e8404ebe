//! OAuth: a new single-use window for a member, and the end user authorizing (or
//! refusing) in it, after which MX aggregates the member ("create with `is_oauth: true`;
//! load the one-time `oauth_window_uri`; standard aggregation starts after a successful
//! OAuth", <https://docs.mx.com/api/guides/oauth>; NEXUS-OAUTH-URI), unless the window
//! was asked for with `skip_aggregation=true` ("prevent the member from automatically
//! aggregating after being redirected from the authorization page", SPEC25): then an
//! authorized member waits in `UPDATED` for an aggregate call or its background
//! aggregation, and a refusal changes nothing but the used-up window.

use chrono::{DateTime, Utc};
use mx_aggregation::ConnectionStatus;
use mx_aggregation_tooling::lifecycle::{LifecycleEvent as E, Node};

use crate::model::member::{JobKind, OAuthWindow};
use crate::model::moves;
use crate::model::mxbank::Outcome;
use crate::model::refusal::{Refusal, Refused};
use crate::model::world::World;

/// What the end user does in the OAuth window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authorization {
    /// Authorizes: the aggregation that follows connects.
    Granted,
    /// Refuses: the aggregation that follows fails `DENIED`.
    Refused,
}

/// A new single-use OAuth window token for the member `member` of `user`; the previous
/// one stops working. Returns the member's GUID and the token.
pub(crate) fn new_window(
    world: &mut World,
    user: &str,
    member: &str,
    window: OAuthWindow,
) -> Refused<(String, String)> {
    let guid = world.member_guid(user, member)?;
    let token = world.cx.ids.token();
    let (mut member, _) = world.member_with_ctx(&guid)?;
    if !member.is_oauth {
        return Err(Refusal::Invalid("the member does not use OAuth".to_owned()));
    }
    let old = member.oauth_token.replace(token.clone());
    member.oauth_window = window;
    drop(member);
    if let Some(old) = old {
        world.oauth_tokens.remove(&old);
    }
    world.oauth_tokens.insert(token.clone(), guid.clone());
    Ok((guid, token))
}

/// The end user answers the OAuth window `token` at `now` (the token is used up either
/// way), and MX starts the aggregation that follows, unless the window skips it. Returns
/// the member's GUID and what the window was asked for.
pub(crate) fn authorize(
    world: &mut World,
    token: &str,
    answer: Authorization,
    now: DateTime<Utc>,
) -> Refused<(String, OAuthWindow)> {
    let guid = world.oauth_tokens.remove(token).ok_or(Refusal::NotFound(
        "this OAuth window is unknown or was already used",
    ))?;
    let (mut member, cx) = world.member_with_ctx(&guid)?;
    let member = &mut *member;
    member.oauth_token = None;
    let window = std::mem::take(&mut member.oauth_window);
    if member.job.is_some() {
        return Err(Refusal::Conflict(
            "a job is running on this member".to_owned(),
        ));
    }
    let outcome = match answer {
        Authorization::Granted => {
            member.oauth_authorized = true;
            Outcome::Connect
        }
        Authorization::Refused => Outcome::Fail(ConnectionStatus::Denied),
    };
    if window.skip_aggregation {
        if answer == Authorization::Granted && !moves::has_edge(member, E::Aggregate) {
            moves::follow(
                member,
                cx,
                now,
                E::UpdateCredentials,
                Node::Status(ConnectionStatus::Updated),
            );
        }
        return Ok((guid, window));
    }
    // A member past its first authorization is re-authorized: MX treats that as new
    // credentials.
    if !moves::has_edge(member, E::AutomaticAggregation) {
        moves::follow(
            member,
            cx,
            now,
            E::UpdateCredentials,
            Node::Status(ConnectionStatus::Updated),
        );
    }
    moves::start(
        member,
        cx,
        now,
        E::AutomaticAggregation,
        JobKind::Aggregation,
        outcome,
    );
    Ok((guid, window))
}
