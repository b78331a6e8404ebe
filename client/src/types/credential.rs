//! `CredentialResponse` and `CredentialRequest`: an institution's login fields and the
//! values sent for them.

use serde::{Deserialize, Serialize};

/// One login field of an institution (`GET /institutions/{code}/credentials`): show
/// `label` to the end user, in `display_order`, and send the value under `guid`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialField {
    /// The field's identifier, `CRD-…`.
    pub guid: Option<String>,
    /// Where the field goes in the form, from 1.
    pub display_order: Option<i64>,
    /// MX's name for the field, e.g. `LOGIN`, `PASSWORD`.
    pub field_name: Option<String>,
    /// The kind of input, e.g. `TEXT`, `PASSWORD`.
    pub field_type: Option<String>,
    /// What the end user reads, e.g. `Username`.
    pub label: Option<String>,
    /// The kind of input (MX sends it twice, as `field_type` and `type`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A value for a credential field (in create and update requests) or an answer to a
/// challenge (in resume requests): `{"guid": "CRD-…", "value": "…"}`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialValue {
    /// The field's or challenge's `guid`.
    pub guid: String,
    /// What the end user typed or chose.
    pub value: String,
}

impl CredentialValue {
    /// A value for the field or challenge `guid`.
    pub fn new(guid: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            guid: guid.into(),
            value: value.into(),
        }
    }
}

/// Shows the guid and hides the value: credentials must not reach the logs.
impl std::fmt::Debug for CredentialValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialValue")
            .field("guid", &self.guid)
            .field("value", &"<redacted>")
            .finish()
    }
}
