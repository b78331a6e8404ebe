//! Every bad member payload is an error that names the field and the value.

use mx_aggregation::{MemberSnapshot, SnapshotError};

fn error(json: &str) -> String {
    MemberSnapshot::from_json(json).unwrap_err().to_string()
}

/// A member object holding `fields` and a status, so it is recognised as a member.
fn member(fields: &str) -> String {
    format!(r#"{{"connection_status": "FAILED", {fields}}}"#)
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
        error(&member(r#""successfully_aggregated_at": "last tuesday""#)),
        r#"successfully_aggregated_at: expected RFC 3339 or Unix seconds, got "last tuesday""#
    );
    assert_eq!(
        error(&member(r#""aggregated_at": 1531947410.5"#)),
        "aggregated_at: expected RFC 3339 or Unix seconds, got 1531947410.5"
    );
    assert_eq!(
        error(&member(r#""aggregated_at": true"#)),
        "aggregated_at: expected RFC 3339 or Unix seconds, got true"
    );
    assert_eq!(
        error(&member(r#""aggregated_at": 99999999999999"#)),
        "aggregated_at: 99999999999999 is outside the years 0000-9999"
    );
    assert_eq!(
        error(&member(r#""aggregated_at": 18446744073709551615"#)),
        "aggregated_at: expected RFC 3339 or Unix seconds, got 18446744073709551615 (beyond 64-bit signed integers)"
    );
}

#[test]
fn wrong_types_name_the_field_and_the_value() {
    assert_eq!(
        error(&member(r#""is_being_aggregated": "yes""#)),
        r#"is_being_aggregated: expected a boolean or null, got "yes""#
    );
    assert_eq!(
        error(&member(r#""needs_updated_credentials": 1"#)),
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
        error(&member(r#""challenges": {}"#)),
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
    let message = error(&member(&format!(r#""aggregated_at": "{long}""#)));
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
    let err = serde_json::from_str::<MemberSnapshot>(&member(r#""is_being_aggregated": "yes""#))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(r#"is_being_aggregated: expected a boolean or null, got "yes""#),
        "{err}"
    );
}

#[test]
fn offsets_that_leave_the_writable_years_name_the_field() {
    assert_eq!(
        error(&member(r#""aggregated_at": "9999-12-31T23:59:59-23:59""#)),
        r#"aggregated_at: "9999-12-31T23:59:59-23:59" is outside the years 0000-9999"#
    );
    assert_eq!(
        error(&member(
            r#""successfully_aggregated_at": "0000-01-01T00:00:00+05:00""#
        )),
        r#"successfully_aggregated_at: "0000-01-01T00:00:00+05:00" is outside the years 0000-9999"#
    );
    assert_eq!(
        error(
            r#"{"type": "AGGREGATION", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 253402300800}"#
        ),
        "completed_at: 253402300800 is outside the years 0000-9999"
    );
}

#[test]
fn error_field_names_what_is_wrong() {
    assert_eq!(
        error(&member(r#""error": 5"#)),
        "error: expected an object, a JSON string holding one, or null, got 5"
    );
    assert_eq!(
        error(&member(r#""error": "not json""#)),
        r#"error: expected an object, a JSON string holding one, or null, got "not json""#
    );
    assert_eq!(
        error(&member(r#""error": {"error_code": "2005"}"#)),
        r#"error.error_code: expected an integer from 0 to 4294967295, or null, got "2005""#
    );
    assert_eq!(
        error(&member(r#""error": "{\"error_code\": -1}""#)),
        "error.error_code: expected an integer from 0 to 4294967295, or null, got -1"
    );
    for empty in ["null", r#""""#, "{}", r#""  ""#] {
        let json = member(&format!(r#""error": {empty}"#));
        assert_eq!(
            MemberSnapshot::from_json(&json).unwrap().error_code,
            None,
            "{json}"
        );
    }
}

#[test]
fn payloads_that_are_not_members_say_what_they_are() {
    for (json, found) in [
        ("{}", "an empty object"),
        (r#"{"members": [], "pagination": {}}"#, "a page of members"),
        (r#"{"user": {"guid": "USR-1"}}"#, "a user"),
        (r#"{"action": "created", "user": {}}"#, "a user"),
        (r#"{"institution": {"code": "mxbank"}}"#, "an institution"),
        (r#"{"accounts": []}"#, "an account"),
        (r#"{"transactions": []}"#, "a transaction"),
        (r#"{"challenges": []}"#, "a list of MFA challenges"),
        (
            r#"{"member": {"member": {"connection_status": "CONNECTED"}}}"#,
            "a member inside a member",
        ),
        (
            r#"{"connectionStatus": "CONNECTED", "memberGuid": "MBR-1"}"#,
            "camelCase keys",
        ),
        (
            r#"{"member": {"connectionStatus": "CONNECTED"}}"#,
            "camelCase keys",
        ),
        (
            r#"{"guid": "MBR-1", "is_being_aggregated": true}"#,
            "an object without connection_status",
        ),
        (
            r#"{"member": {"name": "MX Bank"}}"#,
            "a member envelope without connection_status, connection_status_id or guid",
        ),
        (
            r#"{"type": "ACCOUNTS", "action": "updated", "member_guid": "MBR-1"}"#,
            r#"a webhook of type "ACCOUNTS", action "updated""#,
        ),
    ] {
        let err = MemberSnapshot::from_json(json).unwrap_err();
        assert!(
            matches!(err, SnapshotError::NotAMember { .. }),
            "{json}: {err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with("not a member payload: "),
            "{json}: {message}"
        );
        assert!(message.contains(found), "{json}: {message}");
    }
}

#[test]
fn webhooks_must_name_their_member_and_completion() {
    assert_eq!(
        error(
            r#"{"type": "CONNECTION_STATUS", "action": "CHANGED", "connection_status": "DENIED"}"#
        ),
        "connection status webhook without member_guid"
    );
    assert_eq!(
        error(
            r#"{"type": "AGGREGATION", "action": "member_data_updated", "member_guid": "MBR-1"}"#
        ),
        "aggregation webhook without completed_at"
    );
    assert_eq!(
        error(
            r#"{"type": "REWARD", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": null}"#
        ),
        "job webhook without completed_at"
    );
}
