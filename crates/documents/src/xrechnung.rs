//! XRechnung 3.0, the German CIUS of EN 16931: which profile an e-invoice is written in,
//! what XRechnung needs beyond EN 16931, and what goes in the buyer reference.
//!
//! German buyers, and above all German public authorities (which are addressed by their
//! Leitweg-ID), accept e-invoices only as XRechnung: the same UBL or CII with KoSIT's
//! specification identifier and the BR-DE business rules on top of the CEN rules. Those
//! rules ask for data EN 16931 leaves optional (the seller's contact person, phone and
//! e-mail, both postcodes, payment instructions, a buyer reference). Rather than write
//! a document the buyer's platform would reject, [`xrechnung_gaps`] lists what is
//! missing as [`XRechnungGap`]s the caller can show, and the writers refuse with them
//! (`ubl_xml_as`, `cii_xml_as`). The rules followed are KoSIT's xrechnung-schematron
//! 2.5.0 (XRechnung 3.0.x); the tests validate every written document with them.

use std::fmt;

use fastfaktura_domain::{Icd, ParticipantId, ParticipantIdError};

use crate::model::{InvoiceData, InvoiceDocument, Party, Problem};

/// BT-24 of an XRechnung 3.0 document (UBL `cbc:CustomizationID`, CII guideline id).
pub const XRECHNUNG_CUSTOMIZATION_ID: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
/// BT-24 of a Peppol BIS Billing 3.0 document.
pub const PEPPOL_BIS3_CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// The Peppol scheme of the Leitweg-ID (DE:LWID).
pub const LEITWEG_SCHEME: &str = "0204";

/// The rules an e-invoice is written to. Both are EN 16931; the UBL of both carries the
/// Peppol billing process as its profile (BT-23), so either can be sent over Peppol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EInvoiceProfile {
    /// Peppol BIS Billing 3.0 (UBL); the CII is plain EN 16931 (Factur-X "EN 16931").
    #[serde(rename = "peppol-bis-3")]
    PeppolBis3,
    /// XRechnung 3.0, for German buyers.
    #[serde(rename = "xrechnung")]
    XRechnung,
}

impl EInvoiceProfile {
    /// XRechnung for a buyer in Germany or one with a Leitweg-ID (a German public
    /// authority, wherever its address is): its Peppol endpoint is a 0204 id, or the
    /// buyer reference is a Leitweg-ID with valid check digits. Peppol BIS otherwise.
    pub fn for_buyer(buyer: &Party, buyer_reference: Option<&str>) -> Self {
        let german = buyer.country.trim().eq_ignore_ascii_case("DE");
        let leitweg_endpoint = endpoint_leitweg_id(buyer).is_some();
        let leitweg_reference = buyer_reference.is_some_and(|r| ParticipantId::new(Icd::DE_LWID, r).is_ok());
        if german || leitweg_endpoint || leitweg_reference { Self::XRechnung } else { Self::PeppolBis3 }
    }

    /// The profile for the document's buyer, as [`EInvoiceProfile::for_buyer`].
    pub fn for_document(data: &InvoiceData) -> Self {
        Self::for_buyer(&data.buyer, data.buyer_reference.as_deref())
    }

    /// BT-24, the specification identifier.
    pub fn customization_id(self) -> &'static str {
        match self {
            Self::PeppolBis3 => PEPPOL_BIS3_CUSTOMIZATION_ID,
            Self::XRechnung => XRECHNUNG_CUSTOMIZATION_ID,
        }
    }

    /// The Peppol document type identifier of a UBL invoice or credit note in this
    /// profile, as a receiver's SMP lists it (what to look up before sending):
    /// `<root namespace>::<root>##<customization>::2.1`.
    pub fn peppol_document_type(self, credit_note: bool) -> String {
        let (namespace, root) = if credit_note {
            ("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNote")
        } else {
            ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "Invoice")
        };
        format!("{namespace}::{root}##{}::2.1", self.customization_id())
    }

    /// What the document lacks for this profile; Peppol BIS needs nothing beyond what
    /// `InvoiceDocument::new` checks (its network findings are `peppol_warnings`).
    pub fn check(self, data: &InvoiceData) -> Result<(), XRechnungIncomplete> {
        match self {
            Self::PeppolBis3 => Ok(()),
            Self::XRechnung => {
                let gaps = xrechnung_gaps(data);
                if gaps.is_empty() { Ok(()) } else { Err(XRechnungIncomplete(gaps)) }
            }
        }
    }
}

/// One thing an XRechnung needs that the document does not have, with the KoSIT rule
/// that asks for it ([`XRechnungGap::rule`]). `Display` is the English sentence; pages
/// word it from [`XRechnungGap::to_problem`]'s key and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XRechnungGap {
    /// A quote is no invoice (BR-DE-17 allows invoice and credit note codes).
    NotAnInvoice,
    /// BT-41 (BR-DE-2, BR-DE-5).
    SellerContactName,
    /// BT-42 with at least three digits (BR-DE-6, BR-DE-27).
    SellerPhone,
    /// BT-43, one address (BR-DE-7, BR-DE-28).
    SellerEmail,
    /// BT-37 (BR-DE-3).
    SellerCity,
    /// BT-38 (BR-DE-4).
    SellerPostcode,
    /// BT-52 (BR-DE-8).
    BuyerCity,
    /// BT-53 (BR-DE-9).
    BuyerPostcode,
    /// BT-49 is mandatory in XRechnung 3.0: a Peppol id or at least an e-mail address.
    BuyerElectronicAddress,
    /// BG-16 with BG-17: an IBAN to pay to (BR-DE-1, BR-DE-23-a).
    PaymentAccount,
    /// The buyer's 0204 endpoint is not a valid Leitweg-ID.
    LeitwegId { value: String, error: ParticipantIdError },
    /// A public authority's buyer reference (BT-10) must be its Leitweg-ID; the document
    /// has another reference, which would be lost.
    BuyerReferenceNotLeitwegId { leitweg_id: String, buyer_reference: String },
    /// A payment terms line that starts with `#` but is not a discount (Skonto) line
    /// `#SKONTO#TAGE=14#PROZENT=2.00#` (BR-DE-18).
    PaymentTermsLine { line: String },
}

impl XRechnungGap {
    /// The KoSIT rule (or XRechnung business term) that requires the data.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::NotAnInvoice => "BR-DE-17",
            Self::SellerContactName => "BR-DE-5",
            Self::SellerPhone => "BR-DE-6",
            Self::SellerEmail => "BR-DE-7",
            Self::SellerCity => "BR-DE-3",
            Self::SellerPostcode => "BR-DE-4",
            Self::BuyerCity => "BR-DE-8",
            Self::BuyerPostcode => "BR-DE-9",
            Self::BuyerElectronicAddress => "BT-49",
            Self::PaymentAccount => "BR-DE-1",
            Self::LeitwegId { .. } | Self::BuyerReferenceNotLeitwegId { .. } => "BT-10",
            Self::PaymentTermsLine { .. } => "BR-DE-18",
        }
    }

    /// A message key for the server's catalogue.
    pub fn key(&self) -> &'static str {
        match self {
            Self::NotAnInvoice => "xrechnung-not-an-invoice",
            Self::SellerContactName => "xrechnung-seller-contact-name",
            Self::SellerPhone => "xrechnung-seller-phone",
            Self::SellerEmail => "xrechnung-seller-email",
            Self::SellerCity => "xrechnung-seller-city",
            Self::SellerPostcode => "xrechnung-seller-postcode",
            Self::BuyerCity => "xrechnung-buyer-city",
            Self::BuyerPostcode => "xrechnung-buyer-postcode",
            Self::BuyerElectronicAddress => "xrechnung-buyer-electronic-address",
            Self::PaymentAccount => "xrechnung-payment-account",
            Self::LeitwegId { .. } => "xrechnung-leitweg-id",
            Self::BuyerReferenceNotLeitwegId { .. } => "xrechnung-buyer-reference",
            Self::PaymentTermsLine { .. } => "xrechnung-payment-terms-line",
        }
    }

    /// As a [`Problem`] (key, values and the English sentence), like the document's
    /// other problems; the values are `rule` and, where there is one, `value`/`reference`.
    pub fn to_problem(&self) -> Problem {
        let mut args = vec![("rule", self.rule().to_owned())];
        match self {
            Self::LeitwegId { value, .. } => args.push(("value", value.clone())),
            Self::BuyerReferenceNotLeitwegId { leitweg_id, buyer_reference } => {
                args.push(("value", leitweg_id.clone()));
                args.push(("reference", buyer_reference.clone()));
            }
            Self::PaymentTermsLine { line } => args.push(("value", line.clone())),
            _ => {}
        }
        Problem::other(self.key(), &args, self.to_string())
    }
}

impl fmt::Display for XRechnungGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::NotAnInvoice => "XRechnung is for invoices and credit notes, not quotes".to_owned(),
            Self::SellerContactName => "XRechnung needs the seller's contact person or department".to_owned(),
            Self::SellerPhone => "XRechnung needs the seller's phone number".to_owned(),
            Self::SellerEmail => "XRechnung needs the seller's e-mail address".to_owned(),
            Self::SellerCity => "XRechnung needs the seller's city".to_owned(),
            Self::SellerPostcode => "XRechnung needs the seller's postcode".to_owned(),
            Self::BuyerCity => "XRechnung needs the buyer's city".to_owned(),
            Self::BuyerPostcode => "XRechnung needs the buyer's postcode".to_owned(),
            Self::BuyerElectronicAddress => {
                "XRechnung needs the buyer's electronic address (Peppol id or e-mail)".to_owned()
            }
            Self::PaymentAccount => "XRechnung needs payment instructions (the seller's IBAN)".to_owned(),
            Self::LeitwegId { value, error } => format!("the buyer's Leitweg-ID {value} {error}"),
            Self::BuyerReferenceNotLeitwegId { leitweg_id, buyer_reference } => format!(
                "the buyer reference of a public authority must be its Leitweg-ID {leitweg_id}, \
                 not {buyer_reference} (put other references in the order reference)"
            ),
            Self::PaymentTermsLine { line } => format!(
                "payment terms lines starting with # must be discount lines such as \
                 #SKONTO#TAGE=14#PROZENT=2.00#, not {line}"
            ),
        };
        write!(f, "{what} ({})", self.rule())
    }
}

/// Why an XRechnung was not written: everything that is missing, at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the XRechnung cannot be written: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct XRechnungIncomplete(pub Vec<XRechnungGap>);

/// Everything the document lacks for XRechnung 3.0 (empty when it can be written), on
/// top of what `InvoiceDocument::new` already requires of every document; so it can be
/// asked of a draft, to show before the invoice is issued.
pub fn xrechnung_gaps(data: &InvoiceData) -> Vec<XRechnungGap> {
    let mut gaps = Vec::new();
    let blank = |value: &str| value.trim().is_empty();
    let missing = |value: &Option<String>| value.as_deref().is_none_or(blank);
    if data.kind.is_quote() {
        gaps.push(XRechnungGap::NotAnInvoice);
    }
    let seller = &data.seller;
    if missing(&seller.contact_name) {
        gaps.push(XRechnungGap::SellerContactName);
    }
    if !seller.phone.as_deref().is_some_and(phone_is_usable) {
        gaps.push(XRechnungGap::SellerPhone);
    }
    if !seller.email.as_deref().is_some_and(email_is_usable) {
        gaps.push(XRechnungGap::SellerEmail);
    }
    if blank(&seller.city) {
        gaps.push(XRechnungGap::SellerCity);
    }
    if blank(&seller.postcode) {
        gaps.push(XRechnungGap::SellerPostcode);
    }
    let buyer = &data.buyer;
    if blank(&buyer.city) {
        gaps.push(XRechnungGap::BuyerCity);
    }
    if blank(&buyer.postcode) {
        gaps.push(XRechnungGap::BuyerPostcode);
    }
    if electronic_address(buyer).is_none() {
        gaps.push(XRechnungGap::BuyerElectronicAddress);
    }
    if missing(&data.payment.iban) {
        gaps.push(XRechnungGap::PaymentAccount);
    }
    if let Some(value) = endpoint_leitweg_id(buyer) {
        match ParticipantId::new(Icd::DE_LWID, value) {
            Err(error) => gaps.push(XRechnungGap::LeitwegId { value: value.to_owned(), error }),
            Ok(id) => {
                let reference = data.buyer_reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
                if let Some(reference) = reference.filter(|r| !r.eq_ignore_ascii_case(id.value())) {
                    gaps.push(XRechnungGap::BuyerReferenceNotLeitwegId {
                        leitweg_id: id.value().to_owned(),
                        buyer_reference: reference.to_owned(),
                    });
                }
            }
        }
    }
    if let Some(line) = data.payment_terms.as_deref().and_then(bad_payment_terms_line) {
        gaps.push(XRechnungGap::PaymentTermsLine { line });
    }
    gaps
}

/// The value of the buyer's endpoint when its scheme is the Leitweg-ID's.
fn endpoint_leitweg_id(buyer: &Party) -> Option<&str> {
    buyer.endpoint.as_ref().filter(|e| e.scheme.trim() == LEITWEG_SCHEME).map(|e| e.id.trim())
}

/// BT-10 as written: in XRechnung a public authority's Leitweg-ID (upper-cased as
/// Peppol keeps it); otherwise the buyer reference, or the invoice number without one.
pub(crate) fn buyer_reference(doc: &InvoiceDocument, profile: EInvoiceProfile) -> String {
    let leitweg = endpoint_leitweg_id(&doc.buyer).filter(|_| profile == EInvoiceProfile::XRechnung);
    leitweg.map_or_else(|| doc.buyer_reference_or_number().to_owned(), str::to_ascii_uppercase)
}

/// BT-34 / BT-49 as written: the Peppol endpoint, or in XRechnung (where the address is
/// mandatory and the EAS code list has `EM`) the party's e-mail address.
pub(crate) fn endpoint_for(party: &Party, profile: EInvoiceProfile) -> Option<(&str, &str)> {
    match profile {
        EInvoiceProfile::XRechnung => electronic_address(party),
        EInvoiceProfile::PeppolBis3 => party.endpoint.as_ref().map(|e| (e.scheme.as_str(), e.id.as_str())),
    }
}

fn electronic_address(party: &Party) -> Option<(&str, &str)> {
    let endpoint = party.endpoint.as_ref().filter(|e| !e.scheme.trim().is_empty() && !e.id.trim().is_empty());
    endpoint
        .map(|e| (e.scheme.trim(), e.id.trim()))
        .or_else(|| party.email.as_deref().map(str::trim).filter(|e| email_is_usable(e)).map(|e| ("EM", e)))
}

/// BT-20 as written in XRechnung: a discount line must be followed by a line break
/// (BR-DE-18), which the document's trimmed terms lose at their end.
pub(crate) fn payment_terms(terms: &str, profile: EInvoiceProfile) -> String {
    let has_discount_lines = terms.lines().any(|l| l.trim_start().starts_with('#'));
    if profile == EInvoiceProfile::XRechnung && has_discount_lines && !terms.ends_with('\n') {
        format!("{terms}\n")
    } else {
        terms.to_owned()
    }
}

/// BR-DE-27: at least three digits.
fn phone_is_usable(phone: &str) -> bool {
    phone.chars().filter(char::is_ascii_digit).count() >= 3
}

/// BR-DE-28's shape: one `@`, no spaces, a dot-separated domain without empty labels.
fn email_is_usable(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else { return false };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
}

/// The first payment terms line BR-DE-18 would reject: a line starting with `#` that
/// is not a discount line, or text after the closing `#` of the last `#…#` run.
fn bad_payment_terms_line(terms: &str) -> Option<String> {
    let hash_lines: Vec<&str> = terms.lines().map(str::trim).filter(|l| l.starts_with('#')).collect();
    if hash_lines.is_empty() {
        return None;
    }
    if let Some(line) = hash_lines.iter().find(|l| !is_discount_line(l)) {
        return Some((*line).to_owned());
    }
    // KoSIT splits the whole text at `#…#` runs: what follows the last one must be a
    // line break, so no later line may carry text after two `#`s.
    let run = |l: &&str| l.find('#').zip(l.rfind('#')).is_some_and(|(first, last)| last > first + 1);
    let last_run = terms.lines().rev().find(run)?;
    let after = &last_run[last_run.rfind('#').map_or(0, |i| i + 1)..];
    (!after.trim().is_empty()).then(|| last_run.trim().to_owned())
}

/// `#SKONTO#TAGE=n#PROZENT=n.nn#` with an optional `BASISBETRAG=-n.nn#` segment.
fn is_discount_line(line: &str) -> bool {
    let Some(segments) = line.strip_prefix("#SKONTO#").and_then(|r| r.strip_suffix('#')) else { return false };
    let mut segments = segments.split('#');
    let days = segments.next().and_then(|s| s.strip_prefix("TAGE="));
    let percent = segments.next().and_then(|s| s.strip_prefix("PROZENT="));
    let base = segments.next().map(|s| s.strip_prefix("BASISBETRAG=").map(|b| b.strip_prefix('-').unwrap_or(b)));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let two_decimals =
        |s: &str| s.split_once('.').is_some_and(|(int, frac)| digits(int) && frac.len() == 2 && digits(frac));
    days.is_some_and(digits)
        && percent.is_some_and(two_decimals)
        && base.is_none_or(|b| b.is_some_and(two_decimals))
        && segments.next().is_none()
}

#[cfg(test)]
#[path = "xrechnung_tests.rs"]
mod tests;
