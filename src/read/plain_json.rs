//! A fast reader for plain JSON, the form MX writes, in front of serde_json.
//!
//! Parsing is nearly all of what `batch` spends on a member: serde_json is general, and
//! its per-token bookkeeping costs far more than the few comparisons of a decision. MX
//! writes its payloads plainly: non-negative integers, `null`, `true` and `false`, objects,
//! arrays, and strings without escapes, except in values nobody reads (its own example
//! member carries escaped JSON in `metadata`). [`Plain`] is a serde [`Deserializer`] for
//! exactly that subset. It feeds the same visitors as serde_json (`MemberJson`'s `Fill`,
//! `JsonValue`, the `error` field), so what a field means is written once.
//!
//! It never reports an error and never guesses: at the first byte outside the subset (an
//! escape in a string it hands on, a control character, a sign, a fraction or exponent,
//! nesting deeper than [`MAX_DEPTH`]) or at any error a visitor raises, it gives up, and
//! [`MemberJson::parse`](crate::MemberJson::parse) reads the text again with serde_json,
//! whose verdict and message stand. What it accepts, it reads as serde_json does:
//! `tests/plain_json_agrees.rs` checks that over generated and mutated payloads, and
//! the `member_json` fuzz target over arbitrary input.
//!
//! The input is a `&str`, so it is valid UTF-8 and a string cut at its ASCII quotes is
//! too. This is the gate the batch issue asks of any faster parser: a strict fallback and
//! a differential test over invalid input.

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The deepest nesting read: well under serde_json's limit of 128, so nothing it refuses
/// for depth is accepted here.
const MAX_DEPTH: u32 = 64;

/// The most digits an integer may have here: any 18-digit number fits an `i64`, so the
/// value is the same whichever way serde_json hands it on.
const MAX_DIGITS: usize = 18;

/// The text is outside the plain subset, or a visitor refused it: read it with serde_json.
#[derive(Debug)]
pub(crate) struct GaveUp;

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not plain JSON")
    }
}

impl std::error::Error for GaveUp {}

impl de::Error for GaveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Self
    }
}

/// Reads `text` with `read` (e.g. `T::deserialize`, or a visitor that fills a value in
/// place), or `None` when it is not plain JSON or `read` refuses it. Like
/// `serde_json::from_str`, only whitespace may follow the value.
pub(crate) fn read<'a, T>(
    text: &'a str,
    read: impl FnOnce(&mut Plain<'a>) -> Result<T, GaveUp>,
) -> Option<T> {
    let mut plain = Plain {
        text,
        pos: 0,
        depth: 0,
    };
    let value = read(&mut plain).ok()?;
    plain.skip_whitespace();
    (plain.pos == text.len()).then_some(value)
}

/// The reader: the text and the position of the next byte.
pub(crate) struct Plain<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Plain<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips JSON's four whitespace bytes (RFC 8259 §2).
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte`, or gives up.
    fn eat(&mut self, byte: u8) -> Result<(), GaveUp> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(GaveUp)
        }
    }

    /// Consumes `word` (`null`, `true`, `false`), or gives up.
    fn literal(&mut self, word: &str) -> Result<(), GaveUp> {
        let end = self.pos + word.len();
        if self.text.as_bytes().get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(())
        } else {
            Err(GaveUp)
        }
    }

    /// Reads a string after its opening quote, up to and past its closing quote. Gives up
    /// at a backslash or a control character (which JSON forbids raw; serde_json says so).
    fn string(&mut self) -> Result<&'a str, GaveUp> {
        let start = self.pos;
        let at = self.special_from(start);
        self.close_string(start, at)
    }

    /// Skips a string after its opening quote, up to and past its closing quote, escapes
    /// included. They are checked as serde_json checks those of a value it ignores: `\"`,
    /// `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, or `\u` and four hex digits, whatever
    /// code point they name. MX's own example member carries escaped JSON in `metadata`.
    fn skip_string(&mut self) -> Result<(), GaveUp> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        loop {
            at = self.special_from(at);
            match bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(());
                }
                Some(b'\\') => match bytes.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                    Some(b'u') => {
                        let hex = bytes.get(at + 2..at + 6).ok_or(GaveUp)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(GaveUp);
                        }
                        at += 6;
                    }
                    _ => return Err(GaveUp),
                },
                _ => return Err(GaveUp),
            }
        }
    }

    /// The position of the first quote, backslash or byte below 0x20 from `at` on, or the
    /// end of the text.
    fn special_from(&self, mut at: usize) -> usize {
        let bytes = self.text.as_bytes();
        // Eight bytes at a time, then one. (Sixteen or thirty-two at a time measured
        // slower: most strings are short.)
        while let Some(word) = bytes.get(at..at + 8) {
            let mut eight = [0; 8];
            eight.copy_from_slice(word);
            let special = special_bytes(u64::from_le_bytes(eight));
            if special != 0 {
                return at + (special.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        while let Some(&byte) = bytes.get(at) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return at;
            }
            at += 1;
        }
        at
    }

    /// The string from `start` to the special byte at `at`, which must be its closing quote.
    fn close_string(&mut self, start: usize, at: usize) -> Result<&'a str, GaveUp> {
        if self.text.as_bytes().get(at) != Some(&b'"') {
            return Err(GaveUp);
        }
        // Both ends are ASCII quotes, so both are character boundaries.
        let string = self.text.get(start..at).ok_or(GaveUp)?;
        self.pos = at + 1;
        Ok(string)
    }

    /// Reads a non-negative integer of at most [`MAX_DIGITS`] digits without a leading
    /// zero. Gives up at a fraction or an exponent; what follows is checked by the caller.
    fn integer(&mut self) -> Result<u64, GaveUp> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(&digit @ b'0'..=b'9') = bytes.get(self.pos) {
            if self.pos - start == MAX_DIGITS {
                return Err(GaveUp);
            }
            value = value * 10 + u64::from(digit - b'0');
            self.pos += 1;
        }
        let digits = self.pos - start;
        let leading_zero = digits > 1 && bytes.get(start) == Some(&b'0');
        match self.peek() {
            _ if digits == 0 || leading_zero => Err(GaveUp),
            Some(b'.' | b'e' | b'E') => Err(GaveUp),
            _ => Ok(value),
        }
    }

    /// Enters an object or an array.
    fn enter(&mut self) -> Result<(), GaveUp> {
        if self.depth == MAX_DEPTH {
            return Err(GaveUp);
        }
        self.depth += 1;
        Ok(())
    }

    /// Skips one value, checking its syntax as strictly as reading it would. Only a string
    /// is skipped differently from how it is read: it may hold escapes.
    fn skip_value(&mut self) -> Result<(), GaveUp> {
        self.skip_whitespace();
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return self.skip_string();
        }
        self.deserialize_any(IgnoredAny).map(drop)
    }
}

/// A mask with the high bit set in the lowest byte of `word` that is a quote, a backslash
/// or below 0x20 (higher bits may be set too; the lowest one is exact).
const fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn below(word: u64, n: u64) -> u64 {
        word.wrapping_sub(ONES * n) & !word & HIGH
    }
    below(word ^ (ONES * b'"' as u64), 1)
        | below(word ^ (ONES * b'\\' as u64), 1)
        | below(word, 0x20)
}

/// The entries of an object, after its `{`.
struct Entries<'p, 'a> {
    plain: &'p mut Plain<'a>,
    first: bool,
    ended: bool,
}

impl<'p, 'a> Entries<'p, 'a> {
    fn new(plain: &'p mut Plain<'a>) -> Self {
        Self {
            plain,
            first: true,
            ended: false,
        }
    }

    /// The next key, past its `:`, or `None` past the closing `}`.
    fn next_key(&mut self) -> Result<Option<&'a str>, GaveUp> {
        let plain = &mut *self.plain;
        plain.skip_whitespace();
        match plain.peek() {
            Some(b'}') => {
                plain.pos += 1;
                self.ended = true;
                return Ok(None);
            }
            Some(b',') if !self.first => {
                plain.pos += 1;
                plain.skip_whitespace();
            }
            Some(b'"') if self.first => {}
            _ => return Err(GaveUp),
        }
        self.first = false;
        plain.eat(b'"')?;
        let key = plain.string()?;
        plain.skip_whitespace();
        plain.eat(b':')?;
        Ok(Some(key))
    }
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = GaveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GaveUp> {
        match self.next_key()? {
            Some(key) => seed
                .deserialize(BorrowedStrDeserializer::new(key))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GaveUp> {
        seed.deserialize(&mut *self.plain)
    }
}

/// The elements of an array, after its `[`.
struct Elements<'p, 'a> {
    plain: &'p mut Plain<'a>,
    first: bool,
    ended: bool,
}

impl<'p, 'a> Elements<'p, 'a> {
    fn new(plain: &'p mut Plain<'a>) -> Self {
        Self {
            plain,
            first: true,
            ended: false,
        }
    }

    /// Whether another element follows (positioned at it), or `false` past the `]`.
    fn next(&mut self) -> Result<bool, GaveUp> {
        let plain = &mut *self.plain;
        plain.skip_whitespace();
        match plain.peek() {
            Some(b']') => {
                plain.pos += 1;
                self.ended = true;
                return Ok(false);
            }
            Some(b',') if !self.first => plain.pos += 1,
            Some(_) if self.first => {}
            _ => return Err(GaveUp),
        }
        self.first = false;
        Ok(true)
    }
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = GaveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, GaveUp> {
        if self.next()? {
            seed.deserialize(&mut *self.plain).map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<'de> Deserializer<'de> for &mut Plain<'de> {
    type Error = GaveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GaveUp> {
        self.skip_whitespace();
        match self.peek().ok_or(GaveUp)? {
            b'"' => {
                self.pos += 1;
                visitor.visit_borrowed_str(self.string()?)
            }
            b'{' => {
                self.pos += 1;
                self.enter()?;
                let mut entries = Entries::new(self);
                let value = visitor.visit_map(&mut entries)?;
                // A visitor that stops early leaves entries unread: serde_json refuses that.
                if !entries.ended {
                    return Err(GaveUp);
                }
                self.depth -= 1;
                Ok(value)
            }
            b'[' => {
                self.pos += 1;
                self.enter()?;
                let mut elements = Elements::new(self);
                let value = visitor.visit_seq(&mut elements)?;
                if !elements.ended {
                    return Err(GaveUp);
                }
                self.depth -= 1;
                Ok(value)
            }
            b'n' => {
                self.literal("null")?;
                visitor.visit_unit()
            }
            b't' => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            b'0'..=b'9' => visitor.visit_u64(self.integer()?),
            _ => Err(GaveUp),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GaveUp> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::special_bytes;

    proptest! {
        /// The mask's lowest set bit is the first quote, backslash or control byte.
        #[test]
        fn special_bytes_finds_the_first(word in any::<[u8; 8]>()) {
            let first = word.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let mask = special_bytes(u64::from_le_bytes(word));
            let found = (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize);
            prop_assert_eq!(found, first);
        }
    }
}
