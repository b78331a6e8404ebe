//! HTTP Basic authentication with the client id and API key ("basic access authentication
//! using your client_id and api_key", MX's OpenAPI v20250224), compared in constant time.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// True when `headers` carry `Basic base64(client_id:api_key)` for these credentials.
pub(crate) fn is_authorized(headers: &HeaderMap, client_id: &str, api_key: &str) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return false;
    };
    let (id, key) = (&decoded[..colon], &decoded[colon + 1..]);
    // Both halves are always compared, so the time taken says nothing about which one
    // was wrong.
    let id_ok = constant_time_eq(id, client_id.as_bytes());
    let key_ok = constant_time_eq(key, api_key.as_bytes());
    id_ok & key_ok
}

/// Compares two byte strings in time that depends only on their lengths, not on where
/// they first differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let len = a.len().max(b.len());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_and_unequal_strings() {
        assert!(constant_time_eq(b"key", b"key"));
        assert!(!constant_time_eq(b"key", b"kez"));
        assert!(!constant_time_eq(b"key", b"key1"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
