#![recursion_limit = "256"]

//! A transaction's text is stored packed (`core::packed`) and reads back as the very
//! text MX sent: for every JSON text, and for any text without a packing code; a text
//! stored before packing reads as itself; the tokens are MX's field names as MX writes
//! them; and an MX Bank row takes about half its bytes.

use mx_aggregation_client::types::Transaction;
use mx_aggregation_service::core::packed::{CODES, NotJsonText, TOKENS, pack, unpack};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Text built from the tokens, their pieces and JSON's punctuation, so that tokens meet,
/// overlap and break off in every way.
fn tokenish() -> impl Strategy<Value = String> {
    let pieces: Vec<String> = TOKENS
        .iter()
        .flat_map(|token| {
            let mid = token.len() / 2;
            [
                (*token).to_owned(),
                token[..mid].to_owned(),
                token[mid..].to_owned(),
            ]
        })
        .chain(
            [
                "\"", ":", ",", "{", "}", "n", "nul", "f", "fals", "é", "\\\"", " ", "\n",
            ]
            .map(str::to_owned),
        )
        .collect();
    prop::collection::vec(prop::sample::select(pieces), 0..40).prop_map(|parts| parts.concat())
}

/// A JSON value of any shape whose keys are often MX's.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(TOKENS.to_vec())
            .prop_map(|t| t.trim_matches([':', '"', ',']).to_owned()),
        "[a-z_]{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 40, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn has_code(text: &str) -> bool {
    text.bytes().any(|b| CODES.contains(&b))
}

proptest! {
    #[test]
    fn every_json_text_unpacks_to_itself(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .expect("serializes");
        let packed = pack(&text).expect("a JSON text packs");
        prop_assert_eq!(unpack(&packed), text);
    }

    #[test]
    fn any_text_without_a_code_unpacks_to_itself(text in prop_oneof![tokenish(), ".*"]) {
        prop_assume!(!has_code(&text));
        let packed = pack(&text).expect("no code in it");
        prop_assert!(packed.len() <= text.len());
        prop_assert_eq!(unpack(&packed), text);
    }

    #[test]
    fn a_text_stored_before_packing_reads_as_itself(value in json_value()) {
        let text = serde_json::to_string(&value).expect("serializes");
        prop_assert_eq!(unpack(&text), text);
    }

    #[test]
    fn a_text_holding_a_code_is_refused_where_it_is(
        before in "[ -~]{0,20}", code in prop::sample::select(CODES.to_vec()), after in ".*"
    ) {
        let text = format!("{before}{}{after}", char::from(code));
        prop_assert_eq!(pack(&text), Err(NotJsonText { byte: code, at: before.len() }));
    }
}

/// Every key token is a field of MX's `TransactionResponse` as the client reads it,
/// written as MX writes a key; the rest are values.
#[test]
fn the_tokens_are_mx_field_names_and_common_values() {
    let fields = serde_json::to_value(Transaction::default()).expect("serializes");
    let fields = fields.as_object().expect("an object");
    for token in TOKENS {
        match token.strip_prefix('"').and_then(|t| t.strip_suffix("\":")) {
            Some(name) => assert!(fields.contains_key(name), "{token}: not MX's field"),
            None => assert!(["null,", "false,"].contains(&token), "{token}"),
        }
    }
}

/// An MX Bank row, as the emulator lists it, takes about half its bytes.
#[test]
fn an_mx_bank_row_packs_to_about_half() {
    let row = json!({
        "account_guid": "ACT-dfdf6523-64b7-02c6-f121-e97807d825da", "account_id": null,
        "amount": 8.75, "category": "Coffee Shops", "category_guid": null,
        "check_number_string": null, "created_at": "2026-03-02T00:00:01Z",
        "currency_code": "USD", "date": "2026-01-17", "description": "Starbucks",
        "guid": "TRN-008f45d5-1ecb-46c6-9c44-8fe8440fe099", "id": null,
        "is_bill_pay": false, "is_direct_deposit": false, "is_expense": true,
        "is_fee": false, "is_income": false, "is_international": false, "is_manual": false,
        "is_overdraft_fee": false, "is_payroll_advance": false, "is_recurring": false,
        "is_subscription": false, "latitude": null, "localized_description": null,
        "localized_memo": null, "longitude": null,
        "member_guid": "MBR-ffb3a51c-0b8a-d555-4ce6-7ab12c2b50a1",
        "member_is_managed_by_user": true, "memo": null, "merchant_category_code": 5814,
        "merchant_guid": null, "merchant_location_guid": null, "metadata": null,
        "original_description": "STARBUCKS STORE 0412", "posted_at": "2026-01-20T15:30:21Z",
        "status": "POSTED", "top_level_category": "Food & Dining",
        "transacted_at": "2026-01-17T19:37:55Z", "type": "DEBIT",
        "updated_at": "2026-03-02T00:00:01Z",
        "user_guid": "USR-e60bb961-7aa6-ed70-4f10-6cc90e7f244c", "user_id": "fleet-7"
    });
    let text = row.to_string();
    let packed = pack(&text).expect("JSON");
    assert_eq!(unpack(&packed), text);
    let share = packed.len() as f64 / text.len() as f64;
    assert!(
        (0.4..0.6).contains(&share),
        "{} of {} bytes",
        packed.len(),
        text.len()
    );
}
