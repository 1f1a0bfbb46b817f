//! Document downloads, the same for the owner's pages, the customer's link and the
//! API: the PDF (with Factur-X inside), the UBL and the CII of one issued document,
//! exactly as they were issued (a quote has its PDF only).

use crate::invoicing::documents::{IssuedDocument, file_name};
use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Pdf,
    /// The PDF shown in the browser rather than saved.
    PdfToView,
    Ubl,
    Cii,
}

impl DocumentFormat {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pdf" => Some(DocumentFormat::Pdf),
            "view" => Some(DocumentFormat::PdfToView),
            "ubl" => Some(DocumentFormat::Ubl),
            "cii" => Some(DocumentFormat::Cii),
            _ => None,
        }
    }
}

/// The file, with its content type and a download name such as `invoice-2026-0001.pdf`;
/// None if the document has no such file (a quote's e-invoice).
pub fn document_file(issued: IssuedDocument, format: DocumentFormat) -> Option<Response> {
    let doc = &issued.document;
    let (name, content_type, bytes) = match format {
        DocumentFormat::Pdf | DocumentFormat::PdfToView => (file_name(doc, "pdf"), "application/pdf", issued.pdf),
        DocumentFormat::Ubl => (file_name(doc, "ubl.xml"), "application/xml", issued.ubl?.into_bytes()),
        DocumentFormat::Cii => (file_name(doc, "cii.xml"), "application/xml", issued.cii?.into_bytes()),
    };
    let inline = format == DocumentFormat::PdfToView;
    Some(file_response(&name, content_type, bytes, inline))
}

/// A file for the browser: shown (`inline`) or saved under `name`. The name must be
/// ASCII letters, digits, dots and dashes (ours always are); anything else is replaced.
pub fn file_response(name: &str, content_type: &'static str, bytes: Vec<u8>, inline: bool) -> Response {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' }).collect();
    let how = if inline { "inline" } else { "attachment" };
    let disposition =
        HeaderValue::from_str(&format!("{how}; filename=\"{safe}\"")).unwrap_or(HeaderValue::from_static(how));
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response()
}
