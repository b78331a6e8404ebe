//! MX's throttle records: who is throttled together and the timestamps MX keeps for them.

use chrono::{DateTime, Utc};

use crate::model::member::{CredentialValue, Member};

/// Who is throttled together: MX's window survives deleting and re-creating a member with
/// the same user, institution and credential values (`aggregated_at` in MX's OpenAPI
/// v20250224: "If the member is deleted and re-created … within the throttle window, the
/// old value is returned").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ThrottleKey {
    user_guid: String,
    institution_code: String,
    credentials: Vec<CredentialValue>,
}

impl ThrottleKey {
    pub(crate) fn of(member: &Member) -> Self {
        let mut credentials = member.credentials.clone();
        credentials.sort();
        Self {
            user_guid: member.user_guid.clone(),
            institution_code: member.institution_code.clone(),
            credentials,
        }
    }
}

/// The timestamps MX keeps for a throttle key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ThrottleRecord {
    pub(crate) aggregated_at: Option<DateTime<Utc>>,
    pub(crate) successfully_aggregated_at: Option<DateTime<Utc>>,
}
