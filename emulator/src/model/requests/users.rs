//! Creating and deleting a user.

use crate::model::member::User;
use crate::model::refusal::{Refusal, Refused};
use crate::model::world::World;

/// A user as a create call describes it.
#[derive(Debug, Default)]
pub(crate) struct NewUser {
    pub(crate) id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) metadata: Option<String>,
    pub(crate) is_disabled: bool,
}

/// Creates a user and returns its GUID; a partner `id` names one user (409 otherwise).
pub(crate) fn create(world: &mut World, new: NewUser) -> Refused<String> {
    if let Some(id) = &new.id
        && world.roster.user_guid_by_id(id).is_some()
    {
        return Err(Refusal::Conflict(
            "a user with this id already exists".to_owned(),
        ));
    }
    let guid = world.cx.ids.next("USR");
    let user = User {
        guid: guid.clone(),
        id: new.id,
        email: new.email,
        metadata: new.metadata,
        is_disabled: new.is_disabled,
    };
    world.roster.insert_user(user);
    Ok(guid)
}

/// Deletes the user `user` and its members.
pub(crate) fn delete(world: &mut World, user: &str) -> Refused<()> {
    let guid = world.user_guid(user)?;
    world.remove_user(&guid);
    Ok(())
}
