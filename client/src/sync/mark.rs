//! [`RowMark`]: what a store keeping MX's text needs of a held transaction to tell it
//! unchanged without its text: a digest of the text, and whether it is `PENDING`.

use chrono::NaiveDate;

use crate::types::Transaction;

/// Whether a held transaction is `PENDING`, and on which day: the sync reads a trailing
/// window from the oldest `PENDING` one held, and removes those that do not come back
/// (MX replaces most by a posted one with a new guid, SPEC25
/// `TransactionResponse.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pending {
    /// Posted, or any status but `PENDING`.
    No,
    /// `PENDING`, dated `day` (`None` when its `date` does not read as one).
    On(Option<NaiveDate>),
}

impl Pending {
    /// Whether `transaction` is `PENDING`, and its day.
    pub fn of(transaction: &Transaction) -> Self {
        if transaction.is_pending() {
            Self::On(transaction.day())
        } else {
            Self::No
        }
    }

    /// Whether the row held as `text` is `PENDING`, and its day. A posted row's text has
    /// no `"PENDING"` in it: only the others are read.
    pub fn of_text(text: &str) -> Self {
        if !text.contains("\"PENDING\"") {
            return Self::No;
        }
        serde_json::from_str::<Transaction>(text)
            .ok()
            .map_or(Self::No, |transaction| Self::of(&transaction))
    }
}

/// A held transaction without its text: enough to find it unchanged in MX's next listing
/// and to plan the sync, not to compare its values.
///
/// A later sync lists a member's whole history (hundreds of rows) to find the few MX
/// changed. Comparing each listed row with the held text meant loading the whole copy
/// from the database first (about 0.75 MB a member at MX Bank's 3–6 transactions a day);
/// a mark is 8 bytes and a flag, read from an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowMark {
    /// [`text_digest`] of the row's text as MX sent it.
    pub digest: u64,
    /// Whether it is `PENDING`.
    pub pending: Pending,
}

impl RowMark {
    /// The mark of a row held as `text`.
    pub fn of_text(text: &str) -> Self {
        Self {
            digest: text_digest(text),
            pending: Pending::of_text(text),
        }
    }
}

/// A 64-bit digest of `text`, the same on every build and platform (it is stored): the
/// text's length, then each 8 bytes (little-endian, the last zero-padded) folded in by an
/// xor and a bijective step (an odd multiply and a rotation), then a final mix.
///
/// Two texts of one length that differ in a single 8-byte word never collide (each step
/// is a bijection of the state); other pairs collide with a chance of about 2⁻⁶⁴. A
/// collision would make MX's change to a row look like no change, so the digest is
/// compared only with the row held under the same guid. Not a defence against a
/// crafted text: MX's rows are not chosen to collide.
pub fn text_digest(text: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = text.as_bytes();
    let step = |state: u64, word: u64| (state ^ word).wrapping_mul(K).rotate_left(29);
    let mut state = step(0, bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut eight = [0_u8; 8];
        eight.copy_from_slice(word);
        state = step(state, u64::from_le_bytes(eight));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut eight = [0_u8; 8];
        eight[..rest.len()].copy_from_slice(rest);
        state = step(state, u64::from_le_bytes(eight));
    }
    // MurmurHash3's 64-bit finaliser: every bit of the state reaches every bit out.
    state ^= state >> 33;
    state = state.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    state ^= state >> 33;
    state = state.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    state ^ (state >> 33)
}

#[cfg(test)]
mod tests {
    use super::{Pending, RowMark, text_digest};

    #[test]
    fn the_digest_is_stable() {
        // Stored digests must read the same after an upgrade: these values are fixed.
        assert_eq!(text_digest(""), 0x0000_0000_0000_0000);
        assert_eq!(text_digest("{}"), text_digest("{}"));
        assert_eq!(text_digest("{\"guid\":\"TRN-1\"}"), 0x0e60_bf8f_47c4_9256);
        assert_eq!(text_digest("x"), 0x0f12_c5ed_a19f_80d7);
    }

    #[test]
    fn one_byte_changed_changes_the_digest() {
        let text = r#"{"amount":12.5,"guid":"TRN-1","status":"POSTED","date":"2026-03-02"}"#;
        let digest = text_digest(text);
        for at in 0..text.len() {
            let mut bytes = text.as_bytes().to_vec();
            bytes[at] ^= 1;
            let changed = String::from_utf8(bytes).unwrap_or_default();
            assert_ne!(text_digest(&changed), digest, "byte {at}");
        }
        assert_ne!(text_digest(&text[..text.len() - 1]), digest);
        assert_ne!(text_digest(&format!("{text} ")), digest);
    }

    #[test]
    fn a_pending_row_is_marked_with_its_day() {
        let pending = r#"{"guid":"TRN-1","status":"PENDING","date":"2026-03-02"}"#;
        assert_eq!(
            RowMark::of_text(pending).pending,
            Pending::On(chrono::NaiveDate::from_ymd_opt(2026, 3, 2))
        );
        let undated = r#"{"guid":"TRN-1","status":"PENDING","date":"soon"}"#;
        assert_eq!(RowMark::of_text(undated).pending, Pending::On(None));
        let posted = r#"{"guid":"TRN-1","status":"POSTED","memo":"was \"PENDING\""}"#;
        assert_eq!(RowMark::of_text(posted).pending, Pending::No);
        assert_eq!(RowMark::of_text(posted).digest, text_digest(posted));
    }
}
