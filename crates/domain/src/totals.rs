//! The one calculation of an invoice's amounts, the EN 16931 way.
//!
//! Screen, API, PDF, e-invoice and payment all use [`compute`], so they can never
//! disagree by a cent. Rules:
//! - each line's net amount (BT-131) is rounded to the currency's minor unit;
//! - VAT is computed per VAT category and rate on the sum of that category's taxable
//!   amounts (BT-116 × rate, rounded half away from zero: BR-CO-17), never per line;
//! - a document discount is split into one allowance per category (BT-92 with its
//!   category), so every category's taxable amount stays exact (BR-S-08 and siblings);
//! - with gross (VAT-inclusive) prices, the amount payable is exactly the gross total
//!   the user entered, and the difference the EN rounding leaves is shown as the
//!   rounding amount (BT-114): the "500.00 incl. VAT" case.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::{
    currency::Currency,
    money::round_to_currency,
    vat::{VatCategory, VatError},
};

/// Whether unit prices exclude (net) or include (gross) VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceEntry {
    Net,
    Gross,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

/// Most decimals a quantity may have (e.g. 1.2525 hours).
pub const QUANTITY_DECIMALS: u32 = 4;
/// Most decimals a unit price may have (e.g. 0.0125 per kWh).
pub const UNIT_PRICE_DECIMALS: u32 = 4;
/// No single line or document may reach a trillion (10^12) in its currency: far
/// beyond any invoice, and well inside what is stored exactly (numeric(18, 4)).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct LineInput {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// Percent off this line, 0–100.
    pub discount_percent: Decimal,
    pub vat_category: VatCategory,
    /// Percent, e.g. 24.
    pub vat_rate: Decimal,
    pub exemption_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub currency: Currency,
    pub price_entry: PriceEntry,
    pub lines: Vec<LineInput>,
    /// Percent off the whole document, 0–100.
    pub discount_percent: Decimal,
}

/// One VAT category and rate of the document (EN 16931 BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatBreakdown {
    pub category: VatCategory,
    pub rate: Decimal,
    /// Sum of this category's line net amounts.
    pub line_total: Decimal,
    /// This category's share of the document discount (BT-92).
    pub allowance: Decimal,
    /// BT-116.
    pub taxable: Decimal,
    /// BT-117.
    pub vat: Decimal,
    /// BT-120, for categories that need one.
    pub exemption_reason: Option<String>,
}

/// Every amount of the document, rounded to the currency's minor unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub currency: Currency,
    /// BT-131 per line, in input order.
    pub line_nets: Vec<Decimal>,
    pub breakdown: Vec<VatBreakdown>,
    /// BT-106: sum of line net amounts.
    pub line_total: Decimal,
    /// BT-107: sum of document allowances.
    pub allowance_total: Decimal,
    /// BT-109.
    pub tax_exclusive: Decimal,
    /// BT-110.
    pub vat_total: Decimal,
    /// BT-112.
    pub tax_inclusive: Decimal,
    /// BT-114: non-zero only with gross entry.
    pub rounding: Decimal,
    /// BT-115 (before payments).
    pub payable: Decimal,
}

/// Why a document cannot be calculated. `Display` is the English sentence; the server
/// words each part in the reader's language and marks the cell it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// `line` counts from 1.
    #[error("Line {line}: {field} {problem}")]
    Line { line: usize, field: LineField, problem: LineProblem },
    #[error("document discount {0}")]
    DocumentDiscount(LineProblem),
    #[error("the document's total is too large (at most 999,999,999,999.99)")]
    TooLarge,
}

/// The part of a line a [`CalcError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineField {
    Quantity,
    UnitPrice,
    Discount,
    Vat,
    /// The line's amount (quantity × price).
    Amount,
}

impl std::fmt::Display for LineField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LineField::Quantity => "quantity",
            LineField::UnitPrice => "unit price",
            LineField::Discount => "discount",
            LineField::Vat => "VAT",
            LineField::Amount => "amount",
        })
    }
}

/// What is wrong with a line's part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineProblem {
    #[error("is too large (at most {0})")]
    TooLarge(&'static str),
    #[error("can have at most {0} decimal places")]
    TooManyDecimals(u32),
    #[error("must not be negative on an invoice (use a credit note)")]
    NegativeOnInvoice,
    #[error("must not be negative")]
    Negative,
    #[error("must be a percentage from 0 to 100 with at most two decimals")]
    Percent,
    #[error("{0}")]
    Vat(VatError),
}

const MAX_FACTOR: &str = "1,000,000,000,000";
const MAX_LINE_AMOUNT: &str = "999,999,999,999.99";

fn line_error(line: usize, field: LineField, problem: LineProblem) -> CalcError {
    CalcError::Line { line: line + 1, field, problem }
}

fn check_line(index: usize, line: &LineInput, kind: DocumentKind) -> Result<(), CalcError> {
    // Forms and the API stop at 10^12, but a received e-invoice can say anything: beyond
    // it, quantity × price could overflow Decimal (a panic) instead of being refused.
    let max = Decimal::from(MAX_AMOUNT);
    if line.quantity.abs() > max {
        return Err(line_error(index, LineField::Quantity, LineProblem::TooLarge(MAX_FACTOR)));
    }
    if line.unit_price.abs() > max {
        return Err(line_error(index, LineField::UnitPrice, LineProblem::TooLarge(MAX_FACTOR)));
    }
    if line.quantity.normalize().scale() > QUANTITY_DECIMALS {
        return Err(line_error(index, LineField::Quantity, LineProblem::TooManyDecimals(QUANTITY_DECIMALS)));
    }
    if line.quantity.is_sign_negative() && !line.quantity.is_zero() && kind == DocumentKind::Invoice {
        return Err(line_error(index, LineField::Quantity, LineProblem::NegativeOnInvoice));
    }
    if line.unit_price.normalize().scale() > UNIT_PRICE_DECIMALS {
        return Err(line_error(index, LineField::UnitPrice, LineProblem::TooManyDecimals(UNIT_PRICE_DECIMALS)));
    }
    if line.unit_price.is_sign_negative() && !line.unit_price.is_zero() {
        return Err(line_error(index, LineField::UnitPrice, LineProblem::Negative));
    }
    check_percent(line.discount_percent).map_err(|p| line_error(index, LineField::Discount, p))?;
    line.vat_category.check_rate(line.vat_rate).map_err(|e| line_error(index, LineField::Vat, LineProblem::Vat(e)))?;
    Ok(())
}

fn check_percent(percent: Decimal) -> Result<(), LineProblem> {
    if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED || percent.normalize().scale() > 2 {
        return Err(LineProblem::Percent);
    }
    Ok(())
}

fn percent_of(amount: Decimal, percent: Decimal) -> Decimal {
    amount * percent / Decimal::ONE_HUNDRED
}

/// Splits a rounded total over parts so that the rounded parts add up to it exactly
/// (largest remainder): each part is its exact share rounded, then the few units the
/// rounding lost or gained go to the parts that were rounded the most.
fn distribute(exact: &[Decimal], target: Decimal, currency: Currency) -> Vec<Decimal> {
    let mut rounded: Vec<Decimal> = exact.iter().map(|e| round_to_currency(*e, currency)).collect();
    let unit = Decimal::new(1, currency.minor_units());
    let mut missing = target - rounded.iter().copied().sum::<Decimal>();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    if missing > Decimal::ZERO {
        order.sort_by(|a, b| (exact[*b] - rounded[*b]).cmp(&(exact[*a] - rounded[*a])));
    } else {
        order.sort_by(|a, b| (exact[*a] - rounded[*a]).cmp(&(exact[*b] - rounded[*b])));
    }
    for i in order.into_iter().cycle().take(exact.len() * 2) {
        if missing.is_zero() {
            break;
        }
        let step = if missing > Decimal::ZERO { unit } else { -unit };
        rounded[i] += step;
        missing -= step;
    }
    rounded
}

/// Computes every amount of the document. Errors name the line and field.
pub fn compute(doc: &DocumentInput) -> Result<Totals, CalcError> {
    for (i, line) in doc.lines.iter().enumerate() {
        check_line(i, line, doc.kind)?;
    }
    check_percent(doc.discount_percent).map_err(CalcError::DocumentDiscount)?;
    let currency = doc.currency;
    let round = |v: Decimal| round_to_currency(v, currency);

    // Each line's amount as entered (net or gross), after its own discount, rounded.
    let entered: Vec<Decimal> = doc
        .lines
        .iter()
        .map(|l| round(l.quantity * l.unit_price - percent_of(l.quantity * l.unit_price, l.discount_percent)))
        .collect();

    let max = Decimal::from(MAX_AMOUNT);
    if let Some(i) = entered.iter().position(|amount| amount.abs() >= max) {
        return Err(line_error(i, LineField::Amount, LineProblem::TooLarge(MAX_LINE_AMOUNT)));
    }
    if entered.iter().map(|a| a.abs()).sum::<Decimal>() * Decimal::TWO >= max {
        return Err(CalcError::TooLarge);
    }

    let mut groups: BTreeMap<(VatCategory, Decimal), Vec<usize>> = BTreeMap::new();
    for (i, line) in doc.lines.iter().enumerate() {
        groups.entry((line.vat_category, line.vat_rate.normalize())).or_default().push(i);
    }

    let mut line_nets = vec![Decimal::ZERO; doc.lines.len()];
    let mut breakdown = Vec::with_capacity(groups.len());
    let mut rounding = Decimal::ZERO;
    for ((category, rate), members) in &groups {
        let entered_sum: Decimal = members.iter().map(|i| entered[*i]).sum();
        let divisor = Decimal::ONE + rate / Decimal::ONE_HUNDRED;
        let (line_total, taxable, after_discount_gross) = match doc.price_entry {
            PriceEntry::Net => {
                for i in members {
                    line_nets[*i] = entered[*i];
                }
                let allowance = round(percent_of(entered_sum, doc.discount_percent));
                (entered_sum, entered_sum - allowance, None)
            }
            PriceEntry::Gross => {
                let gross_after = entered_sum - round(percent_of(entered_sum, doc.discount_percent));
                let line_total = round(entered_sum / divisor);
                let exact: Vec<Decimal> = members.iter().map(|i| entered[*i] / divisor).collect();
                for (i, net) in members.iter().zip(distribute(&exact, line_total, currency)) {
                    line_nets[*i] = net;
                }
                (line_total, round(gross_after / divisor), Some(gross_after))
            }
        };
        let vat = (taxable * rate / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(currency.minor_units(), RoundingStrategy::MidpointAwayFromZero);
        let vat = round(vat);
        if let Some(gross) = after_discount_gross {
            rounding += gross - taxable - vat;
        }
        let exemption_reason = category.needs_exemption_reason().then(|| {
            members
                .iter()
                .find_map(|i| doc.lines[*i].exemption_reason.clone().filter(|r| !r.trim().is_empty()))
                .or_else(|| category.default_exemption_reason().map(str::to_owned))
        });
        if *category == VatCategory::Exempt && exemption_reason.as_ref().is_none_or(|r| r.is_none()) {
            return Err(line_error(members[0], LineField::Vat, LineProblem::Vat(VatError::ReasonRequired)));
        }
        breakdown.push(VatBreakdown {
            category: *category,
            rate: *rate,
            line_total,
            allowance: line_total - taxable,
            taxable,
            vat,
            exemption_reason: exemption_reason.flatten(),
        });
    }

    let line_total: Decimal = round(line_nets.iter().copied().sum());
    let allowance_total = round(breakdown.iter().map(|b| b.allowance).sum());
    let tax_exclusive = line_total - allowance_total;
    let vat_total = round(breakdown.iter().map(|b| b.vat).sum());
    let tax_inclusive = tax_exclusive + vat_total;
    let rounding = round(rounding);
    Ok(Totals {
        currency,
        line_nets,
        breakdown,
        line_total,
        allowance_total,
        tax_exclusive,
        vat_total,
        tax_inclusive,
        rounding,
        payable: tax_inclusive + rounding,
    })
}

#[cfg(test)]
mod tests;
