//! Read models: what the owner's pages, the customer's page and the API show of
//! invoices. The balance of a document (payments, credit notes, what is still open)
//! is worked out here once, for all of them.

use fastfaktura_domain::{Decimal, InvoiceKind, InvoiceStatus, Totals, lifecycle::Balance};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

use super::totals;
use crate::{
    app::{Caller, Error},
    db::{
        self,
        customers::Customer,
        deliveries::Delivery,
        invoice_lists::{ListFilter, ListedInvoice, PagedInvoice},
        invoices::{Invoice, Line, RecordedPayment},
    },
    invoicing::documents::{self, Frozen},
    state::AppState,
};

/// Rows per page of the owner's invoice list.
pub const PAGE_SIZE: i64 = 50;

/// One invoice, credit note or quote with what every view of it shows.
pub struct InvoiceDetail {
    pub invoice: Invoice,
    pub lines: Vec<Line>,
    /// None if the stored lines no longer compute (never for an issued document).
    pub totals: Option<Totals>,
    pub payments: Vec<RecordedPayment>,
    /// Payable, paid (after refunds) and credited by issued credit notes.
    pub balance: Balance,
    /// The invoice a credit note corrects: its id and number.
    pub credited: Option<(Uuid, String)>,
    /// The invoice a quote was turned into: its id and, once issued, its number.
    pub converted_to: Option<(Uuid, Option<String>)>,
    /// The issued credit notes of an invoice: id and number.
    pub credit_notes: Vec<(Uuid, String)>,
    /// Who an issued document is from and to and where to pay, as it was issued.
    pub parties: Option<Frozen>,
}

impl InvoiceDetail {
    /// What is still to be paid: payable − paid − credited.
    pub fn open(&self) -> Decimal {
        self.balance.open()
    }

    pub fn paid(&self) -> Decimal {
        self.balance.paid
    }
}

/// The document, if it is the business's.
pub async fn find_invoice(state: &AppState, business_id: Uuid, id: Uuid) -> Result<Invoice, Error> {
    db::invoices::find(&state.db, business_id, id).await?.ok_or(Error::NotFound)
}

/// The one read of a document with its lines, totals, payments and balance.
pub async fn invoice_detail(state: &AppState, business_id: Uuid, id: Uuid) -> Result<InvoiceDetail, Error> {
    let invoice = find_invoice(state, business_id, id).await?;
    detail_of(state, business_id, invoice).await
}

async fn detail_of(state: &AppState, business_id: Uuid, invoice: Invoice) -> Result<InvoiceDetail, Error> {
    let lines = db::invoices::lines(&state.db, business_id, invoice.id).await?;
    let totals = totals(&invoice, &lines).ok();
    let payments = db::invoices::payments(&state.db, business_id, invoice.id).await?;
    let balance = Balance {
        payable: invoice.payable.unwrap_or_default(),
        paid: payments.iter().map(|p| p.amount).sum(),
        credited: db::invoices::credited_total(&state.db, business_id, invoice.id).await?,
    };
    let credited = match invoice.credited_invoice_id {
        Some(original) => {
            db::invoices::find(&state.db, business_id, original).await?.and_then(|o| o.number).map(|n| (original, n))
        }
        None => None,
    };
    let converted_to = match invoice.kind {
        InvoiceKind::Quote => match db::invoices::converted_from(&state.db, business_id, invoice.id).await? {
            Some(id) => Some((id, db::invoices::find(&state.db, business_id, id).await?.and_then(|i| i.number))),
            None => None,
        },
        _ => None,
    };
    let credit_notes = match invoice.kind {
        InvoiceKind::Invoice => db::invoices::credit_notes_of(&state.db, business_id, invoice.id).await?,
        _ => Vec::new(),
    };
    let parties = match documents::frozen_parties(&state.db, business_id, &invoice).await? {
        Some(frozen) => Some(frozen),
        // Issued before records were kept: freeze it now, once.
        None if invoice.status == InvoiceStatus::Issued => {
            Some(documents::issued_document(&state.db, business_id, invoice.id).await?.frozen)
        }
        None => None,
    };
    Ok(InvoiceDetail { invoice, lines, totals, payments, balance, credited, converted_to, credit_notes, parties })
}

/// The owner's page of an issued document: the detail with its customer, its
/// deliveries and its customer link, and whether SMS can be sent.
pub struct OwnerInvoiceView {
    pub detail: InvoiceDetail,
    pub totals: Totals,
    pub customer: Customer,
    pub sms_available: bool,
    /// Whether it can go over Peppol now, and if not why (issued documents only).
    pub peppol: Option<crate::app::peppol::PeppolRoute>,
    pub deliveries: Vec<Delivery>,
    pub customer_link: Option<CustomerLink>,
}

pub async fn owner_invoice_view(state: &AppState, caller: &Caller, id: Uuid) -> Result<OwnerInvoiceView, Error> {
    let business_id = caller.business_id;
    let detail = invoice_detail(state, business_id, id).await?;
    let totals = match &detail.totals {
        Some(totals) => totals.clone(),
        None => totals(&detail.invoice, &detail.lines)?,
    };
    let customer =
        db::customers::find(&state.db, business_id, detail.invoice.customer_id).await?.ok_or(Error::NotFound)?;
    let sms_available = {
        let mut conn = state.db.acquire().await?;
        crate::integrations::sms_accounts::available(&mut conn, business_id).await?
    };
    let deliveries = db::deliveries::for_invoice(&state.db, business_id, id).await?;
    let customer_link = if detail.invoice.status == InvoiceStatus::Issued {
        customer_link(state, business_id, id).await?
    } else {
        None
    };
    let peppol = match &detail.parties {
        Some(frozen) if detail.invoice.status == InvoiceStatus::Issued => {
            Some(crate::app::peppol::route_for(&state.db, business_id, &frozen.buyer, detail.invoice.kind).await?)
        }
        _ => None,
    };
    Ok(OwnerInvoiceView { detail, totals, customer, sms_available, peppol, deliveries, customer_link })
}

/// The customers a new invoice can be for (the first 500, by name).
pub async fn customer_choices(state: &AppState, caller: &Caller) -> Result<Vec<Customer>, Error> {
    let mut reads = crate::app::reads(state, caller).await?;
    Ok(db::customers::list(&mut *reads, caller.business_id, "", 500, 0).await?)
}

/// What the owner's invoice list asks for.
#[derive(Debug, Default)]
pub struct ListQuery<'a> {
    pub search: &'a str,
    /// 1-based.
    pub page: u32,
    pub status: &'a str,
}

/// A page of the owner's invoice list.
pub struct InvoiceList {
    pub rows: Vec<ListedInvoice>,
    pub filter: ListFilter,
    pub page: i64,
    pub has_next: bool,
}

pub async fn list_invoices(state: &AppState, caller: &Caller, query: ListQuery<'_>) -> Result<InvoiceList, Error> {
    let page = i64::from(query.page.clamp(1, 10_000));
    let today = state.clock.now().date();
    let filter = ListFilter::parse(query.status);
    let offset = (page - 1) * PAGE_SIZE;
    let mut reads = crate::app::reads(state, caller).await?;
    let mut rows = db::invoice_lists::list(
        &mut *reads,
        caller.business_id,
        &crate::app::fields::search_text(query.search),
        filter,
        today,
        PAGE_SIZE + 1,
        offset,
    )
    .await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok(InvoiceList { rows, filter, page, has_next })
}

/// What the API's invoice list asks for.
#[derive(Debug, Default)]
pub struct PageQuery<'a> {
    pub status: Option<&'a str>,
    pub customer_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<&'a str>,
}

/// A page of the API's invoice list, newest first.
pub struct InvoicePage {
    pub rows: Vec<PagedInvoice>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

pub async fn invoice_page(state: &AppState, caller: &Caller, query: PageQuery<'_>) -> Result<InvoicePage, Error> {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let status = match query.status {
        None | Some("") => None,
        Some(s @ ("draft" | "issued")) => InvoiceStatus::parse(s).ok(),
        Some(_) => return Err(Error::field("status", "status must be draft or issued")),
    };
    let before = match query.cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            decode_cursor(c)
                .ok_or_else(|| Error::BadRequest("cursor is not one this API returned".to_owned().into()))?,
        ),
    };
    let mut reads = crate::app::reads(state, caller).await?;
    let mut rows =
        db::invoice_lists::list_page(&mut *reads, caller.business_id, status, query.customer_id, before, limit + 1)
            .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|i| encode_cursor(i.created_at, i.id))
    } else {
        None
    };
    Ok(InvoicePage { rows, next_cursor })
}

fn encode_cursor(at: OffsetDateTime, id: Uuid) -> String {
    hex::encode(format!("{}|{id}", at.format(&Rfc3339).unwrap_or_default()))
}

fn decode_cursor(cursor: &str) -> Option<(OffsetDateTime, Uuid)> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (at, id) = text.split_once('|')?;
    Some((OffsetDateTime::parse(at, &Rfc3339).ok()?, id.parse().ok()?))
}

/// What the owner's page shows about a document's live link.
pub struct CustomerLink {
    pub url: String,
    pub view_count: i32,
    pub first_viewed_at: Option<OffsetDateTime>,
}

/// The live link of a document, if it has one.
pub async fn customer_link(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<CustomerLink>, Error> {
    let Some(live) = db::invoice_links::live(&state.db, business_id, invoice_id).await? else { return Ok(None) };
    let token = crate::invoicing::customer_links::unseal(&state.keys.invoice_links, business_id, &live)?;
    Ok(Some(CustomerLink {
        url: format!("{}/i/{token}", state.settings.public_origin()),
        view_count: live.view_count,
        first_viewed_at: live.first_viewed_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let id = Uuid::new_v4();
        assert_eq!(decode_cursor(&encode_cursor(at, id)), Some((at, id)));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&hex::encode("no-bar")), None);
    }
}
