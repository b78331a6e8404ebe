//! Target `payload`: structure-aware MX-shaped payloads through the payload recogniser.

use arbitrary::{Arbitrary, Unstructured};

use mx_aggregation::{
    ConnectionStatus, EndUser, MemberJson, NextAction, PayloadKind, Policy, decide_with,
};

use super::member_json::member_json;
use crate::matrix::reference_now;

/// One input of the `payload` target: an MX-shaped JSON payload assembled from the keys and
/// values the recogniser tells apart, so the fuzzer spends its time on the decisions between
/// payload kinds rather than on JSON syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadInput {
    /// The payload's JSON text.
    pub json: String,
}

/// The keys the generator picks from: member fields, webhook fields, the keys that mark a
/// payload as something else, and camelCase slips.
const PAYLOAD_KEYS: [&str; 24] = [
    "connection_status",
    "connection_status_id",
    "guid",
    "member_guid",
    "type",
    "action",
    "completed_at",
    "aggregated_at",
    "successfully_aggregated_at",
    "is_being_aggregated",
    "needs_updated_credentials",
    "background_aggregation_is_disabled",
    "is_oauth",
    "is_manual",
    "challenges",
    "error",
    "members",
    "user",
    "institution",
    "accounts",
    "pagination",
    "connectionStatus",
    "memberGuid",
    "oauth_window_uri",
];

/// Values the recogniser and the field checks treat differently.
fn payload_value(u: &mut Unstructured<'_>, key: &str) -> arbitrary::Result<String> {
    let status = || {
        let names: Vec<String> = ConnectionStatus::ALL
            .iter()
            .map(|s| format!("\"{}\"", s.as_str()))
            .collect();
        names
    };
    Ok(match u.int_in_range(0u8..=9)? {
        0 => "null".to_owned(),
        1 => u.arbitrary::<bool>()?.to_string(),
        2 => u.arbitrary::<i64>()?.to_string(),
        3 => format!("{:?}", u.arbitrary::<&str>()?),
        4 => "{}".to_owned(),
        5 => "[]".to_owned(),
        _ => match key {
            "connection_status" => u.choose(&status())?.clone(),
            "connection_status_id" => u.int_in_range(-1i64..=22)?.to_string(),
            "type" => (*u.choose(&[
                "\"CONNECTION_STATUS\"",
                "\"AGGREGATION\"",
                "\"BALANCE\"",
                "\"REWARD\"",
                "\"MEMBER\"",
                "\"ACCOUNTS\"",
            ])?)
            .to_owned(),
            "action" => {
                (*u.choose(&["\"CHANGED\"", "\"member_data_updated\"", "\"created\""])?).to_owned()
            }
            "guid" | "member_guid" => "\"MBR-1\"".to_owned(),
            "completed_at" | "aggregated_at" | "successfully_aggregated_at" => (*u.choose(&[
                "1531947410",
                "253402300799",
                "253402300800",
                "-62167219201",
                "\"2018-07-18T20:56:50Z\"",
                "\"9999-12-31T23:59:59-23:59\"",
                "\"0000-01-01T00:00:00+05:00\"",
                "\"9999-12-31T23:59:59+23:59\"",
                "\"2016-12-31T23:59:60.5Z\"",
            ])?)
            .to_owned(),
            "error" => (*u.choose(&[
                r#"{"error_code": 3001, "user_message": "later"}"#,
                r#""{\"error_code\": 2005, \"user_message\": \"x\"}""#,
                r#"{"error_code": 2002}"#,
                r#"{"error_code": 4294967296}"#,
                r#""""#,
                r#""{not json""#,
            ])?)
            .to_owned(),
            "challenges" | "members" | "accounts" => r#"[{"type": 0}]"#.to_owned(),
            _ => u.arbitrary::<bool>()?.to_string(),
        },
    })
}

impl<'a> Arbitrary<'a> for PayloadInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut fields = Vec::new();
        for _ in 0..u.int_in_range(0u8..=8)? {
            let key = *u.choose(&PAYLOAD_KEYS)?;
            fields.push(format!("\"{key}\": {}", payload_value(u, key)?));
        }
        let object = format!("{{{}}}", fields.join(", "));
        let json = match u.int_in_range(0u8..=5)? {
            0 | 1 => format!("{{\"member\": {object}}}"),
            2 => format!("{{\"member\": {{\"member\": {object}}}}}"),
            3 => format!("{{\"members\": [{object}], \"pagination\": {{}}}}"),
            _ => object,
        };
        Ok(Self { json })
    }
}

/// Target `payload`: a structure-aware MX-shaped payload through the recogniser.
///
/// Oracles: everything [`member_json`] checks; [`MemberJson::payload_kind`] and
/// [`MemberJson::snapshot`] agree (an unrecognised payload is never decided, a recognised
/// one is snapshotted as its kind or fails on a field); only member payloads lead to
/// actions on the member, whoever is there.
pub fn payload(input: &PayloadInput) {
    member_json(input.json.as_bytes());
    let Ok(parsed) = MemberJson::parse(&input.json) else {
        return;
    };
    let kind = parsed.payload_kind();
    let snapshot = parsed.snapshot();
    match (&kind, &snapshot) {
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", input.json),
        (Err(e), Ok(_)) => panic!("recognised nothing ({e}) but decided: {}", input.json),
        (Ok(kind), Ok(member)) => assert_eq!(member.payload, *kind, "{}", input.json),
        (Ok(_), Err(_)) => {}
    }
    let Ok(member) = snapshot else {
        return;
    };
    for end_user in [EndUser::Present, EndUser::Absent] {
        let decision = decide_with(&member, reference_now(), &Policy::default(), end_user);
        if member.payload != PayloadKind::Member {
            assert!(
                matches!(
                    decision.action,
                    NextAction::ReadMember | NextAction::ReadData { .. } | NextAction::Stop
                ) && !decision.requires_end_user(),
                "{decision:?} on {}",
                input.json
            );
        }
    }
}

/// [`payload`] on raw fuzzer bytes, decoded with `arbitrary`.
pub fn payload_bytes(data: &[u8]) {
    if let Ok(input) = PayloadInput::arbitrary_take_rest(Unstructured::new(data)) {
        payload(&input);
    }
}
