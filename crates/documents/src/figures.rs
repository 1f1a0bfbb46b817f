//! How each line is expressed in an EN 16931 e-invoice, from the computed totals.
//!
//! The calculation engine gives each line's net amount (BT-131). An e-invoice also states
//! the net unit price (BT-146) and the line's allowance (BT-136) so that
//! `quantity × price − allowance = net amount` holds (PEPPOL-EN16931-R120). With net
//! price entry those are the entered price and the rounding difference of the discount;
//! with gross (VAT-inclusive) entry the net price is derived from the engine's net amount,
//! never recomputed from the gross price on its own.

use fastfaktura_domain::{Decimal, PriceEntry, VatCategory, money::round_to_currency};

use crate::model::InvoiceDocument;

/// Decimals of a derived net unit price (gross price entry).
const DERIVED_PRICE_DECIMALS: u32 = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFigures {
    /// BT-131, from the engine.
    pub net: Decimal,
    /// BT-146: net unit price.
    pub price: Decimal,
    /// BT-137: quantity × price, rounded; only meaningful with an allowance.
    pub base: Decimal,
    /// BT-136: the line discount; zero when there is none.
    pub allowance: Decimal,
}

pub fn line_figures(doc: &InvoiceDocument, index: usize) -> LineFigures {
    let line = &doc.lines[index];
    let currency = doc.currency;
    let net = doc.totals().line_nets[index];
    let hundred = Decimal::ONE_HUNDRED;
    match doc.price_entry {
        PriceEntry::Net => {
            let exact = line.quantity * line.unit_price;
            let base = if line.discount_percent.is_zero() { net } else { round_to_currency(exact, currency) };
            // The entered price, unless rounding to the currency's minor unit moved the
            // amount further than PEPPOL-EN16931-R120 tolerates (ISK: 12.5 × 4991 is
            // 62387.5, billed 62388); then the effective price base / quantity.
            let price = if (exact - base).abs() <= Decimal::new(1, 2) || line.quantity.is_zero() {
                line.unit_price
            } else {
                (base / line.quantity).round_dp(DERIVED_PRICE_DECIMALS).normalize()
            };
            LineFigures { net, price, base, allowance: base - net }
        }
        PriceEntry::Gross => {
            let remaining = hundred - line.discount_percent;
            if line.quantity.is_zero() || remaining.is_zero() {
                let price =
                    (line.unit_price / (Decimal::ONE + line.vat_rate / hundred)).round_dp(DERIVED_PRICE_DECIMALS);
                let base = round_to_currency(line.quantity * price, currency);
                return LineFigures { net, price: price.normalize(), base, allowance: base - net };
            }
            // The allowance in proportion to the engine's net amount, the price from both,
            // so quantity × price − allowance = net up to the price's sixth decimal.
            let allowance = round_to_currency(net * line.discount_percent / remaining, currency);
            let base = net + allowance;
            let price = (base / line.quantity).round_dp(DERIVED_PRICE_DECIMALS).normalize();
            LineFigures { net, price, base, allowance }
        }
    }
}

/// Whether an allowance can state its percentage and base: `base × percent / 100` must
/// give the amount within 0.01 (PEPPOL-EN16931-R040 checks it; ISK amounts, rounded to
/// whole krónur, often cannot). Otherwise only the amount is written.
pub fn percent_holds(base: Decimal, percent: Decimal, amount: Decimal) -> bool {
    (base * percent / Decimal::ONE_HUNDRED - amount).abs() <= Decimal::new(1, 2)
}

/// BT-121, the VATEX code for categories whose reason is fixed.
pub fn exemption_code(category: VatCategory) -> Option<&'static str> {
    match category {
        VatCategory::ReverseCharge => Some("VATEX-EU-AE"),
        VatCategory::IntraCommunity => Some("VATEX-EU-IC"),
        VatCategory::Export => Some("VATEX-EU-G"),
        VatCategory::OutsideScope => Some("VATEX-EU-O"),
        VatCategory::Standard | VatCategory::Zero | VatCategory::Exempt => None,
    }
}

/// Whether the category carries a rate in the e-invoice (O has none: BR-O-05, BR-O-09).
pub fn has_rate(category: VatCategory) -> bool {
    category != VatCategory::OutsideScope
}

/// UNCL4461 payment means: 58 SEPA credit transfer (EUR), 30 credit transfer otherwise.
pub fn payment_means_code(doc: &InvoiceDocument) -> &'static str {
    if doc.currency.code() == "EUR" { "58" } else { "30" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use rust_decimal_macros::dec;

    #[test]
    fn net_lines_keep_the_entered_price() {
        let doc = fixtures::sample();
        let f = line_figures(&doc, 0);
        assert_eq!(f.price, dec!(18500));
        assert_eq!(f.net, dec!(231250));
        assert_eq!(f.allowance, Decimal::ZERO);
    }

    #[test]
    fn figures_always_add_up() {
        for (name, data) in fixtures::matrix() {
            let doc = InvoiceDocument::new(data).unwrap();
            for i in 0..doc.lines.len() {
                let f = line_figures(&doc, i);
                let line = &doc.lines[i];
                // PEPPOL-EN16931-R120 tolerates 0.02.
                let slack = (line.quantity * f.price - f.allowance - f.net).abs();
                assert!(slack <= dec!(0.02), "{name} line {i}: {f:?}");
                if doc.price_entry == PriceEntry::Gross {
                    assert!(slack <= dec!(0.001), "derived prices match closely: {name} line {i}: {f:?}");
                }
                assert!(f.allowance >= Decimal::ZERO && f.price >= Decimal::ZERO, "{name} line {i}: {f:?}");
            }
        }
    }
}
