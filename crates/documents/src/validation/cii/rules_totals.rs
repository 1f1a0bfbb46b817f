//! The CEN rules on the VAT total (BT-110, BT-111) whose CII XPath differs from the UBL one,
//! checked on the CII (see `rules.rs`): BR-CO-14 (CII sums every VAT breakdown, UBL the
//! breakdowns inside each cac:TaxTotal), BR-CO-15 (CII also accepts a grand total equal to
//! the total without VAT when no VAT total is given), BR-DEC-13/15 (CII compares the
//! numbers, UBL counts the digits), BR-53 (CII also refuses a VAT accounting currency equal
//! to the invoice currency). Numbers follow XPath: `.` against a double is a double,
//! `xs:decimal()` a decimal.

use rust_decimal::Decimal;

use super::tree::{N, all, is, location, text};
use crate::validation::{Finding, Flag};

const HEADER: &str = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement";
const SUM: &str = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation";

fn fail(findings: &mut Vec<Finding>, rule: &'static str, node: N<'_>, message: &str) {
    findings.push(Finding { rule, flag: Flag::Fatal, message: message.to_owned(), location: location(node) });
}

/// The xs:double cast of a string value (NaN where XPath would stop with an error).
fn double(s: &str) -> f64 {
    s.trim_matches([' ', '\t', '\r', '\n']).parse().unwrap_or(f64::NAN)
}

/// XPath round() on a double.
fn round_d(x: f64) -> f64 {
    (x + 0.5).floor()
}

/// `. = round(. * 100) div 100`: at most two decimals, as a number.
fn two_decimals(n: N<'_>) -> bool {
    let v = double(&text(n));
    v == round_d(v * 100.0) / 100.0
}

/// The xs:decimal cast (None for empty or not a number).
fn decimal(n: Option<N<'_>>) -> Option<Decimal> {
    let t = text(n?);
    let t = t.trim_matches([' ', '\t', '\r', '\n']);
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || t.contains(['e', 'E']) {
        return None;
    }
    t.parse().ok()
}

pub(super) fn check(root: N<'_>, findings: &mut Vec<Finding>) {
    let invoice_currencies: Vec<String> =
        all(root, &format!("{HEADER}/ram:InvoiceCurrencyCode")).into_iter().map(text).collect();
    let tax_currencies: Vec<String> =
        all(root, &format!("{HEADER}/ram:TaxCurrencyCode")).into_iter().map(text).collect();
    let in_currency =
        |n: N<'_>, currencies: &[String]| n.attribute("currencyID").is_some_and(|c| currencies.iter().any(|x| x == c));

    // BR-CO-14, on every VAT total in the invoice currency.
    let breakdown: f64 = all(root, &format!("{HEADER}/ram:ApplicableTradeTax/ram:CalculatedAmount"))
        .into_iter()
        .map(|n| double(&text(n)))
        .sum();
    let expected = round_d(breakdown * 10.0 * 10.0) / 100.0;
    for vat in root.descendants().filter(|d| {
        is(*d, "ram:TaxTotalAmount")
            && d.parent_element().is_some_and(|p| is(p, "ram:SpecifiedTradeSettlementHeaderMonetarySummation"))
    }) {
        if in_currency(vat, &invoice_currencies) && double(&text(vat)) != expected {
            fail(
                findings,
                "BR-CO-14",
                vat,
                "Invoice total VAT amount (BT-110) = sum of VAT category tax amounts (BT-117).",
            );
        }
    }

    // BR-CO-15, once for the document.
    let vat_totals = all(root, &format!("{SUM}/ram:TaxTotalAmount"));
    let grand = decimal(all(root, &format!("{SUM}/ram:GrandTotalAmount")).first().copied());
    let basis = decimal(all(root, &format!("{SUM}/ram:TaxBasisTotalAmount")).first().copied());
    let holds = invoice_currencies.iter().all(|currency| {
        let in_it: Vec<N<'_>> =
            vat_totals.iter().copied().filter(|v| v.attribute("currencyID") == Some(currency.as_str())).collect();
        let with_vat = match (grand, basis, decimal(in_it.first().copied())) {
            (Some(g), Some(b), Some(v)) => {
                in_it.len() == 1
                    && g == ((b + v) * Decimal::ONE_HUNDRED + Decimal::new(5, 1)).floor() / Decimal::ONE_HUNDRED
            }
            _ => false,
        };
        with_vat || matches!((grand, basis), (Some(g), Some(b)) if g == b)
    });
    if !holds {
        fail(
            findings,
            "BR-CO-15",
            root,
            "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).",
        );
    }

    for sum in root.descendants().filter(|d| is(*d, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")) {
        let totals = all(sum, "ram:TaxTotalAmount");
        let dec13 =
            totals.is_empty() || totals.iter().any(|t| !in_currency(*t, &invoice_currencies) || two_decimals(*t));
        if !dec13 {
            fail(
                findings,
                "BR-DEC-13",
                sum,
                "The allowed maximum number of decimals for the Invoice total VAT amount (BT-110) is 2.",
            );
        }
        let dec15 = totals.is_empty()
            || tax_currencies.is_empty()
            || totals.iter().any(|t| in_currency(*t, &tax_currencies) && two_decimals(*t));
        if !dec15 {
            fail(
                findings,
                "BR-DEC-15",
                sum,
                "The allowed maximum number of decimals for the Invoice total VAT amount in accounting currency (BT-111) is 2.",
            );
        }
        let br53 = tax_currencies.is_empty()
            || (totals.iter().any(|t| in_currency(*t, &tax_currencies))
                && !tax_currencies.iter().any(|t| invoice_currencies.contains(t)));
        if !br53 {
            fail(
                findings,
                "BR-53",
                sum,
                "If the VAT accounting currency code (BT-6) is present, then the Invoice total VAT amount in accounting currency (BT-111) shall be provided.",
            );
        }
    }
}
