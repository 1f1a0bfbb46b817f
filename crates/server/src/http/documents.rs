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
    // The name is built from ASCII letters, digits and dashes only, so it is a valid header.
    let how = if format == DocumentFormat::PdfToView { "inline" } else { "attachment" };
    let disposition = HeaderValue::from_str(&format!("{how}; filename=\"{name}\"")).ok()?;
    Some(
        (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response(),
    )
}
