//! FastFaktura's documents: one checked invoice in, a print-ready PDF/A-3b with embedded
//! Factur-X, a UBL 2.1 (Peppol BIS Billing 3.0) and a CII D16B e-invoice out, or both as
//! XRechnung 3.0 for German buyers; plus reading UBL invoices others send.
//!
//! A pure library: no async, no database, no I/O. Amounts are never calculated here:
//! [`InvoiceDocument::new`] runs `fastfaktura_domain::totals::compute`, the one
//! calculation engine, and every writer reads the result. The heavy PDF dependencies
//! (krilla, lopdf, fonts) live in this crate so the server does not rebuild them.

pub mod bank_statements;
pub mod cii;
mod figures;
pub mod fixtures;
pub mod import;
pub mod labels;
mod logo;
pub mod model;
pub mod pdf;
pub mod peppol_smp;
pub mod ubl;
pub mod validation;
mod xml;
pub mod xrechnung;

pub use cii::{cii_xml, cii_xml_as};
pub use import::{
    ImportError, ImportedInvoice, ReceiveError, ReceivedFormat, ReceivedInvoice, parse_cii, parse_ubl, read_received,
};
pub use model::{
    DocumentError, DocumentType, DomesticPayment, Endpoint, InvoiceData, InvoiceDocument, Language, Line, Logo,
    LogoError, LogoFormat, Party, PaymentDetails, Problem,
};
pub use pdf::statement::{EntryKind, Statement, StatementAccount, StatementEntry};
pub use pdf::{Fonts, PdfError, RenderedPdf, render_draft_pdf, render_pdf, render_pdf_with, render_statement_pdf};
pub use ubl::{ubl_xml, ubl_xml_as};
pub use validation::{Finding, Flag, ValidationError, Verdict, validate_cii, validate_ubl};
pub use xrechnung::{EInvoiceProfile, XRechnungGap, XRechnungIncomplete, xrechnung_gaps};
