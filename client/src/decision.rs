//! The one place the driver asks `mx_aggregation` what to do with a member.
//!
//! Today it calls [`mx_aggregation::decide`] (end user present). When the crate's entry
//! point with the end-user situation (issue 10) is on main, this function calls it
//! instead, and the interim OAuth rule below goes: the crate then answers
//! `authorize_oauth` itself.

use chrono::{DateTime, Utc};
use mx_aggregation::{Decision, MemberSnapshot, Policy, SnapshotError};

/// What the driver does next with a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The crate's decision.
    Crate(Decision),
    /// An OAuth member waits for its end user's authorization (`is_oauth`, `PENDING`, no
    /// job running):
    /// fetch a one-time `oauth_window_uri` and send the end user there.
    ///
    /// Interim: MX's create-member reference says an OAuth member does not aggregate until
    /// the user authorizes, and the crate on main does not read `is_oauth` yet (issue 10
    /// adds the `authorize_oauth` action). Until then this is the only rule the driver
    /// applies itself; everything else is the crate's.
    AuthorizeOauth,
}

/// The decision on a member payload (`{"member": …}` or bare) at `now`.
///
/// # Errors
/// The crate's [`SnapshotError`] when the payload is not a member it can read.
pub fn decide_on(body: &str, now: DateTime<Utc>, policy: &Policy) -> Result<Next, SnapshotError> {
    let member = MemberSnapshot::from_json(body)?;
    if awaits_oauth(body) {
        return Ok(Next::AuthorizeOauth);
    }
    Ok(Next::Crate(mx_aggregation::decide(&member, now, policy)))
}

/// `is_oauth: true`, `connection_status: PENDING` and no job running (once the end user
/// authorized, MX's aggregation runs while the status is still `PENDING`), in the
/// envelope or bare.
fn awaits_oauth(body: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Fields {
        is_oauth: Option<bool>,
        connection_status: Option<String>,
        is_being_aggregated: Option<bool>,
    }
    #[derive(serde::Deserialize)]
    struct Envelope {
        member: Fields,
    }
    let fields = serde_json::from_str::<Envelope>(body)
        .map(|e| e.member)
        .or_else(|_| serde_json::from_str::<Fields>(body));
    fields.is_ok_and(|f| {
        f.is_oauth == Some(true)
            && f.connection_status.as_deref() == Some("PENDING")
            && f.is_being_aggregated != Some(true)
    })
}
