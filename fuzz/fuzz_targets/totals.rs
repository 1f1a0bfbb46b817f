//! The one calculation of a document's amounts (`fastfaktura_domain::compute`) on any
//! lines: quantities, prices, discounts and VAT rates from tiny to Decimal's limits.
//!
//! Imported e-invoices reach it with values no form would let through, so it must
//! refuse what it cannot compute instead of overflowing, and whatever it returns must
//! satisfy the EN 16931 identities between the amounts.
#![no_main]

use arbitrary::Arbitrary;
use fastfaktura_domain::{Currency, Decimal, DocumentInput, DocumentKind, LineInput, PriceEntry, VatCategory, compute};
use fuzz_oracles::assert_totals_consistent;
use libfuzzer_sys::fuzz_target;

/// A decimal as invoices hold them (at most four decimals), or anywhere in Decimal's
/// range (what a hostile e-invoice can say).
#[derive(Debug, Arbitrary)]
enum Number {
    Typical { mantissa: i32, scale: u8 },
    Any { mantissa: i128, scale: u8 },
}

impl Number {
    fn value(&self) -> Decimal {
        match *self {
            Number::Typical { mantissa, scale } => Decimal::new(i64::from(mantissa), u32::from(scale % 5)),
            Number::Any { mantissa, scale } => {
                Decimal::try_from_i128_with_scale(mantissa % (1i128 << 96), u32::from(scale % 29)).unwrap_or_default()
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Line {
    quantity: Number,
    unit_price: Number,
    /// None: no discount.
    discount_percent: Option<Number>,
    category: u8,
    /// None: the category's usual rate (24 % standard, else 0), so most lines pass the VAT checks.
    vat_rate: Option<Number>,
    exemption_reason: Option<String>,
}

#[derive(Debug, Arbitrary)]
struct Document {
    credit_note: bool,
    gross: bool,
    currency: u8,
    discount_percent: Option<Number>,
    lines: Vec<Line>,
}

fuzz_target!(|doc: Document| {
    let currencies: Vec<Currency> = Currency::all().map(|(c, _)| c).collect();
    let input = DocumentInput {
        kind: if doc.credit_note { DocumentKind::CreditNote } else { DocumentKind::Invoice },
        currency: currencies[usize::from(doc.currency) % currencies.len()],
        price_entry: if doc.gross { PriceEntry::Gross } else { PriceEntry::Net },
        discount_percent: doc.discount_percent.as_ref().map_or(Decimal::ZERO, Number::value),
        lines: doc
            .lines
            .iter()
            .take(64)
            .map(|l| {
                let vat_category = VatCategory::ALL[usize::from(l.category) % VatCategory::ALL.len()];
                let usual_rate = if vat_category == VatCategory::Standard { Decimal::from(24) } else { Decimal::ZERO };
                LineInput {
                    quantity: l.quantity.value(),
                    unit_price: l.unit_price.value(),
                    discount_percent: l.discount_percent.as_ref().map_or(Decimal::ZERO, Number::value),
                    vat_category,
                    vat_rate: l.vat_rate.as_ref().map_or(usual_rate, Number::value),
                    exemption_reason: l.exemption_reason.clone(),
                }
            })
            .collect(),
    };
    match compute(&input) {
        Ok(totals) => assert_totals_consistent(&input, &totals),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
