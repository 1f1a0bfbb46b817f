//! Received e-invoices become bills to pay: one operation, [`receive_document`], for every
//! way in (an upload on the Bills page or the API; the access point's delivery, wired by
//! its webhook), and the bill's states (to pay, scheduled, paid).
//!
//! A document is recognised before anything is written: what is not an e-invoice at all
//! (too large, not XML or PDF, a DTD, absurd nesting, a PDF with no or two e-invoices, an
//! invoice to another business) is refused with its reason and nothing is stored. What is
//! an e-invoice is kept byte for byte with its SHA-256 (the same bytes twice are recorded
//! once), with the validation findings; one that fails a fatal rule is marked invalid, and
//! one whose required information is missing stays a document without a bill. The
//! original, the bill and the audit event are one transaction.
//!
//! Roles: an owner, a member and an accountant may receive documents and change a bill's
//! state (paying suppliers and keeping their invoices is bookkeeping, the accountant's
//! work, as reconciling the bank is); an API token needs the write scope.

use fastfaktura_documents::import::{
    ImportedInvoice, ImportedParty, MAX_RECEIVED_BYTES, ReceiveError, RecognisedDocument, recognise_received,
};
use fastfaktura_domain::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;
use uuid::Uuid;

use super::{Caller, Error};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db::{self, bills::NewBill, received_documents::NewDocument},
    i18n::Text,
    state::AppState,
};

mod email;
mod export;
mod view;

pub use crate::db::bills::Bill;
pub use email::{
    EmailFileRecord, EmailReceipt, FileOutcome, ReceivedEmailView, inbound_address, new_inbound_address, receive_email,
    recent_emails, recipient_business,
};
pub use export::{Period, export_bills_csv, export_originals_zip};
pub use view::{BillDetail, BillList, BillState, bill_detail, bill_original, bill_pdf, findings_of, list_bills};

/// How a document arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Upload,
    AccessPoint,
    Email,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Upload => "upload",
            Source::AccessPoint => "access_point",
            Source::Email => "email",
        }
    }
}

/// How serious a validation finding is: a fatal one marks the document invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Fatal,
    Warning,
}

/// One validation finding, stored with the document and shown in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// The rule's id (`BR-16`, `PEPPOL-EN16931-R001`), or what kind of finding it is
    /// (`missing`: required information the reader could not find; `unsupported`:
    /// something the readable copy cannot show).
    pub rule: Option<String>,
    pub message: String,
}

/// The findings for a recognised document and what reading it gave: the reader's
/// refusals of required information are fatal; the document is checked by our EN 16931
/// validator in its syntax (`fastfaktura_documents::validate_ubl`, or `validate_cii` for
/// CII XML and the XML inside a Factur-X/ZUGFeRD PDF), with the Peppol BIS and national
/// rules applied only to a UBL document that says it is Peppol BIS 3 (an XRechnung or a
/// plain EN 16931 invoice need not follow them); what our model cannot hold is a warning.
pub fn findings_for(document: &RecognisedDocument, read: Result<&ImportedInvoice, &ReceiveError>) -> Vec<Finding> {
    let mut findings = match read {
        Ok(invoice) => invoice
            .unsupported
            .iter()
            .map(|u| Finding { severity: Severity::Warning, rule: Some("unsupported".into()), message: u.clone() })
            .collect(),
        Err(ReceiveError::Missing(missing)) => missing
            .iter()
            .map(|m| Finding { severity: Severity::Fatal, rule: Some("missing".into()), message: m.clone() })
            .collect(),
        Err(other) => vec![Finding { severity: Severity::Fatal, rule: None, message: other.to_string() }],
    };
    // The EN 16931 rules in the document's syntax (CII for Factur-X/ZUGFeRD and CII XML,
    // UBL otherwise); Peppol's rules, written for UBL, only when a UBL document says it is
    // Peppol BIS 3.
    let (verdict, peppol) = if document.is_cii() {
        (fastfaktura_documents::validate_cii(document.xml.as_bytes()), false)
    } else {
        let peppol = document.xml.contains("urn:fdc:peppol.eu:2017:poacc:billing:3.0");
        (fastfaktura_documents::validate_ubl(document.xml.as_bytes()), peppol)
    };
    match verdict {
        Ok(verdict) => findings.extend(
            verdict
                .findings
                .into_iter()
                .filter(|f| peppol || ["BR-", "UBL-", "CII-"].iter().any(|p| f.rule.starts_with(p)))
                .map(|f| Finding {
                    severity: if f.flag == fastfaktura_documents::Flag::Fatal {
                        Severity::Fatal
                    } else {
                        Severity::Warning
                    },
                    rule: Some(f.rule.to_owned()),
                    message: f.message,
                }),
        ),
        Err(e) => findings.push(Finding { severity: Severity::Fatal, rule: None, message: e.to_string() }),
    }
    findings
}

/// What receiving a document did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub document_id: Uuid,
    /// The bill it became (none when required information is missing).
    pub bill_id: Option<Uuid>,
    /// The same bytes were received before: nothing new was recorded.
    pub already_received: bool,
    /// An earlier bill with the same supplier and number.
    pub duplicate_of: Option<Uuid>,
    /// A fatal rule failed.
    pub invalid: bool,
}

/// Receives one document (UBL, CII, XRechnung, a Factur-X/ZUGFeRD PDF) for the caller's
/// business: refused with the reason at the field `file`, or stored with its bill.
pub async fn receive_document(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    source: Source,
    file_name: &str,
    bytes: &[u8],
) -> Result<Received, Error> {
    let received_at = Arrival { db: &state.db, now: state.clock.now(), meta };
    receive(received_at, caller, source, file_name, bytes).await
}

/// A document the business's access point received (the worker fetched it from the
/// provider): received like an upload, by `system`, its file named by the provider's id.
pub async fn receive_from_access_point(
    ctx: &crate::jobs::WorkerContext,
    business_id: Uuid,
    provider_id: &str,
    bytes: Vec<u8>,
) -> std::result::Result<(), String> {
    let caller = Caller::system(business_id);
    let meta = RequestMeta::default();
    let arrival = Arrival { db: &ctx.db, now: ctx.clock.now(), meta: &meta };
    match receive(arrival, &caller, Source::AccessPoint, &format!("peppol-{provider_id}.xml"), &bytes).await {
        Ok(received) => {
            tracing::info!(%business_id, document_id = %received.document_id, invalid = received.invalid, "document received over Peppol");
            Ok(())
        }
        // Refused (not an e-invoice, addressed to someone else): kept out, said in the
        // log; fetching it again would not change that.
        Err(Error::Invalid(errors)) => {
            tracing::warn!(%business_id, provider_id, reason = ?errors.entries().map(|(f, _)| f.to_owned()).collect::<Vec<_>>(), "a document from the access point was refused");
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Where and when a document arrives, whoever brings it.
struct Arrival<'a> {
    db: &'a sqlx::PgPool,
    now: time::OffsetDateTime,
    meta: &'a RequestMeta,
}

async fn receive(
    arrival: Arrival<'_>,
    caller: &Caller,
    source: Source,
    file_name: &str,
    bytes: &[u8],
) -> Result<Received, Error> {
    let Arrival { db: pool, now, meta } = arrival;
    let business_id = caller.business_id;
    if bytes.len() > MAX_RECEIVED_BYTES {
        return Err(refusal(&ReceiveError::TooLarge));
    }
    // Reading a PDF is CPU work on a stranger's bytes: off the async threads, and a
    // panic in a parser is a refusal, not a crashed request.
    let owned = bytes.to_vec();
    let (document, read) = tokio::task::spawn_blocking(move || {
        let document = recognise_received(&owned)?;
        let read = document.read();
        Ok::<_, ReceiveError>((document, read))
    })
    .await
    .map_err(|_| Error::field("file", Text::key("bills-refused-unreadable")))?
    .map_err(|e| refusal(&e))?;
    let read = match read {
        Ok(invoice) => Ok(invoice),
        Err(ReceiveError::Missing(missing)) => Err(ReceiveError::Missing(missing)),
        Err(other) => return Err(refusal(&other)),
    };
    let findings = findings_for(&document, read.as_ref());
    let invalid = findings.iter().any(|f| f.severity == Severity::Fatal);
    let profile = match db::businesses::profile(pool, business_id).await {
        Err(sqlx::Error::RowNotFound) => return Err(Error::NotFound),
        other => other?,
    };
    if let Ok(invoice) = &read
        && let Some(named) = addressed_elsewhere(&OwnIds::of(&profile), &invoice.buyer)
    {
        let buyer = if invoice.buyer.name.is_empty() { named.clone() } else { invoice.buyer.name.clone() };
        return Err(Error::field(
            "file",
            Text::key("bills-refused-other-business").with("buyer", buyer).with("identifier", named),
        ));
    }

    let sha256 = hex::encode(Sha256::digest(bytes));
    let file_name: String = file_name.trim().chars().filter(|c| !c.is_control()).take(200).collect();
    let new_document = NewDocument {
        id: Uuid::new_v4(),
        source: source.as_str(),
        file_name: &file_name,
        original: bytes,
        sha256: &sha256,
        format: document.format.as_str(),
        validation: serde_json::to_value(&findings).map_err(anyhow::Error::from)?,
        status: if invalid { "invalid" } else { "valid" },
        received_by: &caller.actor.name(),
    };
    let mut tx = pool.begin().await?;
    db::bills::lock_for_receiving(&mut tx, business_id).await?;
    let (document_id, inserted) =
        db::received_documents::insert_or_find(&mut tx, business_id, &new_document, now).await?;
    if !inserted {
        tx.rollback().await?;
        let existing = db::received_documents::find(pool, business_id, document_id).await?;
        let bill = match existing.as_ref().and_then(|d| d.bill_id) {
            Some(id) => db::bills::find(pool, business_id, id).await?,
            None => None,
        };
        return Ok(Received {
            document_id,
            bill_id: bill.as_ref().map(|b| b.id),
            already_received: true,
            duplicate_of: bill.and_then(|b| b.duplicate_of),
            invalid: existing.is_some_and(|d| d.status == "invalid"),
        });
    }
    let event = AuditEvent::new(now, Category::Payment, "bill.received")
        .actor(caller.actor.clone())
        .request(meta)
        .business(business_id);
    let (bill_id, duplicate_of, event) = match &read {
        Ok(invoice) => {
            let bill = new_bill(invoice, document_id);
            let duplicate_of = db::bills::earlier_with_number(
                &mut tx,
                business_id,
                &bill.supplier_vat_key,
                &bill.supplier_name,
                &bill.number,
            )
            .await?;
            let bill = NewBill { duplicate_of, ..bill };
            db::bills::insert(&mut tx, business_id, &bill, now).await?;
            let received = crate::webhooks::EventType::BillReceived;
            if crate::webhooks::anyone_listens(&mut tx, business_id, &[received]).await? {
                let data = serde_json::json!({
                    "object": "bill", "id": bill.id, "business_id": business_id, "credit_note": bill.credit_note,
                    "supplier_name": bill.supplier_name, "supplier_vat_id": bill.supplier_vat_id,
                    "number": bill.number, "issue_date": bill.issue_date, "due_date": bill.due_date,
                    "currency": bill.currency, "total": bill.total.to_string(), "payable": bill.payable.to_string(),
                    "payment_reference": bill.payment_reference, "iban": bill.iban,
                    "duplicate_of": duplicate_of, "source": source.as_str(),
                });
                crate::webhooks::record(&mut tx, business_id, received, bill.id, data, now).await?;
            }
            let event = event.target(bill.id.to_string()).details(serde_json::json!({
                "document": document_id, "source": source.as_str(), "format": document.format.as_str(),
                "sha256": sha256, "status": new_document.status, "number": bill.number,
                "amount": bill.payable.to_string(), "currency": bill.currency, "duplicate_of": duplicate_of,
            }));
            (Some(bill.id), duplicate_of, event)
        }
        Err(_) => {
            let event = event.target(document_id.to_string()).details(serde_json::json!({
                "document": document_id, "source": source.as_str(), "format": document.format.as_str(),
                "sha256": sha256, "status": "invalid", "bill": null,
            }));
            (None, None, event)
        }
    };
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %document_id, ?bill_id, invalid, duplicate = duplicate_of.is_some(), "document received");
    Ok(Received { document_id, bill_id, already_received: false, duplicate_of, invalid })
}

/// A refusal in the reader's language, at the field `file`.
fn refusal(error: &ReceiveError) -> Error {
    let text = match error {
        ReceiveError::Empty => Text::key("bills-refused-empty"),
        ReceiveError::TooLarge => Text::key("bills-refused-too-large"),
        ReceiveError::NotAnInvoice => Text::key("bills-refused-not-invoice"),
        ReceiveError::NotUtf8 => Text::key("bills-refused-not-utf8"),
        ReceiveError::Dtd => Text::key("bills-refused-dtd"),
        ReceiveError::TooDeep => Text::key("bills-refused-too-deep"),
        ReceiveError::NotXml(detail) => Text::key("bills-refused-not-xml").with("detail", detail.clone()),
        ReceiveError::UnknownRoot(root) => Text::key("bills-refused-unknown-root").with("root", root.clone()),
        ReceiveError::Missing(what) => Text::key("bills-refused-missing").with("detail", what.join("; ")),
        ReceiveError::PdfUnreadable(detail) => Text::key("bills-refused-pdf").with("detail", detail.clone()),
        ReceiveError::PdfWithoutXml => Text::key("bills-refused-pdf-no-xml"),
        ReceiveError::PdfWithSeveralXml(n) => {
            Text::key("bills-refused-pdf-several-xml").with("count", i64::try_from(*n).unwrap_or(i64::MAX))
        }
    };
    Error::field("file", text)
}

/// Upper-case letters and digits only.
fn compact(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// A VAT id without its country prefix (`IS12345`, `12345`; Greece's `EL`/`GR`).
fn vat_core(s: &str) -> String {
    let c = compact(s);
    match c.get(..2) {
        Some(prefix) if c.len() > 2 && prefix.chars().all(|ch| ch.is_ascii_alphabetic()) => c[2..].to_owned(),
        _ => c,
    }
}

/// The business's own identifiers, as a received invoice's buyer may name them.
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnIds {
    vat: String,
    registration: String,
    participant: Option<(String, String)>,
}

impl OwnIds {
    fn of(profile: &db::businesses::BusinessProfile) -> Self {
        OwnIds {
            vat: vat_core(&profile.vat_number),
            registration: compact(&profile.registration_id),
            // As typed in Settings → E-invoicing, else derived (the id documents use).
            participant: crate::app::peppol::own_participant(profile)
                .map(|p| (p.icd().code().to_owned(), compact(p.value()))),
        }
    }
}

/// The identifier by which a buyer names a business other than ours, if it does: a VAT
/// id, registration id or Peppol participant id that we have too and that differs. A
/// buyer naming us by any one of them, or by none we can compare, is ours.
pub(crate) fn addressed_elsewhere(own: &OwnIds, buyer: &ImportedParty) -> Option<String> {
    let mut differs: Option<String> = None;
    let mut compare = |ours: &str, theirs: &str, shown: &str| {
        if ours.is_empty() || theirs.is_empty() {
            return false;
        }
        if ours == theirs {
            return true;
        }
        differs.get_or_insert_with(|| shown.to_owned());
        false
    };
    let mut matched = false;
    if let Some(vat) = &buyer.vat_id {
        matched |= compare(&own.vat, &vat_core(vat), vat);
    }
    if let Some(registration) = &buyer.registration_id {
        matched |= compare(&own.registration, &compact(registration), registration);
    }
    if let (Some((scheme, id)), Some(endpoint)) = (&own.participant, &buyer.endpoint)
        && endpoint.scheme.trim() == scheme.as_str()
    {
        matched |= compare(id, &compact(&endpoint.id), &format!("{}:{}", endpoint.scheme, endpoint.id));
    }
    if matched { None } else { differs }
}

/// The bill a read invoice becomes (not yet checked for duplicates).
fn new_bill(invoice: &ImportedInvoice, received_document_id: Uuid) -> NewBill {
    let seller = &invoice.seller;
    let breakdown: Vec<serde_json::Value> = invoice
        .vat_breakdown
        .iter()
        .map(|v| {
            serde_json::json!({
                "category": v.category, "rate": v.rate.map(|r| r.normalize().to_string()),
                "taxable": v.taxable.to_string(), "vat": v.vat.to_string(),
            })
        })
        .collect();
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let opt = |s: &Option<String>, n: usize| s.as_deref().map(|s| clip(s.trim(), n)).filter(|s| !s.is_empty());
    NewBill {
        id: Uuid::new_v4(),
        received_document_id,
        credit_note: invoice.credit_note || invoice.type_code == "381",
        supplier_name: clip(&seller.name, 300),
        supplier_vat_id: opt(&seller.vat_id, 100),
        supplier_registration_id: opt(&seller.registration_id, 100),
        supplier_participant_id: seller.endpoint.as_ref().map(|e| clip(&format!("{}:{}", e.scheme, e.id), 200)),
        supplier_vat_key: seller.vat_id.as_deref().map(vat_core).unwrap_or_default(),
        number: clip(&invoice.number, 200),
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        currency: clip(&invoice.currency, 3),
        net: bounded(invoice.totals.tax_exclusive),
        vat: bounded(invoice.totals.vat_total),
        total: bounded(invoice.totals.tax_inclusive),
        payable: bounded(invoice.totals.payable),
        vat_breakdown: serde_json::Value::Array(breakdown),
        payment_reference: opt(&invoice.payment.reference, 200),
        iban: opt(&invoice.payment.iban, 60),
        bic: opt(&invoice.payment.bic, 20),
        duplicate_of: None,
    }
}

/// An amount that fits `numeric(20, 4)`; a sender's absurd one is stored as zero (the
/// document stays, with its original, for a person to look at).
fn bounded(amount: Decimal) -> Decimal {
    let limit = Decimal::from(10_000_000_000_000_000i64);
    if amount.abs() < limit { amount.round_dp(4) } else { Decimal::ZERO }
}

/// The day a bill is to be paid.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleInput {
    /// ISO 8601 (`2026-12-24`), as a date field sends it.
    pub date: String,
}

/// Schedules a bill's payment for a day (today or later); a scheduled bill may be moved.
pub async fn schedule_bill(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    id: Uuid,
    input: &ScheduleInput,
) -> Result<(), Error> {
    let date = Date::parse(input.date.trim(), &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| Error::field("date", Text::key("bills-date-invalid")))?;
    if date < state.clock.now().date() {
        return Err(Error::field("date", Text::key("bills-date-past")));
    }
    change_state(state, caller, meta, id, Change::Schedule(date)).await
}

/// Records that a bill was paid.
pub async fn mark_bill_paid(state: &AppState, caller: &Caller, meta: &RequestMeta, id: Uuid) -> Result<(), Error> {
    change_state(state, caller, meta, id, Change::Paid).await
}

/// A scheduled or paid bill is to be paid again (a payment that did not go through).
pub async fn reopen_bill(state: &AppState, caller: &Caller, meta: &RequestMeta, id: Uuid) -> Result<(), Error> {
    change_state(state, caller, meta, id, Change::Reopen).await
}

enum Change {
    Schedule(Date),
    Paid,
    Reopen,
}

async fn change_state(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    id: Uuid,
    change: Change,
) -> Result<(), Error> {
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let current = db::bills::state_for_update(&mut tx, business_id, id).await?.ok_or(Error::NotFound)?;
    let (to, scheduled_for, paid_at, action) = match (&change, current.as_str()) {
        (Change::Schedule(date), "to_pay" | "scheduled") => ("scheduled", Some(*date), None, "bill.scheduled"),
        (Change::Paid, "to_pay" | "scheduled") => ("paid", None, Some(now), "bill.paid"),
        (Change::Reopen, "scheduled" | "paid") => ("to_pay", None, None, "bill.reopened"),
        (Change::Schedule(_) | Change::Paid, _) => return Err(Error::Conflict(Text::key("bills-already-paid"))),
        (Change::Reopen, _) => return Err(Error::Conflict(Text::key("bills-not-reopenable"))),
    };
    db::bills::set_state(&mut tx, business_id, id, to, scheduled_for, paid_at).await?;
    let event = AuditEvent::new(now, Category::Payment, action)
        .actor(caller.actor.clone())
        .request(meta)
        .business(business_id)
        .target(id.to_string())
        .details(serde_json::json!({ "from": current, "to": to, "scheduled_for": scheduled_for }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
#[path = "bills_tests.rs"]
mod tests;
