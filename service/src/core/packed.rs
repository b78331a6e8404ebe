//! MX's transaction text as stored: packed without loss into fewer bytes.
//!
//! The service keeps each transaction as the text MX sent (`TransactionResponse`, about
//! 1.15 KB for an MX Bank row), so that it serves what MX said, byte for byte. Nearly all
//! of a member's stored bytes are those texts, and half of each text is its field names:
//! `"member_is_managed_by_user":` and its like come back in every row. At 10,000 members
//! a week of syncs wrote 57 GB for an 8 GB database, the transactions' table nearly all
//! of it (docs/PERFORMANCE.md, fifteenth session), and this machine's disk set a
//! quarter of the run's time.
//!
//! So each text is stored with the byte strings of [`TOKENS`] (MX's longest field names,
//! and the commonest values) replaced each by one control byte ([`CODES`]). A JSON text
//! never holds those bytes: RFC 8259 §7 lets a control character into a string only
//! escaped, and between tokens allows only space, tab, line feed and carriage return,
//! which are not codes. [`unpack`] puts the strings back, so `unpack(pack(text))` is the
//! text for every JSON text, and a text stored before packing (holding no code) reads as
//! itself. Both databases keep the packed text as `TEXT` (the codes are valid UTF-8).
//!
//! The texts a database joins into one array (`Db::load_list`) unpack as a whole: the
//! guids beside them are quoted JSON and hold no code either.

/// The byte strings packed, longest field names first; each becomes the byte at the
/// same index in [`CODES`]. Field names are `TransactionResponse`'s (SPEC25, the
/// `mx_aggregation_client::types::Transaction` fields), written as MX writes a key: the
/// quoted name and its colon. Changing this table changes how stored rows read: append
/// only, never reorder or remove.
pub const TOKENS: [&str; 26] = [
    "\"member_is_managed_by_user\":",
    "\"extended_transaction_type\":",
    "\"merchant_location_guid\":",
    "\"merchant_category_code\":",
    "\"localized_description\":",
    "\"original_description\":",
    "\"check_number_string\":",
    "\"top_level_category\":",
    "\"is_payroll_advance\":",
    "\"is_direct_deposit\":",
    "\"is_international\":",
    "\"is_overdraft_fee\":",
    "\"is_subscription\":",
    "\"localized_memo\":",
    "\"transacted_at\":",
    "\"currency_code\":",
    "\"category_guid\":",
    "\"merchant_guid\":",
    "\"account_guid\":",
    "\"is_recurring\":",
    "\"member_guid\":",
    "\"description\":",
    "\"is_bill_pay\":",
    "\"updated_at\":",
    "null,",
    "false,",
];

/// The byte each of [`TOKENS`] packs into: the control characters but tab (`0x09`), line
/// feed (`0x0A`) and carriage return (`0x0D`), which JSON allows between tokens, and
/// `0x00`, `0x1E` and `0x1F`, kept free.
pub const CODES: [u8; 26] = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0C, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13,
    0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D,
];

/// For each byte below `0x20`, one more than the index of the token it stands for, or
/// 0: a byte's token in one look-up, not a search of [`CODES`].
const INDEX: [u8; 32] = {
    let mut index = [0_u8; 32];
    let mut i = 0;
    while i < CODES.len() {
        // Every code is below 0x20 (`the_table_is_one_code_a_token`); the table has 26
        // entries, which fit a byte.
        index[CODES[i] as usize] = i as u8 + 1;
        i += 1;
    }
    index
};

/// The token a byte stands for, if it is a code.
fn token_of(byte: u8) -> Option<&'static str> {
    if byte >= 0x20 {
        return None;
    }
    match INDEX.get(usize::from(byte)).copied().unwrap_or(0) {
        0 => None,
        n => TOKENS.get(usize::from(n) - 1).copied(),
    }
}

/// The code and length of the token found at the start of `rest`. The caller looks only
/// for keys at a quote and for values after a colon (the tokens say where MX's text has
/// them; any choice of places unpacks the same).
fn token_at(rest: &[u8]) -> Option<(u8, usize)> {
    TOKENS.iter().zip(CODES).find_map(|(token, code)| {
        let token = token.as_bytes();
        // The first two bytes before the whole token: most quotes start no token.
        (token.get(..2) == rest.get(..2) && rest.starts_with(token)).then_some((code, token.len()))
    })
}

/// Why a text cannot be packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a JSON text: byte {byte:#04x} at {at} is a packing code")]
pub struct NotJsonText {
    /// The byte.
    pub byte: u8,
    /// Its offset in the text.
    pub at: usize,
}

/// `text` packed: each of [`TOKENS`] found, scanning from the start (a key at a quote,
/// a value after a colon; the first of the table that matches), replaced by its code.
///
/// # Errors
/// [`NotJsonText`] when `text` holds a code byte itself: no JSON text does, and packing
/// it would not unpack to itself.
pub fn pack(text: &str) -> Result<String, NotJsonText> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut copied = 0;
    // After a colon (or a key, which ends with one) a value may start.
    let mut value_next = false;
    while let Some(&byte) = bytes.get(at) {
        if token_of(byte).is_some() {
            return Err(NotJsonText { byte, at });
        }
        let candidate = match byte {
            b'"' => true,
            b'n' | b'f' => value_next,
            _ => false,
        };
        value_next = byte == b':';
        let found = if candidate {
            token_at(bytes.get(at..).unwrap_or_default())
        } else {
            None
        };
        match found {
            Some((code, len)) => {
                // Tokens are ASCII and start at a character's first byte: the slices
                // fall on character boundaries.
                out.push_str(text.get(copied..at).unwrap_or_default());
                out.push(char::from(code));
                at += len;
                copied = at;
                value_next = bytes.get(at - 1) == Some(&b':');
            }
            None => at += 1,
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Ok(out)
}

/// `stored` with every code replaced by its token: the text [`pack`] packed, or a text
/// stored unpacked, as it is.
pub fn unpack(stored: &str) -> String {
    let mut out = String::with_capacity(stored.len() + stored.len() / 2);
    let mut copied = 0;
    for (at, byte) in stored.bytes().enumerate() {
        if let Some(token) = token_of(byte) {
            out.push_str(stored.get(copied..at).unwrap_or_default());
            out.push_str(token);
            copied = at + 1;
        }
    }
    out.push_str(stored.get(copied..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_packs_to_its_codes_and_back() {
        let text = r#"{"guid":"TRN-1","memo":null,"is_fee":false,"member_guid":"MBR-1","is_recurring":false,"updated_at":"2026-03-02T00:00:01Z"}"#;
        let packed = pack(text).expect("JSON");
        assert_eq!(
            packed,
            "{\"guid\":\"TRN-1\",\"memo\":\x1c\"is_fee\":\x1d\x18\"MBR-1\",\x17\x1d\x1b\"2026-03-02T00:00:01Z\"}"
        );
        assert_eq!(unpack(&packed), text);
    }

    #[test]
    fn a_text_holding_a_code_is_refused() {
        assert_eq!(pack("{\"a\":\u{1}}"), Err(NotJsonText { byte: 1, at: 5 }));
    }

    #[test]
    fn the_table_is_one_code_a_token() {
        let mut codes = CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TOKENS.len());
        for code in CODES {
            assert!(
                code < 0x20 && ![0x09, 0x0A, 0x0D].contains(&code),
                "{code:#x}"
            );
        }
    }
}
