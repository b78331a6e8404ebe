//! Every call × every HTTP status (and no answer at all) gets a next step from a rule of
//! the table, the step the rule names; and every rule of the table is reached.

mod common;

use std::collections::BTreeSet;

use mx_aggregation::{Answer, Call, HttpRule, Policy};

const RUNNING: &str = r#"{"member": {"guid": "MBR-1", "is_being_aggregated": true}}"#;
const IDLE: &str = r#"{"member": {"guid": "MBR-1", "is_being_aggregated": false}}"#;

#[test]
fn every_answer_is_classified_by_a_rule_naming_its_step() {
    let policy = Policy::default();
    let mut reached = BTreeSet::new();
    for call in Call::ALL {
        for attempt in [1, policy.retry_limit + 1] {
            let mut answers = vec![Answer::NoResponse];
            for status in (0..=999).chain([u16::MAX]) {
                for body in ["", RUNNING, IDLE, "not json"] {
                    answers.push(Answer::Response {
                        status,
                        body,
                        retry_after: None,
                    });
                }
            }
            for answer in answers {
                let outcome = call.classify(&answer, attempt, common::now(), &policy);
                assert_eq!(
                    outcome.rule.step(),
                    outcome.step.name(),
                    "{call} {answer:?}: {outcome:?}"
                );
                reached.insert(outcome.rule);
            }
        }
    }
    let all: BTreeSet<_> = HttpRule::ALL.into_iter().collect();
    assert_eq!(
        reached,
        all,
        "rules never reached: {:?}",
        all.difference(&reached)
    );
}

#[test]
fn rule_codes_are_unique_snake_case_and_cite_a_source() {
    let codes: BTreeSet<_> = HttpRule::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), HttpRule::ALL.len());
    for rule in HttpRule::ALL {
        assert!(
            rule.code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{rule}"
        );
        assert!(
            !rule.source().is_empty() && !rule.summary().is_empty(),
            "{rule}"
        );
        assert_eq!(rule.to_string(), rule.code());
    }
}

#[test]
fn call_names_round_trip() {
    for call in Call::ALL {
        assert_eq!(Call::from_name(call.name()), Some(call));
        let json = serde_json::to_string(&call).unwrap();
        assert_eq!(serde_json::from_str::<Call>(&json).unwrap(), call);
    }
    let err = serde_json::from_str::<Call>(r#""delete""#).unwrap_err();
    assert!(err.to_string().contains("unknown call \"delete\""), "{err}");
}
