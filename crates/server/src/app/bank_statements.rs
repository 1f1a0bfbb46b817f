//! Bank statements in, payments matched: a user (or their system, through the API)
//! hands over a bank file; every payment whose reference names exactly one open
//! invoice is recorded on it at once, the rest wait with suggestions for one click.
//!
//! One transaction per file: a file that cannot be read, or that is for an account not
//! the business's, changes nothing; a payment already imported (same bank id) is
//! skipped, so a file imported twice records nothing twice. Every automatic match is
//! an audit event and can be undone by an owner; an accountant may import and match
//! (reconciling is their work), not undo.

use std::collections::{HashMap, HashSet};

use fastfaktura_documents::bank_statements::{BankFileError, IncomingPayment, read_bank_file};
use fastfaktura_domain::{Decimal, IcelandicIban, NorwegianAccount, reference_key};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Caller, Error};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db::{
        self,
        bank_entries::{Candidate, Entry, Import, NewEntry, NewImport, ReferencedInvoice},
    },
    i18n::Text,
    state::AppState,
};

/// A payment from a bank file as the pages and the API show it.
pub use crate::db::bank_entries::Entry as BankEntry;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub id: Uuid,
    pub format: &'static str,
    /// New payments in the file.
    pub payments: usize,
    /// Of those, recorded on their invoice.
    pub matched: usize,
    /// Payments skipped because they were imported before.
    pub duplicates: usize,
}

/// Imports one bank file (camt.053/054/052, BgMax, OCR giro): all of it or nothing.
pub async fn import_bank_file(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportSummary, Error> {
    import_at(&state.db, state.clock.now(), caller, meta, file_name, bytes).await
}

/// [`import_bank_file`] with the pool and time given (the benchmark).
pub async fn import_at(
    db: &sqlx::PgPool,
    now: time::OffsetDateTime,
    caller: &Caller,
    meta: &RequestMeta,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportSummary, Error> {
    let business_id = caller.business_id;
    let file = read_bank_file(bytes).map_err(unreadable)?;
    let profile = match db::businesses::profile(db, business_id).await {
        Err(sqlx::Error::RowNotFound) => return Err(Error::NotFound),
        other => other?,
    };
    let own = own_accounts(&profile);
    if let Some(foreign) = file.accounts.iter().find(|a| !is_own(&own, a)) {
        return Err(Error::field("file", Text::key("bank-file-foreign-account").with("account", foreign.clone())));
    }
    let mut tx = db.begin().await?;
    let ids: Vec<String> = file.payments.iter().map(|p| p.bank_id.clone()).collect();
    let known: HashSet<String> =
        db::bank_entries::known_bank_ids(&mut tx, business_id, &ids).await?.into_iter().collect();
    let mut seen = HashSet::new();
    let fresh: Vec<&IncomingPayment> =
        file.payments.iter().filter(|p| !known.contains(&p.bank_id) && seen.insert(p.bank_id.as_str())).collect();
    let duplicates = file.payments.len() - fresh.len();
    let keys: Vec<String> = fresh
        .iter()
        .filter_map(|p| p.reference.as_deref().map(reference_key))
        .filter(|k| !k.is_empty())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let invoices = db::bank_entries::invoices_by_reference(&mut tx, business_id, &keys).await?;
    let entries = decide(&fresh, invoices);
    let matched = entries.iter().filter(|e| e.matched.is_some()).count();
    let import_id = Uuid::new_v4();
    let format = file.format.code();
    let file_sha256 = hex::encode(Sha256::digest(bytes));
    let file_name: String = file_name.trim().chars().filter(|c| !c.is_control()).take(200).collect();
    let import = NewImport {
        id: import_id,
        format,
        file_name: &file_name,
        file_sha256: &file_sha256,
        payments: count(fresh.len()),
        matched: count(matched),
        duplicates: count(duplicates),
        imported_by: &caller.actor.name(),
    };
    db::bank_entries::insert_import(&mut tx, business_id, &import, now).await?;
    db::bank_entries::insert_entries(&mut tx, business_id, import_id, &entries, AUTOMATIC, now).await?;
    let event = |action: &str| {
        AuditEvent::new(now, Category::Payment, action).actor(caller.actor.clone()).request(meta).business(business_id)
    };
    let mut events = vec![event("bank_statement.imported").target(import_id.to_string()).details(serde_json::json!({
        "format": format, "file_sha256": file_sha256, "payments": fresh.len(), "matched": matched, "duplicates": duplicates,
    }))];
    events.extend(entries.iter().filter_map(|e| {
        let (invoice_id, applied) = e.matched?;
        Some(event("payment.matched").target(invoice_id.to_string()).details(serde_json::json!({
            "bank_entry": e.id, "amount": applied.to_string(), "currency": e.currency,
            "reference": e.reference, "automatic": true,
        })))
    }));
    audit::record_many(&mut *tx, &events).await?;
    let paid: Vec<Uuid> = entries.iter().filter_map(|e| e.matched.map(|m| m.0)).collect();
    for invoice_id in db::bank_claims::with_open_claims(&mut *tx, business_id, &paid).await? {
        super::bank_claims::follow_invoice(&mut tx, business_id, invoice_id, now).await?;
    }
    tell_integrators(&mut tx, business_id, &entries, now).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %import_id, format, payments = fresh.len(), matched, duplicates, "bank file imported");
    Ok(ImportSummary { id: import_id, format, payments: fresh.len(), matched, duplicates })
}

/// Who `matched_by` names for a match the import made by itself.
pub const AUTOMATIC: &str = "automatic";

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn unreadable(error: BankFileError) -> Error {
    let text = match error {
        BankFileError::Empty => Text::key("bank-file-empty"),
        BankFileError::UnknownFormat => Text::key("bank-file-unknown"),
        other => Text::key("bank-file-unreadable").with("detail", other.to_string()),
    };
    Error::field("file", text)
}

/// The accounts a business's statements may be for: its IBAN, the domestic account
/// inside it (Norwegian, Icelandic), and its Bankgiro.
fn own_accounts(profile: &db::businesses::BusinessProfile) -> Vec<String> {
    let compact = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    let mut own: Vec<String> = vec![compact(&profile.iban), compact(&profile.bankgiro)];
    own.extend(NorwegianAccount::from_iban(&profile.iban).ok().map(|a| a.as_str().to_owned()));
    own.extend(IcelandicIban::parse(&profile.iban).ok().map(|i| i.account().as_str().to_owned()));
    own.retain(|a: &String| !a.is_empty());
    own
}

fn is_own(own: &[String], account: &str) -> bool {
    !account.is_empty() && own.iter().any(|o| o == account)
}

/// Decides each new payment: recorded on the one open invoice its reference names (in
/// the same currency; an overpayment applies what is open, the rest stays with the
/// entry), or left waiting with the reason. Two payments for one invoice in a file
/// are applied in file order.
fn decide(payments: &[&IncomingPayment], invoices: Vec<ReferencedInvoice>) -> Vec<NewEntry> {
    let mut by_key: HashMap<String, Vec<ReferencedInvoice>> = HashMap::new();
    for invoice in invoices {
        by_key.entry(invoice.key.clone()).or_default().push(invoice);
    }
    payments
        .iter()
        .map(|p| {
            let key = p.reference.as_deref().map(reference_key).filter(|k| !k.is_empty());
            let (matched, reason) = match key.as_ref().map(|k| by_key.get_mut(k).map(Vec::as_mut_slice)) {
                None => (None, Some("no_reference")),
                Some(None | Some([])) => (None, Some("unknown_reference")),
                Some(Some([invoice])) => apply(p, invoice),
                Some(Some(_)) => (None, Some("ambiguous")),
            };
            NewEntry {
                id: Uuid::new_v4(),
                bank_id: p.bank_id.clone(),
                account: p.account.clone(),
                booked_on: p.booked_on,
                amount: p.amount,
                currency: p.currency.clone(),
                reference: p.reference.clone(),
                reference_key: key,
                message: p.message.clone(),
                payer: p.payer.clone(),
                matched,
                reason,
            }
        })
        .collect()
}

/// The payment applied to the invoice it names, if the invoice can take it.
fn apply(
    payment: &IncomingPayment,
    invoice: &mut ReferencedInvoice,
) -> (Option<(Uuid, Decimal)>, Option<&'static str>) {
    if invoice.kind != "invoice" || invoice.voided {
        return (None, Some("not_payable"));
    }
    if !invoice.currency.eq_ignore_ascii_case(&payment.currency) {
        return (None, Some("currency"));
    }
    if invoice.open <= Decimal::ZERO {
        return (None, Some("already_paid"));
    }
    let applied = payment.amount.min(invoice.open);
    invoice.open -= applied;
    (Some((invoice.id, applied)), None)
}

/// A waiting payment with the invoices it may be for, best first.
pub struct Waiting {
    pub entry: Entry,
    pub suggestions: Vec<Candidate>,
}

/// The bank page: recent files, waiting payments with suggestions, recent matches.
pub struct BankOverview {
    pub imports: Vec<Import>,
    pub waiting: Vec<Waiting>,
    pub matched: Vec<Entry>,
}

const SHOWN: i64 = 100;

pub async fn bank_overview(state: &AppState, caller: &Caller) -> Result<BankOverview, Error> {
    let business_id = caller.business_id;
    let mut reads = super::reads(state, caller).await?;
    let imports = db::bank_entries::imports(&mut *reads, business_id, 10).await?;
    let waiting = db::bank_entries::list(&mut *reads, business_id, "unmatched", SHOWN).await?;
    let matched = db::bank_entries::list(&mut *reads, business_id, "matched", SHOWN).await?;
    let mut candidates: HashMap<Uuid, Vec<Candidate>> = HashMap::new();
    for c in db::bank_entries::candidates(&mut *reads, business_id, SHOWN).await? {
        candidates.entry(c.entry_id).or_default().push(c);
    }
    let waiting = waiting
        .into_iter()
        .map(|entry| {
            let mut suggestions = candidates.remove(&entry.id).unwrap_or_default();
            suggestions.sort_by_key(|c| std::cmp::Reverse(suggestion_score(&entry, c)));
            suggestions.truncate(3);
            Waiting { entry, suggestions }
        })
        .collect();
    Ok(BankOverview { imports, waiting, matched })
}

/// How well an open invoice fits a waiting payment: the exact open amount, the
/// invoice number written by the payer, the payer's name against the customer's,
/// and a due date near the booking.
fn suggestion_score(entry: &Entry, c: &Candidate) -> u32 {
    let said = format!("{} {}", entry.message.as_deref().unwrap_or(""), entry.reference.as_deref().unwrap_or(""))
        .to_uppercase();
    let mut score = 0;
    if c.open == entry.amount {
        score += 50;
    }
    if c.number.len() >= 3 && said.contains(&c.number.to_uppercase()) {
        score += 40;
    }
    let words = |s: &str| -> HashSet<String> {
        s.split(|ch: char| !ch.is_alphanumeric()).filter(|w| w.chars().count() > 2).map(str::to_lowercase).collect()
    };
    let payer = words(entry.payer.as_deref().unwrap_or(""));
    let customer = words(&c.customer);
    if !customer.is_empty() {
        let shared = payer.intersection(&customer).count();
        score += u32::try_from(shared * 30 / customer.len()).unwrap_or(30);
    }
    let days = (entry.booked_on - c.due_date).whole_days().unsigned_abs();
    score += 10u32.saturating_sub(u32::try_from(days / 3).unwrap_or(10));
    score
}

/// Records a waiting payment on an invoice a person chose (an owner, member or
/// accountant): what is open is applied, in the invoice's currency only.
pub async fn match_bank_entry(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    entry_id: Uuid,
    invoice_id: Uuid,
) -> Result<(), Error> {
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let entry = db::bank_entries::find_for_update(&mut tx, business_id, entry_id).await?.ok_or(Error::NotFound)?;
    if entry.state != "unmatched" {
        return Err(Error::Conflict(Text::key("bank-entry-not-waiting")));
    }
    let invoice = db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let payable = invoice.kind == fastfaktura_domain::InvoiceKind::Invoice
        && invoice.status == fastfaktura_domain::InvoiceStatus::Issued
        && !invoice.voided;
    if !payable {
        return Err(Error::field("invoice", Text::key("bank-match-not-payable")));
    }
    if !invoice.currency.code().eq_ignore_ascii_case(&entry.currency) {
        return Err(Error::field("invoice", Text::key("bank-match-currency").with("currency", entry.currency.clone())));
    }
    let open = db::invoices::open_amount(&mut tx, business_id, invoice_id, invoice.payable.unwrap_or_default()).await?;
    if open <= Decimal::ZERO {
        return Err(Error::field("invoice", Text::key("bank-match-already-paid")));
    }
    let applied = entry.amount.min(open);
    db::bank_entries::match_entry(&mut tx, business_id, &entry, invoice_id, applied, &caller.actor.name(), now).await?;
    let event = AuditEvent::new(now, Category::Payment, "payment.matched")
        .actor(caller.actor.clone())
        .request(meta)
        .business(business_id)
        .target(invoice_id.to_string())
        .details(serde_json::json!({
            "bank_entry": entry_id, "amount": applied.to_string(), "currency": entry.currency, "automatic": false,
        }));
    audit::record(&mut *tx, &event).await?;
    super::bank_claims::follow_invoice(&mut tx, business_id, invoice_id, now).await?;
    let told = serde_json::json!({
        "amount": applied.to_string(), "paid_on": entry.booked_on, "method": "bank_transfer", "source": "bank_match",
        "bank_entry_id": entry_id,
    });
    crate::webhooks::record_payment(&mut tx, business_id, invoice_id, told, now).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %entry_id, %invoice_id, "bank payment matched by hand");
    Ok(())
}

/// The webhooks of an import: each matched payment, and each incoming payment left
/// waiting for a person (`bank_payment.unmatched`).
async fn tell_integrators(
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    entries: &[db::bank_entries::NewEntry],
    now: time::OffsetDateTime,
) -> Result<(), Error> {
    use crate::webhooks::EventType;
    for entry in entries {
        match entry.matched {
            Some((invoice_id, applied)) => {
                let told = serde_json::json!({
                    "amount": applied.to_string(), "paid_on": entry.booked_on, "method": "bank_transfer",
                    "source": "bank_file", "bank_entry_id": entry.id,
                });
                crate::webhooks::record_payment(tx, business_id, invoice_id, told, now).await?;
            }
            None if entry.amount > Decimal::ZERO => {
                if !crate::webhooks::anyone_listens(tx, business_id, &[EventType::BankPaymentUnmatched]).await? {
                    continue;
                }
                let data = serde_json::json!({
                    "object": "bank_payment", "id": entry.id, "business_id": business_id,
                    "amount": entry.amount.to_string(), "currency": entry.currency, "booked_on": entry.booked_on,
                    "reference": entry.reference, "message": entry.message, "payer": entry.payer,
                    "reason": entry.reason,
                });
                crate::webhooks::record(tx, business_id, EventType::BankPaymentUnmatched, entry.id, data, now).await?;
            }
            None => {}
        }
    }
    Ok(())
}

/// Which invoice a person chose for a waiting payment.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchInput {
    pub invoice_id: Option<Uuid>,
    /// The invoice number, as typed, when no id is given.
    pub number: String,
}

/// [`match_bank_entry`] with the invoice given by id or by number.
pub async fn match_bank_entry_to(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    entry_id: Uuid,
    input: &MatchInput,
) -> Result<(), Error> {
    let invoice_id = match input.invoice_id {
        Some(id) => id,
        None if input.number.trim().is_empty() => {
            return Err(Error::field("number", Text::key("bank-match-number-required")));
        }
        None => db::bank_entries::invoice_by_number(&state.db, caller.business_id, &input.number)
            .await?
            .ok_or_else(|| Error::field("number", Text::key("bank-match-unknown-number")))?,
    };
    match_bank_entry(state, caller, meta, entry_id, invoice_id).await
}

/// Undoes a match (owner only): the payment leaves the invoice and waits again.
pub async fn undo_bank_match(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    entry_id: Uuid,
) -> Result<(), Error> {
    caller.require_owner()?;
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let entry = db::bank_entries::find_for_update(&mut tx, business_id, entry_id).await?.ok_or(Error::NotFound)?;
    let Some(invoice_id) = entry.invoice_id.filter(|_| entry.state == "matched") else {
        return Err(Error::Conflict(Text::key("bank-entry-not-matched")));
    };
    db::bank_entries::unmatch_entry(&mut tx, business_id, entry_id).await?;
    let event = AuditEvent::new(now, Category::Payment, "payment.unmatched")
        .actor(caller.actor.clone())
        .request(meta)
        .business(business_id)
        .target(invoice_id.to_string())
        .details(serde_json::json!({
            "bank_entry": entry_id,
            "amount": entry.applied.unwrap_or_default().to_string(),
            "currency": entry.currency,
            "matched_by": entry.matched_by,
        }));
    audit::record(&mut *tx, &event).await?;
    super::bank_claims::follow_invoice(&mut tx, business_id, invoice_id, now).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %entry_id, %invoice_id, "bank match undone");
    Ok(())
}

/// Sets a waiting payment aside as not for an invoice (interest, an own transfer), or
/// brings it back.
pub async fn dismiss_bank_entry(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    entry_id: Uuid,
    dismissed: bool,
) -> Result<(), Error> {
    let business_id = caller.business_id;
    let mut tx = state.db.begin().await?;
    let entry = db::bank_entries::find_for_update(&mut tx, business_id, entry_id).await?.ok_or(Error::NotFound)?;
    let from = if dismissed { "unmatched" } else { "dismissed" };
    if entry.state != from {
        return Err(Error::Conflict(Text::key("bank-entry-not-waiting")));
    }
    db::bank_entries::set_dismissed(&mut tx, business_id, entry_id, dismissed).await?;
    let action = if dismissed { "bank_entry.dismissed" } else { "bank_entry.restored" };
    let event = AuditEvent::new(state.clock.now(), Category::Payment, action)
        .actor(caller.actor.clone())
        .request(meta)
        .business(business_id)
        .target(entry_id.to_string());
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// The newest payments from bank files in `state` (`unmatched` or `matched`), without
/// the suggestions the Bank page computes (the API's list).
pub async fn bank_entries(state: &AppState, caller: &Caller, matched: bool) -> Result<Vec<BankEntry>, Error> {
    let wanted = if matched { "matched" } else { "unmatched" };
    Ok(db::bank_entries::list(&state.db, caller.business_id, wanted, SHOWN).await?)
}

pub mod bench;

#[cfg(test)]
#[path = "bank_statements_tests.rs"]
mod tests;
