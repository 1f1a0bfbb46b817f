//! Shapes of the identifiers on an invoice: country codes, VAT ids, IBAN, BIC and
//! phone numbers in E.164. Each check returns the normalised value or a sentence
//! saying what is wrong.

/// ISO 3166-1 alpha-2 codes of the EU/EEA, Switzerland and the UK (where VAT ids
/// have a known prefix), uppercase.
const EUROPE: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "NO", "LI", "CH", "GB",
];

/// Two letters A–Z, uppercased.
pub fn country(input: &str) -> Result<String, String> {
    let value = input.trim().to_ascii_uppercase();
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(value)
    } else {
        Err("must be a two-letter country code such as IS, SE or DE".into())
    }
}

/// A VAT id: letters and digits only (spaces, dots and dashes are dropped). EU ids
/// start with their country prefix (Greece: EL); Iceland's VSK number has 5–6 digits;
/// Norway's organisation number has 9 digits, optionally with MVA. Empty is allowed.
pub fn vat_id(input: &str, country: &str) -> Result<String, String> {
    let value: String =
        input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect::<String>().to_ascii_uppercase();
    if value.is_empty() {
        return Ok(value);
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) || value.len() > 16 {
        return Err("may only contain letters and digits (at most 16)".into());
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match country {
        "IS" if (5..=6).contains(&value.len()) && digits(&value) => Ok(value),
        "IS" => Err("an Icelandic VAT number (VSK-númer) has 5 or 6 digits".into()),
        "NO" => {
            let core = value.strip_prefix("NO").unwrap_or(&value);
            let core = core.strip_suffix("MVA").unwrap_or(core);
            if core.len() == 9 && digits(core) {
                Ok(value)
            } else {
                Err("a Norwegian VAT number has 9 digits, optionally followed by MVA".into())
            }
        }
        c if EUROPE.contains(&c) => {
            let prefix = if c == "GR" { "EL" } else { c };
            match value.strip_prefix(prefix) {
                Some(rest) if (2..=13).contains(&rest.len()) => Ok(value),
                _ => Err(format!("a VAT id from {c} starts with {prefix} followed by 2 to 13 letters or digits")),
            }
        }
        _ if value.len() >= 4 => Ok(value),
        _ => Err("is too short for a VAT id".into()),
    }
}

/// An IBAN with a valid ISO 13616 checksum (mod 97), without spaces. Empty is allowed.
pub fn iban(input: &str) -> Result<String, String> {
    let value: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if value.is_empty() {
        return Ok(value);
    }
    let shape = value.len() >= 15
        && value.len() <= 34
        && value.bytes().take(2).all(|b| b.is_ascii_uppercase())
        && value.bytes().skip(2).take(2).all(|b| b.is_ascii_digit())
        && value.bytes().all(|b| b.is_ascii_alphanumeric());
    if !shape {
        return Err("must look like IS14 0159 2600 7654 5510 7303 39 (country, check digits, account)".into());
    }
    let rearranged = value[4..].bytes().chain(value[..4].bytes());
    let mut remainder: u32 = 0;
    for b in rearranged {
        let n = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') + 10 };
        remainder = if n >= 10 { (remainder * 100 + n) % 97 } else { (remainder * 10 + n) % 97 };
    }
    if remainder == 1 { Ok(value) } else { Err("has a wrong check digit; please check it for a typo".into()) }
}

/// A BIC (SWIFT code): 8 or 11 letters and digits. Empty is allowed.
pub fn bic(input: &str) -> Result<String, String> {
    let value = input.trim().to_ascii_uppercase();
    if value.is_empty()
        || ((value.len() == 8 || value.len() == 11)
            && value.bytes().all(|b| b.is_ascii_alphanumeric())
            && value.bytes().take(6).skip(4).all(|b| b.is_ascii_uppercase()))
    {
        Ok(value)
    } else {
        Err("must have 8 or 11 letters and digits, such as NBIIISRE".into())
    }
}

/// A phone number in E.164 (see [`crate::PhoneNumber`]). Empty is allowed.
pub fn phone_e164(input: &str) -> Result<String, String> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    crate::PhoneNumber::parse(input)
        .map(|n| n.as_str().to_owned())
        .map_err(|_| "must be in international form, such as +354 555 1234".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_ids_by_country() {
        assert_eq!(vat_id("SE 5560 1234 5601", "SE"), Ok("SE556012345601".into()));
        assert_eq!(vat_id("de123456789", "DE"), Ok("DE123456789".into()));
        assert_eq!(vat_id("EL123456789", "GR"), Ok("EL123456789".into()));
        assert!(vat_id("123456789", "DE").is_err());
        assert_eq!(vat_id("12345", "IS"), Ok("12345".into()));
        assert!(vat_id("1234", "IS").is_err());
        assert_eq!(vat_id("923 609 016 MVA", "NO"), Ok("923609016MVA".into()));
        assert_eq!(vat_id("", "DE"), Ok(String::new()));
        assert!(vat_id("DE12<script>", "DE").is_err());
    }

    #[test]
    fn ibans_are_checksummed() {
        assert_eq!(iban("IS14 0159 2600 7654 5510 7303 39"), Ok("IS140159260076545510730339".into()));
        assert_eq!(iban("DE89 3704 0044 0532 0130 00"), Ok("DE89370400440532013000".into()));
        assert!(iban("DE89 3704 0044 0532 0130 01").unwrap_err().contains("check digit"));
        assert!(iban("hello").is_err());
    }

    #[test]
    fn other_identifiers() {
        assert_eq!(bic("nbiiisre"), Ok("NBIIISRE".into()));
        assert!(bic("NBII").is_err());
        assert_eq!(phone_e164("+354 555-1234"), Ok("+3545551234".into()));
        assert!(phone_e164("5551234").is_err());
        assert_eq!(country("is"), Ok("IS".into()));
        assert!(country("Iceland").is_err());
    }
}
