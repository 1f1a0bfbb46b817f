//! An EN 16931 validator that runs in-process: the CEN business rules (BR-*, BR-CO-*,
//! BR-DEC-*, the VAT category rules, the code lists BR-CL-*, the UBL syntax rules UBL-SR-*)
//! and the Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-R*, PEPPOL-COMMON-R*, the Peppol
//! code lists and the Nordic national rules), for UBL invoices and credit notes.
//!
//! Why not the official Schematron: it needs an XSLT 2.0 processor (Saxon, a JVM or a C
//! library) and takes a large part of a second per document; we check every document we issue
//! and every one we receive. Each rule here is a hand translation of the official XPath
//! (`tests/einvoice/xslt/EN16931-UBL-validation.xslt`, `tests/einvoice/peppol/*.sch`), with
//! the same quirks (which elements count, where rounding happens, when a rule is silent), and
//! `tests/einvoice/differential.py` proves the verdicts agree file by file over the official
//! test sets. The rules we leave out are listed with the reason in
//! `tests/einvoice/not_implemented.txt`.
//!
//! The XML is read directly, not through our model, because a received document may carry
//! anything: by our own reader (`xml/`: one pass into a compact arena of elements, no DTD,
//! a size cap), built for speed, because validating must cost next to nothing next to
//! issuing or receiving the document (docs/PERFORMANCE.md). The rules see it through the
//! small XPath layer of `dom.rs`, with every element name interned to a small id as it is
//! read and every path written `p!("cac:Price/cbc:PriceAmount")`, compiled to those ids
//! (`names.rs`); each rule file keeps one place per official rule.

/// A path of child steps or a name, such as `p!("cac:Price/cbc:PriceAmount")`, compiled to
/// name keys at compile time (`names::Path`); a name no rule knows is a compile error.
macro_rules! p {
    ($s:literal) => {{
        const P: $crate::validation::names::Path = $crate::validation::names::Path::parse($s);
        P
    }};
}

mod cen_core;
mod cen_syntax;
mod cen_vat;
mod cii;
mod codes;
mod dom;
mod line;
mod names;
mod national;
mod peppol;
#[cfg(test)]
mod tests;
mod xml;

use std::collections::BTreeSet;

pub use cii::validate_cii;

/// The largest document we read: Peppol access points accept 100 MB, but an invoice with
/// attachments beyond 20 MB is an attack or a mistake, and the DOM costs a multiple of it.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// How serious a finding is, as the official rules flag it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// The document is not a valid EN 16931 / Peppol document; it must not be sent.
    Fatal,
    /// Worth fixing; receivers accept the document.
    Warning,
}

/// One rule the document breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The official rule id, such as `BR-CO-10` or `PEPPOL-EN16931-R003`.
    pub rule: &'static str,
    pub flag: Flag,
    /// What is wrong in plain words, naming the business terms (BT-*) involved.
    pub message: String,
    /// Where: an XPath-like path to the element the rule looked at.
    pub location: String,
}

/// Everything the rules found in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub findings: Vec<Finding>,
}

impl Verdict {
    /// The ids of the fatal rules that fired, each once.
    pub fn fatal_rules(&self) -> BTreeSet<&str> {
        self.findings.iter().filter(|f| f.flag == Flag::Fatal).map(|f| f.rule).collect()
    }

    /// True when no fatal rule fired (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.findings.iter().all(|f| f.flag != Flag::Fatal)
    }
}

/// Why a document could not be validated at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValidationError {
    #[error("the document is {0} bytes, more than the {MAX_DOCUMENT_BYTES} we accept")]
    TooLarge(usize),
    #[error("the document is not UTF-8 text")]
    NotUtf8,
    #[error("the document is not well-formed XML: {0}")]
    NotXml(String),
    #[error("the document is neither a UBL Invoice nor a UBL CreditNote (root element {0})")]
    NotUbl(String),
    #[error("the document is not a CII CrossIndustryInvoice (root element {0})")]
    NotCii(String),
}

/// Reads `xml` as [`validate_ubl`] does (size, UTF-8, well-formedness, into the
/// validator's tree) and checks no rule: the reading's share of a validation, which the
/// benchmark shows beside the whole (`bench/validate_einvoice.sh`). Returns the number
/// of elements read.
pub fn read_without_rules(xml: &[u8]) -> Result<usize, ValidationError> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(ValidationError::TooLarge(xml.len()));
    }
    let text = std::str::from_utf8(xml).map_err(|_| ValidationError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(xml::parse(text).map_err(ValidationError::NotXml)?.element_count())
}

/// Validates a UBL 2.1 Invoice or CreditNote against EN 16931 and Peppol BIS Billing 3.0.
pub fn validate_ubl(xml: &[u8]) -> Result<Verdict, ValidationError> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(ValidationError::TooLarge(xml.len()));
    }
    let text = std::str::from_utf8(xml).map_err(|_| ValidationError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Our reader rejects any DTD: no entity expansion, no external fetch.
    let doc = xml::parse(text).map_err(ValidationError::NotXml)?;
    let root = doc.root();
    let credit = match (root.ns(), root.local()) {
        (xml::Ns::Invoice, "Invoice") => false,
        (xml::Ns::CreditNote, "CreditNote") => true,
        (_, name) => return Err(ValidationError::NotUbl(name.to_string())),
    };
    let mut cx = dom::Cx::new(&doc, credit);
    cen_core::check(&mut cx);
    cen_vat::check(&mut cx);
    cen_syntax::check(&mut cx);
    peppol::check(&mut cx);
    national::check(&mut cx);
    Ok(Verdict { findings: cx.findings })
}
