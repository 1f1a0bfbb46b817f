//! Oracles shared by the fuzz targets: properties every result must have, written
//! independently of the code under test so a target fails on a wrong answer, not only
//! on a panic.
#![forbid(unsafe_code)]

use fastfaktura_domain::{Decimal, DocumentInput, PriceEntry, Totals};

/// The EN 16931 identities between a document's amounts (BR-CO-10 to BR-CO-16 and
/// BR-S-08's per-category split), and that every amount is rounded to the currency.
pub fn assert_totals_consistent(input: &DocumentInput, totals: &Totals) {
    let minor = input.currency.minor_units();
    let sum = |values: &mut dyn Iterator<Item = Decimal>| values.fold(Decimal::ZERO, |a, b| a + b);
    assert_eq!(totals.line_nets.len(), input.lines.len(), "one net amount per line");
    for amount in totals.line_nets.iter().chain([
        &totals.line_total,
        &totals.allowance_total,
        &totals.tax_exclusive,
        &totals.vat_total,
        &totals.tax_inclusive,
        &totals.rounding,
        &totals.payable,
    ]) {
        assert_eq!(amount.round_dp(minor), *amount, "{amount} is not rounded to {minor} decimals");
    }
    assert_eq!(sum(&mut totals.line_nets.iter().copied()), totals.line_total, "BR-CO-10: sum of line nets");
    assert_eq!(totals.tax_exclusive, totals.line_total - totals.allowance_total, "BR-CO-13");
    assert_eq!(totals.tax_inclusive, totals.tax_exclusive + totals.vat_total, "BR-CO-15");
    assert_eq!(totals.payable, totals.tax_inclusive + totals.rounding, "BR-CO-16 (no prepaid amount)");
    assert_eq!(sum(&mut totals.breakdown.iter().map(|b| b.vat)), totals.vat_total, "BR-CO-14");
    assert_eq!(sum(&mut totals.breakdown.iter().map(|b| b.taxable)), totals.tax_exclusive, "sum of BT-116");
    assert_eq!(sum(&mut totals.breakdown.iter().map(|b| b.allowance)), totals.allowance_total, "BR-CO-11");
    for b in &totals.breakdown {
        assert_eq!(b.allowance, b.line_total - b.taxable, "allowance of {}/{}", b.category.code(), b.rate);
        assert!(input.lines.iter().any(|l| l.vat_category == b.category && l.vat_rate.normalize() == b.rate));
    }
    if input.price_entry == PriceEntry::Net {
        assert!(totals.rounding.is_zero(), "net prices leave no rounding amount");
    }
}
