//! `Member::user_message` is the library's reading of `error.user_message`
//! (`MemberJson::user_message`), whether MX sends `error` as an object or as a JSON string.

use mx_aggregation::MemberJson;
use mx_aggregation_client::types::Member;

fn member(error: Option<serde_json::Value>) -> Member {
    Member {
        error,
        ..Member::default()
    }
}

#[test]
fn an_error_object_or_string_gives_its_user_message() {
    let object = serde_json::json!({"error_code": 3000, "user_message": "Try again later."});
    assert_eq!(
        member(Some(object.clone())).user_message().as_deref(),
        Some("Try again later.")
    );
    let string = serde_json::Value::String(object.to_string());
    assert_eq!(
        member(Some(string)).user_message().as_deref(),
        Some("Try again later.")
    );
}

#[test]
fn no_message_without_a_readable_one() {
    for error in [
        None,
        Some(serde_json::json!({"error_code": 3000})),
        Some(serde_json::json!({"user_message": 5})),
        Some(serde_json::Value::String("{not json".to_owned())),
    ] {
        assert_eq!(member(error.clone()).user_message(), None, "{error:?}");
    }
}

#[test]
fn the_client_reads_what_the_library_reads() {
    let body = r#"{"member": {"guid": "MBR-1", "connection_status": "FAILED",
        "error": "{\"error_code\": 2000, \"user_message\": \"Escaped \\\"quotes\\\" too\"}"}}"#;
    let library = MemberJson::parse(body).expect("a member");
    let envelope: serde_json::Value = serde_json::from_str(body).expect("JSON");
    let member: Member = serde_json::from_value(envelope["member"].clone()).expect("a member");
    assert_eq!(member.user_message().as_deref(), library.user_message());
    assert_eq!(library.user_message(), Some("Escaped \"quotes\" too"));
}
