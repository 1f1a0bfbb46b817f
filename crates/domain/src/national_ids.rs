//! Check digits of the identifiers a Nordic or EU business carries: national
//! registration numbers (Icelandic kennitala, Swedish organisationsnummer, Norwegian
//! organisasjonsnummer, Danish CVR, Finnish Y-tunnus) and the EU VAT ids whose format
//! has a check digit. A typo in one of these sends an e-invoice nowhere or puts a
//! stranger's number on a legal document, so it is caught when typed.
//!
//! Each algorithm is the one the issuing registry publishes; the tests use real,
//! published numbers of well-known companies and institutions.

use crate::identifiers::IdError;

/// Digits only, or None if anything else is left after the usual separators.
fn digits(value: &str) -> Option<Vec<u32>> {
    value.chars().map(|c| c.to_digit(10)).collect()
}

/// Weighted sum of the first `weights.len()` digits.
fn weighted(d: &[u32], weights: &[u32]) -> u32 {
    d.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// The modulus-11 check digit of the kennitala and the Norwegian organisation number:
/// 11 − (sum mod 11), where 11 means 0 and 10 means no valid number.
fn mod11_check(d: &[u32], weights: &[u32]) -> Option<u32> {
    match 11 - weighted(d, weights) % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

/// Luhn (ISO/IEC 7812) over all digits, the last being the check digit.
pub fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| if i % 2 == 1 { if x * 2 > 9 { x * 2 - 9 } else { x * 2 } } else { x })
        .sum();
    sum.is_multiple_of(10)
}

/// Icelandic kennitala: 10 digits, the 9th a modulus-11 check over the first 8
/// (weights 3 2 7 6 5 4 3 2), the 10th the century (9, 0 or 8).
pub fn kennitala(d: &[u32]) -> bool {
    d.len() == 10 && mod11_check(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2]) == Some(d[8]) && matches!(d[9], 0 | 8 | 9)
}

/// Norwegian organisasjonsnummer: 9 digits, modulus 11 with weights 3 2 7 6 5 4 3 2.
pub fn norwegian_organisation(d: &[u32]) -> bool {
    d.len() == 9 && mod11_check(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2]) == Some(d[8])
}

/// Swedish organisationsnummer or personnummer: 10 digits with a Luhn check.
pub fn swedish_organisation(d: &[u32]) -> bool {
    d.len() == 10 && luhn(d)
}

/// Danish CVR number: 8 digits whose weighted sum (2 7 6 5 4 3 2 1) is divisible by 11.
pub fn danish_cvr(d: &[u32]) -> bool {
    d.len() == 8 && d[0] != 0 && weighted(d, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11)
}

/// Finnish Y-tunnus: 7 digits and a check digit; weights 7 9 10 5 8 4 2, remainder 0
/// gives 0, remainder 1 is never issued, otherwise 11 − remainder.
pub fn finnish_business_id(d: &[u32]) -> bool {
    if d.len() != 8 {
        return false;
    }
    match weighted(d, &[7, 9, 10, 5, 8, 4, 2]) % 11 {
        0 => d[7] == 0,
        1 => false,
        r => d[7] == 11 - r,
    }
}

/// German USt-IdNr: 9 digits, ISO 7064 MOD 11,10 check digit.
fn german_vat(d: &[u32]) -> bool {
    if d.len() != 9 || d[0] == 0 {
        return false;
    }
    let mut product = 10;
    for &digit in &d[..8] {
        let sum = match (digit + product) % 10 {
            0 => 10,
            s => s,
        };
        product = (2 * sum) % 11;
    }
    let check = match 11 - product {
        10 => 0,
        c => c,
    };
    check == d[8]
}

/// Belgian enterprise number: 10 digits starting 0 or 1; the last two are
/// 97 − (the first eight mod 97).
fn belgian_vat(d: &[u32]) -> bool {
    if d.len() != 10 || d[0] > 1 {
        return false;
    }
    let base = d[..8].iter().fold(0u64, |n, &x| n * 10 + u64::from(x));
    let check = u64::from(d[8] * 10 + d[9]);
    97 - base % 97 == check
}

/// Austrian UID (after ATU): 8 digits, the last a check over the first seven.
fn austrian_vat(d: &[u32]) -> bool {
    if d.len() != 8 {
        return false;
    }
    let sum: u32 =
        d[..7].iter().enumerate().map(|(i, &x)| if i % 2 == 1 { (x * 2) / 10 + (x * 2) % 10 } else { x }).sum();
    (10 - (sum + 4) % 10) % 10 == d[7]
}

/// Polish NIP: 10 digits, weights 6 5 7 2 3 4 5 6 7, sum mod 11 is the last digit.
fn polish_vat(d: &[u32]) -> bool {
    d.len() == 10 && {
        let r = weighted(d, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
        r != 10 && r == d[9]
    }
}

/// French numéro de TVA: two key characters and the 9-digit SIREN; a numeric key is
/// (12 + 3 × (SIREN mod 97)) mod 97. Alphanumeric keys (newer numbers) are shape-only.
fn french_vat(rest: &str) -> bool {
    if rest.len() != 11 || !rest.is_ascii() {
        return false;
    }
    let (key, siren) = rest.split_at(2);
    let Some(siren_digits) = digits(siren) else { return false };
    if !luhn(&siren_digits) {
        return false;
    }
    match key.parse::<u64>() {
        Ok(key) => {
            let siren: u64 = siren.parse().unwrap_or(0);
            (12 + 3 * (siren % 97)) % 97 == key
        }
        Err(_) => key.bytes().all(|b| b.is_ascii_alphanumeric()),
    }
}

/// Dutch btw-id: 9 digits, `B`, 2 digits. Accepted if either the old modulus-11
/// check or the mod-97 check over the whole id (introduced in 2020) holds.
fn dutch_vat(rest: &str) -> bool {
    let b = rest.as_bytes();
    if b.len() != 12 || b[9] != b'B' {
        return false;
    }
    let (Some(d), Some(_)) = (digits(&rest[..9]), digits(&rest[10..])) else { return false };
    let old = weighted(&d, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 == d[8];
    let numeric: String = format!("NL{rest}")
        .chars()
        .map(|c| if c.is_ascii_uppercase() { (c as u32 - 'A' as u32 + 10).to_string() } else { c.to_string() })
        .collect();
    let new = numeric.bytes().fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97) == 1;
    old || new
}

/// Whether `rest` (the VAT id after its country prefix) is a valid id of `country`:
/// Some(true/false) where we know the country's format, None where we do not.
pub fn vat_rest_is_valid(country: &str, rest: &str) -> Option<bool> {
    let d = digits(rest);
    let all_digits = |len: &[usize]| d.as_ref().is_some_and(|d| len.contains(&d.len()));
    Some(match country {
        "DE" => d.is_some_and(|d| german_vat(&d)),
        "BE" => d.is_some_and(|d| belgian_vat(&d)),
        "AT" => rest.strip_prefix('U').and_then(digits).is_some_and(|d| austrian_vat(&d)),
        "PL" => d.is_some_and(|d| polish_vat(&d)),
        "FR" => french_vat(rest),
        "NL" => dutch_vat(rest),
        "IT" => d.is_some_and(|d| d.len() == 11 && luhn(&d)),
        "DK" => d.is_some_and(|d| danish_cvr(&d)),
        "FI" => d.is_some_and(|d| finnish_business_id(&d)),
        // Swedish VAT: the 10-digit organisation number and 01.
        "SE" => rest.strip_suffix("01").and_then(digits).is_some_and(|d| swedish_organisation(&d)),
        "ES" => {
            rest.len() == 9
                && rest.bytes().all(|b| b.is_ascii_alphanumeric())
                && rest.bytes().any(|b| b.is_ascii_digit())
        }
        "BG" => all_digits(&[9, 10]),
        "CY" => rest.len() == 9 && digits(&rest[..8]).is_some() && rest.as_bytes()[8].is_ascii_uppercase(),
        "CZ" => all_digits(&[8, 9, 10]),
        "EE" | "GR" => all_digits(&[9]),
        "HR" => all_digits(&[11]),
        "HU" | "LU" | "MT" | "SI" => all_digits(&[8]),
        "IE" => {
            (8..=9).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric())
                && rest.bytes().filter(u8::is_ascii_digit).count() >= 6
        }
        "LT" => all_digits(&[9, 12]),
        "LV" => all_digits(&[11]),
        "PT" => all_digits(&[9]),
        "RO" => all_digits(&[2, 3, 4, 5, 6, 7, 8, 9, 10]),
        "SK" => all_digits(&[10]),
        "GB" => all_digits(&[9, 12]) || ((rest.starts_with("GD") || rest.starts_with("HA")) && rest.len() == 5),
        _ => return None,
    })
}

/// A national registration id as typed, checked where we know the country's
/// algorithm; returns it as the country writes it. Empty is allowed.
pub fn registration_id(input: &str, country: &str) -> Result<String, IdError> {
    let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    if compact.is_empty() {
        return Ok(String::new());
    }
    let wrong = || Err(IdError::CheckDigit);
    let d = digits(&compact);
    match country {
        "IS" => match d {
            Some(d) if d.len() == 10 => {
                if kennitala(&d) {
                    Ok(format!("{}-{}", &compact[..6], &compact[6..]))
                } else {
                    wrong()
                }
            }
            _ => Err(IdError::Shape { example: "590269-7199" }),
        },
        "SE" => {
            // A 12-digit form carries the century (16, 18, 19 or 20) in front.
            let ten = match compact.len() {
                12 if ["16", "18", "19", "20"].iter().any(|c| compact.starts_with(c)) => &compact[2..],
                _ => compact.as_str(),
            };
            match digits(ten) {
                Some(d) if d.len() == 10 => {
                    if swedish_organisation(&d) {
                        Ok(format!("{}-{}", &ten[..6], &ten[6..]))
                    } else {
                        wrong()
                    }
                }
                _ => Err(IdError::Shape { example: "556012-5790" }),
            }
        }
        "NO" => match d {
            Some(d) if d.len() == 9 => {
                if norwegian_organisation(&d) {
                    Ok(compact)
                } else {
                    wrong()
                }
            }
            _ => Err(IdError::Shape { example: "923 609 016" }),
        },
        "DK" => match d {
            Some(d) if d.len() == 8 => {
                if danish_cvr(&d) {
                    Ok(compact)
                } else {
                    wrong()
                }
            }
            _ => Err(IdError::Shape { example: "24256790" }),
        },
        "FI" => {
            // Older numbers are sometimes written with 6 digits before the check digit.
            let padded = if compact.len() == 7 { format!("0{compact}") } else { compact.clone() };
            match digits(&padded) {
                Some(d) if d.len() == 8 => {
                    if finnish_business_id(&d) {
                        Ok(format!("{}-{}", &padded[..7], &padded[7..]))
                    } else {
                        wrong()
                    }
                }
                _ => Err(IdError::Shape { example: "0112038-9" }),
            }
        }
        _ => {
            let trimmed = input.trim();
            let allowed = trimmed.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/'));
            if allowed && (2..=40).contains(&trimmed.chars().count()) && trimmed.chars().any(|c| c.is_ascii_digit()) {
                Ok(trimmed.to_owned())
            } else {
                Err(IdError::Registration)
            }
        }
    }
}

#[cfg(test)]
#[path = "national_ids_tests.rs"]
mod tests;
