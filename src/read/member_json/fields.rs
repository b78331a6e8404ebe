//! [`MemberJson`]: the raw fields the reader keeps, as borrowed JSON values.

use crate::read::json_value::JsonValue;
use crate::read::member_error::ErrorField;

/// The fields of an MX member payload that a decision needs, as raw JSON values borrowed
/// from the input; not yet checked: [`MemberJson::snapshot`] checks them.
///
/// ```
/// use mx_aggregation::{ConnectionStatus, MemberJson};
///
/// let json = r#"{"member": {"guid": "MBR-1", "connection_status": "CHALLENGED"}}"#;
/// let member = MemberJson::parse(json)?;
/// assert_eq!(member.guid(), Some("MBR-1"));
/// assert_eq!(member.snapshot()?.connection_status, Some(ConnectionStatus::Challenged));
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberJson<'a> {
    pub(super) guid: Option<JsonValue<'a>>,
    pub(super) member_guid: Option<JsonValue<'a>>,
    pub(super) connection_status: Option<JsonValue<'a>>,
    pub(super) connection_status_id: Option<JsonValue<'a>>,
    pub(super) is_being_aggregated: Option<JsonValue<'a>>,
    pub(super) aggregated_at: Option<JsonValue<'a>>,
    pub(super) successfully_aggregated_at: Option<JsonValue<'a>>,
    pub(super) needs_updated_credentials: Option<JsonValue<'a>>,
    pub(super) background_aggregation_is_disabled: Option<JsonValue<'a>>,
    pub(super) is_oauth: Option<JsonValue<'a>>,
    pub(super) is_manual: Option<JsonValue<'a>>,
    pub(super) challenges: Option<JsonValue<'a>>,
    pub(super) webhook_type: Option<JsonValue<'a>>,
    pub(super) webhook_action: Option<JsonValue<'a>>,
    pub(super) completed_at: Option<JsonValue<'a>>,
    pub(super) error: Option<ErrorField<'a>>,
    /// A `"member"` key whose value is not an object.
    pub(super) bad_envelope: Option<JsonValue<'a>>,
    /// The fields came from a `{"member": …}` envelope.
    pub(super) enveloped: bool,
    /// The enveloped member holds a `"member"` key of its own.
    pub(super) nested_member: bool,
    /// The first key that says the payload is something else, in words.
    pub(super) foreign: Option<&'static str>,
    /// How many keys the object held.
    pub(super) keys: usize,
}
