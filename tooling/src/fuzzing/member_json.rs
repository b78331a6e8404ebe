//! Target `member_json`: arbitrary bytes through the member reader, the snapshot and the
//! decision.

use mx_aggregation::{Decision, EndUser, MemberJson, MemberSnapshot, Policy, decide_with};

use super::invariants::{
    assert_invariants, assert_timestamp_reads_as_chrono, assert_timestamps_writable,
    plain_and_serde,
};
use crate::matrix::reference_now;

/// Target `member_json`: arbitrary bytes → parse → snapshot → decide.
///
/// Oracles: parsing never panics; `MemberJson::parse` (plain JSON read by its fast reader)
/// and serde_json read alike ([`plain_and_serde`]); the text as a timestamp reads as chrono
/// reads it; serde's `Deserialize` for [`MemberSnapshot`] agrees with
/// [`MemberSnapshot::from_json`]; an accepted member survives a JSON round trip; its
/// decisions, with the end user present and absent, obey [`check_invariants`], write every
/// timestamp as RFC 3339 (years 0000–9999) and survive a JSON round trip too.
///
/// [`check_invariants`]: super::check_invariants
pub fn member_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (plain_first, serde_only) = plain_and_serde(text);
    assert_eq!(
        plain_first, serde_only,
        "the plain reader and serde_json differ on {text:?}"
    );
    assert_timestamp_reads_as_chrono(text);
    let parsed = MemberJson::parse(text).and_then(|member| {
        let _ = member.guid();
        member.snapshot()
    });
    let via_serde = serde_json::from_str::<MemberSnapshot>(text);
    let member = match (parsed, via_serde) {
        (Ok(member), Ok(same)) => {
            assert_eq!(member, same, "serde and from_json disagree on {text:?}");
            member
        }
        (Err(error), Err(_)) => {
            let _ = error.to_string();
            return;
        }
        (Ok(_), Err(e)) => panic!("from_json accepts what serde rejects ({e}): {text:?}"),
        (Err(e), Ok(_)) => panic!("serde accepts what from_json rejects ({e}): {text:?}"),
    };
    let written = serde_json::to_string(&member).expect("a snapshot always serializes");
    let reread = MemberSnapshot::from_json(&written)
        .unwrap_or_else(|e| panic!("cannot re-read {written:?}: {e}"));
    assert_eq!(reread, member, "snapshot round trip through {written:?}");

    for now in [
        reference_now(),
        member.aggregated_at.unwrap_or_else(reference_now),
    ] {
        for end_user in [EndUser::Present, EndUser::Absent] {
            let decision = decide_with(&member, now, &Policy::default(), end_user);
            assert_invariants(&member, now, &Policy::default(), end_user, &decision);
            let json = serde_json::to_string(&decision).expect("a decision always serializes");
            assert_timestamps_writable(json.as_bytes());
            let back: Decision = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("cannot re-read {json}: {e}"));
            assert_eq!(back, decision, "decision round trip through {json}");
        }
    }
}
