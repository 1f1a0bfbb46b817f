//! Shapes of the identifiers on an invoice: country codes, VAT ids, registration
//! ids, IBAN, BIC and phone numbers in E.164. Each check returns the normalised value
//! or a sentence saying what is wrong; check digits are `national_ids`'.

pub use crate::national_ids::registration_id;

/// What is wrong with a typed identifier. `Display` is the English sentence fragment
/// shown after the field's label; the server words each in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must be a two-letter country code such as IS, SE or DE")]
    Country,
    #[error("may only contain letters and digits (at most 16)")]
    VatCharacters,
    #[error("has a wrong check digit; please check it for a typo")]
    CheckDigit,
    /// The number does not have the country's shape; `example` is one that does.
    #[error("should look like {example}")]
    Shape { example: &'static str },
    #[error("a VAT id from {country} starts with {prefix} followed by its number")]
    VatPrefix { country: String, prefix: &'static str },
    #[error("must be the VAT number, with digits")]
    VatDigits,
    #[error("must look like IS14 0159 2600 7654 5510 7303 39 (country, check digits, account)")]
    Iban,
    #[error("must have 8 or 11 letters and digits, such as NBIIISRE")]
    Bic,
    #[error("must be in international form, such as +354 555 1234")]
    Phone,
    #[error("must be the registration number, with digits (at most 40 characters)")]
    Registration,
}
use crate::national_ids::vat_rest_is_valid;

/// The officially assigned ISO 3166-1 alpha-2 codes, sorted.
const ISO_3166: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// ISO 3166-1 alpha-2 codes of the EU/EEA, Switzerland and the UK (where VAT ids
/// have a known prefix), uppercase.
const EUROPE: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "NO", "LI", "CH", "GB",
];

/// An ISO 3166-1 alpha-2 country code, uppercased.
pub fn country(input: &str) -> Result<String, IdError> {
    let value = input.trim().to_ascii_uppercase();
    if ISO_3166.binary_search(&value.as_str()).is_ok() { Ok(value) } else { Err(IdError::Country) }
}

/// A VAT id: letters and digits only (spaces, dots and dashes are dropped). EU ids
/// start with their country prefix (Greece: EL) and are checked against the country's
/// format and, where it has one, its check digit; Iceland's VSK number has 5–6 digits;
/// Norway's is the organisation number, optionally with MVA. Empty is allowed.
pub fn vat_id(input: &str, country: &str) -> Result<String, IdError> {
    let value: String =
        input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect::<String>().to_ascii_uppercase();
    if value.is_empty() {
        return Ok(value);
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) || value.len() > 16 {
        return Err(IdError::VatCharacters);
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let wrong_digit = || Err(IdError::CheckDigit);
    match country {
        "IS" if (5..=6).contains(&value.len()) && digits(&value) => Ok(value),
        "IS" => Err(IdError::Shape { example: "12345" }),
        "NO" => {
            let core = value.strip_prefix("NO").unwrap_or(&value);
            let core = core.strip_suffix("MVA").unwrap_or(core);
            match crate::national_ids::registration_id(core, "NO") {
                Ok(_) => Ok(value),
                Err(_) if core.len() == 9 && digits(core) => wrong_digit(),
                Err(_) => Err(IdError::Shape { example: "923609016MVA" }),
            }
        }
        c if EUROPE.contains(&c) => {
            // The table's own (static) spelling of the code, for the error to keep.
            let code = EUROPE.iter().copied().find(|e| *e == c).unwrap_or_default();
            let prefix = match code {
                "GR" => "EL",
                "CH" => "CHE",
                other => other,
            };
            let shape = || IdError::VatPrefix { country: c.to_owned(), prefix };
            let Some(rest) = value.strip_prefix(prefix) else { return Err(shape()) };
            let rest = if prefix == "CHE" {
                rest.trim_end_matches("MWST").trim_end_matches("TVA").trim_end_matches("IVA")
            } else {
                rest
            };
            match vat_rest_is_valid(c, rest) {
                Some(true) => Ok(value),
                // A number of the right length with a wrong check digit is a typo.
                Some(false) if rest.bytes().filter(u8::is_ascii_digit).count() >= 8 && digits_of_shape(c, rest) => {
                    wrong_digit()
                }
                Some(false) => Err(shape()),
                None if digits(rest) && (5..=13).contains(&rest.len()) => Ok(value),
                None => Err(shape()),
            }
        }
        _ if value.len() >= 4 && value.bytes().any(|b| b.is_ascii_digit()) => Ok(value),
        _ => Err(IdError::VatDigits),
    }
}

/// Whether `rest` has the length of `country`'s VAT numbers (to tell a typo in the
/// check digit from a number of the wrong shape).
fn digits_of_shape(country: &str, rest: &str) -> bool {
    let len = rest.len();
    match country {
        "DE" | "FR" | "GR" | "EE" | "PT" => len == 9 || (country == "FR" && len == 11),
        "BE" | "PL" | "SK" => len == 10,
        "AT" => len == 9,
        "NL" | "SE" => len == 12,
        "IT" | "HR" | "LV" => len == 11,
        "DK" | "FI" => len == 8,
        _ => true,
    }
}

/// The currency a business or customer in `country` is invoiced in unless chosen.
pub fn default_currency(country: &str) -> &'static str {
    match country {
        "IS" => "ISK",
        "SE" => "SEK",
        "NO" | "SJ" | "BV" => "NOK",
        "DK" | "FO" | "GL" => "DKK",
        "CH" | "LI" => "CHF",
        "GB" | "IM" | "JE" | "GG" => "GBP",
        "PL" => "PLN",
        "CZ" => "CZK",
        "HU" => "HUF",
        "RO" => "RON",
        "BG" => "BGN",
        "US" => "USD",
        _ => "EUR",
    }
}

/// The document language for `country`: Icelandic in Iceland, English elsewhere
/// (the two languages FastFaktura writes).
pub fn default_language(country: &str) -> &'static str {
    if country == "IS" { "is" } else { "en" }
}

/// An IBAN with a valid ISO 13616 checksum (mod 97), without spaces. Empty is allowed.
pub fn iban(input: &str) -> Result<String, IdError> {
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
        return Err(IdError::Iban);
    }
    let rearranged = value[4..].bytes().chain(value[..4].bytes());
    let mut remainder: u32 = 0;
    for b in rearranged {
        let n = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') + 10 };
        remainder = if n >= 10 { (remainder * 100 + n) % 97 } else { (remainder * 10 + n) % 97 };
    }
    if remainder == 1 { Ok(value) } else { Err(IdError::CheckDigit) }
}

/// A BIC (SWIFT code): 8 or 11 letters and digits. Empty is allowed.
pub fn bic(input: &str) -> Result<String, IdError> {
    let value = input.trim().to_ascii_uppercase();
    if value.is_empty()
        || ((value.len() == 8 || value.len() == 11)
            && value.bytes().all(|b| b.is_ascii_alphanumeric())
            && value.bytes().take(6).skip(4).all(|b| b.is_ascii_uppercase()))
    {
        Ok(value)
    } else {
        Err(IdError::Bic)
    }
}

/// A phone number in E.164 (see [`crate::PhoneNumber`]). Empty is allowed.
pub fn phone_e164(input: &str) -> Result<String, IdError> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    crate::PhoneNumber::parse(input).map(|n| n.as_str().to_owned()).map_err(|_| IdError::Phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_ids_by_country() {
        assert_eq!(vat_id("SE 5560 1234 5601", "SE"), Ok("SE556012345601".into()));
        assert_eq!(vat_id("de136695976", "DE"), Ok("DE136695976".into()));
        assert!(vat_id("DE123456789", "DE").unwrap_err().to_string().contains("check digit"));
        assert_eq!(vat_id("EL123456789", "GR"), Ok("EL123456789".into()));
        assert!(vat_id("136695976", "DE").is_err());
        assert!(vat_id("hello", "DE").is_err());
        assert!(vat_id("hello", "US").is_err());
        assert!(vat_id("hello", "IS").is_err());
        assert!(vat_id("923609017", "NO").unwrap_err().to_string().contains("check digit"));
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
        assert!(iban("DE89 3704 0044 0532 0130 01").unwrap_err().to_string().contains("check digit"));
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
        assert!(country("XX").is_err());
        assert!(country("ZZ").is_err());
        assert_eq!(country("gr"), Ok("GR".into()));
        assert!(ISO_3166.windows(2).all(|w| w[0] < w[1]) && ISO_3166.len() == 249);
        assert_eq!((default_currency("IS"), default_language("IS")), ("ISK", "is"));
        assert_eq!((default_currency("DE"), default_language("SE")), ("EUR", "en"));
    }
}
