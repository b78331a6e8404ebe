//! HTTP Basic authentication with the client id and API key ("basic access authentication
//! using your client_id and api_key", MX's OpenAPI v20250224). The header is read here;
//! the tenant layer compares the pair in constant time.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The client id and API key of a `Basic base64(client_id:api_key)` header, as bytes.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(Vec<u8>, Vec<u8>)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let mut decoded = STANDARD.decode(encoded.trim()).ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    let key = decoded.split_off(colon + 1);
    decoded.truncate(colon);
    Some((decoded, key))
}
