//! What invoice pages show: amounts formatted in their currency, the status a person
//! understands (paid, overdue, ...), the rows of the draft editor, the deliveries and
//! the customer link. Statuses and
//! names are catalogue keys, translated by the page.

use std::collections::BTreeMap;

use fastfaktura_domain::{Currency, Decimal, InvoiceKind, InvoiceStatus, Totals, VatCategory, locale};
use time::Date;

use crate::{
    app::invoicing::{Delivery, Invoice, Line, LineFields, ListedInvoice, views::CustomerLink},
    i18n::{Lang, Tr, key},
};

/// An amount in the currency with this code, written in the reader's language.
pub fn money(amount: Decimal, currency: &str, lang: Lang) -> String {
    match Currency::parse(currency) {
        Ok(c) => money_in(amount, c, lang),
        Err(_) => format!("{amount} {currency}"),
    }
}

/// An amount in a known currency, written as the reader's language writes it
/// (`545.600 kr.` / `545,600 ISK`), the same as on the PDF.
pub fn money_in(amount: Decimal, currency: Currency, lang: Lang) -> String {
    locale::money(amount, currency, lang.locale())
}

/// A date as the reader's language writes it (`4.12.2026` / `4 Dec 2026`).
pub fn day(date: Date, lang: Lang) -> String {
    locale::date(date, lang.locale())
}

/// The catalogue key of a VAT category's name.
pub fn vat_category_key(category: VatCategory) -> &'static str {
    match category {
        VatCategory::Standard => key("vat-standard"),
        VatCategory::Zero => key("vat-zero"),
        VatCategory::Exempt => key("vat-exempt"),
        VatCategory::ReverseCharge => key("vat-reverse-charge"),
        VatCategory::IntraCommunity => key("vat-intra-community"),
        VatCategory::Export => key("vat-export"),
        VatCategory::OutsideScope => key("vat-outside-scope"),
    }
}

/// The VAT categories for a select: (code, catalogue key of the name).
pub fn vat_categories() -> Vec<(&'static str, &'static str)> {
    VatCategory::ALL.iter().map(|c| (c.code(), vat_category_key(*c))).collect()
}

/// One choice of the editor's VAT picker: a category and its rate together, written
/// as the page's language writes the rate (`S:25,5`), so that saving reads it back.
pub struct VatChoice {
    pub value: String,
    pub label: String,
}

/// The VAT picker's choices: the standard and reduced rates of the business's country,
/// any other rate its catalogue or the draft already uses, then the zero-rated and
/// exempt categories.
pub fn vat_choices(t: &Tr, country: &str, used: &[(String, String)]) -> Vec<VatChoice> {
    let lang = t.lang().locale();
    let mut rates: Vec<String> = fastfaktura_domain::vat::country_rates(country)
        .iter()
        .filter_map(|r| r.parse::<Decimal>().ok())
        .map(|r| locale::number(r, lang))
        .collect();
    for (category, rate) in used {
        if category == "S" && !rate.is_empty() && !rates.contains(rate) {
            rates.push(rate.clone());
        }
    }
    let mut choices: Vec<VatChoice> =
        rates.into_iter().map(|rate| VatChoice { value: format!("S:{rate}"), label: format!("{rate} %") }).collect();
    for category in VatCategory::ALL.into_iter().filter(|c| *c != VatCategory::Standard) {
        choices.push(VatChoice { value: format!("{}:0", category.code()), label: t.t(vat_category_key(category)) });
    }
    choices
}

/// The catalogue key of a payment method.
pub fn payment_method_key(method: &str) -> &'static str {
    match method {
        "bank_transfer" => key("method-bank-transfer"),
        "cash" => key("method-cash"),
        "card" => key("method-card"),
        _ => key("method-other"),
    }
}

/// The catalogue key of what a document is called on its pages.
pub fn document_name(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::CreditNote => key("doc-credit-note"),
        InvoiceKind::Quote => key("doc-quote"),
        InvoiceKind::Invoice => key("doc-invoice"),
    }
}

/// The status shown for a document (a catalogue key), derived from what is stored.
pub fn status_label(
    kind: InvoiceKind,
    status: InvoiceStatus,
    voided: bool,
    open: Decimal,
    paid: Decimal,
    due_date: Option<Date>,
    today: Date,
) -> &'static str {
    match (kind, status) {
        (_, InvoiceStatus::Draft) => key("status-draft"),
        (InvoiceKind::CreditNote, _) => key("status-credit-note"),
        (InvoiceKind::Quote, _) => key("status-quote"),
        _ if voided => key("status-credited"),
        _ if open <= Decimal::ZERO => key("status-paid"),
        _ if due_date.is_some_and(|d| d < today) => key("status-overdue"),
        _ if paid > Decimal::ZERO => key("status-partially-paid"),
        _ => key("status-issued"),
    }
}

/// A quote's status (a catalogue key): turned into an invoice, answered by the
/// customer, past its date, or waiting for an answer.
pub fn quote_status_label(invoice: &Invoice, converted: bool, today: Date) -> &'static str {
    match (&invoice.quote_decision, converted) {
        _ if invoice.status == InvoiceStatus::Draft => key("status-draft"),
        (_, true) => key("status-quote-converted"),
        (Some((decision, _)), _) if decision == "accepted" => key("status-quote-accepted"),
        (Some(_), _) => key("status-quote-declined"),
        (None, _) if invoice.due_date.is_some_and(|d| d < today) => key("status-quote-expired"),
        (None, _) => key("status-quote"),
    }
}

/// The dates and references a document states besides its issue and due dates, as
/// (catalogue key of the label, value) pairs.
pub fn reference_rows(invoice: &Invoice, lang: Lang) -> Vec<(&'static str, String)> {
    let refs = &invoice.references;
    let mut rows = Vec::new();
    if let Some(d) = refs.delivery_date {
        rows.push((key("label-delivery-date"), day(d, lang)));
    }
    if let Some((start, end)) = refs.period {
        rows.push((key("label-period"), format!("{} – {}", day(start, lang), day(end, lang))));
    }
    if !refs.buyer_reference.is_empty() {
        rows.push((key("label-buyer-reference"), refs.buyer_reference.clone()));
    }
    if !refs.order_reference.is_empty() {
        rows.push((key("label-order-reference"), refs.order_reference.clone()));
    }
    if let Some(reference) = invoice.payment_reference.as_ref().filter(|r| invoice.number.as_ref() != Some(r)) {
        rows.push((key("label-payment-reference"), reference.clone()));
    }
    rows
}

/// An invoice's bank claim as its page says it: the claim, its state and the bank's
/// reason when it refused.
pub fn claim_line(t: &crate::i18n::Tr, claim: &crate::app::bank_claims::ClaimView) -> String {
    let state = match claim.state.as_str() {
        "pending" => key("claim-state-pending"),
        "open" => key("claim-state-open"),
        "paid" => key("claim-state-paid"),
        "cancelled" => key("claim-state-cancelled"),
        _ => key("claim-state-failed"),
    };
    let mut line = format!("{}: {} · {}", t.t(key("label-bank-claim")), claim.account, t.t(state));
    if let Some(error) = &claim.last_error {
        line.push_str(&format!(" ({error})"));
    }
    line
}

pub struct ListRow {
    pub id: String,
    /// None for a draft.
    pub number: Option<String>,
    /// invoice, credit_note or quote.
    pub kind: &'static str,
    pub customer: String,
    pub issue_date: String,
    pub due_date: String,
    pub total: String,
    pub open: String,
    pub status: &'static str,
}

impl ListRow {
    pub fn from_listed(i: &ListedInvoice, today: Date, lang: Lang) -> Self {
        let payable = i.payable.unwrap_or_default();
        let open = payable - i.paid - i.credited;
        ListRow {
            id: i.id.to_string(),
            number: i.number.clone(),
            kind: i.kind.as_str(),
            customer: i.customer_name.clone(),
            issue_date: i.issue_date.map(|d| day(d, lang)).unwrap_or_default(),
            due_date: i.due_date.map(|d| day(d, lang)).unwrap_or_default(),
            total: i.payable.map(|p| money_in(p, i.currency, lang)).unwrap_or_default(),
            open: if i.status == InvoiceStatus::Issued && i.kind == InvoiceKind::Invoice && !i.voided {
                money_in(open, i.currency, lang)
            } else {
                String::new()
            },
            status: status_label(i.kind, i.status, i.voided, open, i.paid, i.due_date, today),
        }
    }
}

/// One editable line, as typed (strings), with its computed net amount.
#[derive(Debug, Clone, Default)]
pub struct EditorLine {
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount_percent: String,
    pub vat_category: String,
    pub vat_rate: String,
    pub exemption_reason: String,
    pub net: String,
    /// This line's mistakes: (field, message), shown under the row with the cells marked.
    pub errors: Vec<(&'static str, String)>,
}

impl EditorLine {
    /// The VAT picker's value for this line (`S:24`, `E:0`).
    pub fn vat(&self) -> String {
        let rate = if self.vat_rate.trim().is_empty() && self.vat_category != "S" { "0" } else { self.vat_rate.trim() };
        format!("{}:{rate}", self.vat_category)
    }
}

impl EditorLine {
    /// The editable fields of a line, in the order of the row.
    pub const FIELDS: [&'static str; 8] = [
        "description",
        "quantity",
        "unit",
        "unit_price",
        "discount_percent",
        "vat_category",
        "vat_rate",
        "exemption_reason",
    ];

    /// Whether `field` of this line has a mistake (the cell is marked).
    pub fn bad(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| *f == field)
    }

    /// A stored line with its numbers written in the reader's language.
    pub fn from_stored(line: &Line, lang: Lang) -> Self {
        LineFields::from_stored(line, lang.locale()).into()
    }

    /// Stored lines with their net amounts from the document's totals.
    pub fn with_nets(lines: &[Line], totals: &Totals, currency: Currency, lang: Lang) -> Vec<Self> {
        lines
            .iter()
            .zip(&totals.line_nets)
            .map(|(l, net)| EditorLine { net: money_in(*net, currency, lang), ..EditorLine::from_stored(l, lang) })
            .collect()
    }

    pub fn from_form(row: &BTreeMap<String, String>) -> Self {
        let get = |k: &str| row.get(k).cloned().unwrap_or_default();
        // The picker sends category and rate together (`S:24`); the API-like form fields
        // `vat_category` and `vat_rate` are read when it is absent.
        let (vat_category, vat_rate) = match row.get("vat").and_then(|v| v.split_once(':')) {
            Some((category, rate)) => (category.to_owned(), rate.to_owned()),
            None => (get("vat_category"), get("vat_rate")),
        };
        EditorLine {
            description: get("description"),
            quantity: get("quantity"),
            unit: get("unit"),
            unit_price: get("unit_price"),
            discount_percent: get("discount_percent"),
            vat_category,
            vat_rate,
            exemption_reason: get("exemption_reason"),
            net: String::new(),
            errors: Vec::new(),
        }
    }
}

impl From<LineFields> for EditorLine {
    fn from(l: LineFields) -> Self {
        EditorLine {
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price,
            discount_percent: l.discount_percent,
            vat_category: l.vat_category,
            vat_rate: l.vat_rate,
            exemption_reason: l.exemption_reason,
            net: String::new(),
            errors: Vec::new(),
        }
    }
}

impl From<EditorLine> for LineFields {
    fn from(l: EditorLine) -> Self {
        LineFields {
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price,
            discount_percent: l.discount_percent,
            vat_category: l.vat_category,
            vat_rate: l.vat_rate,
            exemption_reason: l.exemption_reason,
        }
    }
}

pub struct VatRow {
    pub label: String,
    pub taxable: String,
    pub vat: String,
}

/// The totals block, formatted.
pub struct TotalsView {
    pub line_total: String,
    pub allowance_total: Option<String>,
    pub tax_exclusive: String,
    pub vat_rows: Vec<VatRow>,
    pub vat_total: String,
    pub rounding: Option<String>,
    pub payable: String,
    /// Unit prices were typed including VAT (the lines' price column says so).
    pub gross_prices: bool,
}

impl TotalsView {
    /// The view of a stored document's totals, its price column labelled by how the
    /// prices were entered.
    pub fn of(tr: &Tr, t: &Totals, price_entry: fastfaktura_domain::PriceEntry) -> Self {
        TotalsView { gross_prices: price_entry == fastfaktura_domain::PriceEntry::Gross, ..Self::new(tr, t) }
    }

    pub fn new(tr: &Tr, t: &Totals) -> Self {
        let code = t.currency.code();
        let money = |amount: Decimal, code: &str| money(amount, code, tr.lang());
        TotalsView {
            line_total: money(t.line_total, code),
            allowance_total: (!t.allowance_total.is_zero()).then(|| money(t.allowance_total, code)),
            tax_exclusive: money(t.tax_exclusive, code),
            vat_rows: t
                .breakdown
                .iter()
                .map(|b| VatRow {
                    label: match &b.exemption_reason {
                        Some(reason) => format!("{} {}% ({reason})", tr.t(vat_category_key(b.category)), b.rate),
                        None => tr.t1("totals-vat-rate", "rate", b.rate.to_string()),
                    },
                    taxable: money(b.taxable, code),
                    vat: money(b.vat, code),
                })
                .collect(),
            vat_total: money(t.vat_total, code),
            rounding: (!t.rounding.is_zero()).then(|| money(t.rounding, code)),
            gross_prices: false,
            payable: money(t.payable, code),
        }
    }
}

/// One delivery as the document page lists it.
pub struct DeliveryRow {
    pub id: String,
    pub created_at: String,
    /// "Email" or "SMS", and why (a reminder, a recurring invoice), in the page's language.
    pub channel: String,
    pub recipient: String,
    /// The status, already in the page's language.
    pub status: String,
    pub can_retry: bool,
}

pub fn delivery_rows(t: &Tr, deliveries: &[Delivery]) -> Vec<DeliveryRow> {
    deliveries
        .iter()
        .map(|d| {
            let reason = d.last_error.clone().unwrap_or_default();
            let status = match (d.status.as_str(), d.sent_at) {
                ("sent", Some(at)) if d.channel == "peppol" => t.t1("delivery-submitted", "when", t.moment(at)),
                ("sent", Some(at)) => t.t1("delivery-sent", "when", t.moment(at)),
                ("delivered", _) => {
                    t.t1("delivery-delivered", "when", d.delivered_at.map(|at| t.moment(at)).unwrap_or_default())
                }
                ("failed", _) => t.t1("delivery-failed", "reason", reason),
                ("cancelled", _) => t.t1("delivery-cancelled", "reason", reason),
                ("sending", _) if d.attempts == 0 => t.t("delivery-sending"),
                _ if d.attempts > 0 => t.t1("delivery-retrying", "reason", reason),
                _ => t.t("delivery-queued"),
            };
            DeliveryRow {
                id: d.id.to_string(),
                created_at: t.moment(d.created_at),
                channel: {
                    let channel = t.t(match d.channel.as_str() {
                        "sms" => key("delivery-channel-sms"),
                        "peppol" => key("delivery-channel-peppol"),
                        _ => key("delivery-channel-email"),
                    });
                    match d.kind.as_str() {
                        "reminder" => t.t1("delivery-kind-reminder", "channel", channel),
                        "recurring" => t.t1("delivery-kind-recurring", "channel", channel),
                        _ => channel,
                    }
                },
                recipient: d.recipient.clone(),
                can_retry: d.status == "failed",
                status,
            }
        })
        .collect()
}

/// What the document page shows about its customer link.
pub struct CustomerLinkView {
    pub url: String,
    pub view_count: i32,
    pub first_viewed_at: Option<String>,
}

impl CustomerLinkView {
    pub fn new(t: &Tr, link: CustomerLink) -> Self {
        CustomerLinkView {
            url: link.url,
            view_count: link.view_count,
            first_viewed_at: link.first_viewed_at.map(|at| t.moment(at)),
        }
    }
}

/// Why a document cannot go over Peppol now, for a business connected to an access
/// point (none when it can, or when the business is not connected).
pub fn peppol_note(t: &Tr, route: &crate::app::peppol::PeppolRoute) -> Option<String> {
    use crate::app::peppol::PeppolRoute;
    match route {
        PeppolRoute::Ready { .. } | PeppolRoute::NotConnected => None,
        PeppolRoute::NoParticipant => Some(t.t("send-peppol-no-participant")),
        PeppolRoute::NotReceiving { participant, answer: None } => {
            Some(t.t1("send-peppol-not-checked", "id", participant.to_string()))
        }
        // The last lookup gave no answer to believe: say so, not "does not receive".
        PeppolRoute::NotReceiving { participant, answer: Some(a) }
            if a.state == "unreachable" || a.state == "refused" =>
        {
            Some(t.t1("send-peppol-not-checked", "id", participant.to_string()))
        }
        PeppolRoute::NotReceiving { participant, answer: Some(_) } => {
            Some(t.t1("send-peppol-not-receiving", "id", participant.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn statuses_follow_payments_credits_and_dates() {
        let today = date!(2026 - 11 - 24);
        let d = Decimal::from;
        let status = |kind, status, voided, open, paid, due| {
            Tr::default().t(status_label(kind, status, voided, d(open), d(paid), due, today))
        };
        let (invoice, credit_note) = (InvoiceKind::Invoice, InvoiceKind::CreditNote);
        let (draft, issued) = (InvoiceStatus::Draft, InvoiceStatus::Issued);
        assert_eq!(status(invoice, draft, false, 0, 0, None), "Draft");
        assert_eq!(status(invoice, issued, false, 100, 0, Some(date!(2026 - 12 - 01))), "Issued");
        assert_eq!(status(invoice, issued, false, 100, 0, Some(date!(2026 - 11 - 23))), "Overdue");
        assert_eq!(status(invoice, issued, false, 50, 50, Some(date!(2026 - 12 - 01))), "Partially paid");
        assert_eq!(status(invoice, issued, false, 0, 100, Some(date!(2026 - 11 - 01))), "Paid");
        assert_eq!(status(invoice, issued, true, 100, 0, None), "Credited");
        assert_eq!(status(credit_note, issued, false, 0, 0, None), "Credit note");
    }
}
