//! Customers: the one input type the web form and the API body share, judged once
//! here, and the operations on a business's customers (list, read, create, update,
//! archive, erase).

use fastfaktura_domain::{EmailAddress, ParticipantId, ParticipantIdError, identifiers};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    Caller, Error,
    error::Result,
    fields::{
        AddressFields, FieldErrors, currency_code, email_message, identifier, judge_address, language, or_default,
        required,
    },
};
pub use crate::db::customers::{Customer, CustomerFields};
use crate::{audit::RequestMeta, db, gdpr::erasure, i18n::Tr, invoicing::documents, state::AppState};

/// A customer as typed in the form or sent to the API (all text; judged by [`judge`]).
/// Lenient on purpose: a stray form field is ignored (the API refuses unknown fields
/// with its strict JSON extractor instead).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct CustomerInput {
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub vat_number: String,
    pub registration_id: String,
    /// Peppol participant id (`0192:987654325`); empty: derived from the ids above.
    pub peppol_id: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub language: String,
    pub currency: String,
}

/// Judges what was typed: the fields to store (or, where a field is wrong, what was
/// typed, for the form to show again) and the errors, in the caller's language.
pub fn judge(t: &Tr, input: &CustomerInput) -> (CustomerFields, FieldErrors) {
    let mut errors = FieldErrors::new(t);
    let address = judge_address(
        &mut errors,
        t,
        AddressFields {
            address_line: &input.address_line,
            postal_code: &input.postal_code,
            city: &input.city,
            country: &input.country,
        },
    );
    let country = address.country;
    let fields = CustomerFields {
        kind: errors.check(
            "kind",
            &t.t("label-type"),
            matches!(input.kind.as_str(), "business" | "person")
                .then(|| input.kind.clone())
                .ok_or_else(|| t.t("customer-kind-error")),
            "business".into(),
        ),
        name: errors.check("name", &t.t("label-name"), required(t, &input.name, 200), input.name.clone()),
        email: errors.check(
            "email",
            &t.t("label-email"),
            if input.email.trim().is_empty() {
                Ok(String::new())
            } else {
                EmailAddress::parse(&input.email).map(|e| e.to_string()).map_err(|e| email_message(t, &e))
            },
            input.email.clone(),
        ),
        phone: errors.check(
            "phone",
            &t.t("label-phone"),
            identifier(t, identifiers::phone_e164(&input.phone)),
            input.phone.clone(),
        ),
        vat_number: errors.check(
            "vat_number",
            &t.t("label-vat-number"),
            identifier(t, identifiers::vat_id(&input.vat_number, &country)),
            input.vat_number.clone(),
        ),
        registration_id: errors.check(
            "registration_id",
            &t.t("label-registration-id"),
            identifier(t, identifiers::registration_id(&input.registration_id, &country)),
            input.registration_id.clone(),
        ),
        peppol_id: errors.check(
            "peppol_id",
            &t.t("label-peppol-id"),
            if input.peppol_id.trim().is_empty() {
                Ok(String::new())
            } else {
                ParticipantId::parse(&input.peppol_id).map(|p| p.to_string()).map_err(|e| participant_error(t, e))
            },
            input.peppol_id.clone(),
        ),
        address_line: address.address_line,
        postal_code: address.postal_code,
        city: address.city,
        // Left empty, the language and currency follow the customer's country
        // (Icelandic and ISK for an Icelandic customer).
        language: errors.check(
            "language",
            &t.t("label-language"),
            language(t, or_default(&input.language, identifiers::default_language(&country))),
            "en".into(),
        ),
        currency: errors.check(
            "currency",
            &t.t("label-currency"),
            currency_code(or_default(&input.currency, identifiers::default_currency(&country))),
            input.currency.clone(),
        ),
        country,
    };
    (fields, errors)
}

fn judged(t: &Tr, input: &CustomerInput) -> Result<CustomerFields> {
    let (fields, errors) = judge(t, input);
    if errors.is_empty() { Ok(fields) } else { Err(Error::Invalid(errors)) }
}

/// A page of the business's customers matching `search` (name, email, VAT number).
pub async fn list_customers(
    state: &AppState,
    caller: &Caller,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Customer>> {
    let mut reads = super::reads(state, caller).await?;
    Ok(db::customers::list(&mut *reads, caller.business_id, &super::fields::search_text(search), limit, offset).await?)
}

/// What the customer's page shows besides the form: their documents, payments and
/// what they owe per currency.
pub struct CustomerOverview {
    pub documents: Vec<crate::db::invoice_lists::PagedInvoice>,
    pub payments: Vec<crate::db::payments::CustomerPayment>,
    /// Open (issued, not credited, not paid) per currency.
    pub balances: Vec<(fastfaktura_domain::Currency, fastfaktura_domain::Decimal)>,
}

/// A customer's documents (the latest 200), payments (the latest 100) and balance.
pub async fn customer_overview(state: &AppState, caller: &Caller, id: Uuid) -> Result<CustomerOverview> {
    let business_id = caller.business_id;
    find_customer(state, caller, id).await?;
    let mut reads = super::reads(state, caller).await?;
    let documents = db::invoice_lists::list_page(&mut *reads, business_id, None, Some(id), None, 200).await?;
    let payments = db::payments::for_customer(&mut *reads, business_id, id, 100).await?;
    drop(reads);
    let mut balances: Vec<(fastfaktura_domain::Currency, fastfaktura_domain::Decimal)> = Vec::new();
    for d in documents.iter().filter(|d| {
        d.kind == fastfaktura_domain::InvoiceKind::Invoice
            && d.status == fastfaktura_domain::InvoiceStatus::Issued
            && !d.voided
    }) {
        let open = d.payable.unwrap_or_default() - d.paid - d.credited;
        match balances.iter_mut().find(|(c, _)| *c == d.currency) {
            Some((_, sum)) => *sum += open,
            None => balances.push((d.currency, open)),
        }
    }
    Ok(CustomerOverview { documents, payments, balances })
}

/// A customer's account statement as a PDF, in the customer's language, as of
/// `today`: every issued invoice and credit note and every payment, the balance running
/// per currency. Returns the file name and the bytes.
pub async fn customer_statement(state: &AppState, caller: &Caller, id: Uuid) -> Result<(String, Vec<u8>)> {
    use fastfaktura_documents::{EntryKind, Logo, Statement, StatementAccount, StatementEntry};
    use fastfaktura_domain::{Currency, locale::Language};
    let business_id = caller.business_id;
    let customer = find_customer(state, caller, id).await?;
    let mut conn = super::reads(state, caller).await?;
    let profile = db::businesses::profile(&mut *conn, business_id).await?;
    let logo = db::logos::find(&mut *conn, business_id).await?.and_then(|l| Logo::new(l.image).ok());
    let rows = db::statements::for_customer(&mut *conn, business_id, id).await?;
    drop(conn);
    let mut accounts: Vec<StatementAccount> = Vec::new();
    for row in rows {
        let Ok(currency) = Currency::parse(&row.currency) else { continue };
        let (kind, amount) = match row.kind.as_str() {
            "invoice" => (EntryKind::Invoice, row.amount),
            "credit_note" => (EntryKind::CreditNote, -row.amount),
            _ => (EntryKind::Payment, -row.amount),
        };
        let entry = StatementEntry { date: row.date, kind, reference: row.reference, due_date: row.due_date, amount };
        match accounts.iter_mut().find(|a| a.currency == currency) {
            Some(account) => account.entries.push(entry),
            None => accounts.push(StatementAccount { currency, entries: vec![entry] }),
        }
    }
    let today = state.clock.now().date();
    let statement = Statement {
        language: if customer.language == "is" { Language::Is } else { Language::En },
        seller: documents::seller_party(&profile),
        customer: documents::buyer_party(&customer),
        logo,
        date: today,
        accounts,
    };
    let rendered = tokio::task::spawn_blocking(move || fastfaktura_documents::render_statement_pdf(&statement))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    Ok((format!("statement-{today}.pdf"), rendered.bytes))
}

/// A participant id's mistake, in the reader's language.
pub(crate) fn participant_error(t: &Tr, error: ParticipantIdError) -> String {
    use ParticipantIdError as E;
    match error {
        E::Empty | E::Format | E::EmptyValue => t.t("peppol-id-format"),
        E::UnknownScheme { code } => t.t1("peppol-id-unknown-scheme", "code", format!("{code:04}")),
        E::RemovedScheme { code, removed_on, .. } => {
            t.t2("peppol-id-removed-scheme", "code", format!("{code:04}"), "date", removed_on)
        }
        E::TooLong { max } => t.t1("form-max-chars", "max", max),
        E::InvalidCharacter => t.t("peppol-id-characters"),
        E::ValueShape { example, .. } => t.t1("id-shape", "example", example),
        E::CheckDigit { .. } => t.t("id-check-digit"),
    }
}

/// One of the business's customers.
pub async fn find_customer(state: &AppState, caller: &Caller, id: Uuid) -> Result<Customer> {
    db::customers::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)
}

/// What a new customer starts with: the business's own country and currency; the
/// language is left to follow the customer's country unless chosen.
pub async fn new_customer_fields(state: &AppState, caller: &Caller) -> Result<CustomerFields> {
    let profile = db::businesses::profile(&state.db, caller.business_id).await?;
    Ok(CustomerFields {
        kind: "business".into(),
        country: profile.country,
        currency: profile.default_currency,
        language: String::new(),
        ..CustomerFields::default()
    })
}

pub async fn create_customer(state: &AppState, caller: &Caller, t: &Tr, input: &CustomerInput) -> Result<Customer> {
    let fields = judged(t, input)?;
    let id = db::customers::create(&state.db, caller.business_id, &fields, state.clock.now()).await?;
    find_customer(state, caller, id).await
}

/// Replaces a customer's fields. Another business's id is "not found" before anything
/// is said about what was typed.
pub async fn update_customer(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    id: Uuid,
    input: &CustomerInput,
) -> Result<Customer> {
    find_customer(state, caller, id).await?;
    let fields = judged(t, input)?;
    if !db::customers::update(&state.db, caller.business_id, id, &fields).await? {
        return Err(Error::NotFound);
    }
    find_customer(state, caller, id).await
}

/// Hides a customer from lists and new invoices; its invoices stay.
pub async fn archive_customer(state: &AppState, caller: &Caller, id: Uuid) -> Result<()> {
    find_customer(state, caller, id).await?;
    db::customers::archive(&state.db, caller.business_id, id, state.clock.now()).await?;
    Ok(())
}

/// Erases the customer's personal data (see `gdpr::erasure`); `user_id` is who asked.
pub async fn erase_customer(
    state: &AppState,
    caller: &Caller,
    user_id: Uuid,
    meta: &RequestMeta,
    id: Uuid,
) -> Result<()> {
    match erasure::erase_customer(&state.db, caller.business_id, id, user_id, meta, state.clock.now()).await? {
        erasure::Erased::NotFound => Err(Error::NotFound),
        _ => Ok(()),
    }
}
