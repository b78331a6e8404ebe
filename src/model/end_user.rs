//! Whether the end user is there while the caller decides.

use std::fmt;
use std::str::FromStr;

/// Whether the end user is present when the caller decides: the situation argument of
/// [`decide_with`](crate::decide_with).
///
/// MX ties foreground aggregation to the end user's presence ("End users must be present
/// during foreground aggregations", Seed) and refreshes members by itself about every 24
/// hours (background aggregation). With the end user present, the engine answers what to do
/// now; with the end user absent (a nightly job, a webhook handler), it prefers what moves
/// the member forward without them (wait for MX's background aggregation, read data, read
/// the member) and otherwise names the action the end user must take when next present
/// (`requires_end_user: true`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndUser {
    /// The end user is using the caller's product now and can answer MFA, enter
    /// credentials or authorize OAuth: [`decide`](crate::decide)'s situation.
    #[default]
    Present,
    /// Nobody is there to answer MFA, enter credentials or open an OAuth window.
    Absent,
}

impl EndUser {
    /// `present` or `absent`, as the command line spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent => "absent",
        }
    }
}

impl fmt::Display for EndUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `present` or `absent`; the error names what was given.
impl FromStr for EndUser {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "present" => Ok(Self::Present),
            "absent" => Ok(Self::Absent),
            other => Err(format!("expected present or absent, got {other:?}")),
        }
    }
}
