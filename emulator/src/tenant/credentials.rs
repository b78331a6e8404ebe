//! Credentials compared in constant time: which tenant a request's client id and API key
//! name must not be guessable from how long the answer takes.

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

/// True when `id` and `key` are `client_id` and `api_key`. Both halves are always
/// compared, so the time taken says nothing about which one was wrong.
pub(crate) fn matches(id: &[u8], key: &[u8], client_id: &str, api_key: &str) -> bool {
    let id_ok = constant_time_eq(id, client_id.as_bytes());
    let key_ok = constant_time_eq(key, api_key.as_bytes());
    id_ok & key_ok
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
