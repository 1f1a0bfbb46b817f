//! Document downloads, the same for the owner's pages, the customer's link and the
//! API: the PDF (with Factur-X inside), the UBL and the CII of one issued document.
//!
//! The PDF is drawn on a blocking thread: the PDF library's document type cannot
//! cross an `.await`, and a 10-page invoice takes tens of milliseconds of CPU.

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use fastfaktura_documents::{InvoiceDocument, cii_xml, render_pdf, ubl_xml};

use crate::invoicing::documents::file_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Pdf,
    Ubl,
    Cii,
}

impl DocumentFormat {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pdf" => Some(DocumentFormat::Pdf),
            "ubl" => Some(DocumentFormat::Ubl),
            "cii" => Some(DocumentFormat::Cii),
            _ => None,
        }
    }
}

/// The file, with its content type and a download name such as `invoice-2026-0001.pdf`.
pub async fn document_file(doc: InvoiceDocument, format: DocumentFormat) -> anyhow::Result<Response> {
    let (name, content_type, bytes) = match format {
        DocumentFormat::Pdf => {
            let name = file_name(&doc, "pdf");
            let rendered = tokio::task::spawn_blocking(move || render_pdf(&doc)).await??;
            (name, "application/pdf", rendered.bytes)
        }
        DocumentFormat::Ubl => (file_name(&doc, "ubl.xml"), "application/xml", ubl_xml(&doc).into_bytes()),
        DocumentFormat::Cii => (file_name(&doc, "cii.xml"), "application/xml", cii_xml(&doc).into_bytes()),
    };
    // The name is built from ASCII letters, digits and dashes only, so it needs no quoting rules.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}
