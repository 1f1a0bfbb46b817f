//! Converting a read UBL document into FastFaktura's model, when it holds nothing the
//! model cannot: otherwise every reason is listed, so the user sees why it stays read-only.

use fastfaktura_domain::{Currency, PriceEntry, VatCategory};

use super::{ImportedInvoice, ImportedParty};
use crate::model::{DocumentType, InvoiceData, Language, Line, Party};

impl ImportedInvoice {
    /// Converts into FastFaktura's model, or says why it cannot (everything at once).
    pub fn to_invoice_data(&self) -> Result<InvoiceData, Vec<String>> {
        let mut problems: Vec<String> = self.unsupported.iter().map(|u| format!("not supported: {u}")).collect();
        let currency = Currency::parse(&self.currency).map_err(|e| problems.push(e.to_string())).ok();
        let seller = convert_party("seller", &self.seller, &mut problems);
        let buyer = convert_party("buyer", &self.buyer, &mut problems);
        let mut lines = Vec::new();
        for l in &self.lines {
            let category =
                VatCategory::parse(&l.vat_category).map_err(|e| problems.push(format!("line {}: {e}", l.id)));
            let Some(unit_price) = l.unit_price else {
                problems.push(format!("line {}: no unit price (BT-146)", l.id));
                continue;
            };
            let reason = self
                .vat_breakdown
                .iter()
                .find(|v| v.category == l.vat_category)
                .and_then(|v| v.exemption_reason.clone());
            if let Ok(vat_category) = category {
                lines.push(Line {
                    description: l.name.clone(),
                    quantity: l.quantity,
                    unit_code: l.unit_code.clone(),
                    unit_price,
                    discount_percent: l.discount_percent.unwrap_or_default(),
                    vat_category,
                    vat_rate: l.vat_rate.unwrap_or_default(),
                    exemption_reason: reason,
                });
            }
        }
        let kind = match (&self.preceding_invoice, self.credit_note || self.type_code == "381") {
            (Some((number, Some(date))), true) => {
                DocumentType::CreditNote { preceding_number: number.clone(), preceding_date: *date }
            }
            (_, true) => {
                problems.push("a credit note without the number and date of the invoice it credits (BG-3)".into());
                DocumentType::Invoice
            }
            (_, false) => DocumentType::Invoice,
        };
        let due_date = self.due_date.unwrap_or(self.issue_date);
        match (currency, seller, buyer) {
            (Some(currency), Some(seller), Some(buyer)) if problems.is_empty() => Ok(InvoiceData {
                kind,
                number: self.number.clone(),
                issue_date: self.issue_date,
                due_date,
                delivery_date: self.delivery_date,
                period: self.period,
                currency,
                language: Language::En,
                seller,
                buyer,
                buyer_reference: self.buyer_reference.clone(),
                order_reference: self.order_reference.clone(),
                payment: self.payment.clone(),
                payment_terms: self.payment_terms.clone(),
                notes: self.notes.clone(),
                lines,
                discount_percent: self.discount_percent.unwrap_or_default(),
                price_entry: PriceEntry::Net,
                logo: None,
            }),
            _ => Err(problems),
        }
    }
}

fn convert_party(role: &str, p: &ImportedParty, problems: &mut Vec<String>) -> Option<Party> {
    let before = problems.len();
    let (Some(city), Some(country)) = (&p.city, &p.country) else {
        problems.push(format!("{role}: city and country are required"));
        return None;
    };
    if p.address_lines.is_empty() {
        problems.push(format!("{role}: a street address is required"));
    }
    (problems.len() == before).then(|| Party {
        name: p.name.clone(),
        address_lines: p.address_lines.clone(),
        postcode: p.postcode.clone().unwrap_or_default(),
        city: city.clone(),
        country: country.clone(),
        vat_id: p.vat_id.clone(),
        registration_id: p.registration_id.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        contact_name: p.contact_name.clone(),
        endpoint: p.endpoint.clone(),
    })
}
