//! The unchanged-row test of a later sync: the guid's hint, and that a row counts as
//! held only when its very text is the one held for its guid.

use super::{guid_hint, held_guid};
use crate::sync::MemoryStore;

const ROW: &str = r#"{"account_guid":"ACT-1","amount":6.5,"guid":"TRN-1","status":"POSTED"}"#;

fn holding(guid: &str, text: &str) -> MemoryStore {
    let mut store = MemoryStore::keeping_text();
    store.hold_text(guid.to_owned(), text.to_owned());
    store
}

#[test]
fn the_hint_reads_the_guid_key_and_only_a_plain_one() {
    assert_eq!(guid_hint(ROW), Some("TRN-1"));
    assert_eq!(guid_hint(r#"{ "guid" : "TRN-2" , "x": 1}"#), Some("TRN-2"));
    assert_eq!(
        guid_hint(
            r#"{"a": 1,
        "guid": "TRN-3"}"#
        ),
        Some("TRN-3")
    );
    // `account_guid` is not the key, and a value that reads "guid" is not one either.
    assert_eq!(guid_hint(r#"{"account_guid":"ACT-1"}"#), None);
    assert_eq!(guid_hint(r#"{"memo":"guid","x":"guid"}"#), None);
    // Escapes, a guid that is not a string, no guid: left to serde.
    assert_eq!(guid_hint(r#"{"guid":"TRN\u002d4"}"#), None);
    assert_eq!(guid_hint(r#"{"guid":null}"#), None);
    assert_eq!(guid_hint(r#"{"guid":"TRN-5"#), None);
    assert_eq!(guid_hint("{}"), None);
}

#[test]
fn a_row_is_held_only_as_its_very_text() {
    assert_eq!(
        held_guid(ROW, &holding("TRN-1", ROW)).as_deref(),
        Some("TRN-1")
    );
    let other = ROW.replace("6.5", "7.5");
    assert_eq!(held_guid(&other, &holding("TRN-1", ROW)), None);
    assert_eq!(held_guid(ROW, &holding("TRN-9", ROW)), None);
    assert_eq!(held_guid(ROW, &MemoryStore::keeping_text()), None);
}

#[test]
fn a_misleading_hint_never_makes_a_row_held() {
    // A nested object's guid comes first: the hint reads it, no text is held for it,
    // and the row is not taken as held (the sync then reads it, and finds it unchanged).
    let nested = r#"{"a":{"guid":"TRN-NESTED"},"guid":"TRN-1"}"#;
    assert_eq!(guid_hint(nested), Some("TRN-NESTED"));
    assert_eq!(held_guid(nested, &holding("TRN-1", nested)), None);
    // An escaped guid is read by serde, and held as the guid serde reads.
    let escaped = r#"{"guid":"TRN\u002d4"}"#;
    assert_eq!(
        held_guid(escaped, &holding("TRN-4", escaped)).as_deref(),
        Some("TRN-4")
    );
}
