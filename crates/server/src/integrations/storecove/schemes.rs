//! Peppol participant identifier schemes (ISO 6523 ICDs) as Storecove names them.
//!
//! Storecove's API takes a scheme mnemonic (`NO:ORG`), not the ICD (`0192`), in
//! routing, discovery and receiver registration. Most of its mnemonics are the Peppol
//! code list's `schemeid`; two Nordic ones are not (`0216` is `FI:OVT`, not `FI:OVT2`;
//! `0196` is `IS:KT`, not `IS:KTNR`). The table is written out rather than derived from
//! the code list so that a scheme Storecove may name differently is refused before a
//! call instead of being sent under a guessed name: an ICD missing here is refused with
//! a sentence saying so. The Nordic, German and GLN rows are the ones our wire-format
//! summary and brief name; the others are the Peppol `schemeid` of the schemes
//! `ParticipantId::for_party` derives, and a test checks each against the code list so
//! a typo cannot hide.

/// `(ICD, Storecove's mnemonic)`.
pub(super) const STORECOVE_SCHEMES: &[(&str, &str)] = &[
    // The Nordic registries and VAT registers.
    ("0192", "NO:ORG"),
    ("0007", "SE:ORGNR"),
    ("0216", "FI:OVT"),
    ("0184", "DK:DIGST"),
    ("0198", "DK:ERST"),
    ("0196", "IS:KT"),
    // Germany: VAT id and the Leitweg-ID of public buyers.
    ("9930", "DE:VAT"),
    ("0204", "DE:LWID"),
    // International.
    ("0088", "GLN"),
    ("0060", "DUNS"),
    ("0199", "LEI"),
    // The neighbours `ParticipantId::for_party` derives ids for.
    ("0208", "BE:EN"),
    ("9925", "BE:VAT"),
    ("9944", "NL:VAT"),
    ("0106", "NL:KVK"),
    ("0190", "NL:OINO"),
    ("9957", "FR:VAT"),
    ("0009", "FR:SIRET"),
    ("0002", "FR:SIRENE"),
    ("0211", "IT:IVA"),
    ("9920", "ES:VAT"),
    ("9914", "AT:VAT"),
];

/// Where Storecove's mnemonic is not the Peppol code list's `schemeid`.
#[cfg(test)]
pub(super) const DIFFERS_FROM_CODE_LIST: &[&str] = &["0216", "0196"];

/// Storecove's mnemonic for the ICD, or None when we have none for it.
pub(super) fn storecove_scheme(icd: &str) -> Option<&'static str> {
    STORECOVE_SCHEMES.iter().find(|(code, _)| *code == icd).map(|(_, scheme)| *scheme)
}
