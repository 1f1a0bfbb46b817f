//! Reading bills: the list (by state, with the documents that could not become bills),
//! one bill with its findings and lines, the original as received, and a readable PDF
//! drawn by our own renderer from the received invoice.

use fastfaktura_documents::import::{ImportedInvoice, recognise_received};
use fastfaktura_documents::{InvoiceDocument, pdf::render_copy_pdf};
use uuid::Uuid;

use super::{Bill, Finding};
use crate::{
    app::{Caller, Error},
    db::{self, received_documents::DocumentInfo},
    i18n::{Lang, Text},
    state::AppState,
};

/// The states a bill moves through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillState {
    ToPay,
    Scheduled,
    Paid,
}

impl BillState {
    pub fn as_str(self) -> &'static str {
        match self {
            BillState::ToPay => "to_pay",
            BillState::Scheduled => "scheduled",
            BillState::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "to_pay" => Some(BillState::ToPay),
            "scheduled" => Some(BillState::Scheduled),
            "paid" => Some(BillState::Paid),
            _ => None,
        }
    }
}

/// The Bills page: bills (in one state, or all), and received documents that could not
/// become a bill.
pub struct BillList {
    pub bills: Vec<Bill>,
    pub without_bill: Vec<DocumentInfo>,
}

const SHOWN: i64 = 200;

pub async fn list_bills(state: &AppState, caller: &Caller, filter: Option<BillState>) -> Result<BillList, Error> {
    let mut reads = crate::app::reads(state, caller).await?;
    let bills = db::bills::list(&mut *reads, caller.business_id, filter.map(BillState::as_str), SHOWN).await?;
    let without_bill = db::received_documents::without_bill(&mut *reads, caller.business_id, 50).await?;
    Ok(BillList { bills, without_bill })
}

/// A bill with what its document says.
pub struct BillDetail {
    pub bill: Bill,
    pub findings: Vec<Finding>,
    /// The invoice read again from the original (its lines, notes, parties).
    pub invoice: Option<ImportedInvoice>,
    /// Our renderer can draw it (the PDF link is offered).
    pub readable_pdf: bool,
}

pub async fn bill_detail(state: &AppState, caller: &Caller, id: Uuid) -> Result<BillDetail, Error> {
    let bill = db::bills::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)?;
    let findings = findings_of(&bill.validation);
    let invoice = read_original(state, caller, bill.received_document_id).await?;
    let readable_pdf = invoice.as_ref().is_some_and(|i| document_of(i, Lang::En).is_some());
    Ok(BillDetail { bill, findings, invoice, readable_pdf })
}

/// A received document's findings (stored as JSON with it).
pub fn findings_of(validation: &serde_json::Value) -> Vec<Finding> {
    serde_json::from_value(validation.clone()).unwrap_or_default()
}

async fn read_original(state: &AppState, caller: &Caller, document_id: Uuid) -> Result<Option<ImportedInvoice>, Error> {
    let Some(original) = db::received_documents::original(&state.db, caller.business_id, document_id).await? else {
        return Ok(None);
    };
    let bytes = original.original;
    let read = tokio::task::spawn_blocking(move || recognise_received(&bytes).ok().and_then(|d| d.read().ok()))
        .await
        .map_err(anyhow::Error::from)?;
    Ok(read)
}

/// The received invoice in our model, when it holds nothing the model cannot.
fn document_of(invoice: &ImportedInvoice, lang: Lang) -> Option<InvoiceDocument> {
    let mut data = invoice.to_invoice_data().ok()?;
    data.language = lang.locale();
    InvoiceDocument::new(data).ok()
}

/// A readable PDF of the bill, drawn by our renderer in the reader's language.
pub async fn bill_pdf(state: &AppState, caller: &Caller, id: Uuid, lang: Lang) -> Result<(String, Vec<u8>), Error> {
    let bill = db::bills::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)?;
    let invoice = read_original(state, caller, bill.received_document_id).await?;
    let Some(document) = invoice.as_ref().and_then(|i| document_of(i, lang)) else {
        return Err(Error::Unprocessable(Text::key("bills-no-pdf")));
    };
    let pdf = tokio::task::spawn_blocking(move || render_copy_pdf(&document))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    Ok((format!("{}.pdf", file_stem(&bill.supplier_name, &bill.number)), pdf.bytes))
}

/// A bill's original as received: file name, media type and bytes.
pub async fn bill_original(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<(String, &'static str, Vec<u8>), Error> {
    let bill = db::bills::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)?;
    let original = db::received_documents::original(&state.db, caller.business_id, bill.received_document_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (extension, media_type) = media_of(&original.format);
    let name = format!("{}.{extension}", file_stem(&bill.supplier_name, &bill.number));
    Ok((name, media_type, original.original))
}

pub(super) fn media_of(format: &str) -> (&'static str, &'static str) {
    if format == "facturx_pdf" { ("pdf", "application/pdf") } else { ("xml", "application/xml") }
}

/// A file name from a supplier and a number: letters, digits, `-` and `_` only.
pub(super) fn file_stem(supplier: &str, number: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).take(60).collect()
    };
    format!("{}_{}", clean(supplier), clean(number))
}
