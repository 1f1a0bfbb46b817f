use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;

fn line(quantity: Decimal, unit_price: Decimal, category: VatCategory, rate: Decimal) -> LineInput {
    LineInput {
        quantity,
        unit_price,
        discount_percent: Decimal::ZERO,
        vat_category: category,
        vat_rate: rate,
        exemption_reason: None,
    }
}

fn doc(price_entry: PriceEntry, currency: Currency, lines: Vec<LineInput>) -> DocumentInput {
    DocumentInput { kind: DocumentKind::Invoice, currency, price_entry, lines, discount_percent: Decimal::ZERO }
}

#[test]
fn a_simple_net_invoice() {
    let t =
        compute(&doc(PriceEntry::Net, Currency::EUR, vec![line(dec!(2), dec!(100), VatCategory::Standard, dec!(24))]))
            .unwrap();
    assert_eq!(t.line_nets, vec![dec!(200.00)]);
    assert_eq!(
        (t.tax_exclusive, t.vat_total, t.tax_inclusive, t.payable),
        (dec!(200.00), dec!(48.00), dec!(248.00), dec!(248.00))
    );
    assert_eq!(t.payable.to_string(), "248.00");
    assert_eq!(t.rounding, dec!(0));
}

#[test]
fn vat_is_computed_per_category_not_per_line() {
    // Per line: 0.2625 → 0.26, three times 0.78. Per category: 3.15 × 25 % = 0.7875 → 0.79.
    let lines = vec![line(dec!(1), dec!(1.05), VatCategory::Standard, dec!(25)); 3];
    let t = compute(&doc(PriceEntry::Net, Currency::EUR, lines)).unwrap();
    assert_eq!(t.vat_total, dec!(0.79));
    assert_eq!(t.breakdown.len(), 1);
}

#[test]
fn line_nets_are_rounded_half_away_from_zero() {
    let t = compute(&doc(
        PriceEntry::Net,
        Currency::EUR,
        vec![line(dec!(1.5), dec!(0.0333), VatCategory::Standard, dec!(24))],
    ))
    .unwrap();
    // 0.04995 → 0.05
    assert_eq!(t.line_nets, vec![dec!(0.05)]);
}

#[test]
fn a_fixed_gross_price_of_500_incl_vat_is_exactly_500() {
    let t = compute(&doc(
        PriceEntry::Gross,
        Currency::EUR,
        vec![line(dec!(1), dec!(500), VatCategory::Standard, dec!(24))],
    ))
    .unwrap();
    assert_eq!(t.tax_exclusive, dec!(403.23));
    assert_eq!(t.vat_total, dec!(96.78)); // 403.23 × 24 % = 96.7752
    assert_eq!(t.tax_inclusive, dec!(500.01));
    assert_eq!(t.rounding, dec!(-0.01));
    assert_eq!(t.payable, dec!(500.00));
}

#[test]
fn icelandic_kronur_have_no_decimals_anywhere() {
    let t = compute(&doc(
        PriceEntry::Net,
        Currency::ISK,
        vec![
            line(dec!(3), dec!(333.33), VatCategory::Standard, dec!(24)),
            line(dec!(1), dec!(1250), VatCategory::Standard, dec!(11)),
        ],
    ))
    .unwrap();
    for amount in [t.line_total, t.vat_total, t.payable].into_iter().chain(t.line_nets.iter().copied()) {
        assert_eq!(amount.scale(), 0, "{amount}");
    }
    assert_eq!(t.line_nets, vec![dec!(1000), dec!(1250)]);
    assert_eq!(t.vat_total, dec!(240) + dec!(138)); // 137.5 → 138
}

#[test]
fn a_document_discount_is_split_per_category() {
    let mut d = doc(
        PriceEntry::Net,
        Currency::EUR,
        vec![
            line(dec!(1), dec!(100), VatCategory::Standard, dec!(24)),
            line(dec!(1), dec!(50), VatCategory::Standard, dec!(11)),
        ],
    );
    d.discount_percent = dec!(10);
    let t = compute(&d).unwrap();
    assert_eq!(t.line_total, dec!(150.00));
    assert_eq!(t.allowance_total, dec!(15.00));
    assert_eq!(t.tax_exclusive, dec!(135.00));
    let by_rate: Vec<_> = t.breakdown.iter().map(|b| (b.rate, b.taxable, b.vat)).collect();
    assert!(by_rate.contains(&(dec!(24), dec!(90.00), dec!(21.60))));
    assert!(by_rate.contains(&(dec!(11), dec!(45.00), dec!(4.95))));
    assert_eq!(t.payable, dec!(161.55));
}

#[test]
fn reverse_charge_gets_its_reason_and_exempt_needs_one() {
    let t = compute(&doc(
        PriceEntry::Net,
        Currency::EUR,
        vec![line(dec!(1), dec!(100), VatCategory::ReverseCharge, dec!(0))],
    ))
    .unwrap();
    assert_eq!(t.breakdown[0].exemption_reason.as_deref(), Some("Reverse charge"));
    assert_eq!(t.vat_total, dec!(0.00));
    let err =
        compute(&doc(PriceEntry::Net, Currency::EUR, vec![line(dec!(1), dec!(100), VatCategory::Exempt, dec!(0))]))
            .unwrap_err();
    assert!(err.to_string().contains("Line 1: VAT exempt (E) lines must state the reason"), "{err}");
    let mut exempt = line(dec!(1), dec!(100), VatCategory::Exempt, dec!(0));
    exempt.exemption_reason = Some("Medical services, VAT Act art. 2".into());
    assert!(compute(&doc(PriceEntry::Net, Currency::EUR, vec![exempt])).is_ok());
}

#[test]
fn bad_lines_are_refused_with_line_and_field() {
    let cases = [
        (
            line(dec!(-1), dec!(10), VatCategory::Standard, dec!(24)),
            "Line 1: quantity must not be negative on an invoice",
        ),
        (
            line(dec!(1.00001), dec!(10), VatCategory::Standard, dec!(24)),
            "Line 1: quantity can have at most 4 decimal places",
        ),
        (
            line(dec!(1), dec!(10.00001), VatCategory::Standard, dec!(24)),
            "Line 1: unit price can have at most 4 decimal places",
        ),
        (line(dec!(1), dec!(-10), VatCategory::Standard, dec!(24)), "Line 1: unit price must not be negative"),
        (line(dec!(1), dec!(10), VatCategory::Standard, dec!(0)), "Line 1: VAT the standard category (S) needs a rate"),
    ];
    for (bad, message) in cases {
        let err = compute(&doc(PriceEntry::Net, Currency::EUR, vec![bad])).unwrap_err();
        assert!(err.to_string().starts_with(message), "{err}");
    }
}

#[test]
fn absurd_amounts_are_refused_before_they_overflow_storage() {
    let huge = line(dec!(1000000000000), dec!(1000000000000), VatCategory::Standard, dec!(24));
    let err = compute(&doc(PriceEntry::Net, Currency::EUR, vec![huge])).unwrap_err();
    assert!(err.to_string().starts_with("Line 1: amount is too large"), "{err}");
    let big = line(dec!(1), dec!(300000000000), VatCategory::Standard, dec!(24));
    assert_eq!(compute(&doc(PriceEntry::Net, Currency::EUR, vec![big.clone(), big])), Err(CalcError::TooLarge));
}

#[test]
fn quantities_and_prices_beyond_a_trillion_are_refused_not_overflowed() {
    // Found by the `totals` fuzz target: a received e-invoice's quantity × price
    // overflowed Decimal and panicked (fuzz/seeds/totals/overflowing-line).
    let overflowing = line(dec!(53053597), dec!(247835806731624604166521680), VatCategory::Standard, dec!(24));
    let mut d = doc(PriceEntry::Gross, Currency::EUR, vec![overflowing]);
    d.kind = DocumentKind::CreditNote;
    let err = compute(&d).unwrap_err();
    assert!(err.to_string().starts_with("Line 1: unit price is too large"), "{err}");
    let many = line(dec!(1000000000000.0001), dec!(1), VatCategory::Standard, dec!(24));
    let err = compute(&doc(PriceEntry::Net, Currency::EUR, vec![many])).unwrap_err();
    assert!(err.to_string().starts_with("Line 1: quantity is too large"), "{err}");
    // The largest a form accepts still computes to the "amount is too large" answer.
    let edge = line(dec!(1000000000000), dec!(1000000000000), VatCategory::Standard, dec!(24));
    assert!(compute(&doc(PriceEntry::Net, Currency::EUR, vec![edge])).unwrap_err().to_string().contains("amount"));
}

#[test]
fn credit_notes_may_have_negative_quantities() {
    let mut d = doc(PriceEntry::Net, Currency::EUR, vec![line(dec!(-2), dec!(10), VatCategory::Standard, dec!(24))]);
    d.kind = DocumentKind::CreditNote;
    let t = compute(&d).unwrap();
    assert_eq!(t.payable, dec!(-24.80));
}

fn arb_line(max_rate_index: usize) -> impl Strategy<Value = LineInput> {
    let rates = [dec!(24), dec!(11), dec!(25.5), dec!(0)];
    (0i64..100_000, 0i64..10_000_000, 0i64..=10_000, 0..=max_rate_index).prop_map(move |(q, p, disc, r)| {
        let rate = rates[r];
        let category = if rate.is_zero() { VatCategory::ReverseCharge } else { VatCategory::Standard };
        LineInput {
            quantity: Decimal::new(q, 2),
            unit_price: Decimal::new(p, 4),
            discount_percent: Decimal::new(disc, 2),
            vat_category: category,
            vat_rate: rate,
            exemption_reason: None,
        }
    })
}

fn arb_doc() -> impl Strategy<Value = DocumentInput> {
    (prop::collection::vec(arb_line(3), 0..12), 0i64..=5_000, prop::bool::ANY, prop::bool::ANY).prop_map(
        |(lines, disc, gross, isk)| DocumentInput {
            kind: DocumentKind::Invoice,
            currency: if isk { Currency::ISK } else { Currency::EUR },
            price_entry: if gross { PriceEntry::Gross } else { PriceEntry::Net },
            lines,
            discount_percent: Decimal::new(disc, 2),
        },
    )
}

proptest! {
    #[test]
    fn totals_equal_the_sum_of_their_parts(d in arb_doc()) {
        let t = compute(&d).unwrap();
        prop_assert_eq!(t.line_total, t.line_nets.iter().copied().sum::<Decimal>());
        prop_assert_eq!(t.line_total, t.breakdown.iter().map(|b| b.line_total).sum::<Decimal>());
        prop_assert_eq!(t.allowance_total, t.breakdown.iter().map(|b| b.allowance).sum::<Decimal>());
        prop_assert_eq!(t.tax_exclusive, t.breakdown.iter().map(|b| b.taxable).sum::<Decimal>());
        prop_assert_eq!(t.tax_exclusive, t.line_total - t.allowance_total);
        prop_assert_eq!(t.vat_total, t.breakdown.iter().map(|b| b.vat).sum::<Decimal>());
        prop_assert_eq!(t.tax_inclusive, t.tax_exclusive + t.vat_total);
        prop_assert_eq!(t.payable, t.tax_inclusive + t.rounding);
        for b in &t.breakdown {
            prop_assert_eq!(b.taxable, b.line_total - b.allowance);
            prop_assert_eq!(b.vat, round_to_currency(b.taxable * b.rate / Decimal::ONE_HUNDRED, d.currency));
            let members: Decimal = d.lines.iter().zip(&t.line_nets)
                .filter(|(l, _)| l.vat_category == b.category && l.vat_rate.normalize() == b.rate)
                .map(|(_, n)| *n).sum();
            prop_assert_eq!(members, b.line_total);
        }
        if d.price_entry == PriceEntry::Net {
            prop_assert!(t.rounding.is_zero());
        }
        let unit = Decimal::new(1, d.currency.minor_units());
        for amount in [t.line_total, t.allowance_total, t.vat_total, t.payable, t.rounding] {
            prop_assert_eq!(amount.scale(), d.currency.minor_units());
            prop_assert!((amount / unit).fract().is_zero());
        }
    }

    #[test]
    fn gross_entry_reproduces_the_entered_gross_total_exactly(d in arb_doc()) {
        let d = DocumentInput { price_entry: PriceEntry::Gross, ..d };
        let t = compute(&d).unwrap();
        let mut per_category: BTreeMap<(VatCategory, Decimal), Decimal> = BTreeMap::new();
        for l in &d.lines {
            let gross = round_to_currency(l.quantity * l.unit_price - l.quantity * l.unit_price * l.discount_percent / Decimal::ONE_HUNDRED, d.currency);
            *per_category.entry((l.vat_category, l.vat_rate.normalize())).or_default() += gross;
        }
        let expected: Decimal = per_category
            .values()
            .map(|g| *g - round_to_currency(*g * d.discount_percent / Decimal::ONE_HUNDRED, d.currency))
            .sum();
        prop_assert_eq!(t.payable, round_to_currency(expected, d.currency));
        // The rounding amount stays tiny: at most a couple of units per category.
        let unit = Decimal::new(1, d.currency.minor_units());
        prop_assert!(t.rounding.abs() <= unit * Decimal::from(2 * t.breakdown.len().max(1)));
    }
}
