//! MX's REST answers wrap the member in `{"member": …}`: the envelope's content is the
//! member, what lies beside it is dropped, and an envelope that is ambiguous or not an
//! object is an error naming it.

use mx_aggregation::{ConnectionStatus, MemberJson, MemberSnapshot, PayloadKind, SnapshotError};

#[test]
fn the_envelope_content_is_the_member() {
    let json =
        r#"{"member": {"guid": "MBR-1", "connection_status": "CHALLENGED", "is_oauth": false}}"#;
    let member = MemberJson::parse(json).unwrap();
    assert_eq!(member.guid(), Some("MBR-1"));
    let snapshot = member.snapshot().unwrap();
    assert_eq!(snapshot.payload, PayloadKind::Member);
    assert_eq!(
        snapshot.connection_status,
        Some(ConnectionStatus::Challenged)
    );
    assert_eq!(snapshot.is_oauth, Some(false));
}

#[test]
fn keys_beside_the_envelope_are_dropped_before_and_after_it() {
    for json in [
        r#"{"guid": "OUTER", "connection_status": "DENIED", "member": {"guid": "INNER", "connection_status": "CHALLENGED"}}"#,
        r#"{"member": {"guid": "INNER", "connection_status": "CHALLENGED"}, "guid": "OUTER", "connection_status": "DENIED", "users": []}"#,
    ] {
        let member = MemberJson::parse(json).unwrap();
        assert_eq!(member.guid(), Some("INNER"), "{json}");
        assert_eq!(
            member.snapshot().unwrap().connection_status,
            Some(ConnectionStatus::Challenged),
            "{json}"
        );
    }
}

#[test]
fn a_second_envelope_is_refused() {
    let json = r#"{"member": {"guid": "MBR-1", "connection_status": "CHALLENGED"}, "member": {"guid": "MBR-2", "connection_status": "DENIED"}}"#;
    let err = MemberJson::parse(json).unwrap_err();
    assert!(matches!(err, SnapshotError::Json(_)), "{err:?}");
    assert!(
        err.to_string().contains("duplicate field `member`"),
        "{err}"
    );
    // Whatever the first one held.
    let json = r#"{"member": 1, "member": {"connection_status": "DENIED"}}"#;
    assert!(
        MemberJson::parse(json)
            .unwrap_err()
            .to_string()
            .contains("duplicate field `member`")
    );
}

#[test]
fn an_envelope_that_is_not_an_object_is_named() {
    for (value, found) in [
        ("null", "null"),
        ("3", "3"),
        ("\"MBR-1\"", "\"MBR-1\""),
        ("[1, 2]", "an array"),
        ("true", "true"),
    ] {
        let json = format!(r#"{{"connection_status": "CONNECTED", "member": {value}}}"#);
        let err = MemberSnapshot::from_json(&json).unwrap_err().to_string();
        assert!(err.contains("member"), "{json}: {err}");
        assert!(err.contains(found), "{json}: {err}");
    }
}

#[test]
fn a_member_inside_the_envelope_member_is_not_a_member() {
    let json = r#"{"member": {"member": {"connection_status": "CONNECTED"}, "connection_status": "CONNECTED"}}"#;
    let err = MemberSnapshot::from_json(json).unwrap_err().to_string();
    assert!(err.contains("a member inside a member"), "{err}");
}
