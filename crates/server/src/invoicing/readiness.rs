//! What a legal invoice needs from the seller's profile and the buyer before it can be
//! issued: the gaps are listed in one sentence so the user can fill them all at once,
//! instead of FastFaktura producing a document an e-invoice validator would reject.
//!
//! The rules follow EN 16931: the seller's address and country always (BR-8, BR-9);
//! the seller's VAT identifier when a VAT category applies (BR-S-02, BR-AE-02,
//! BR-IC-02, BR-Z-02, BR-E-02, BR-G-02; not for "outside scope"); the buyer's VAT
//! identifier for reverse charge and intra-community supply (BR-AE-04, BR-IC-04); the
//! buyer's country (BR-11); and, because our payment terms are a bank transfer, the
//! seller's IBAN.

use fastfaktura_domain::{Totals, VatCategory};

use crate::db::{businesses::BusinessProfile, customers::Customer};

/// The missing pieces, each named as the user sees it in settings or the customer form.
pub fn missing_for_issue(seller: &BusinessProfile, buyer: &Customer, totals: &Totals) -> Vec<&'static str> {
    let blank = |s: &str| s.trim().is_empty();
    let categories: Vec<VatCategory> = totals.breakdown.iter().map(|b| b.category).collect();
    let seller_vat_needed = categories.iter().any(|c| *c != VatCategory::OutsideScope);
    let buyer_vat_needed =
        categories.iter().any(|c| matches!(c, VatCategory::ReverseCharge | VatCategory::IntraCommunity));
    [
        (blank(&seller.address_line), "your business address"),
        (blank(&seller.city), "your city"),
        (blank(&seller.country), "your country"),
        (seller_vat_needed && blank(&seller.vat_number), "your VAT number"),
        (blank(&seller.iban), "your IBAN (for payment by bank transfer)"),
        (
            buyer_vat_needed && blank(&buyer.vat_number),
            "the customer's VAT number (reverse charge and intra-EU supplies need it)",
        ),
        (blank(&buyer.country), "the customer's country"),
    ]
    .into_iter()
    .filter_map(|(is_missing, what)| is_missing.then_some(what))
    .collect()
}

/// The sentence shown when something is missing.
pub fn explain(missing: &[&str]) -> String {
    format!(
        "Before this can be issued as a legal invoice, please fill in {}. Your details are under Settings, \
         the customer's on the customer's page.",
        join_words(missing)
    )
}

fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use fastfaktura_domain::{Currency, Decimal, DocumentInput, DocumentKind, LineInput, PriceEntry, compute};

    use super::*;

    fn totals(category: VatCategory, rate: i64) -> Totals {
        compute(&DocumentInput {
            kind: DocumentKind::Invoice,
            currency: Currency::EUR,
            price_entry: PriceEntry::Net,
            lines: vec![LineInput {
                quantity: Decimal::ONE,
                unit_price: Decimal::from(100),
                discount_percent: Decimal::ZERO,
                vat_category: category,
                vat_rate: Decimal::from(rate),
                exemption_reason: None,
            }],
            discount_percent: Decimal::ZERO,
        })
        .unwrap()
    }

    fn complete_seller() -> BusinessProfile {
        BusinessProfile {
            name: "Fjörður ehf.".into(),
            address_line: "Laugavegur 1".into(),
            city: "Reykjavík".into(),
            country: "IS".into(),
            vat_number: "12345".into(),
            iban: "IS140159260076545510730339".into(),
            ..BusinessProfile::default()
        }
    }

    fn buyer(vat: &str) -> Customer {
        Customer {
            id: uuid::Uuid::nil(),
            kind: "business".into(),
            name: "Buyer GmbH".into(),
            email: String::new(),
            phone: String::new(),
            vat_number: vat.into(),
            address_line: String::new(),
            postal_code: String::new(),
            city: String::new(),
            country: "DE".into(),
            language: "en".into(),
            currency: "EUR".into(),
            archived: false,
        }
    }

    #[test]
    fn a_complete_profile_has_no_gaps() {
        assert!(missing_for_issue(&complete_seller(), &buyer(""), &totals(VatCategory::Standard, 24)).is_empty());
    }

    #[test]
    fn every_gap_is_listed_at_once() {
        let missing = missing_for_issue(&BusinessProfile::default(), &buyer(""), &totals(VatCategory::Standard, 24));
        assert_eq!(
            missing,
            [
                "your business address",
                "your city",
                "your country",
                "your VAT number",
                "your IBAN (for payment by bank transfer)"
            ]
        );
        assert!(explain(&missing).contains("your country, your VAT number and your IBAN"));
    }

    #[test]
    fn reverse_charge_needs_the_buyers_vat_number_and_outside_scope_needs_no_seller_vat() {
        let reverse = totals(VatCategory::ReverseCharge, 0);
        assert_eq!(
            missing_for_issue(&complete_seller(), &buyer(""), &reverse),
            ["the customer's VAT number (reverse charge and intra-EU supplies need it)"]
        );
        assert!(missing_for_issue(&complete_seller(), &buyer("DE123456789"), &reverse).is_empty());
        let seller = BusinessProfile { vat_number: String::new(), ..complete_seller() };
        assert!(missing_for_issue(&seller, &buyer(""), &totals(VatCategory::OutsideScope, 0)).is_empty());
    }
}
