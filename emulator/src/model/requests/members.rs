//! Creating, updating and deleting a member.

use chrono::{DateTime, Utc};
use mx_aggregation::ConnectionStatus;
use mx_aggregation_tooling::job_rules::Streak;
use mx_aggregation_tooling::lifecycle::{LifecycleEvent as E, Node};

use crate::model::automatic::{self, AfterUpdate};
use crate::model::institutions::{self, Institution};
use crate::model::member::{CredentialValue, JobKind, JobResults, Member, OAuthWindow, UseCase};
use crate::model::moves;
use crate::model::outbox::{MemberAction, MemberSnapshot, WebhookEvent};
use crate::model::refusal::{Refusal, Refused};
use crate::model::throttle::ThrottleKey;
use crate::model::world::World;

/// A member as a create call describes it.
#[derive(Debug, Default)]
pub(crate) struct NewMember {
    pub(crate) institution_code: Option<String>,
    pub(crate) credentials: Vec<CredentialValue>,
    pub(crate) is_oauth: bool,
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) metadata: Option<String>,
    /// `background_aggregation_is_disabled`; `None` takes the client-wide default.
    pub(crate) background_disabled: Option<bool>,
    pub(crate) skip_aggregation: bool,
    pub(crate) callback_payload: Option<String>,
    pub(crate) use_cases: Vec<UseCase>,
}

/// What an update call changes; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub(crate) struct MemberChanges {
    /// New credential values; empty changes none.
    pub(crate) credentials: Vec<CredentialValue>,
    pub(crate) id: Option<String>,
    pub(crate) metadata: Option<String>,
    pub(crate) background_disabled: Option<bool>,
    pub(crate) skip_aggregation: bool,
    pub(crate) callback_payload: Option<String>,
    pub(crate) use_cases: Option<Vec<UseCase>>,
}

/// What creating a member started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Created {
    /// An OAuth member, `PENDING` until the end user authorizes it in the OAuth window.
    OauthPending,
    /// `skip_aggregation` asked for no aggregation.
    Skipped,
    /// An identical member's throttle window is open until then: nothing starts.
    Throttled(DateTime<Utc>),
    /// MX started an aggregation on the `automatic_aggregation` edge.
    Aggregating,
}

/// Checks credential values against an institution's fields (the last value of a field
/// given twice counts).
fn credentials_for(
    institution: &Institution,
    given: Vec<CredentialValue>,
) -> Refused<Vec<CredentialValue>> {
    let mut values: Vec<CredentialValue> = Vec::with_capacity(given.len());
    for c in given {
        if !institution.credentials.iter().any(|f| f.guid == c.guid) {
            return Err(Refusal::Invalid(format!(
                "credential guid {:.60} is not a field of {}",
                c.guid, institution.code
            )));
        }
        values.retain(|v| v.guid != c.guid);
        values.push(c);
    }
    Ok(values)
}

/// Creates a member of `user` at `now`; MX starts an aggregation by itself, unless the
/// throttle window of an identical member is still open or the member uses OAuth
/// (NEXUS-CREATE; CREATE: "OAuth members will not begin aggregation until the user
/// completes authorization"). Returns the new member's GUID and what started.
pub(crate) fn create(
    world: &mut World,
    user: &str,
    new: NewMember,
    now: DateTime<Utc>,
) -> Refused<(String, Created)> {
    let user_guid = world.user_guid(user)?;
    let user_id = world.user(&user_guid).and_then(|u| u.id.clone());
    let code = new
        .institution_code
        .ok_or_else(|| Refusal::Invalid("member.institution_code is required".to_owned()))?;
    let institution = institutions::find(&code)
        .ok_or_else(|| Refusal::Invalid(format!("unknown institution_code {code:.60}")))?;
    let is_oauth = new.is_oauth;
    if is_oauth && !institution.supports_oauth {
        return Err(Refusal::Invalid(format!(
            "{} does not support OAuth",
            institution.code
        )));
    }
    if !is_oauth && institution.supports_oauth {
        return Err(Refusal::Invalid(format!(
            "{} connects through OAuth: create the member with is_oauth true",
            institution.code
        )));
    }
    if is_oauth && !new.credentials.is_empty() {
        return Err(Refusal::Invalid(
            "an OAuth member takes no credentials".to_owned(),
        ));
    }
    let credentials = credentials_for(institution, new.credentials)?;
    if !is_oauth
        && let Some(missing) = institution
            .credentials
            .iter()
            .find(|f| !credentials.iter().any(|c| c.guid == f.guid))
    {
        return Err(Refusal::Invalid(format!(
            "credential {} ({}) is required",
            missing.guid, missing.field_name
        )));
    }
    let guid = world.cx.ids.next("MBR");
    let mut member = Member {
        next_background_at: world.cx.next_background(&guid, now),
        guid,
        user_guid,
        user_id,
        use_cases: new.use_cases,
        results: JobResults::default(),
        id: new.id,
        name: new.name.unwrap_or_else(|| institution.name.to_owned()),
        institution_code: institution.code.to_owned(),
        metadata: new.metadata,
        credentials,
        is_oauth,
        oauth_authorized: false,
        background_disabled: new
            .background_disabled
            .unwrap_or(world.cx.rules.background_off_by_default),
        node: Node::Start,
        status: None,
        job: None,
        aggregated_at: None,
        successfully_aggregated_at: None,
        created_at: now,
        needs_updated_credentials: false,
        challenges: Vec::new(),
        oauth_token: None,
        oauth_window: OAuthWindow::default(),
        most_recent_job_guid: None,
        callback_payload: new.callback_payload,
        streak: Streak::default(),
        ledger: Default::default(),
        premium: Default::default(),
        trace: Vec::new(),
    };
    if !is_oauth && duplicate(world, &member) {
        return Err(Refusal::Conflict(
            "a member with this user, institution and credentials already exists".to_owned(),
        ));
    }
    let created = if is_oauth {
        moves::follow(
            &mut member,
            &mut world.cx,
            now,
            E::MemberCreated,
            Node::Status(ConnectionStatus::Pending),
        );
        let token = world.cx.ids.token();
        world
            .oauth_tokens
            .insert(token.clone(), member.guid.clone());
        member.oauth_token = Some(token);
        Created::OauthPending
    } else {
        moves::follow(
            &mut member,
            &mut world.cx,
            now,
            E::MemberCreated,
            Node::Status(ConnectionStatus::Created),
        );
        let previous = world.cx.throttle.get(&ThrottleKey::of(&member)).copied();
        if let Some(record) = previous {
            member.aggregated_at = record.aggregated_at;
            member.successfully_aggregated_at = record.successfully_aggregated_at;
        }
        if new.skip_aggregation {
            Created::Skipped
        } else if let Some(until) = world.cx.throttled_until(&member, now) {
            Created::Throttled(until)
        } else {
            let outcome = moves::outcome_of(&member);
            moves::start(
                &mut member,
                &mut world.cx,
                now,
                E::AutomaticAggregation,
                JobKind::Aggregation,
                outcome,
            );
            Created::Aggregating
        }
    };
    member_webhook(world, &member, MemberAction::Created, now);
    let guid = member.guid.clone();
    world.insert_member(member);
    Ok((guid, created))
}

/// True when a member with the same user, institution and credential values exists.
fn duplicate(world: &World, member: &Member) -> bool {
    world.roster.has_twin(member)
}

/// Queues the MEMBER webhook for `action` on `member`, when webhooks are on.
fn member_webhook(world: &mut World, member: &Member, action: MemberAction, now: DateTime<Utc>) {
    if world.cx.rules.webhooks {
        let event = WebhookEvent::Member {
            action,
            member: MemberSnapshot::of(member),
        };
        world
            .cx
            .queue_webhook(event, member.callback_payload.clone(), now);
    }
}

/// Updates the member `member` of `user` at `now` and returns its GUID and what MX did
/// about an aggregation (`model::automatic`). New credentials move it to `UPDATED`; a job
/// still running refuses them (409).
pub(crate) fn update(
    world: &mut World,
    user: &str,
    member: &str,
    changes: MemberChanges,
    now: DateTime<Utc>,
) -> Refused<(String, AfterUpdate)> {
    let guid = world.member_guid(user, member)?;
    let (mut guard, cx) = world.member_with_ctx(&guid)?;
    let member = &mut *guard;
    let institution = institutions::find(&member.institution_code)
        .ok_or(Refusal::NotFound("institution not found"))?;
    let new_credentials = if changes.credentials.is_empty() {
        None
    } else if member.is_oauth {
        return Err(Refusal::Invalid(
            "an OAuth member takes no credentials".to_owned(),
        ));
    } else {
        Some(credentials_for(institution, changes.credentials)?)
    };
    if new_credentials.is_some() && member.job.is_some() {
        return Err(Refusal::Conflict(
            "a job is running on this member".to_owned(),
        ));
    }
    if new_credentials.is_some() && !moves::has_edge(member, E::UpdateCredentials) {
        return Err(Refusal::Invalid(
            "this member's credentials cannot be updated".to_owned(),
        ));
    }
    if let Some(id) = changes.id {
        member.id = Some(id);
    }
    if let Some(metadata) = changes.metadata {
        member.metadata = Some(metadata);
    }
    if let Some(disabled) = changes.background_disabled {
        member.background_disabled = disabled;
    }
    if changes.callback_payload.is_some() {
        member.callback_payload = changes.callback_payload;
    }
    if let Some(cases) = changes.use_cases {
        member.use_cases = cases;
    }
    let updated_credentials = new_credentials.is_some();
    if let Some(values) = new_credentials {
        for value in values {
            member.credentials.retain(|c| c.guid != value.guid);
            member.credentials.push(value);
        }
        member.needs_updated_credentials = false;
        moves::follow(
            member,
            cx,
            now,
            E::UpdateCredentials,
            Node::Status(ConnectionStatus::Updated),
        );
    }
    let after = automatic::after_update(
        member,
        cx,
        now,
        changes.skip_aggregation,
        updated_credentials,
    );
    let snapshot = member.clone();
    drop(guard);
    member_webhook(world, &snapshot, MemberAction::Updated, now);
    Ok((guid, after))
}

/// Deletes the member `member` of `user` at `now`. Its throttle record stays, for an
/// identical member created again.
pub(crate) fn delete(
    world: &mut World,
    user: &str,
    member: &str,
    now: DateTime<Utc>,
) -> Refused<()> {
    let guid = world.member_guid(user, member)?;
    if let Some(member) = world.remove_member(&guid) {
        member_webhook(world, &member, MemberAction::Deleted, now);
    }
    Ok(())
}
