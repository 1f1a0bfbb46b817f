//! What invoice pages show: amounts formatted in their currency, the status a person
//! understands (paid, overdue, ...), and the rows of the draft editor.

use std::collections::BTreeMap;

use fastfaktura_domain::{Currency, Decimal, Money, Totals};
use time::Date;

use crate::db::invoices::{Line, ListedInvoice};

pub fn money(amount: Decimal, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(amount, c).display(),
        Err(_) => format!("{amount} {currency}"),
    }
}

/// The status shown for a document, derived from what is stored.
pub fn status_label(
    kind: &str,
    status: &str,
    voided: bool,
    open: Decimal,
    paid: Decimal,
    due_date: Option<Date>,
    today: Date,
) -> &'static str {
    match (kind, status) {
        (_, "draft") => "Draft",
        ("credit_note", _) => "Credit note",
        ("quote", _) => "Quote",
        _ if voided => "Credited",
        _ if open <= Decimal::ZERO => "Paid",
        _ if due_date.is_some_and(|d| d < today) => "Overdue",
        _ if paid > Decimal::ZERO => "Partially paid",
        _ => "Issued",
    }
}

pub struct ListRow {
    pub id: String,
    pub number: String,
    pub kind: &'static str,
    pub customer: String,
    pub issue_date: String,
    pub due_date: String,
    pub total: String,
    pub open: String,
    pub status: &'static str,
}

impl ListRow {
    pub fn from_listed(i: &ListedInvoice, today: Date) -> Self {
        let payable = i.payable.unwrap_or_default();
        let open = payable - i.paid - i.credited;
        ListRow {
            id: i.id.to_string(),
            number: i.number.clone().unwrap_or_else(|| "(draft)".into()),
            kind: match i.kind.as_str() {
                "credit_note" => "Credit note",
                "quote" => "Quote",
                _ => "Invoice",
            },
            customer: i.customer_name.clone(),
            issue_date: i.issue_date.map(|d| d.to_string()).unwrap_or_default(),
            due_date: i.due_date.map(|d| d.to_string()).unwrap_or_default(),
            total: i.payable.map(|p| money(p, &i.currency)).unwrap_or_default(),
            open: if i.status == "issued" && i.kind == "invoice" && !i.voided {
                money(open, &i.currency)
            } else {
                String::new()
            },
            status: status_label(&i.kind, &i.status, i.voided, open, i.paid, i.due_date, today),
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
}

impl EditorLine {
    pub fn from_stored(line: &Line) -> Self {
        EditorLine {
            description: line.description.clone(),
            quantity: line.quantity.normalize().to_string(),
            unit: line.unit.clone(),
            unit_price: line.unit_price.normalize().to_string(),
            discount_percent: if line.discount_percent.is_zero() {
                String::new()
            } else {
                line.discount_percent.normalize().to_string()
            },
            vat_category: line.vat_category.clone(),
            vat_rate: line.vat_rate.normalize().to_string(),
            exemption_reason: line.exemption_reason.clone(),
            net: String::new(),
        }
    }

    pub fn from_form(row: &BTreeMap<String, String>) -> Self {
        let get = |k: &str| row.get(k).cloned().unwrap_or_default();
        EditorLine {
            description: get("description"),
            quantity: get("quantity"),
            unit: get("unit"),
            unit_price: get("unit_price"),
            discount_percent: get("discount_percent"),
            vat_category: get("vat_category"),
            vat_rate: get("vat_rate"),
            exemption_reason: get("exemption_reason"),
            net: String::new(),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.quantity.trim().is_empty() && self.unit_price.trim().is_empty()
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
}

impl TotalsView {
    pub fn new(t: &Totals) -> Self {
        let code = t.currency.code();
        TotalsView {
            line_total: money(t.line_total, code),
            allowance_total: (!t.allowance_total.is_zero()).then(|| money(t.allowance_total, code)),
            tax_exclusive: money(t.tax_exclusive, code),
            vat_rows: t
                .breakdown
                .iter()
                .map(|b| VatRow {
                    label: match &b.exemption_reason {
                        Some(reason) => format!("{} {}% ({reason})", b.category.name(), b.rate),
                        None => format!("VAT {}%", b.rate),
                    },
                    taxable: money(b.taxable, code),
                    vat: money(b.vat, code),
                })
                .collect(),
            vat_total: money(t.vat_total, code),
            rounding: (!t.rounding.is_zero()).then(|| money(t.rounding, code)),
            payable: money(t.payable, code),
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
        assert_eq!(status_label("invoice", "draft", false, d(0), d(0), None, today), "Draft");
        assert_eq!(
            status_label("invoice", "issued", false, d(100), d(0), Some(date!(2026 - 12 - 01)), today),
            "Issued"
        );
        assert_eq!(
            status_label("invoice", "issued", false, d(100), d(0), Some(date!(2026 - 11 - 23)), today),
            "Overdue"
        );
        assert_eq!(
            status_label("invoice", "issued", false, d(50), d(50), Some(date!(2026 - 12 - 01)), today),
            "Partially paid"
        );
        assert_eq!(status_label("invoice", "issued", false, d(0), d(100), Some(date!(2026 - 11 - 01)), today), "Paid");
        assert_eq!(status_label("invoice", "issued", true, d(100), d(0), None, today), "Credited");
        assert_eq!(status_label("credit_note", "issued", false, d(0), d(0), None, today), "Credit note");
    }
}
