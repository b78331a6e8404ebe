//! The webhook inbox's dedup key: MX retries a webhook it got no `2xx` for during 24
//! hours, with the same body, and connection-status webhooks carry no id (MX webhooks
//! guide, "Retries"), so a repeat is known by its body alone. Two bodies are the same
//! webhook when they are the same JSON, key order and whitespace aside. A repeat is
//! counted once; a connection-status repeat still wakes its member, since the member's
//! next entry into the same status within the horizon is the same body
//! (`store::receive`).

use sha2::{Digest, Sha256};

/// How long MX retries one webhook: a repeat of a body older than this is a new webhook.
pub const REPEAT_HORIZON: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The SHA-256 (hex) of `body`'s canonical text: objects' keys sorted (serde_json's map
/// is ordered by key), no whitespace.
pub fn canonical_digest(body: &serde_json::Value) -> String {
    let text = body.to_string();
    let digest = Sha256::digest(text.as_bytes());
    digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap_or_default()
    }

    #[test]
    fn key_order_and_whitespace_do_not_matter() {
        let a = parse(
            r#"{"member_guid": "MBR-1", "connection_status": "CONNECTED", "x": {"b": 1, "a": 2}}"#,
        );
        let b =
            parse(r#"{"x":{"a":2,"b":1},"connection_status":"CONNECTED","member_guid":"MBR-1"}"#);
        assert_eq!(canonical_digest(&a), canonical_digest(&b));
        assert_eq!(canonical_digest(&a).len(), 64);
    }

    #[test]
    fn another_value_is_another_webhook() {
        let a = parse(r#"{"member_guid": "MBR-1", "connection_status": "CONNECTED"}"#);
        let b = parse(r#"{"member_guid": "MBR-1", "connection_status": "CHALLENGED"}"#);
        assert_ne!(canonical_digest(&a), canonical_digest(&b));
    }
}
