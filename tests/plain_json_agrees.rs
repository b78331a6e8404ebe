//! `MemberJson::parse` reads plain JSON with its own fast reader and falls back to
//! serde_json for anything else. Both must read every payload alike: the same member, or
//! the same error. `serde_json::from_str::<MemberJson>` never takes the fast path, so it is
//! the reference. Checked on MX's example payloads, on generated member lines in the
//! forms MX and the benchmark generator write, and on generated JSON with every form the
//! fast reader gives up on (escapes, signs, fractions, exponents, long numbers, control
//! characters, deep nesting), whole or broken by a random edit.

mod common;

use mx_aggregation_tooling::fuzzing::plain_and_serde;
use proptest::prelude::*;

fn assert_agree(text: &str) {
    let (parsed, reference) = plain_and_serde(text);
    assert_eq!(
        parsed, reference,
        "MemberJson::parse and serde_json differ on {text:?}"
    );
}

#[test]
fn every_example_payload_reads_alike() {
    let dir = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let text = common::example(&name);
        if name.ends_with(".json") {
            assert_agree(&text);
            read += 1;
        } else if name.ends_with(".jsonl") {
            for line in text.lines() {
                assert_agree(line);
                read += 1;
            }
        }
    }
    assert!(read > 20, "only {read} payloads under {dir}");
}

/// Inputs at the edges of the plain subset, each read alike, accepted or refused.
#[test]
fn edge_cases_read_alike() {
    let cases = [
        r#"{"connection_status":"CONNECTED"}"#,
        r#"  {"connection_status" : "CONNECTED" , "guid":"MBR-1"}  "#,
        "{\"connection_status\":\"CONNECTED\",\r\n\t\"guid\":\"MBR-1\"}",
        r#"{"connection_status":"CONNECTED","guid":"MBR-\u0031"}"#,
        r#"{"connection_status":"CONN\u0045CTED"}"#,
        r#"{"conn\u0065ction_status":"CONNECTED"}"#,
        r#"{"connection_status":"CONNECTED","name":"MX \"Bank\""}"#,
        "{\"connection_status\":\"CONNECTED\",\"name\":\"MX\tBank\"}",
        "{\"connection_status\":\"CONNECTED\",\"name\":\"MX\u{7f}\u{80}\u{2028}Bank é\"}",
        r#"{"connection_status":"CONNECTED","metadata":"\\\"credentials\\\": \\\"2015\\"}"#,
        r#"{"connection_status":"CONNECTED","name":"\u00e9\ud800\udc00\/\b\f\n\r\t\"\\"}"#,
        r#"{"connection_status":"CONNECTED","name":"\ud800"}"#,
        r#"{"connection_status":"CONNECTED","name":"\u12"}"#,
        r#"{"connection_status":"CONNECTED","name":"\u12G4"}"#,
        r#"{"connection_status":"CONNECTED","name":"\x"}"#,
        r#"{"connection_status":"CONNECTED","name":"\"#,
        r#"{"connection_status":"CONNECTED","name":"\u0041"#,
        "{\"connection_status\":\"CONNECTED\",\"name\":\"\\\n\"}",
        r#"{"connection_status":"CONNECTED","use_cases":["\u0041",["\n"]]}"#,
        r#"{"connection_status":"CONNECTED","metadata":{"\u0061":"\n"}}"#,
        r#"{"connection_status_id":6}"#,
        r#"{"connection_status_id":-0}"#,
        r#"{"connection_status_id":-6}"#,
        r#"{"connection_status_id":06}"#,
        r#"{"connection_status_id":6.0}"#,
        r#"{"connection_status_id":6e0}"#,
        r#"{"connection_status_id":6E+0}"#,
        r#"{"connection_status_id":999999999999999999}"#,
        r#"{"connection_status_id":1000000000000000000}"#,
        r#"{"connection_status_id":9223372036854775808}"#,
        r#"{"connection_status_id":18446744073709551616}"#,
        r#"{"connection_status":"FAILED","aggregated_at":1795521600}"#,
        r#"{"connection_status":"FAILED","aggregated_at":1795521600.0}"#,
        r#"{"connection_status":"FAILED","aggregated_at":-1}"#,
        r#"{"connection_status":"FAILED","is_being_aggregated":tru}"#,
        r#"{"connection_status":"FAILED","is_being_aggregated":truee}"#,
        r#"{"connection_status":"FAILED","is_being_aggregated":nul}"#,
        r#"{"connection_status":"FAILED","is_being_aggregated":null1}"#,
        r#"{"connection_status":"FAILED",}"#,
        r#"{,"connection_status":"FAILED"}"#,
        r#"{"connection_status":"FAILED""guid":"MBR-1"}"#,
        r#"{"connection_status" "FAILED"}"#,
        r#"{"connection_status":"FAILED"} x"#,
        r#"{"connection_status":"FAILED"}}"#,
        r#"{"connection_status":"FAILED""#,
        r#"{"connection_status":"FAILED"#,
        r#"{"connection_status":"#,
        r#"{"#,
        "",
        "   ",
        "{}",
        "[]",
        "null",
        "\u{feff}{\"connection_status\":\"CONNECTED\"}",
        r#"{"member":{"connection_status":"CHALLENGED","challenges":[{"guid":"CRD-1","type":0,"label":"?","options":[]}]}}"#,
        r#"{"member":{"connection_status":"CHALLENGED","challenges":[1,]}}"#,
        r#"{"member":{"connection_status":"CHALLENGED","challenges":[,1]}}"#,
        r#"{"member":{"connection_status":"CHALLENGED","challenges":[1 2]}}"#,
        r#"{"member":{"connection_status":"CHALLENGED","use_cases":["PFM",]}}"#,
        r#"{"member":{"connection_status":"CHALLENGED","metadata":{"a":[{"b":null}],"c":{}}}}"#,
        r#"{"member":{"connection_status":"CHALLENGED","metadata":{"a":1,}}}"#,
        r#"{"member":{"connection_status":"CHALLENGED"},"member":{"connection_status":"DENIED"}}"#,
        r#"{"member":{"connection_status":"CHALLENGED"},"extra":[1,2]}"#,
        r#"{"member":"MBR-1"}"#,
        r#"{"member":null}"#,
        r#"{"member":[1,2]}"#,
        r#"{"member":{"member":{"connection_status":"CHALLENGED"}}}"#,
        r#"{"members":[{"connection_status":"CHALLENGED"}]}"#,
        r#"{"connection_status":"FAILED","error":{"error_code":3000,"user_message":"Try later."}}"#,
        r#"{"connection_status":"FAILED","error":"{\"error_code\": 3000}"}"#,
        r#"{"connection_status":"FAILED","error":{"error_code":-1}}"#,
        r#"{"connection_status":"FAILED","error":{"error_code":4294967296}}"#,
        r#"{"type":"CONNECTION_STATUS","action":"CHANGED","member_guid":"MBR-1","connection_status_id":3}"#,
        r#"{"type":"AGGREGATION","action":"member_data_updated","member_guid":"MBR-1","completed_at":1795521600}"#,
    ];
    for case in cases {
        assert_agree(case);
    }
    let deep = format!(
        r#"{{"connection_status":"FAILED","metadata":{}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_agree(&deep);
    let nested = format!(
        r#"{{"connection_status":"FAILED","metadata":{}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_agree(&nested);
}

/// The keys `MemberJson` reads or recognises, and some it ignores.
const KEYS: &[&str] = &[
    "member",
    "guid",
    "member_guid",
    "connection_status",
    "connection_status_id",
    "is_being_aggregated",
    "aggregated_at",
    "successfully_aggregated_at",
    "needs_updated_credentials",
    "background_aggregation_is_disabled",
    "is_oauth",
    "is_manual",
    "challenges",
    "type",
    "action",
    "completed_at",
    "error",
    "error_code",
    "user_message",
    "members",
    "user",
    "accounts",
    "connectionStatus",
    "name",
    "metadata",
    "use_cases",
];

/// Numbers, in every form JSON allows and some it does not.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        (0u64..10_000_000_000).prop_map(|n| n.to_string()),
        (0u64..30).prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        proptest::sample::select(vec![
            "-0",
            "0",
            "00",
            "01",
            "1.0",
            "1e3",
            "1E+2",
            "1e-2",
            "-1",
            "1795521600.0",
            "1.",
            ".5",
            "-",
            "+1",
            "0x10",
            "999999999999999999",
            "1000000000000000000",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "NaN",
            "Infinity",
        ])
        .prop_map(String::from),
    ]
}

/// Strings: plain, escaped as serde_json writes them, and raw bytes JSON forbids.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9_:. +-]{0,40}".prop_map(|s| format!("\"{s}\"")),
        2 => proptest::sample::select(vec![
            "CONNECTED", "CHALLENGED", "FAILED", "DENIED", "connected", "TELEPORTED", "",
            "2026-11-24T12:00:00Z", "2026-11-24T12:00:00.000Z", "2026-11-24T06:00:00-06:00",
            "2026-11-24T12:00:00+00:00", "2026-11-24", "CONNECTION_STATUS", "AGGREGATION",
            "member_data_updated", "MBR-1",
        ])
        .prop_map(|s| format!("\"{s}\"")),
        2 => "\\PC{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        1 => "[\"\\\\a\\x00-\\x1f\\u{7f}\\u{80}\\u{2028}é/u]{0,12}".prop_map(|s| format!("\"{s}\"")),
        1 => proptest::sample::select(vec![
            r#""\u0041""#, r#""\ud800""#, r#""\ud83d\ude00""#, r#""\x""#, r#""\/""#, r#""a\"#,
            r#""\u00""#, r#""{\"error_code\":3000}""#,
        ])
        .prop_map(String::from),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => proptest::sample::select(vec![
            "null", "true", "false", "nul", "tru", "fals", "True", "NULL",
        ])
        .prop_map(String::from),
        2 => number(),
        4 => string(),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS.to_vec()).prop_map(|k| format!("\"{k}\"")),
        1 => string(),
        1 => Just(r#""con\u006eection_status""#.to_owned()),
    ]
}

/// Whitespace between tokens: none, as MX's compact form, or any of JSON's four bytes.
fn gap() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just(""),
        1 => proptest::sample::select(vec![" ", "\n  ", "\t", "\r\n", "  \n\t"]),
    ]
}

/// JSON text: scalars, arrays and objects nested up to a few levels.
fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            (proptest::collection::vec(inner.clone(), 0..6), gap())
                .prop_map(|(items, gap)| format!("[{gap}{}{gap}]", items.join(&format!(",{gap}")))),
            (proptest::collection::vec((key(), inner), 0..8), gap()).prop_map(|(entries, gap)| {
                let entries: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("{k}{gap}:{gap}{v}"))
                    .collect();
                format!("{{{gap}{}{gap}}}", entries.join(&format!(",{gap}")))
            }),
        ]
    })
}

/// A member-like object: mostly the keys `MemberJson` reads, bare or in an envelope.
fn member() -> impl Strategy<Value = String> {
    let entry = (key(), prop_oneof![3 => scalar(), 1 => value()]);
    (
        proptest::collection::vec(entry, 0..14),
        gap(),
        0..4u8,
        value(),
    )
        .prop_map(|(entries, gap, wrap, sibling)| {
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k}{gap}:{gap}{v}"))
                .collect();
            let object = format!("{{{gap}{}{gap}}}", entries.join(&format!(",{gap}")));
            match wrap {
                0 => format!(r#"{{"member":{object}}}"#),
                1 => format!(r#"{{"member":{object},"x":{sibling}}}"#),
                _ => object,
            }
        })
}

/// An edit that may break the text: delete, insert or replace one character.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let special = proptest::sample::select(vec![
        '{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', '.', 'e', ' ', '\n', '\u{0}', 'é',
    ]);
    prop_oneof![
        2 => Just(Edit::Keep),
        1 => any::<usize>().prop_map(Edit::Delete),
        1 => (any::<usize>(), special.clone()).prop_map(|(at, c)| Edit::Insert(at, c)),
        1 => (any::<usize>(), special).prop_map(|(at, c)| Edit::Replace(at, c)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    match *edit {
        Edit::Keep => {}
        Edit::Delete(at) if len > 0 => {
            chars.remove(at % len);
        }
        Edit::Insert(at, c) => chars.insert(at % (len + 1), c),
        Edit::Replace(at, c) if len > 0 => chars[at % len] = c,
        Edit::Truncate(at) => chars.truncate(at % (len + 1)),
        Edit::Delete(_) | Edit::Replace(..) => {}
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn generated_members_read_alike(text in member(), edit in edit()) {
        let text = apply(&text, &edit);
        let (parsed, reference) = plain_and_serde(&text);
        prop_assert_eq!(parsed, reference, "on {:?}", text);
    }

    #[test]
    fn generated_json_reads_alike(text in value(), edit in edit()) {
        let text = apply(&text, &edit);
        let (parsed, reference) = plain_and_serde(&text);
        prop_assert_eq!(parsed, reference, "on {:?}", text);
    }
}
