//! Every bad member payload is an error that names the field and the value.

use mx_aggregation::{MemberSnapshot, SnapshotError};

fn error(json: &str) -> String {
    MemberSnapshot::from_json(json).unwrap_err().to_string()
}

#[test]
fn unknown_status_names_the_value() {
    assert_eq!(
        error(r#"{"connection_status": "TELEPORTED"}"#),
        r#"unknown connection_status "TELEPORTED""#
    );
    assert_eq!(
        error(r#"{"connection_status": "connected"}"#),
        r#"unknown connection_status "connected""#
    );
    assert_eq!(
        error(r#"{"connection_status_id": 22}"#),
        "unknown connection_status_id 22"
    );
    assert_eq!(
        error(r#"{"connection_status_id": -1}"#),
        "unknown connection_status_id -1"
    );
}

#[test]
fn bad_timestamps_name_the_field() {
    assert_eq!(
        error(r#"{"successfully_aggregated_at": "last tuesday"}"#),
        r#"successfully_aggregated_at: expected RFC 3339 or Unix seconds, got "last tuesday""#
    );
    assert_eq!(
        error(r#"{"aggregated_at": 1531947410.5}"#),
        "aggregated_at: expected RFC 3339 or Unix seconds, got 1531947410.5"
    );
    assert_eq!(
        error(r#"{"aggregated_at": true}"#),
        "aggregated_at: expected RFC 3339 or Unix seconds, got true"
    );
    assert_eq!(
        error(r#"{"aggregated_at": 99999999999999}"#),
        "aggregated_at: 99999999999999 Unix seconds is outside the years 0000-9999"
    );
    assert_eq!(
        error(r#"{"aggregated_at": 18446744073709551615}"#),
        "aggregated_at: expected RFC 3339 or Unix seconds, got 18446744073709551615 (beyond 64-bit signed integers)"
    );
}

#[test]
fn wrong_types_name_the_field_and_the_value() {
    assert_eq!(
        error(r#"{"is_being_aggregated": "yes"}"#),
        r#"is_being_aggregated: expected a boolean or null, got "yes""#
    );
    assert_eq!(
        error(r#"{"needs_updated_credentials": 1}"#),
        "needs_updated_credentials: expected a boolean or null, got 1"
    );
    assert_eq!(
        error(r#"{"connection_status": 6}"#),
        "connection_status: expected a string or null, got 6"
    );
    assert_eq!(
        error(r#"{"connection_status_id": "6"}"#),
        r#"connection_status_id: expected an integer or null, got "6""#
    );
    assert_eq!(
        error(r#"{"challenges": {}}"#),
        "challenges: expected an array or null, got an object"
    );
    assert_eq!(
        error(r#"{"member": [1, 2]}"#),
        "member: expected an MX member object, got an array"
    );
    assert_eq!(
        error(r#"{"member": null}"#),
        "member: expected an MX member object, got null"
    );
}

#[test]
fn long_values_are_shortened_in_messages() {
    let long = "x".repeat(500);
    let message = error(&format!(r#"{{"aggregated_at": "{long}"}}"#));
    assert!(message.len() < 140, "{message}");
    assert!(message.ends_with('…'), "{message}");
}

#[test]
fn string_id_and_status_must_agree() {
    assert_eq!(
        error(r#"{"connection_status": "CHALLENGED", "connection_status_id": 4}"#),
        "connection_status CHALLENGED disagrees with connection_status_id 4"
    );
}

#[test]
fn json_that_is_not_a_member_object_is_an_error() {
    for json in [
        "",
        "not json",
        "[]",
        "42",
        r#""CONNECTED""#,
        "{",
        r#"{"connection_status": }"#,
    ] {
        let err = MemberSnapshot::from_json(json).unwrap_err();
        assert!(matches!(err, SnapshotError::Json(_)), "{json:?}: {err:?}");
        assert!(err.to_string().starts_with("invalid JSON: "), "{err}");
    }
}

#[test]
fn serde_errors_carry_the_same_message() {
    let err =
        serde_json::from_str::<MemberSnapshot>(r#"{"is_being_aggregated": "yes"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(r#"is_being_aggregated: expected a boolean or null, got "yes""#),
        "{err}"
    );
}
