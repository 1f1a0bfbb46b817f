//! The one description of an invoice that every output (PDF, UBL, CII) is written from.
//!
//! The server fills an [`InvoiceData`] from its database; [`InvoiceDocument::new`] checks
//! that it can become a legal EN 16931 invoice (listing everything that is missing at
//! once) and computes its amounts with `fastfaktura_domain::totals::compute`, the single
//! calculation engine. The document is immutable afterwards, so the amounts the writers
//! read can never disagree with the lines they print.

use std::ops::Deref;

use fastfaktura_domain::{
    Currency, Decimal, DocumentInput, DocumentKind, LineInput, PriceEntry, Totals, VatCategory, compute,
};
use time::Date;

/// The language the document's labels are written in (the domain's locale layer
/// writes its numbers and dates).
pub use fastfaktura_domain::locale::Language;

/// Invoice (UNCL1001 380) or credit note (381) with the invoice it credits (BG-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentType {
    Invoice,
    CreditNote {
        preceding_number: String,
        preceding_date: Date,
    },
    /// An offer: a PDF only (no e-invoice), valid until the document's due date, and no
    /// payment request.
    Quote,
}

impl DocumentType {
    /// UNCL1001 document type code (BT-3).
    pub fn code(&self) -> &'static str {
        match self {
            DocumentType::Invoice => "380",
            DocumentType::CreditNote { .. } => "381",
            DocumentType::Quote => "310",
        }
    }

    pub fn is_credit_note(&self) -> bool {
        matches!(self, DocumentType::CreditNote { .. })
    }

    pub fn is_quote(&self) -> bool {
        matches!(self, DocumentType::Quote)
    }

    /// Only an invoice asks to be paid: a credit note gives money back and a quote is
    /// an offer, so neither prints bank details, a due date or a payment code.
    pub fn requests_payment(&self) -> bool {
        matches!(self, DocumentType::Invoice)
    }
}

/// An electronic address (BT-34 / BT-49) with its Peppol EAS scheme, e.g. `0196` for an
/// Icelandic kennitala, `0007` for a Swedish organisationsnummer, `EM` for e-mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Endpoint {
    pub scheme: String,
    pub id: String,
}

/// Seller or buyer.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Party {
    pub name: String,
    /// Street lines, at most three (BT-35, BT-36, BT-162).
    pub address_lines: Vec<String>,
    pub postcode: String,
    pub city: String,
    /// ISO 3166-1 alpha-2, e.g. `IS`, `SE`, `DE`.
    pub country: String,
    /// VAT identifier with its country prefix (a missing prefix is added from `country`).
    pub vat_id: Option<String>,
    /// Legal registration id: kennitala, organisationsnummer (BT-30 / BT-47).
    pub registration_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Contact person or department (BT-41 / BT-56).
    pub contact_name: Option<String>,
    /// Peppol participant id (BT-34 / BT-49); e-mail is no longer an EAS scheme.
    pub endpoint: Option<Endpoint>,
}

/// The seller's bank details for credit transfer (BG-16/BG-17) and the payment reference (BT-83).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PaymentDetails {
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub reference: Option<String>,
    /// How payers in the seller's country pay domestically, printed beside the IBAN.
    /// Absent from documents issued before it existed, hence the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domestic: Option<DomesticPayment>,
}

/// The domestic way to pay, in the layout the payer's bank expects; the values are
/// checked and formatted by the server (domain crate) before they get here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "country", rename_all = "lowercase")]
pub enum DomesticPayment {
    /// Norway: the reference is a KID, paid to the kontonummer (`1234.56.78903`).
    No { account: Option<String> },
    /// Sweden: the reference is an OCR number, paid to the Bankgiro (`5555-5555`).
    Se { bankgiro: String },
    /// Finland: the reference is a viitenumero; the virtual barcode (54 digits) carries
    /// account, amount, reference and due date for the payer's bank to read.
    Fi { virtual_barcode: Option<String> },
    /// Denmark: the FI payment line `+71<payment id+creditor<`.
    Dk { payment_line: String },
    /// Iceland: the domestic account (`0133-26-012345`) and the payee's kennitala, and
    /// the bank claim (`0133-66-000042`) when the invoice is also in the payer's online bank.
    Is {
        account: String,
        kennitala: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        claim: Option<String>,
    },
}

impl DomesticPayment {
    /// What the reference is called where the payer pays it, if not just "Reference".
    pub fn reference_name(&self) -> Option<&'static str> {
        match self {
            Self::No { .. } => Some("KID"),
            Self::Se { .. } => Some("OCR"),
            Self::Fi { .. } => Some("Viitenumero"),
            Self::Dk { .. } | Self::Is { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub description: String,
    pub quantity: Decimal,
    /// UN/ECE Recommendation 20 unit code: `C62` (one), `HUR`, `DAY`, `KGM`, ...
    pub unit_code: String,
    /// Net or gross depending on [`InvoiceData::price_entry`].
    pub unit_price: Decimal,
    /// Percent off this line, 0–100.
    pub discount_percent: Decimal,
    pub vat_category: VatCategory,
    /// Percent, e.g. 24.
    pub vat_rate: Decimal,
    pub exemption_reason: Option<String>,
}

pub use crate::logo::{Logo, LogoError, LogoFormat, MAX_LOGO_BYTES, MAX_LOGO_SIDE};

/// Everything an invoice or credit note says, as the server stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceData {
    pub kind: DocumentType,
    pub number: String,
    pub issue_date: Date,
    pub due_date: Date,
    /// BT-72, needed for intra-community supply (K).
    pub delivery_date: Option<Date>,
    /// The period the invoice covers (BG-14: BT-73 start, BT-74 end).
    pub period: Option<(Date, Date)>,
    pub currency: Currency,
    pub language: Language,
    pub seller: Party,
    pub buyer: Party,
    /// BT-10; the invoice number is used when empty (Peppol requires a buyer reference).
    /// An XRechnung to a public authority carries its Leitweg-ID (the 0204 endpoint) here.
    pub buyer_reference: Option<String>,
    /// The buyer's purchase order number (BT-13).
    pub order_reference: Option<String>,
    pub payment: PaymentDetails,
    pub payment_terms: Option<String>,
    pub notes: Vec<String>,
    pub lines: Vec<Line>,
    /// Percent off the whole document, 0–100.
    pub discount_percent: Decimal,
    pub price_entry: PriceEntry,
    pub logo: Option<Logo>,
}

/// One thing that keeps a document from being valid: a message key with its values
/// (so a page can word it in the reader's language) and the English sentence (for the
/// API, logs and tests). A `party` value is `Seller` or `Buyer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    text: String,
}

impl Problem {
    fn new(key: &'static str, args: &[(&'static str, String)], text: String) -> Self {
        Problem { key, args: args.to_vec(), text }
    }

    /// A problem found outside this crate (e.g. a bank-transfer invoice without IBAN).
    pub fn other(key: &'static str, args: &[(&'static str, String)], text: impl Into<String>) -> Self {
        Problem::new(key, args, text.into())
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        self.text.starts_with(prefix)
    }

    pub fn contains(&self, part: &str) -> bool {
        self.text.contains(part)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// What stops an [`InvoiceData`] from becoming a valid document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Each entry says what to fill in or change, e.g. "Seller: VAT number is required ...".
    #[error("the document cannot be issued: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Incomplete(Vec<Problem>),
}

/// A checked invoice with the amounts computed by the domain's calculation engine.
///
/// Read the fields through `Deref` (`doc.number`, `doc.lines`); the amounts through
/// [`InvoiceDocument::totals`]. There is no way to change either afterwards.
#[derive(Debug, Clone)]
pub struct InvoiceDocument {
    data: InvoiceData,
    totals: Totals,
}

impl Deref for InvoiceDocument {
    type Target = InvoiceData;
    fn deref(&self) -> &InvoiceData {
        &self.data
    }
}

impl InvoiceDocument {
    /// Normalises identifiers, checks the EN 16931 business rules our writers rely on
    /// and computes the totals. All problems are reported together.
    pub fn new(mut data: InvoiceData) -> Result<Self, DocumentError> {
        normalise(&mut data);
        let mut problems = check(&data);
        let totals = match compute(&data.document_input()) {
            Ok(totals) => Some(totals),
            Err(e) => {
                problems.push(Problem::new("doc-calculation", &[("detail", e.to_string())], e.to_string()));
                None
            }
        };
        match totals {
            Some(totals) if problems.is_empty() => Ok(Self { data, totals }),
            _ => Err(DocumentError::Incomplete(problems)),
        }
    }

    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    pub fn data(&self) -> &InvoiceData {
        &self.data
    }

    pub fn into_data(self) -> InvoiceData {
        self.data
    }

    /// Whether any line is outside the scope of VAT (category O): then no VAT
    /// identifiers may appear in the e-invoice (BR-O-02).
    pub fn outside_scope(&self) -> bool {
        self.lines.iter().any(|l| l.vat_category == VatCategory::OutsideScope)
    }

    /// Whether any line is an intra-community supply (K).
    pub fn intra_community(&self) -> bool {
        self.lines.iter().any(|l| l.vat_category == VatCategory::IntraCommunity)
    }

    /// BT-10 as written to the e-invoices.
    pub fn buyer_reference_or_number(&self) -> &str {
        self.buyer_reference.as_deref().filter(|r| !r.trim().is_empty()).unwrap_or(&self.number)
    }

    /// What keeps the UBL from being accepted on the Peppol network (not errors for the
    /// PDF or an e-mailed e-invoice), each starting with the Peppol rule id.
    pub fn peppol_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.seller.endpoint.is_none() {
            warnings.push("PEPPOL-EN16931-R020: Seller has no electronic address (Peppol participant id)".into());
        }
        if self.buyer.endpoint.is_none() {
            warnings.push("PEPPOL-EN16931-R010: Buyer has no electronic address (Peppol participant id)".into());
        }
        if self.seller.country == "DE" && self.buyer.country == "DE" {
            // Peppol's German rules (XRechnung) for domestic German invoices.
            if self.payment.iban.is_none() {
                warnings.push("DE-R-001: German invoices need payment instructions (an IBAN)".into());
            }
            let s = &self.seller;
            if s.contact_name.is_none() && s.phone.is_none() && s.email.is_none() {
                warnings.push("DE-R-002: German invoices need a seller contact".into());
            }
            for (rule, missing, what) in [
                ("DE-R-005", s.contact_name.is_none(), "contact name"),
                ("DE-R-006", s.phone.is_none(), "telephone"),
                ("DE-R-007", s.email.is_none(), "e-mail"),
            ] {
                if missing {
                    warnings.push(format!("{rule}: German invoices need the seller's {what}"));
                }
            }
        }
        warnings
    }
}

impl InvoiceData {
    /// The input of the domain's calculation engine.
    pub fn document_input(&self) -> DocumentInput {
        DocumentInput {
            kind: if self.kind.is_credit_note() { DocumentKind::CreditNote } else { DocumentKind::Invoice },
            currency: self.currency,
            price_entry: self.price_entry,
            lines: self
                .lines
                .iter()
                .map(|l| LineInput {
                    quantity: l.quantity,
                    unit_price: l.unit_price,
                    discount_percent: l.discount_percent,
                    vat_category: l.vat_category,
                    vat_rate: l.vat_rate,
                    exemption_reason: l.exemption_reason.clone(),
                })
                .collect(),
            discount_percent: self.discount_percent,
        }
    }
}

fn trim_opt(value: &mut Option<String>) {
    if let Some(v) = value {
        let trimmed = v.trim();
        if trimmed.is_empty() {
            *value = None;
        } else if trimmed.len() != v.len() {
            *v = trimmed.to_owned();
        }
    }
}

fn normalise_party(party: &mut Party) {
    party.name = party.name.trim().to_owned();
    party.country = party.country.trim().to_ascii_uppercase();
    party.address_lines.retain(|l| !l.trim().is_empty());
    for line in &mut party.address_lines {
        *line = line.trim().to_owned();
    }
    for field in
        [&mut party.vat_id, &mut party.registration_id, &mut party.email, &mut party.phone, &mut party.contact_name]
    {
        trim_opt(field);
    }
    if let Some(vat) = &mut party.vat_id {
        let compact: String = vat.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let has_prefix = compact.len() > 2 && compact.chars().take(2).all(|c| c.is_ascii_uppercase());
        *vat = if has_prefix || party.country.len() != 2 { compact } else { format!("{}{compact}", party.country) };
    }
}

fn normalise(data: &mut InvoiceData) {
    data.number = data.number.trim().to_owned();
    normalise_party(&mut data.seller);
    normalise_party(&mut data.buyer);
    trim_opt(&mut data.buyer_reference);
    trim_opt(&mut data.order_reference);
    trim_opt(&mut data.payment_terms);
    for field in [&mut data.payment.iban, &mut data.payment.bic, &mut data.payment.reference] {
        trim_opt(field);
    }
    for code in [&mut data.payment.iban, &mut data.payment.bic].into_iter().flatten() {
        *code = code.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    }
    data.notes.retain(|n| !n.trim().is_empty());
    for line in &mut data.lines {
        line.unit_code = line.unit_code.trim().to_ascii_uppercase();
        trim_opt(&mut line.exemption_reason);
    }
}

fn check_party(role: &str, party: &Party, problems: &mut Vec<Problem>) {
    let party_arg = [("party", role.to_owned())];
    if party.name.is_empty() {
        problems.push(Problem::new("doc-party-name", &party_arg, format!("{role}: name is required")));
    }
    if party.country.len() != 2 || !party.country.chars().all(|c| c.is_ascii_uppercase()) {
        problems.push(Problem::new(
            "doc-party-country",
            &party_arg,
            format!("{role}: country must be a two-letter ISO 3166 code such as IS, SE or DE"),
        ));
    }
    if party.address_lines.len() > 3 {
        problems.push(Problem::new(
            "doc-party-address-lines",
            &party_arg,
            format!("{role}: at most three address lines"),
        ));
    }
    // EN 16931 asks only for the country of the buyer (BR-11); the seller's postal
    // address is printed as the sender and must be complete.
    if role == "Seller" && (party.address_lines.is_empty() || party.city.trim().is_empty()) {
        problems.push(Problem::new(
            "doc-party-address",
            &party_arg,
            format!("{role}: street address and city are required"),
        ));
    }
    if party.country == "IS" && party.postcode.trim().is_empty() {
        // Peppol's Icelandic rules IS-R-003 / IS-R-005.
        problems.push(Problem::new(
            "doc-party-postcode",
            &party_arg,
            format!("{role}: postcode is required for an Icelandic address"),
        ));
    }
    if let Some(endpoint) = &party.endpoint
        && (endpoint.scheme.trim().is_empty() || endpoint.id.trim().is_empty())
    {
        problems.push(Problem::new(
            "doc-party-endpoint",
            &party_arg,
            format!("{role}: an electronic address needs both a scheme and an id"),
        ));
    }
}

/// The EN 16931 rules that depend on what the user filled in (the rest hold by construction).
fn check(data: &InvoiceData) -> Vec<Problem> {
    let mut problems = Vec::new();
    if data.number.is_empty() {
        problems.push(Problem::new("doc-number", &[], "Document: number is required".to_owned()));
    }
    if data.due_date < data.issue_date {
        problems.push(Problem::new(
            "doc-due-before-issue",
            &[],
            "Document: the due date is before the issue date".to_owned(),
        ));
    }
    if data.lines.is_empty() {
        problems.push(Problem::new("doc-no-lines", &[], "Document: at least one line is required".to_owned()));
    }
    if data.currency.minor_units() > 2 {
        problems.push(Problem::new(
            "doc-currency-decimals",
            &[("currency", data.currency.code().to_owned())],
            format!(
                "Document: {} has {} decimals, but e-invoices (EN 16931) allow at most two",
                data.currency.code(),
                data.currency.minor_units()
            ),
        ));
    }
    if let DocumentType::CreditNote { preceding_number, .. } = &data.kind
        && preceding_number.trim().is_empty()
    {
        problems.push(Problem::new(
            "doc-credited-number",
            &[],
            "Credit note: the number of the invoice it credits is required".to_owned(),
        ));
    }
    check_party("Seller", &data.seller, &mut problems);
    check_party("Buyer", &data.buyer, &mut problems);
    for (i, line) in data.lines.iter().enumerate() {
        if line.description.trim().is_empty() {
            problems.push(Problem::new(
                "doc-line-description",
                &[("n", (i + 1).to_string())],
                format!("Line {}: description is required", i + 1),
            ));
        }
        if line.unit_code.len() < 2 || !line.unit_code.chars().all(|c| c.is_ascii_alphanumeric()) {
            problems.push(Problem::new(
                "doc-line-unit",
                &[("n", (i + 1).to_string())],
                format!("Line {}: unit must be a UN/ECE unit code such as C62, HUR, DAY or KGM", i + 1),
            ));
        }
    }
    let has = |category: VatCategory| data.lines.iter().any(|l| l.vat_category == category);
    if has(VatCategory::OutsideScope) && data.lines.iter().any(|l| l.vat_category != VatCategory::OutsideScope) {
        problems.push(Problem::new(
            "doc-outside-scope-mixed",
            &[],
            "VAT: lines outside the scope of VAT (O) cannot be mixed with other VAT categories".to_owned(),
        ));
    }
    let needs_seller_vat = VatCategory::ALL.into_iter().any(|c| c != VatCategory::OutsideScope && has(c));
    if needs_seller_vat && data.seller.vat_id.is_none() {
        problems.push(Problem::new(
            "doc-seller-vat",
            &[],
            "Seller: VAT number is required for a VAT-registered seller".to_owned(),
        ));
    }
    if data.seller.vat_id.is_none() && data.seller.registration_id.is_none() {
        problems.push(Problem::new(
            "doc-seller-vat-or-registration",
            &[],
            "Seller: a VAT number or a registration number (kennitala) is required".to_owned(),
        ));
    }
    if has(VatCategory::IntraCommunity) && data.buyer.vat_id.is_none() {
        problems.push(Problem::new(
            "doc-buyer-vat-k",
            &[],
            "Buyer: VAT number is required for an intra-community supply (K)".to_owned(),
        ));
    }
    if has(VatCategory::ReverseCharge) && data.buyer.vat_id.is_none() && data.buyer.registration_id.is_none() {
        problems.push(Problem::new(
            "doc-buyer-vat-ae",
            &[],
            "Buyer: VAT or registration number is required for reverse charge (AE)".to_owned(),
        ));
    }
    if has(VatCategory::IntraCommunity) && data.delivery_date.is_none() && data.period.is_none() {
        problems.push(Problem::new(
            "doc-delivery-k",
            &[],
            "Document: a delivery date or period is required for an intra-community supply (K)".to_owned(),
        ));
    }
    if let Some((start, end)) = data.period
        && end < start
    {
        // BR-29.
        problems.push(Problem::new(
            "doc-period-order",
            &[],
            "Document: the delivery period ends before it starts".to_owned(),
        ));
    }
    if data.payment.bic.is_some() && data.payment.iban.is_none() {
        problems.push(Problem::new("doc-bic-without-iban", &[], "Payment: a BIC needs an IBAN".to_owned()));
    }
    if let Some(iban) = &data.payment.iban
        && !iban_is_valid(iban)
    {
        problems.push(Problem::new(
            "doc-iban",
            &[("iban", iban.clone())],
            format!("Payment: {iban} is not a valid IBAN"),
        ));
    }
    problems
}

/// ISO 13616 check: country letters, two check digits and mod 97 == 1.
pub fn iban_is_valid(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && mod97_is_one(iban)
}

/// ISO 7064 MOD 97-10 as IBAN (ISO 13616) and creditor references (ISO 11649) use it:
/// the first four characters move to the end, letters count as 10..35.
pub(crate) fn mod97_is_one(code: &str) -> bool {
    let bytes = code.as_bytes();
    if bytes.len() < 5 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let mut remainder: u32 = 0;
    for &b in bytes[4..].iter().chain(&bytes[..4]) {
        let value =
            if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b.to_ascii_uppercase() - b'A') + 10 };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn iban_check_digits() {
        assert!(iban_is_valid("DE89370400440532013000"));
        assert!(iban_is_valid("IS140159260076545510730339"));
        assert!(!iban_is_valid("DE89370400440532013001"));
        assert!(!iban_is_valid("DE89"));
    }

    #[test]
    fn missing_legal_details_are_listed_together() {
        let mut data = fixtures::sample_data();
        data.seller.vat_id = None;
        data.seller.registration_id = None;
        data.seller.city = String::new();
        data.buyer.city = String::new();
        data.payment.iban = Some("IS00 1234".into());
        let DocumentError::Incomplete(problems) = InvoiceDocument::new(data).unwrap_err();
        assert!(problems.iter().any(|p| p.starts_with("Seller: VAT number")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("registration number")), "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("Seller: street address and city")), "{problems:?}");
        // The buyer's street and city are optional in EN 16931 (only the country is required).
        assert!(!problems.iter().any(|p| p.starts_with("Buyer:")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("not a valid IBAN")), "{problems:?}");
    }

    #[test]
    fn calculation_errors_block_the_document() {
        let mut data = fixtures::sample_data();
        data.lines[0].vat_rate = Decimal::from(150);
        let err = InvoiceDocument::new(data).unwrap_err().to_string();
        assert!(err.contains("Line 1"), "{err}");
    }

    #[test]
    fn vat_ids_get_their_country_prefix() {
        let mut data = fixtures::sample_data();
        data.seller.vat_id = Some(" 123 45 ".into());
        let doc = InvoiceDocument::new(data).unwrap();
        assert_eq!(doc.seller.vat_id.as_deref(), Some("IS12345"));
    }

    #[test]
    fn outside_scope_cannot_mix() {
        let mut data = fixtures::sample_data();
        data.lines[0].vat_category = VatCategory::OutsideScope;
        data.lines[0].vat_rate = Decimal::ZERO;
        assert!(InvoiceDocument::new(data).unwrap_err().to_string().contains("(O)"));
    }

    #[test]
    fn bad_logos_are_refused_with_a_reason() {
        assert_eq!(Logo::new(b"GIF89a....".to_vec()).unwrap_err(), LogoError::NotPngOrJpeg);
        assert_eq!(Logo::new(vec![0; MAX_LOGO_BYTES + 1]).unwrap_err(), LogoError::TooLarge);
        let broken_png = b"\x89PNG\r\n\x1a\nnot really".to_vec();
        assert!(matches!(Logo::new(broken_png), Err(LogoError::Unreadable(_))));
        let logo = Logo::new(fixtures::sample_logo_png()).unwrap();
        assert_eq!(logo.format(), LogoFormat::Png);
        assert!(logo.size().0 > 0);
    }
}
