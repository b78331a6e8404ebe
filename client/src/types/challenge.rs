//! `ChallengeResponse`: an MFA question the end user must answer, in one of MX's five
//! shapes.

use serde::{Deserialize, Serialize};

use super::credential::CredentialValue;

/// The shape of a challenge: what the user interface must show.
///
/// MX's `ChallengeResponse.type`; a type MX adds later arrives as
/// [`Other`](Self::Other) with its name, so a new shape is shown as text, not a crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChallengeKind {
    /// A question answered with free text (`label`).
    Text,
    /// A choice among `options`: send the chosen option's `value`.
    Options,
    /// A one-time code the institution sent the end user (text, SMS, email).
    Token,
    /// A picture (`image_data`, a data URI) and a question about it answered with text.
    ImageData,
    /// A choice among pictures (`image_options`): send the chosen one's `value`.
    ImageOptions,
    /// A type this client does not know; show `label` and ask for text.
    #[serde(untagged)]
    Other(String),
}

/// One choice of an [`ChallengeKind::Options`] challenge (`OptionResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengeOption {
    /// What the end user reads.
    pub label: Option<String>,
    /// What to send back when the end user picks it.
    pub value: Option<String>,
    /// MX's identifier of the option, when sent.
    pub guid: Option<String>,
}

/// One picture of an [`ChallengeKind::ImageOptions`] challenge (`ImageOptionResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageOption {
    /// The picture, as a `data:` URI.
    pub data_uri: Option<String>,
    /// What the end user reads.
    pub label: Option<String>,
    /// What to send back when the end user picks it.
    pub value: Option<String>,
    /// MX's identifier of the option, when sent.
    pub guid: Option<String>,
}

/// One MFA challenge (`GET …/challenges`, or `challenges` of a status read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// The challenge's identifier: answer it under this guid.
    #[serde(default)]
    pub guid: Option<String>,
    /// What kind of answer it takes; `None` when MX sent no type (then treat it as text).
    #[serde(rename = "type", default)]
    pub kind: Option<ChallengeKind>,
    /// The question to show.
    #[serde(default)]
    pub label: Option<String>,
    /// MX's name for the field, when sent.
    #[serde(default)]
    pub field_name: Option<String>,
    /// The picture of an `IMAGE_DATA` challenge, as a `data:` URI.
    #[serde(default)]
    pub image_data: Option<String>,
    /// The choices of an `OPTIONS` challenge.
    #[serde(default)]
    pub options: Vec<ChallengeOption>,
    /// The pictures of an `IMAGE_OPTIONS` challenge.
    #[serde(default)]
    pub image_options: Vec<ImageOption>,
}

impl Challenge {
    /// The answer `value` to this challenge, ready for
    /// [`MxClient::resume`](crate::MxClient::resume); `None` when MX sent no guid (there
    /// is nothing to answer it under).
    pub fn answer(&self, value: impl Into<String>) -> Option<ChallengeAnswer> {
        self.guid
            .as_ref()
            .map(|guid| CredentialValue::new(guid.clone(), value))
    }
}

/// An answer to a challenge: its guid and the end user's value.
pub type ChallengeAnswer = CredentialValue;
