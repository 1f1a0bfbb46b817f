//! Peppol participant identifiers (`0192:987654325`) and the names a sender looks them up
//! by: the SML DNS name of the participant's SMP (BDXL hash, and the legacy MD5 name) and
//! the SMP REST paths, with the BIS Billing 3.0 document type and process identifiers.
//!
//! Why here: an e-invoice is addressed by its receiver's participant id, and one wrong
//! digit sends it to nobody (or to a stranger), so the id is checked like any other
//! identifier before it is stored or used; and the DNS and SMP names are pure functions
//! of the id that the server's lookup only has to resolve. PEPPOL-LOOKUP.md (in the shared
//! Peppol spec folder) is the summary followed; its test vectors are in the tests.
//!
//! The scheme table ([`Icd`]) is generated, not written by hand: one row per
//! `participant-identifier-scheme` element of "Peppol Code Lists - Participant identifier
//! schemes v9.7.xml", from its `iso6523`, `schemeid`, `country` and `state` (and
//! `removal-date`) attributes, in the file's order (the script is above the table).
//! Active and deprecated schemes can be parsed; removed ones (such as the Finnish 0037,
//! 0212 and 0213, removed on 2024-12-31) are refused with the date they went out of use.
//! Where a scheme has a published shape or check digit that matters to us (the Nordic
//! registry numbers, GLN, the Leitweg-ID and the VAT schemes of our neighbours) the value
//! is checked with it, using the algorithms of `national_ids` and `check_digits`; other
//! schemes get only the character rules every Peppol participant id follows (Policy for
//! use of identifiers 4.x: 1–130 of `A–Z a–z 0–9 - . _ ~` after the scheme).
//!
//! Values are case-insensitive in Peppol, so a parsed value is kept in upper case (as
//! the VAT ids in it are written), and lower-cased where Peppol hashes or compares it.

use std::fmt;
use std::str::FromStr;

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use md5::Md5;
use sha2::Sha256;

use crate::check_digits::mod97_holds;
use crate::identifiers;
use crate::national_ids::{
    self, danish_cvr, finnish_business_id, kennitala, norwegian_organisation, swedish_organisation, vat_rest_is_valid,
};

/// The participant identifier scheme of every Peppol participant id (ISO 6523 ICDs).
pub const PARTICIPANT_SCHEME: &str = "iso6523-actorid-upis";
/// The scheme of Peppol document type identifiers.
pub const DOCUMENT_TYPE_SCHEME: &str = "busdox-docid-qns";
/// The scheme of Peppol process identifiers.
pub const PROCESS_SCHEME: &str = "cenbii-procid-ubl";
/// The document type of a Peppol BIS Billing 3.0 invoice (UBL 2.1).
pub const BIS_BILLING_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";
/// The document type of a Peppol BIS Billing 3.0 credit note (UBL 2.1).
pub const BIS_BILLING_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";
/// The process both BIS Billing 3.0 document types are sent in (also the UBL `cbc:ProfileID`).
pub const BIS_BILLING_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
/// The `cbc:CustomizationID` of a BIS Billing 3.0 document.
pub const BIS_BILLING_CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// The production SML's DNS zone (the Peppol-run SML; PEPPOL-LOOKUP.md §2).
pub const SML_ZONE: &str = "participant.sml.prod.tech.peppol.org";
/// The test SML's (SMK's) DNS zone.
pub const SML_TEST_ZONE: &str = "participant.sml.test.tech.peppol.org";
/// The most characters a participant id may have after its scheme code and colon.
pub const MAX_VALUE_LEN: usize = 130;

/// What is wrong with a typed or received participant id. `Display` is the English
/// fragment shown after the field's label; the server words each variant in the reader's
/// language, so the variants carry data, not sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ParticipantIdError {
    #[error("is empty")]
    Empty,
    /// Not a four-digit scheme code, a colon and the identifier.
    #[error("should look like 0192:987654325 (the scheme's four digits, a colon and the identifier)")]
    Format,
    /// A four-digit code that is not in the Peppol code list.
    #[error("has the scheme {code:04}, which is not a Peppol participant identifier scheme")]
    UnknownScheme { code: u16 },
    /// A scheme Peppol removed from its code list on `removed_on`.
    #[error("has the scheme {code:04} ({scheme_id}), which is no longer in use (removed on {removed_on})")]
    RemovedScheme { code: u16, scheme_id: &'static str, removed_on: &'static str },
    #[error("has nothing after the scheme")]
    EmptyValue,
    #[error("is too long: at most {max} characters may follow the scheme")]
    TooLong { max: usize },
    #[error("may only contain letters, digits, '-', '.', '_' and '~' after the scheme")]
    InvalidCharacter,
    /// The value does not have the scheme's shape; `example` (a value of `icd`) does.
    #[error("should look like {icd}:{example}")]
    ValueShape { icd: Icd, example: &'static str },
    #[error("has a wrong check digit; please check it for a typo")]
    CheckDigit { icd: Icd },
}

/// Where a scheme stands in the code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IcdStatus {
    Active,
    /// Still accepted but not to be used for new registrations; some have a date on
    /// which they will be removed.
    Deprecated {
        removal_date: Option<&'static str>,
    },
}

mod code_list;
use code_list::{Row, SCHEMES, State, lookup};

/// A Peppol participant identifier scheme (an ISO 6523 ICD) that is active or deprecated
/// in the code list; removed schemes cannot be held. The constants name the schemes
/// FastFaktura derives or checks; any other is reached with [`Icd::from_code`].
#[derive(Clone, Copy)]
pub struct Icd(&'static Row);

impl Icd {
    /// `0007` SE:ORGNR, Swedish organisationsnummer (10 digits, Luhn).
    pub const SE_ORGNR: Icd = Icd(lookup("0007"));
    /// `0088` GLN, GS1 Global Location Number (13 digits, GS1 mod 10).
    pub const GLN: Icd = Icd(lookup("0088"));
    /// `0096` DK:P, Danish production unit number (10 digits, no check digit).
    pub const DK_P: Icd = Icd(lookup("0096"));
    /// `0184` DK:DIGST, Danish CVR number (8 digits, MOD11 weights 2 7 6 5 4 3 2 1).
    pub const DK_DIGST: Icd = Icd(lookup("0184"));
    /// `0192` NO:ORG, Norwegian organisasjonsnummer (9 digits, MOD11).
    pub const NO_ORG: Icd = Icd(lookup("0192"));
    /// `0196` IS:KTNR, Icelandic kennitala (10 digits, MOD11 and the century digit).
    pub const IS_KTNR: Icd = Icd(lookup("0196"));
    /// `0198` DK:ERST, Danish SE number (`DK` and 8 digits, MOD11 as the CVR).
    pub const DK_ERST: Icd = Icd(lookup("0198"));
    /// `0204` DE:LWID, German Leitweg-ID (`coarse-fine-check`, MOD 97-10).
    pub const DE_LWID: Icd = Icd(lookup("0204"));
    /// `0208` BE:EN, Belgian enterprise number (10 digits from 0 or 1, MOD 97).
    pub const BE_EN: Icd = Icd(lookup("0208"));
    /// `0211` IT:IVA, Italian partita IVA (`IT` and 11 digits, Luhn).
    pub const IT_IVA: Icd = Icd(lookup("0211"));
    /// `0216` FI:OVT2, Finnish OVT code (`0037`, the Y-tunnus's 8 digits, up to 5 more).
    pub const FI_OVT2: Icd = Icd(lookup("0216"));
    /// `9909` NO:VAT (deprecated: use 0192), `NO`, the organisation number and `MVA`.
    pub const NO_VAT: Icd = Icd(lookup("9909"));
    /// `9914` AT:VAT, Austrian UID (`ATU` and 8 digits).
    pub const AT_VAT: Icd = Icd(lookup("9914"));
    /// `9917` IS:KT (deprecated: use 0196), the kennitala.
    pub const IS_KT: Icd = Icd(lookup("9917"));
    /// `9920` ES:VAT, Spanish NIF (`ES` and 9 letters and digits; shape only).
    pub const ES_VAT: Icd = Icd(lookup("9920"));
    /// `9925` BE:VAT, Belgian VAT id (`BE` and the enterprise number).
    pub const BE_VAT: Icd = Icd(lookup("9925"));
    /// `9930` DE:VAT, German USt-IdNr (`DE` and 9 digits, MOD 11,10).
    pub const DE_VAT: Icd = Icd(lookup("9930"));
    /// `9944` NL:VAT, Dutch btw-id (`NL`, 9 digits, `B`, 2 digits).
    pub const NL_VAT: Icd = Icd(lookup("9944"));
    /// `9957` FR:VAT, French numéro de TVA (`FR`, a 2-character key and the SIREN).
    pub const FR_VAT: Icd = Icd(lookup("9957"));

    /// The scheme of a four-digit code such as `0192`; a code Peppol removed is refused
    /// with the date it went out of use.
    pub fn from_code(code: &str) -> Result<Icd, ParticipantIdError> {
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParticipantIdError::Format);
        }
        let number: u16 = code.parse().map_err(|_| ParticipantIdError::Format)?;
        let row = SCHEMES
            .binary_search_by(|row| row.code.cmp(code))
            .map(|i| &SCHEMES[i])
            .map_err(|_| ParticipantIdError::UnknownScheme { code: number })?;
        match row.state {
            State::Removed { on } => {
                Err(ParticipantIdError::RemovedScheme { code: number, scheme_id: row.scheme_id, removed_on: on })
            }
            State::Active | State::Deprecated { .. } => Ok(Icd(row)),
        }
    }

    /// Every active or deprecated scheme, by code.
    pub fn all() -> impl Iterator<Item = Icd> {
        SCHEMES.iter().filter(|row| !matches!(row.state, State::Removed { .. })).map(Icd)
    }

    /// The four digits, as in `cbc:EndpointID/@schemeID`.
    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// Peppol's short name of the scheme, such as `NO:ORG`.
    pub fn scheme_id(self) -> &'static str {
        self.0.scheme_id
    }

    /// The country whose registry issues the ids (ISO 3166 alpha-2), or None for an
    /// international scheme such as GLN.
    pub fn country(self) -> Option<&'static str> {
        Some(self.0.country).filter(|c| !c.is_empty())
    }

    /// Active, or deprecated (with the planned removal date, if the code list has one).
    pub fn status(self) -> IcdStatus {
        match self.0.state {
            State::Deprecated { removal_date } => IcdStatus::Deprecated { removal_date },
            // An Icd never holds a removed row (see `lookup` and `from_code`).
            State::Active | State::Removed { .. } => IcdStatus::Active,
        }
    }

    /// Whether new participants may be registered under this scheme (not deprecated).
    pub fn is_active(self) -> bool {
        self.status() == IcdStatus::Active
    }

    /// A valid value of this scheme, where FastFaktura checks the scheme's shape (None
    /// where only the general character rules apply).
    pub fn example(self) -> Option<&'static str> {
        rule(self).map(|r| r.example)
    }
}

impl PartialEq for Icd {
    fn eq(&self, other: &Self) -> bool {
        self.0.code == other.0.code
    }
}

impl Eq for Icd {}

impl std::hash::Hash for Icd {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.code.hash(state);
    }
}

impl PartialOrd for Icd {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Icd {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.code.cmp(other.0.code)
    }
}

impl fmt::Debug for Icd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icd({} {})", self.0.code, self.0.scheme_id)
    }
}

impl fmt::Display for Icd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

impl FromStr for Icd {
    type Err = ParticipantIdError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Icd::from_code(code.trim())
    }
}

/// How a scheme's values are checked: `verdict` is None when the (upper-cased) value
/// does not have the scheme's shape, else whether its check digits hold.
struct Rule {
    example: &'static str,
    verdict: fn(&str) -> Option<bool>,
}

/// The scheme's rule, for the schemes whose shape or check digit we know.
fn rule(icd: Icd) -> Option<Rule> {
    let (example, verdict): (&'static str, fn(&str) -> Option<bool>) = match icd.code() {
        "0007" => ("5560125790", |v| numeric(v, 10).map(|d| swedish_organisation(&d))),
        "0088" => ("7350053850019", |v| numeric(v, 13).map(|d| gs1(&d))),
        "0096" => ("1234567890", |v| numeric(v, 10).map(|_| true)),
        "0184" => ("24256790", |v| numeric(v, 8).filter(|d| d[0] != 0).map(|d| danish_cvr(&d))),
        "0192" => ("923609016", |v| numeric(v, 9).map(|d| norwegian_organisation(&d))),
        "0196" | "9917" => ("5902697199", |v| numeric(v, 10).map(|d| kennitala(&d))),
        "0198" => ("DK24256790", |v| v.strip_prefix("DK").and_then(|r| numeric(r, 8)).map(|d| danish_se(&d))),
        "0204" => ("04011000-1234512345-06", leitweg),
        "0208" => {
            ("0403170701", |v| numeric(v, 10).filter(|d| d[0] <= 1).map(|_| vat_rest_is_valid("BE", v) == Some(true)))
        }
        "0211" => ("IT00743110157", |v| vat(v, "IT", "IT", |r| numeric(r, 11).is_some())),
        "0216" => ("003701120389", ovt),
        "9909" => ("NO923609016MVA", |v| {
            let number = v.strip_prefix("NO")?.strip_suffix("MVA")?;
            numeric(number, 9).map(|d| norwegian_organisation(&d))
        }),
        "9914" => {
            ("ATU13585627", |v| vat(v, "AT", "AT", |r| r.strip_prefix('U').and_then(|n| numeric(n, 8)).is_some()))
        }
        // Shape only (as `identifiers::vat_id`): a wrong shape is not a check digit.
        "9920" => ("ESA28015865", |v| v.strip_prefix("ES").and_then(|r| vat_rest_is_valid("ES", r)).filter(|ok| *ok)),
        "9925" => ("BE0403170701", |v| vat(v, "BE", "BE", |r| numeric(r, 10).is_some_and(|d| d[0] <= 1))),
        "9930" => ("DE136695976", |v| vat(v, "DE", "DE", |r| numeric(r, 9).is_some())),
        "9944" => ("NL004495445B01", |v| {
            vat(v, "NL", "NL", |r| {
                r.get(9..10) == Some("B")
                    && r.get(..9).and_then(|n| numeric(n, 9)).is_some()
                    && r.get(10..).and_then(|n| numeric(n, 2)).is_some()
            })
        }),
        "9957" => ("FR40303265045", |v| {
            vat(v, "FR", "FR", |r| {
                r.get(..2).is_some_and(|key| key.bytes().all(|b| b.is_ascii_alphanumeric()))
                    && r.get(2..).and_then(|siren| numeric(siren, 9)).is_some()
            })
        }),
        _ => return None,
    };
    Some(Rule { example, verdict })
}

/// The digits of `value` if it is exactly `len` ASCII digits.
fn numeric(value: &str, len: usize) -> Option<Vec<u32>> {
    (value.len() == len && value.bytes().all(|b| b.is_ascii_digit()))
        .then(|| value.bytes().map(|b| u32::from(b - b'0')).collect())
}

/// A VAT id after its `prefix`: None unless the rest has `shape`, else whether
/// `national_ids` finds `country`'s check digit right.
fn vat(value: &str, country: &str, prefix: &str, shape: fn(&str) -> bool) -> Option<bool> {
    let rest = value.strip_prefix(prefix).filter(|rest| shape(rest))?;
    Some(vat_rest_is_valid(country, rest) == Some(true))
}

/// GS1 mod 10 (GLN, GTIN): from the right, the digits before the check digit weigh 3, 1,
/// 3, …; the check digit brings the sum to a multiple of 10.
fn gs1(d: &[u32]) -> bool {
    let Some((&check, body)) = d.split_last() else { return false };
    let sum: u32 = body.iter().rev().enumerate().map(|(i, &x)| if i % 2 == 0 { 3 * x } else { x }).sum();
    (10 - sum % 10) % 10 == check
}

/// The Danish SE number's MOD11 (the CVR's weights; the code list allows a leading 0).
fn danish_se(d: &[u32]) -> bool {
    d.iter().zip([2, 7, 6, 5, 4, 3, 2, 1]).map(|(d, w)| d * w).sum::<u32>().is_multiple_of(11)
}

/// The Finnish OVT code: `0037`, the 8 digits of a valid Y-tunnus and an optional suffix
/// of up to 5 letters and digits that the organisation picks for a unit.
fn ovt(value: &str) -> Option<bool> {
    let rest = value.strip_prefix("0037")?;
    let business_id = numeric(rest.get(..8)?, 8)?;
    let suffix = rest.get(8..)?;
    (suffix.len() <= 5 && suffix.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        .then(|| finnish_business_id(&business_id))
}

/// The Leitweg-ID of German public buyers (KoSIT's Formatspezifikation): a coarse part
/// of 2–12 digits, optionally `-` and a fine part of 1–30 letters and digits, then `-`
/// and two check digits, ISO 7064 MOD 97-10 over coarse and fine part (letters counting
/// 10–35), such as `04011000-1234512345-06`. (The code list's regex would also let the
/// fine part be empty after its `-`; KoSIT's format has no such ids.)
fn leitweg(value: &str) -> Option<bool> {
    let (body, check) = value.rsplit_once('-')?;
    let (coarse, fine) = match body.split_once('-') {
        Some((coarse, fine)) => (coarse, Some(fine)),
        None => (body, None),
    };
    let coarse_ok = (2..=12).contains(&coarse.len()) && coarse.bytes().all(|b| b.is_ascii_digit());
    let fine_ok = fine.is_none_or(|fine| {
        (1..=30).contains(&fine.len()) && fine.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    });
    let check_ok = check.len() == 2 && check.bytes().all(|b| b.is_ascii_digit());
    (coarse_ok && fine_ok && check_ok).then(|| mod97_holds(&format!("{coarse}{}", fine.unwrap_or("")), "", check))
}

/// A Peppol participant id: a scheme and a value valid in it, such as `0192:987654325`.
/// The value is kept in upper case without the spaces around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParticipantId {
    icd: Icd,
    value: String,
}

impl ParticipantId {
    /// A participant id as written: `0192:987654325`, optionally with the scheme
    /// (`iso6523-actorid-upis::0192:987654325`), in any case, with spaces around it.
    pub fn parse(input: &str) -> Result<Self, ParticipantIdError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ParticipantIdError::Empty);
        }
        let prefix_len = PARTICIPANT_SCHEME.len() + 2;
        let rest = match input.get(..prefix_len) {
            Some(prefix) if prefix.eq_ignore_ascii_case(&format!("{PARTICIPANT_SCHEME}::")) => &input[prefix_len..],
            _ => input,
        };
        let (code, value) = rest.split_once(':').ok_or(ParticipantIdError::Format)?;
        Self::new(Icd::from_code(code)?, value)
    }

    /// The id of `value` in `icd` (as in a UBL `cbc:EndpointID` and its `schemeID`),
    /// checked against the scheme's shape and check digit where we know them.
    pub fn new(icd: Icd, value: &str) -> Result<Self, ParticipantIdError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(ParticipantIdError::EmptyValue);
        }
        if !value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
            return Err(ParticipantIdError::InvalidCharacter);
        }
        if value.len() > MAX_VALUE_LEN {
            return Err(ParticipantIdError::TooLong { max: MAX_VALUE_LEN });
        }
        let value = value.to_ascii_uppercase();
        if let Some(rule) = rule(icd) {
            match (rule.verdict)(&value) {
                None => return Err(ParticipantIdError::ValueShape { icd, example: rule.example }),
                Some(false) => return Err(ParticipantIdError::CheckDigit { icd }),
                Some(true) => {}
            }
        }
        Ok(Self { icd, value })
    }

    /// The participant id a business most likely has on Peppol, from what an invoice
    /// knows about it: in Iceland, Norway, Sweden, Denmark and Finland the national
    /// registry number (0196, 0192, 0007, 0184, and 0216 built from the Y-tunnus), or,
    /// when that is missing or invalid, the same number inside the VAT id; in Germany,
    /// Belgium, the Netherlands, France, Italy, Spain and Austria the VAT id (9930, 9925,
    /// 9944, 9957, 0211, 9920, 9914), in Belgium falling back to the enterprise number
    /// (0208). None when nothing valid can be derived: an invalid number never yields an
    /// id, and other countries have no scheme we can derive.
    pub fn for_party(country: &str, registration_id: &str, vat_id: &str) -> Option<ParticipantId> {
        let country = country.trim().to_ascii_uppercase();
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let vat = identifiers::vat_id(vat_id, &country).ok().filter(|v| !v.is_empty());
        let from_registry = |icd: Icd, number: &str| {
            let number = digits(&national_ids::registration_id(number, &country).ok()?);
            let value = if icd == Icd::FI_OVT2 { format!("0037{number}") } else { number };
            ParticipantId::new(icd, &value).ok()
        };
        // The registry number inside a Nordic VAT id (Sweden's ends in 01).
        let number_in_vat = || {
            let number = digits(vat.as_deref()?);
            Some(if country == "SE" { number.get(..10)?.to_owned() } else { number })
        };
        let from_vat = |icd: Icd| ParticipantId::new(icd, vat.as_deref()?).ok();
        let registry = match country.as_str() {
            "IS" => return from_registry(Icd::IS_KTNR, registration_id),
            "NO" => Icd::NO_ORG,
            "SE" => Icd::SE_ORGNR,
            "DK" => Icd::DK_DIGST,
            "FI" => Icd::FI_OVT2,
            "DE" => return from_vat(Icd::DE_VAT),
            "BE" => return from_vat(Icd::BE_VAT).or_else(|| belgian_enterprise(registration_id)),
            "NL" => return from_vat(Icd::NL_VAT),
            "FR" => return from_vat(Icd::FR_VAT),
            "IT" => return from_vat(Icd::IT_IVA),
            "ES" => return from_vat(Icd::ES_VAT),
            "AT" => return from_vat(Icd::AT_VAT),
            _ => return None,
        };
        from_registry(registry, registration_id).or_else(|| from_registry(registry, &number_in_vat()?))
    }

    pub fn icd(&self) -> Icd {
        self.icd
    }

    /// The value after the scheme code, upper-cased (`987654325`), as in `cbc:EndpointID`.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// With the identifier scheme: `iso6523-actorid-upis::0192:987654325`.
    pub fn full(&self) -> String {
        format!("{PARTICIPANT_SCHEME}::{self}")
    }

    /// The SMP path of the participant's service group (PEPPOL-LOOKUP.md §3): the full id,
    /// lower-cased as Peppol compares it, percent-encoded as one path segment:
    /// `iso6523-actorid-upis%3A%3A0088%3A123abc`. Append it to the SMP's base URL and a `/`.
    pub fn smp_path(&self) -> String {
        percent_encode(&self.full().to_ascii_lowercase())
    }

    /// The SMP path of the participant's metadata for one document type (such as
    /// [`BIS_BILLING_INVOICE`]): `{smp_path}/services/{percent-encoded busdox-docid-qns::…}`.
    /// Document type ids are case-sensitive and kept as given.
    pub fn smp_service_path(&self, document_type: &str) -> String {
        format!("{}/services/{}", self.smp_path(), percent_encode(&format!("{DOCUMENT_TYPE_SCHEME}::{document_type}")))
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.icd, self.value)
    }
}

impl FromStr for ParticipantId {
    type Err = ParticipantIdError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

/// The 0208 id of a Belgian enterprise number as written (`0403.170.701`, optionally
/// after `BE`), or None if it is anything else or its check digits are wrong.
fn belgian_enterprise(written: &str) -> Option<ParticipantId> {
    let written = written.trim();
    let number = match written.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("BE") => &written[2..],
        _ => written,
    };
    if !number.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-')) {
        return None;
    }
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    ParticipantId::new(Icd::BE_EN, &digits).ok()
}

/// `text` percent-encoded as one URL path segment: every byte except the RFC 3986
/// unreserved characters becomes `%XX` (upper-case hex, as the SMP specification's
/// examples write it).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The BDXL hash of a participant value such as `0088:123abc`: SHA-256 over its UTF-8
/// lower case, base32 without padding, lower case (PEPPOL-LOOKUP.md §2).
fn value_hash(value: &str) -> String {
    use sha2::Digest as _;
    BASE32_NOPAD.encode(&Sha256::digest(value.to_lowercase().as_bytes())).to_ascii_lowercase()
}

/// The legacy SML name's hash: `B-` and the hex MD5 of the lower-cased value.
fn legacy_value_hash(value: &str) -> String {
    use md5::Digest as _;
    format!("B-{}", HEXLOWER.encode(&Md5::digest(value.to_lowercase().as_bytes())))
}

/// The label the SML publishes the participant's NAPTR record under (the hash of
/// `0192:987654325`, without the scheme), 52 characters of `a–z 2–7`.
pub fn sml_hash(id: &ParticipantId) -> String {
    value_hash(&id.to_string())
}

/// The DNS name to query for the NAPTR record (service `Meta:SMP`, flag `U`) that gives
/// the participant's SMP: `<hash>.iso6523-actorid-upis.<zone>` (zone such as [`SML_ZONE`]).
pub fn sml_dns_name(id: &ParticipantId, zone: &str) -> String {
    dns_name(&sml_hash(id), zone)
}

/// The name of the legacy (pre-BDXL) SML scheme, resolved as a CNAME or A record to the
/// SMP's host: `B-<hex MD5>.iso6523-actorid-upis.<zone>`. Superseded by
/// [`sml_dns_name`]; kept for SMLs that still answer it.
pub fn legacy_sml_dns_name(id: &ParticipantId, zone: &str) -> String {
    dns_name(&legacy_value_hash(&id.to_string()), zone)
}

/// `label` under the participant scheme in the SML's `zone` (dots around it ignored).
fn dns_name(label: &str, zone: &str) -> String {
    format!("{label}.{PARTICIPANT_SCHEME}.{}", zone.trim_matches('.'))
}

#[cfg(test)]
#[path = "peppol_tests.rs"]
mod tests;
