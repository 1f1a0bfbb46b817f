//! Drafts: created for a customer, saved with their lines (guarded by an optimistic
//! version), deleted. The web editor and the API send the same [`DraftInput`], judged
//! here once into stored values, with each mistake keyed by its form name
//! (`lines[0][quantity]`; the API writes it `lines[0].quantity`).

use fastfaktura_domain::{
    Currency, Decimal, InvoiceKind, InvoiceStatus, PriceEntry, VatCategory,
    locale::{self, Language},
    totals::QUANTITY_DECIMALS,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    draft_dates::{DraftDates, judge_dates},
    refusals::vat_error_text,
    totals,
};
use crate::{
    app::{
        Caller, Error,
        fields::{FieldErrors, number, optional, required},
    },
    db::{
        self,
        invoices::{DraftHeader, Invoice, Line, NewDraft, SaveRefused},
    },
    i18n::{Text, Tr, key},
    state::AppState,
};

/// The most lines a document has (the web editor's rows are indexed below this too).
pub const MAX_LINES: usize = 500;

/// One line as typed; the API's line object, in and out.
#[derive(Debug, Serialize, Deserialize, Default, Clone)]
#[serde(default, deny_unknown_fields)]
pub struct LineFields {
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount_percent: String,
    /// Empty means standard rated (S).
    pub vat_category: String,
    pub vat_rate: String,
    pub exemption_reason: String,
}

impl LineFields {
    /// A line with none of description, quantity and price: the editor's empty row.
    pub fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.quantity.trim().is_empty() && self.unit_price.trim().is_empty()
    }
}

/// A draft's header and lines as typed. A field left out (`None`) keeps the draft's
/// value (on create: the customer's currency, net prices, no discount, no note).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default, deny_unknown_fields)]
pub struct DraftInput {
    pub customer_id: Option<Uuid>,
    pub currency: Option<String>,
    /// `net` or `gross`.
    pub price_entry: Option<String>,
    pub discount_percent: Option<String>,
    pub note: Option<String>,
    pub lines: Vec<LineFields>,
    /// Required on save: the version that was read (optimistic concurrency).
    pub version: Option<i32>,
    /// On create: `invoice` (default) or `quote`.
    pub kind: Option<String>,
    /// ISO 8601 dates (`2026-12-05`); empty clears. Issue and due date left empty are
    /// decided at issue (today, and from the payment terms).
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    /// BT-72; or a period (BT-73/74) with both ends.
    pub delivery_date: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    /// The buyer's reference (BT-10), e.g. a Leitweg-ID or a department code.
    pub buyer_reference: Option<String>,
    /// The buyer's purchase order number (BT-13).
    pub order_reference: Option<String>,
}

/// A draft's values after judging; where a field was wrong, a fallback so that the
/// editor can show the draft again as typed.
#[derive(Debug, Clone)]
pub struct JudgedDraft {
    pub customer_id: Option<Uuid>,
    pub currency: Currency,
    pub price_entry: PriceEntry,
    pub discount_percent: Decimal,
    pub note: String,
    pub lines: Vec<Line>,
    pub dates: DraftDates,
}

/// A 0 to 100 % discount, empty meaning none (the invoice's and each line's).
fn percent(t: &Tr, value: &str) -> Result<Decimal, String> {
    if value.trim().is_empty() {
        return Ok(Decimal::ZERO);
    }
    number(t, value, 2).and_then(|d| {
        if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED { Err(t.t("form-percent-range")) } else { Ok(d) }
    })
}

/// Typed lines as stored ones, with mistakes keyed `lines[i][field]`; blank lines are
/// refused (the web form drops its empty rows before).
pub fn judge_lines(t: &Tr, lines: &[LineFields], credit_note: bool, errors: &mut FieldErrors) -> Vec<Line> {
    if lines.len() > MAX_LINES {
        errors.add("lines", t.t1("lines-too-many", "max", MAX_LINES));
    }
    if lines.iter().any(LineFields::is_blank) {
        errors.add("lines", t.t("lines-blank"));
    }
    let mut parsed = Vec::new();
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| !l.is_blank()) {
        let input = |f: &str| format!("lines[{i}][{f}]");
        let label = |field: &str| t.t2("line-field", "n", i + 1, "field", t.t(field));
        let description = errors.check(
            &input("description"),
            &label(key("line-description")),
            required(t, &l.description, 500),
            String::new(),
        );
        let quantity = errors.check(
            &input("quantity"),
            &label(key("line-quantity")),
            number(t, &l.quantity, QUANTITY_DECIMALS).and_then(|q| {
                if q.is_sign_negative() && !q.is_zero() && !credit_note {
                    Err(t.t("line-not-negative-on-invoice"))
                } else {
                    Ok(q)
                }
            }),
            Decimal::ZERO,
        );
        let unit = errors.check(&input("unit"), &label(key("line-unit")), optional(t, &l.unit, 20), String::new());
        let unit_price = errors.check(
            &input("unit_price"),
            &label(key("line-unit-price")),
            number(t, &l.unit_price, 4)
                .and_then(|p| if p.is_sign_negative() && !p.is_zero() { Err(t.t("form-not-negative")) } else { Ok(p) }),
            Decimal::ZERO,
        );
        let discount_percent = errors.check(
            &input("discount_percent"),
            &label(key("line-discount")),
            percent(t, &l.discount_percent),
            Decimal::ZERO,
        );
        let category_code = if l.vat_category.is_empty() { "S" } else { l.vat_category.as_str() };
        let category = errors.check(
            &input("vat_category"),
            &label(key("line-vat-category")),
            VatCategory::parse(category_code).map_err(|e| vat_error_text(&e).render(t.lang())),
            VatCategory::Standard,
        );
        let rate = errors.check(
            &input("vat_rate"),
            &label(key("line-vat-rate")),
            if l.vat_rate.trim().is_empty() { Ok(Decimal::ZERO) } else { number(t, &l.vat_rate, 2) }
                .and_then(|r| category.check_rate(r).map(|()| r).map_err(|e| vat_error_text(&e).render(t.lang()))),
            Decimal::ZERO,
        );
        let exemption_reason = errors.check(
            &input("exemption_reason"),
            &label(key("line-exemption-reason")),
            optional(t, &l.exemption_reason, 200),
            String::new(),
        );
        parsed.push(Line {
            description,
            quantity,
            unit,
            unit_price,
            discount_percent,
            vat_category: category.code().to_owned(),
            vat_rate: rate,
            exemption_reason,
        });
    }
    parsed
}

/// Judges a draft: the customer must be one of the business's (not archived, unless
/// it is already the draft's), the currency supported, the discount 0 to 100 %, the
/// lines valid and accepted by the one calculation.
pub async fn judge(
    state: &AppState,
    t: &Tr,
    business_id: Uuid,
    input: &DraftInput,
    existing: Option<&Invoice>,
    credit_note: bool,
) -> Result<(JudgedDraft, FieldErrors), Error> {
    let mut errors = FieldErrors::new(t);
    let customer = match input.customer_id.or(existing.map(|i| i.customer_id)) {
        Some(id) => db::customers::find(&state.db, business_id, id)
            .await?
            .filter(|c| !c.archived || existing.is_some_and(|i| i.customer_id == c.id)),
        None => None,
    };
    if customer.is_none() {
        errors.add("customer_id", t.t("invoice-choose-customer"));
    }
    let customer_currency = customer.as_ref().and_then(|c| Currency::parse(&c.currency).ok());
    let currency = match (&input.currency, existing) {
        (Some(typed), _) => Currency::parse(typed),
        (None, Some(draft)) => Ok(draft.currency),
        (None, None) => Currency::parse(&customer.as_ref().map(|c| c.currency.clone()).unwrap_or_default()),
    };
    // Where the currency is wrong the draft keeps showing its own (it is not saved).
    let fallback_currency = existing.map(|i| i.currency).or(customer_currency).unwrap_or(Currency::EUR);
    let currency =
        errors.check("currency", &t.t("label-currency"), currency.map_err(|e| e.to_string()), fallback_currency);
    let price_entry = match &input.price_entry {
        None => Ok(existing.map_or(PriceEntry::Net, |i| i.price_entry)),
        Some(typed) => PriceEntry::parse(typed),
    };
    let price_entry = price_entry.unwrap_or_else(|_| {
        errors.add("price_entry", "price_entry must be net or gross");
        PriceEntry::Net
    });
    let discount_percent = errors.check(
        "discount_percent",
        &t.t("label-invoice-discount"),
        percent(t, input.discount_percent.as_deref().unwrap_or_default()),
        Decimal::ZERO,
    );
    let note = errors.check(
        "note",
        &t.t("label-note"),
        optional(t, input.note.as_deref().unwrap_or_default(), 2000),
        String::new(),
    );
    let dates = judge_dates(t, input, &existing.map(DraftDates::of).unwrap_or_default(), &mut errors);
    let mut line_errors = FieldErrors::new(t);
    let lines = judge_lines(t, &input.lines, credit_note, &mut line_errors);
    let judged = JudgedDraft {
        customer_id: customer.map(|c| c.id),
        currency,
        price_entry,
        discount_percent,
        note,
        lines,
        dates,
    };
    if line_errors.is_empty() && errors.get("currency").is_none() {
        // The one calculation must accept it too (e.g. exemption reasons, amounts too large).
        if let Err(Error::Invalid(calculation)) = totals(&judged.as_invoice(existing, credit_note), &judged.lines) {
            line_errors = calculation;
        }
    }
    errors.append(line_errors);
    Ok((judged, errors))
}

impl JudgedDraft {
    /// The draft as it would be stored (for totals and for showing it again).
    pub fn as_invoice(&self, existing: Option<&Invoice>, credit_note: bool) -> Invoice {
        let base = existing.cloned().unwrap_or_else(|| Invoice {
            id: Uuid::nil(),
            kind: if credit_note { InvoiceKind::CreditNote } else { InvoiceKind::Invoice },
            status: InvoiceStatus::Draft,
            customer_id: Uuid::nil(),
            currency: self.currency,
            price_entry: self.price_entry,
            discount_percent: Decimal::ZERO,
            note: String::new(),
            issue_date: None,
            due_date: None,
            number: None,
            credited_invoice_id: None,
            payable: None,
            version: 0,
            voided: false,
            references: Default::default(),
            quote_decision: None,
            payment_reference: None,
        });
        Invoice {
            customer_id: self.customer_id.unwrap_or(base.customer_id),
            currency: self.currency,
            price_entry: self.price_entry,
            discount_percent: self.discount_percent,
            note: self.note.clone(),
            issue_date: self.dates.issue_date,
            due_date: self.dates.due_date,
            references: self.dates.references.clone(),
            ..base
        }
    }

    fn header(&self) -> DraftHeader<'_> {
        DraftHeader {
            customer_id: self.customer_id.unwrap_or_default(),
            currency: self.currency,
            price_entry: self.price_entry,
            discount_percent: self.discount_percent,
            note: &self.note,
            issue_date: self.dates.issue_date,
            due_date: self.dates.due_date,
            references: &self.dates.references,
        }
    }
}

/// `invoice` (the default) or `quote`: what a new draft can be.
fn new_kind(kind: Option<&str>) -> Result<InvoiceKind, Error> {
    match kind {
        None | Some("invoice") => Ok(InvoiceKind::Invoice),
        Some("quote") => Ok(InvoiceKind::Quote),
        Some(_) => Err(Error::field("kind", "kind must be invoice or quote")),
    }
}

/// A new empty draft for a customer (not archived), in the customer's currency;
/// returns its id. A missing or unknown customer is a mistake at `customer_id`.
pub async fn create_draft(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    customer_id: Option<Uuid>,
    kind: Option<&str>,
    price_entry: Option<&str>,
) -> Result<Uuid, Error> {
    let kind = new_kind(kind)?;
    let customer = match customer_id {
        Some(id) => db::customers::find(&state.db, caller.business_id, id).await?,
        None => None,
    };
    let Some(customer) = customer.filter(|c| !c.archived) else {
        return Err(Error::field("customer_id", t.t("invoice-choose-customer")));
    };
    let price_entry = if price_entry == Some("gross") { PriceEntry::Gross } else { PriceEntry::Net };
    let currency = Currency::parse(&customer.currency).map_err(anyhow::Error::from)?;
    let mut tx = state.db.begin().await?;
    let draft = NewDraft { kind, customer_id: customer.id, currency, price_entry, credited_invoice_id: None };
    let id = db::invoices::create_draft(&mut tx, caller.business_id, draft, state.clock.now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// A new draft with its header and lines in one go (the API); returns its id.
pub async fn create_draft_with_lines(state: &AppState, caller: &Caller, input: &DraftInput) -> Result<Uuid, Error> {
    let kind = new_kind(input.kind.as_deref())?;
    let (draft, errors) = judge(state, &Tr::default(), caller.business_id, input, None, false).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let new = NewDraft {
        kind,
        customer_id: draft.customer_id.unwrap_or_default(),
        currency: draft.currency,
        price_entry: draft.price_entry,
        credited_invoice_id: None,
    };
    let id = db::invoices::create_draft(&mut tx, caller.business_id, new, now).await?;
    match db::invoices::save_draft(&mut tx, caller.business_id, id, 1, draft.header(), &draft.lines, now).await? {
        Ok(_) => tx.commit().await?,
        Err(_) => return Err(Error::Conflict("The draft could not be saved; please retry.".to_owned().into())),
    }
    Ok(id)
}

/// The draft, if it may still change: a missing one is not found, an issued one a
/// conflict.
pub async fn editable_draft(state: &AppState, caller: &Caller, id: Uuid) -> Result<Invoice, Error> {
    let invoice = db::invoices::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)?;
    if invoice.status != InvoiceStatus::Draft {
        return Err(Error::Conflict(Text::key("error-issued-immutable")));
    }
    Ok(invoice)
}

/// Saves a draft's header and lines if nobody saved it since `input.version`; a stale
/// version is a conflict (`error-draft-conflict`). Returns the new version.
pub async fn save_draft(state: &AppState, caller: &Caller, t: &Tr, id: Uuid, input: &DraftInput) -> Result<i32, Error> {
    let business_id = caller.business_id;
    let existing = editable_draft(state, caller, id).await?;
    let Some(version) = input.version else {
        return Err(Error::field("version", "version is required: send the version you read"));
    };
    let (draft, errors) =
        judge(state, t, business_id, input, Some(&existing), existing.kind == InvoiceKind::CreditNote).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = state.db.begin().await?;
    let saved =
        db::invoices::save_draft(&mut tx, business_id, id, version, draft.header(), &draft.lines, state.clock.now())
            .await?;
    match saved {
        Ok(version) => {
            tx.commit().await?;
            Ok(version)
        }
        Err(SaveRefused::NotFound) => Err(Error::NotFound),
        Err(SaveRefused::Issued) => Err(Error::Conflict(Text::key("error-issued-immutable"))),
        Err(SaveRefused::Conflict) => Err(Error::Conflict(Text::key("error-draft-conflict"))),
    }
}

/// Deletes a draft (an issued document is never deleted).
pub async fn delete_draft(state: &AppState, caller: &Caller, id: Uuid) -> Result<(), Error> {
    editable_draft(state, caller, id).await?;
    db::invoices::delete_draft(&state.db, caller.business_id, id).await?;
    Ok(())
}

/// A line for a product of the catalogue, as the editor adds it; none if the product
/// is not the business's.
pub async fn product_line(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    product_id: Uuid,
) -> Result<Option<LineFields>, Error> {
    let product = db::products::find(&state.db, caller.business_id, product_id).await?;
    let language = t.lang().locale();
    Ok(product.map(|p| LineFields {
        description: p.name,
        quantity: "1".into(),
        unit: p.unit,
        unit_price: locale::number(p.unit_price, language),
        vat_category: p.vat_category,
        vat_rate: locale::number(p.vat_rate, language),
        ..LineFields::default()
    }))
}

/// What the draft editor shows: the draft (or what was typed, judged leniently), its
/// lines as typed, the totals when they compute, and the customers and products to
/// choose from.
pub struct DraftEditor {
    pub invoice: Invoice,
    pub lines: Vec<LineFields>,
    /// Each line's net amount, when the totals compute.
    pub totals: Option<fastfaktura_domain::Totals>,
    pub customers: Vec<crate::db::customers::Customer>,
    pub products: Vec<crate::db::products::Product>,
    /// The business's country (its VAT rates are offered first).
    pub country: String,
}

/// The editor of a stored draft, or of `typed` (a save that was refused) on top of it.
pub async fn draft_editor(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    invoice: Invoice,
    typed: Option<&DraftInput>,
) -> Result<DraftEditor, Error> {
    let business_id = caller.business_id;
    let credit_note = invoice.kind == InvoiceKind::CreditNote;
    let (invoice, lines) = match typed {
        Some(input) => {
            let (judged, _) = judge(state, t, business_id, input, Some(&invoice), credit_note).await?;
            (judged.as_invoice(Some(&invoice), credit_note), input.lines.clone())
        }
        None => {
            let stored = db::invoices::lines(&state.db, business_id, invoice.id).await?;
            (invoice, stored.iter().map(|l| LineFields::from_stored(l, t.lang().locale())).collect())
        }
    };
    let mut errors = FieldErrors::new(t);
    let parsed = judge_lines(t, &lines, credit_note, &mut errors);
    let totals = if errors.is_empty() { totals(&invoice, &parsed).ok() } else { None };
    Ok(DraftEditor {
        country: db::businesses::profile(&state.db, business_id).await?.country,
        customers: db::customers::list(&state.db, business_id, "", 500, 0).await?,
        products: db::products::list(&state.db, business_id, "", 500, 0).await?,
        invoice,
        lines,
        totals,
    })
}

impl LineFields {
    /// A stored line as the editor shows it, its numbers written in the page's language
    /// (so that saving it again reads them back the same); no discount shows as empty.
    pub fn from_stored(line: &Line, language: Language) -> Self {
        let written = |value: Decimal| locale::number(value, language);
        LineFields {
            quantity: written(line.quantity),
            unit_price: written(line.unit_price),
            vat_rate: written(line.vat_rate),
            discount_percent: if line.discount_percent.is_zero() {
                String::new()
            } else {
                written(line.discount_percent)
            },
            ..Self::from_stored_exact(line)
        }
    }

    /// A stored line with every number written out (the API).
    pub fn from_stored_exact(line: &Line) -> Self {
        LineFields {
            description: line.description.clone(),
            quantity: line.quantity.normalize().to_string(),
            unit: line.unit.clone(),
            unit_price: line.unit_price.normalize().to_string(),
            discount_percent: line.discount_percent.normalize().to_string(),
            vat_category: line.vat_category.clone(),
            vat_rate: line.vat_rate.normalize().to_string(),
            exemption_reason: line.exemption_reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(description: &str, quantity: &str, unit_price: &str) -> LineFields {
        LineFields {
            description: description.into(),
            quantity: quantity.into(),
            unit_price: unit_price.into(),
            vat_rate: "24".into(),
            ..LineFields::default()
        }
    }

    fn judged(lines: &[LineFields], credit_note: bool) -> (Vec<Line>, Vec<(String, String)>) {
        let mut errors = FieldErrors::default();
        let parsed = judge_lines(&Tr::default(), lines, credit_note, &mut errors);
        (parsed, errors.entries().map(|(f, m)| (f.to_owned(), m.to_owned())).collect())
    }

    #[test]
    fn lines_are_judged_with_errors_keyed_by_their_form_name() {
        let (parsed, errors) = judged(&[line("Work", "2", "10.5")], false);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(parsed[0].vat_category, "S", "an empty category is standard rated");
        let (_, errors) = judged(&[line("Work", "1", "1"), line("", "x", "-1")], false);
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["lines[1][description]", "lines[1][quantity]", "lines[1][unit_price]"]);
        assert!(errors[0].1.starts_with("Line 2: description"), "{errors:?}");
    }

    #[test]
    fn negative_quantities_only_on_credit_notes() {
        assert!(!judged(&[line("Refund", "-1", "10")], false).1.is_empty());
        assert!(judged(&[line("Refund", "-1", "10")], true).1.is_empty());
    }

    #[test]
    fn blank_lines_and_too_many_lines_are_refused() {
        assert_eq!(judged(&[LineFields::default()], false).1[0].0, "lines");
        let many = vec![line("x", "1", "1"); MAX_LINES + 1];
        assert_eq!(judged(&many, false).1[0].0, "lines");
    }

    #[test]
    fn discounts_are_percentages_from_0_to_100() {
        let t = Tr::default();
        assert_eq!(percent(&t, " "), Ok(Decimal::ZERO));
        assert_eq!(percent(&t, "12.5"), Ok(Decimal::new(125, 1)));
        assert!(percent(&t, "100.01").is_err());
        assert!(percent(&t, "-1").is_err());
    }

    #[test]
    fn a_new_draft_is_an_invoice_or_a_quote() {
        assert_eq!(new_kind(None).unwrap(), InvoiceKind::Invoice);
        assert_eq!(new_kind(Some("quote")).unwrap(), InvoiceKind::Quote);
        assert!(matches!(new_kind(Some("credit_note")), Err(Error::Invalid(_))));
    }
}
