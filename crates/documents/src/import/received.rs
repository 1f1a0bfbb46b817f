//! Recognising a received e-invoice from its bytes alone: UBL 2.1 (Peppol BIS 3,
//! XRechnung UBL), CII D16B (XRechnung CII, Factur-X/ZUGFeRD XML) or a PDF carrying
//! exactly one embedded Factur-X/ZUGFeRD XML; everything else is refused with a reason a
//! person can act on.
//!
//! The bytes come from strangers (uploads, the access point, email), so they are read
//! like bank files: a size cap before anything is parsed, no DTD (roxmltree refuses one,
//! so no entity is ever declared, expanded or fetched), a cap on element nesting, and a
//! PDF's attachment decompressed with a limit. A PDF with two e-invoices is refused rather
//! than guessed at: the two could disagree on the amount to pay.

use roxmltree::Node;

use super::{ImportError, ImportedInvoice, NS_CREDIT_NOTE, NS_INVOICE, cii::NS_CII, cii::parse_cii, parse_ubl};

/// The largest document received: a PDF with images can be large, an invoice's XML never is.
pub const MAX_RECEIVED_BYTES: usize = 50 * 1024 * 1024;
/// Real invoices nest about 12 elements deep (UBL signatures about 20).
pub const MAX_XML_DEPTH: usize = 100;

/// The syntax a received document was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceivedFormat {
    Ubl,
    Cii,
    FacturXPdf,
}

impl ReceivedFormat {
    /// The name stored with the document (`ubl`, `cii`, `facturx_pdf`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReceivedFormat::Ubl => "ubl",
            ReceivedFormat::Cii => "cii",
            ReceivedFormat::FacturXPdf => "facturx_pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ubl" => Some(ReceivedFormat::Ubl),
            "cii" => Some(ReceivedFormat::Cii),
            "facturx_pdf" => Some(ReceivedFormat::FacturXPdf),
            _ => None,
        }
    }
}

/// A received document that was recognised and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedInvoice {
    pub format: ReceivedFormat,
    pub invoice: ImportedInvoice,
    /// The invoice's XML: the document itself, or the attachment of a PDF.
    pub xml: String,
}

/// Why a received document cannot be read as an invoice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {} MB", MAX_RECEIVED_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the file is neither an e-invoice in XML (UBL, CII, XRechnung) nor a PDF with one (Factur-X, ZUGFeRD)")]
    NotAnInvoice,
    #[error("the XML is not UTF-8 encoded, as e-invoices must be")]
    NotUtf8,
    #[error("the XML carries a document type declaration (DTD); e-invoices never do, so it is refused unread")]
    Dtd,
    #[error("the XML nests elements more than {MAX_XML_DEPTH} deep; no invoice does")]
    TooDeep,
    #[error("the XML is not well-formed: {0}")]
    NotXml(String),
    #[error("the XML is not an invoice or credit note (its root element is {0})")]
    UnknownRoot(String),
    #[error("required information is missing or unreadable: {}", .0.join("; "))]
    Missing(Vec<String>),
    #[error("the PDF cannot be read: {0}")]
    PdfUnreadable(String),
    #[error("the PDF carries no e-invoice (no embedded Factur-X or ZUGFeRD XML); ask the supplier for the e-invoice")]
    PdfWithoutXml,
    #[error("the PDF carries {0} embedded XML invoices; which one is to be paid is unclear, so none is read")]
    PdfWithSeveralXml(usize),
}

impl From<ImportError> for ReceiveError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::NotXml(m) => ReceiveError::NotXml(m),
            ImportError::NotUbl(root) | ImportError::NotCii(root) => ReceiveError::UnknownRoot(root),
            ImportError::Missing(m) => ReceiveError::Missing(m),
        }
    }
}

/// A received document whose syntax is known and whose XML is well-formed, with no DTD
/// and no absurd nesting: what is left is reading it ([`RecognisedDocument::read`]) and
/// validating it. A document that fails only there is still an e-invoice, kept and
/// marked, where one refused here is not one at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognisedDocument {
    pub format: ReceivedFormat,
    /// The invoice's XML: the document itself, or the attachment of a PDF.
    pub xml: String,
    /// The XML is CII (a Factur-X PDF's always is; an XML file may be either).
    cii: bool,
}

impl RecognisedDocument {
    /// Reads the invoice (`Missing` when required information is absent or unreadable).
    pub fn read(&self) -> Result<ImportedInvoice, ReceiveError> {
        Ok(if self.cii { parse_cii(&self.xml)? } else { parse_ubl(&self.xml)? })
    }

    /// Whether the XML is CII (else UBL).
    pub fn is_cii(&self) -> bool {
        self.cii
    }
}

/// Recognises and reads a received document.
pub fn read_received(bytes: &[u8]) -> Result<ReceivedInvoice, ReceiveError> {
    let recognised = recognise_received(bytes)?;
    let invoice = recognised.read()?;
    Ok(ReceivedInvoice { format: recognised.format, invoice, xml: recognised.xml })
}

/// Recognises a received document's syntax and checks its XML, without reading it.
pub fn recognise_received(bytes: &[u8]) -> Result<RecognisedDocument, ReceiveError> {
    if bytes.len() > MAX_RECEIVED_BYTES {
        return Err(ReceiveError::TooLarge);
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).ok_or(ReceiveError::Empty)?;
    if bytes[start..].starts_with(b"%PDF-") {
        let xml = embedded_xml(bytes)?;
        let cii = check_xml(&xml)? == ReceivedFormat::Cii;
        return Ok(RecognisedDocument { format: ReceivedFormat::FacturXPdf, xml, cii });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !body.trim_ascii_start().starts_with(b"<") {
        return Err(ReceiveError::NotAnInvoice);
    }
    let xml = std::str::from_utf8(body).map_err(|_| ReceiveError::NotUtf8)?;
    let format = check_xml(xml)?;
    Ok(RecognisedDocument { format, xml: xml.to_owned(), cii: format == ReceivedFormat::Cii })
}

/// Checks the XML (UTF-8, no DTD, nesting) and says which syntax its root is (Ubl or Cii).
fn check_xml(xml: &str) -> Result<ReceivedFormat, ReceiveError> {
    if declared_encoding(xml).is_some_and(|e| !e.eq_ignore_ascii_case("utf-8")) {
        return Err(ReceiveError::NotUtf8);
    }
    // Before parsing: the parser itself recurses per element, so a stranger's thousands
    // of nested elements would exhaust the stack before any check on the tree could run.
    if nesting_depth(xml.as_bytes()) > MAX_XML_DEPTH {
        return Err(ReceiveError::TooDeep);
    }
    let doc = roxmltree::Document::parse(xml).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ReceiveError::Dtd,
        other => ReceiveError::NotXml(other.to_string()),
    })?;
    check_depth(doc.root())?;
    let root = doc.root_element();
    match (root.tag_name().namespace(), root.tag_name().name()) {
        (Some(NS_INVOICE), "Invoice") | (Some(NS_CREDIT_NOTE), "CreditNote") => Ok(ReceivedFormat::Ubl),
        (Some(NS_CII), "CrossIndustryInvoice") => Ok(ReceivedFormat::Cii),
        (_, name) => Err(ReceiveError::UnknownRoot(name.to_owned())),
    }
}

/// The `encoding` of an XML declaration, when there is one.
fn declared_encoding(xml: &str) -> Option<&str> {
    let declaration = xml.trim_start().strip_prefix("<?xml")?;
    let declaration = &declaration[..declaration.find("?>")?];
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    // Only a quote opens the value; anything else (a stranger's multibyte character
    // included) means there is no declared encoding to read.
    let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &after[1..];
    Some(&value[..value.find(quote)?])
}

/// How deep elements nest, read from the markup without parsing it: start tags open,
/// end tags close, empty-element tags do neither; comments, CDATA, processing
/// instructions and declarations are skipped, and a `>` inside a quoted attribute value
/// does not end its tag. For well-formed XML this is the tree's depth; for anything else
/// it is at most an overestimate, and the parser refuses the document anyway.
fn nesting_depth(xml: &[u8]) -> usize {
    let find = |from: usize, needle: &[u8]| {
        xml.get(from..).and_then(|rest| rest.windows(needle.len()).position(|w| w == needle)).map(|p| from + p)
    };
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(offset) = xml.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'<')) {
        let at = i + offset;
        let rest = &xml[at..];
        let skip_to = |end: &[u8]| find(at + 1, end).map(|e| e + end.len());
        let next = if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_to(b"?>")
        } else if rest.starts_with(b"<!") {
            skip_to(b">")
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            skip_to(b">")
        } else {
            // A start tag: find its end outside quotes.
            let mut quote = None;
            let mut end = None;
            for (k, &b) in rest.iter().enumerate().skip(1) {
                match (quote, b) {
                    (None, b'"' | b'\'') => quote = Some(b),
                    (Some(q), b) if b == q => quote = None,
                    (None, b'>') => {
                        end = Some(k);
                        break;
                    }
                    _ => {}
                }
            }
            if let Some(end) = end {
                if rest[end - 1] != b'/' {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                Some(at + end + 1)
            } else {
                None
            }
        };
        match next {
            Some(n) => i = n,
            None => break,
        }
    }
    deepest
}

/// Walks the tree without recursion and refuses one nested deeper than [`MAX_XML_DEPTH`].
fn check_depth(root: Node) -> Result<(), ReceiveError> {
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_XML_DEPTH {
            return Err(ReceiveError::TooDeep);
        }
        stack.extend(node.children().filter(Node::is_element).map(|c| (c, depth + 1)));
    }
    Ok(())
}

/// The one XML file embedded in a PDF (the catalog's EmbeddedFiles name tree and its
/// associated files, `/AF`), decompressed with a limit.
fn embedded_xml(pdf: &[u8]) -> Result<String, ReceiveError> {
    let options = lopdf::LoadOptions { max_decompressed_size: Some(MAX_RECEIVED_BYTES), ..Default::default() };
    let doc =
        lopdf::Document::load_mem_with_options(pdf, options).map_err(|e| ReceiveError::PdfUnreadable(e.to_string()))?;
    let catalog = doc.catalog().map_err(|e| ReceiveError::PdfUnreadable(e.to_string()))?;
    let mut specs = Vec::new();
    if let Ok(tree) = catalog
        .get_deref(b"Names", &doc)
        .and_then(lopdf::Object::as_dict)
        .and_then(|names| names.get_deref(b"EmbeddedFiles", &doc))
    {
        name_tree_values(&doc, tree, 0, &mut specs);
    }
    if let Ok(associated) = catalog.get_deref(b"AF", &doc).and_then(lopdf::Object::as_array) {
        specs.extend(associated.iter().cloned());
    }
    let mut streams = Vec::new();
    for spec in &specs {
        let Ok((_, spec)) = doc.dereference(spec) else { continue };
        let Ok(spec) = spec.as_dict() else { continue };
        let name = ["UF", "F"]
            .iter()
            .find_map(|k| spec.get(k.as_bytes()).and_then(lopdf::Object::as_str).ok())
            .map(|n| String::from_utf8_lossy(n).to_ascii_lowercase())
            .unwrap_or_default();
        if !name.ends_with(".xml") {
            continue;
        }
        let Ok(file) = spec.get_deref(b"EF", &doc).and_then(lopdf::Object::as_dict) else { continue };
        let Some(reference) =
            ["UF", "F"].iter().find_map(|k| file.get(k.as_bytes()).and_then(|o| o.as_reference()).ok())
        else {
            continue;
        };
        if !streams.contains(&reference) {
            streams.push(reference);
        }
    }
    match streams.as_slice() {
        [] => Err(ReceiveError::PdfWithoutXml),
        [one] => {
            let stream = doc
                .get_object(*one)
                .and_then(lopdf::Object::as_stream)
                .map_err(|e| ReceiveError::PdfUnreadable(e.to_string()))?;
            let content = if stream.filters().is_ok_and(|f| !f.is_empty()) {
                stream
                    .decompressed_content_with_limit(MAX_RECEIVED_BYTES)
                    .map_err(|e| ReceiveError::PdfUnreadable(format!("its attachment: {e}")))?
            } else {
                stream.content.clone()
            };
            let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&content);
            String::from_utf8(content.to_vec()).map_err(|_| ReceiveError::NotUtf8)
        }
        several => Err(ReceiveError::PdfWithSeveralXml(several.len())),
    }
}

/// The values of a PDF name tree (`Names` pairs, `Kids` below), at most 32 levels deep.
fn name_tree_values(doc: &lopdf::Document, node: &lopdf::Object, depth: usize, out: &mut Vec<lopdf::Object>) {
    let Ok(node) = node.as_dict() else { return };
    if depth > 32 {
        return;
    }
    if let Ok(names) = node.get_deref(b"Names", doc).and_then(lopdf::Object::as_array) {
        out.extend(names.iter().skip(1).step_by(2).cloned());
    }
    if let Ok(kids) = node.get_deref(b"Kids", doc).and_then(lopdf::Object::as_array) {
        for kid in kids {
            if let Ok((_, kid)) = doc.dereference(kid) {
                name_tree_values(doc, kid, depth + 1, out);
            }
        }
    }
}

#[cfg(test)]
#[path = "received_tests.rs"]
mod tests;
