//! The check-digit algorithms behind Nordic payment references and account numbers:
//! Luhn ("MOD10"), MOD11 with weights 2–7, the Finnish 7-3-1 and ISO 7064 MOD 97-10.
//!
//! They live apart from the types that use them because one algorithm serves several
//! schemes (Luhn: KID, OCR-nummer, Bankgiro, Plusgiro, FIK; MOD11: KID and the
//! Norwegian account number; MOD 97-10: RF and IBAN), while lengths, separators and
//! what a missing check digit means are each scheme's business. Every function takes
//! the digits as text and refuses anything else with a typed error rather than
//! panicking, and sums are reduced as they go, so no input is long enough to overflow.
//! (`national_ids` has its own fixed-weight MOD11 for kennitala and organisation
//! numbers: those weights run from the left over a fixed length.)

use crate::payment_references::ReferenceError;

/// The values of `base`'s digits, or why it is not a run of ASCII digits.
fn digit_values(base: &str) -> Result<impl DoubleEndedIterator<Item = u32> + '_, ReferenceError> {
    if base.is_empty() {
        return Err(ReferenceError::Empty);
    }
    if !base.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ReferenceError::NotDigits);
    }
    Ok(base.bytes().map(|b| u32::from(b - b'0')))
}

/// The Luhn (MOD10) check digit of `base` (the digits without their check digit): from
/// the right, weights 2, 1, 2, 1, …; a two-digit product counts as the sum of its
/// digits; the check digit brings the total to a multiple of 10.
pub fn luhn_check_digit(base: &str) -> Result<u8, ReferenceError> {
    let sum = digit_values(base)?.rev().enumerate().fold(0, |sum, (i, d)| {
        let term = if i % 2 == 0 {
            let doubled = d * 2;
            if doubled > 9 { doubled - 9 } else { doubled }
        } else {
            d
        };
        (sum + term) % 10
    });
    Ok(((10 - sum) % 10) as u8)
}

/// The MOD11 check digit of `base`: from the right, weights 2, 3, 4, 5, 6, 7, 2, 3, …;
/// 11 − (sum mod 11), where 11 means 0. When that is 10 the scheme would write "-":
/// no digit exists, and [`ReferenceError::NoCheckDigit`] says so, so a generator can
/// pick another base instead of issuing a number every bank refuses.
pub fn mod11_check_digit(base: &str) -> Result<u8, ReferenceError> {
    let weights = [2, 3, 4, 5, 6, 7].into_iter().cycle();
    let sum = digit_values(base)?.rev().zip(weights).fold(0, |sum, (d, w)| (sum + d * w) % 11);
    match 11 - sum {
        11 => Ok(0),
        10 => Err(ReferenceError::NoCheckDigit),
        c => Ok(c as u8),
    }
}

/// The Finnish reference number's check digit: from the right, weights 7, 3, 1, 7, …;
/// the check digit brings the total to a multiple of 10.
pub fn finnish_check_digit(base: &str) -> Result<u8, ReferenceError> {
    let weights = [7, 3, 1].into_iter().cycle();
    let sum = digit_values(base)?.rev().zip(weights).fold(0, |sum, (d, w)| (sum + d * w) % 10);
    Ok(((10 - sum) % 10) as u8)
}

/// ISO 7064 MOD 97-10: `value` read as one number, letters A–Z counting 10–35, mod 97.
/// An RF reference or an IBAN is valid when its rearranged form gives 1.
pub fn mod97(value: &str) -> Result<u32, ReferenceError> {
    if value.is_empty() {
        return Err(ReferenceError::Empty);
    }
    if !value.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return Err(ReferenceError::InvalidCharacter);
    }
    Ok(mod97_checked(value))
}

/// [`mod97`] of a value already known to hold only 0–9 and A–Z (the callers check
/// first, so the types can build a reference without an impossible error path; any
/// other byte would count as 0).
pub(crate) fn mod97_checked(value: &str) -> u32 {
    value.bytes().fold(0, |r, b| match b {
        b'0'..=b'9' => (r * 10 + u32::from(b - b'0')) % 97,
        b'A'..=b'Z' => (r * 100 + u32::from(b - b'A') + 10) % 97,
        _ => (r * 10) % 97,
    })
}

/// The two MOD 97-10 check digits of `body` under `prefix` ("RF", or an IBAN's country
/// code): 98 − ((body, prefix, "00") mod 97), always 02–98. `body` and `prefix` must
/// hold only 0–9 and A–Z (see [`mod97_checked`]).
pub(crate) fn mod97_check_digits(body: &str, prefix: &str) -> u8 {
    (98 - mod97_checked(&format!("{body}{prefix}00"))) as u8
}

/// Whether two MOD 97-10 check digits `check` are right for `body` under `prefix`.
/// Only 02–98 are ever issued: 00, 01 and 99 give the same remainders as 97, 98 and 02,
/// and refusing them keeps one spelling per reference.
pub(crate) fn mod97_holds(body: &str, prefix: &str, check: &str) -> bool {
    let in_range = check.len() == 2
        && check.bytes().all(|b| b.is_ascii_digit())
        && check.parse::<u8>().is_ok_and(|c| (2..=98).contains(&c));
    in_range && mod97_checked(&format!("{body}{prefix}{check}")) == 1
}

/// `input` without whitespace and without the `separators` people put in numbers.
pub(crate) fn compact(input: &str, separators: &[char]) -> String {
    input.chars().filter(|c| !c.is_whitespace() && !separators.contains(c)).collect()
}

/// Refuses `value` unless it is `min` to `max` ASCII digits, saying why.
pub(crate) fn require_digits(value: &str, min: usize, max: usize) -> Result<(), ReferenceError> {
    if value.is_empty() {
        Err(ReferenceError::Empty)
    } else if !value.bytes().all(|b| b.is_ascii_digit()) {
        Err(ReferenceError::NotDigits)
    } else if value.len() < min {
        Err(ReferenceError::TooShort { min })
    } else if value.len() > max {
        Err(ReferenceError::TooLong { max })
    } else {
        Ok(())
    }
}

/// A digit string split into its base and the value of its last digit (the check
/// digit), or None when it is empty or its last character is not a digit.
pub(crate) fn split_check(value: &str) -> Option<(&str, u8)> {
    let last = *value.as_bytes().last()?;
    let base = value.get(..value.len() - 1)?;
    last.is_ascii_digit().then(|| (base, last - b'0'))
}

/// `value` in groups of `size` characters counted from the right, joined by `sep`
/// (the Finnish reference is printed `12 34561`).
pub(crate) fn group_from_right(value: &str, size: usize, sep: char) -> String {
    let chars: Vec<char> = value.chars().collect();
    let size = size.max(1);
    let mut out = String::with_capacity(chars.len() + chars.len() / size);
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && (chars.len() - i).is_multiple_of(size) {
            out.push(sep);
        }
        out.push(*c);
    }
    out
}

/// `value` in groups of `size` characters counted from the left, joined by `sep`
/// (RF references and IBANs are printed `RF18 5390 0754 7034`).
pub(crate) fn group_from_left(value: &str, size: usize, sep: char) -> String {
    let size = size.max(1);
    let mut out = String::with_capacity(value.len() + value.len() / size);
    for (i, c) in value.chars().enumerate() {
        if i > 0 && i.is_multiple_of(size) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
