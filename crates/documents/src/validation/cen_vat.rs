//! The EN 16931 VAT category rules: for each category (S standard, Z zero rated, E exempt,
//! AE reverse charge, K intra-community (BR-IC), G export, O not subject, L IGIC (BR-AF),
//! M IPSI (BR-AG), B split payment) the ten rules -01..-10 of the CEN UBL binding: a breakdown
//! per category used, the seller's (and buyer's) VAT identifiers, the rate, the breakdown's
//! taxable and VAT amounts, and the exemption reason. The official tests differ in small ways
//! between categories (which ones check the tax scheme, tolerances); the table keeps them.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::cen_core::{charge_is, shown};
use super::dom::{Cx, N, cents, dec_at, dec_of, first, has, is, is_vat, kid, kids, num, nz, path, text};
use super::names::Path;

/// Which parties must (or must not) have VAT identifiers when the category is used.
#[derive(Clone, Copy, PartialEq)]
enum Parties {
    /// Seller's tax scheme id (any scheme) or tax representative's VAT id.
    SellerAny,
    /// Seller's or tax representative's VAT id.
    SellerVat,
    /// SellerAny, and the buyer's VAT id or legal registration id.
    ReverseCharge,
    /// SellerVat, and the buyer's VAT id.
    IntraCommunity,
    /// None of the seller's, representative's and buyer's VAT ids.
    NotSubject,
}

#[derive(Clone, Copy, PartialEq)]
enum Rate {
    /// Exactly zero, one breakdown, exact taxable sum, VAT zero (AE, E, G, K, O's sums, Z).
    Zero,
    /// No rate at all (O).
    Absent,
    /// Above zero, breakdown per rate within 1 (S).
    Positive,
    /// Zero or above, like S (L, M).
    NonNegative,
}

struct Category {
    code: &'static str,
    ids: [&'static str; 10],
    name: &'static str,
    parties: Parties,
    rate: Rate,
    /// Whether the breakdown needs an exemption reason (true) or must not have one (false).
    reason: bool,
}

macro_rules! ids {
    ($p:literal) => {
        [
            concat!($p, "-01"),
            concat!($p, "-02"),
            concat!($p, "-03"),
            concat!($p, "-04"),
            concat!($p, "-05"),
            concat!($p, "-06"),
            concat!($p, "-07"),
            concat!($p, "-08"),
            concat!($p, "-09"),
            concat!($p, "-10"),
        ]
    };
}

const CATEGORIES: [Category; 9] = [
    Category {
        code: "S",
        ids: ids!("BR-S"),
        name: "Standard rated",
        parties: Parties::SellerAny,
        rate: Rate::Positive,
        reason: false,
    },
    Category {
        code: "Z",
        ids: ids!("BR-Z"),
        name: "Zero rated",
        parties: Parties::SellerAny,
        rate: Rate::Zero,
        reason: false,
    },
    Category {
        code: "E",
        ids: ids!("BR-E"),
        name: "Exempt from VAT",
        parties: Parties::SellerAny,
        rate: Rate::Zero,
        reason: true,
    },
    Category {
        code: "AE",
        ids: ids!("BR-AE"),
        name: "Reverse charge",
        parties: Parties::ReverseCharge,
        rate: Rate::Zero,
        reason: true,
    },
    Category {
        code: "K",
        ids: ids!("BR-IC"),
        name: "Intra-community supply",
        parties: Parties::IntraCommunity,
        rate: Rate::Zero,
        reason: true,
    },
    Category {
        code: "G",
        ids: ids!("BR-G"),
        name: "Export outside the EU",
        parties: Parties::SellerVat,
        rate: Rate::Zero,
        reason: true,
    },
    Category {
        code: "O",
        ids: ids!("BR-O"),
        name: "Not subject to VAT",
        parties: Parties::NotSubject,
        rate: Rate::Absent,
        reason: true,
    },
    Category {
        code: "L",
        ids: ids!("BR-AF"),
        name: "IGIC (Canary Islands)",
        parties: Parties::SellerAny,
        rate: Rate::NonNegative,
        reason: false,
    },
    Category {
        code: "M",
        ids: ids!("BR-AG"),
        name: "IPSI (Ceuta and Melilla)",
        parties: Parties::SellerAny,
        rate: Rate::NonNegative,
        reason: false,
    },
];

/// normalize-space(cbc:ID) of a category (borrowed unless it needed normalising).
fn code(cat: N<'_>) -> Cow<'_, str> {
    match kid(cat, p!("cbc:ID")).map(text) {
        Some(Cow::Borrowed(s)) => nz(s),
        Some(Cow::Owned(s)) => Cow::Owned(nz(&s).into_owned()),
        None => Cow::Borrowed(""),
    }
}

/// A category node with its code and whether its tax scheme is VAT, worked out once.
struct Coded<'a> {
    node: N<'a>,
    code: Cow<'a, str>,
    vat: bool,
}

fn coded<'a>(nodes: &[N<'a>]) -> Vec<Coded<'a>> {
    nodes.iter().map(|n| Coded { node: *n, code: code(*n), vat: is_vat(*n) }).collect()
}

/// For each of `CATEGORIES`, how many nodes have its code: `[any scheme, VAT scheme]`.
/// Counted once, not once per category and rule (300 lines times 9 categories).
fn counts<'x, 'a: 'x>(nodes: impl Iterator<Item = &'x Coded<'a>>) -> [[usize; 2]; CATEGORIES.len()] {
    let mut out = [[0; 2]; CATEGORIES.len()];
    for n in nodes {
        if let Some(i) = CATEGORIES.iter().position(|c| c.code == n.code) {
            out[i][0] += 1;
            out[i][1] += usize::from(n.vat);
        }
    }
    out
}

pub(super) fn check(cx: &mut Cx<'_>) {
    let root = cx.root;
    let tax_categories: Vec<N<'_>> = cx.everywhere(p!("cac:TaxCategory")).collect();
    let classified: Vec<N<'_>> = cx.everywhere(p!("cac:ClassifiedTaxCategory")).collect();
    let breakdowns: Vec<N<'_>> = path(root, p!("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"));
    let party_vat = |role: Path| {
        path(root, &format!("{role}/cac:PartyTaxScheme")).into_iter().any(|s| is_vat(s) && has(s, p!("cbc:CompanyID")))
    };
    let seller_any = has(root, p!("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"));
    let seller_vat = party_vat(p!("cac:AccountingSupplierParty/cac:Party"));
    let rep_vat = party_vat(p!("cac:TaxRepresentativeParty"));
    let buyer_vat = party_vat(p!("cac:AccountingCustomerParty/cac:Party"));
    let buyer_legal = has(root, p!("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"));
    let (tax_coded, classified_coded, breakdowns_coded) =
        (coded(&tax_categories), coded(&classified), coded(&breakdowns));
    let of_ac: Vec<&Coded<'_>> = tax_coded
        .iter()
        .filter(|t| t.node.parent_element().is_some_and(|p| is(p, p!("cac:AllowanceCharge"))))
        .collect();
    let (of_ac_n, classified_n, breakdowns_n, tax_n) = (
        counts(of_ac.iter().copied()),
        counts(classified_coded.iter()),
        counts(breakdowns_coded.iter()),
        counts(tax_coded.iter()),
    );
    for (ci, c) in CATEGORIES.iter().enumerate() {
        // How many of a list's nodes have the category's code (and the VAT scheme if `vat`).
        let with = |counted: &[[usize; 2]; CATEGORIES.len()], vat: bool| counted[ci][usize::from(vat)];
        let ok = match c.rate {
            Rate::Positive | Rate::NonNegative => {
                let vat = c.rate == Rate::NonNegative;
                let used = with(&of_ac_n, vat) + with(&classified_n, vat);
                let in_breakdown = with(&breakdowns_n, vat);
                (used > 0) == (in_breakdown > 0)
            }
            _ => {
                let used = with(&tax_n, true) + with(&classified_n, true) > 0;
                !used || with(&breakdowns_n, true) == 1
            }
        };
        cx.check(ok, c.ids[0], root, || {
            format!("The invoice uses VAT category '{}' ({}) but its VAT breakdown (BG-23) does not have it as required, or the reverse.", c.code, c.name)
        });
        let required = match c.parties {
            Parties::SellerAny => seller_any || rep_vat,
            Parties::SellerVat => seller_vat || rep_vat,
            Parties::ReverseCharge => (seller_any || rep_vat) && (buyer_vat || buyer_legal),
            Parties::IntraCommunity => (seller_vat || rep_vat) && buyer_vat,
            Parties::NotSubject => !seller_vat && !rep_vat && !buyer_vat,
        };
        let root_level_only = c.code == "O";
        for (i, charge) in [(1, None), (2, Some(false)), (3, Some(true))] {
            let used = match charge {
                None => with(&classified_n, true) > 0,
                Some(kind) => tax_coded.iter().any(|t| {
                    t.code == c.code
                        && t.vat
                        && t.node.parent_element().is_some_and(|ac| {
                            is(ac, p!("cac:AllowanceCharge"))
                                && charge_is(ac, kind)
                                && (!root_level_only || ac.parent_element() == Some(root))
                        })
                }),
            };
            // BR-S-02 is silent only when no line uses S under any tax scheme.
            let used_any = c.code == "S" && charge.is_none() && with(&classified_n, false) > 0;
            if (used && !required) || (used_any && !used) {
                let message = if c.parties == Parties::NotSubject {
                    format!(
                        "With VAT category '{}' ({}) the seller (BT-31), tax representative (BT-63) and buyer (BT-48) must not have VAT identifiers.",
                        c.code, c.name
                    )
                } else {
                    format!(
                        "With VAT category '{}' ({}) the seller's VAT identifier (BT-31 or BT-63){} is required.",
                        c.code,
                        c.name,
                        if matches!(c.parties, Parties::ReverseCharge | Parties::IntraCommunity) {
                            " and the buyer's (BT-48)"
                        } else {
                            ""
                        }
                    )
                };
                cx.fail(c.ids[i], root, message);
            }
        }
    }
    not_subject(cx, &tax_categories, &classified, &breakdowns);
    let lines = LineTax::all(cx);
    // The codes and schemes worked out above, in the same order as the nodes.
    for coded in tax_coded.iter().chain(&classified_coded) {
        category_node(cx, coded, &lines);
    }
    split_payment(cx, &tax_categories, &classified, &breakdowns);
}

fn category_node<'a>(cx: &mut Cx<'a>, coded: &Coded<'a>, lines: &[LineTax<'_>]) {
    if !coded.vat {
        return;
    }
    let cat = coded.node;
    let Some(c) = CATEGORIES.iter().find(|c| c.code == coded.code) else { return };
    let parent = cat.parent_element();
    let percent = first(cat, p!("cbc:Percent"));
    let rate_ok = match c.rate {
        Rate::Zero => percent.and_then(dec_of).is_some_and(|p| p.is_zero()),
        Rate::Absent => percent.is_none(),
        Rate::Positive => kids(cat, p!("cbc:Percent")).any(|p| num(&text(p)) > 0.0),
        Rate::NonNegative => kids(cat, p!("cbc:Percent")).any(|p| num(&text(p)) >= 0.0),
    };
    let rate_rule = if is(cat, p!("cac:ClassifiedTaxCategory")) {
        let item_of_line = parent
            .filter(|p| is(*p, p!("cac:Item")))
            .and_then(|p| p.parent_element())
            .is_some_and(|l| is(l, p!("cac:InvoiceLine")) || is(l, p!("cac:CreditNoteLine")));
        item_of_line.then_some((c.ids[4], "an invoice line (BT-152)"))
    } else if let Some(ac) = parent.filter(|p| is(*p, p!("cac:AllowanceCharge"))) {
        if charge_is(ac, false) {
            Some((c.ids[5], "a document level allowance (BT-96)"))
        } else if charge_is(ac, true) {
            Some((c.ids[6], "a document level charge (BT-103)"))
        } else {
            None
        }
    } else {
        None
    };
    if let Some((rule, what)) = rate_rule {
        let wanted = match c.rate {
            Rate::Zero => "0",
            Rate::Absent => "absent",
            Rate::Positive => "above 0",
            Rate::NonNegative => "0 or more",
        };
        cx.check(rate_ok, rule, cat, || {
            format!("The VAT rate of {what} with category '{}' ({}) must be {wanted}.", c.code, c.name)
        });
        return;
    }
    let Some(subtotal) = parent.filter(|p| is(*p, p!("cac:TaxSubtotal"))) else { return };
    let in_breakdown =
        subtotal.parent_element().filter(|t| is(*t, p!("cac:TaxTotal"))).and_then(|t| t.parent_element())
            == Some(cx.root);
    if in_breakdown {
        breakdown(cx, c, cat, subtotal, lines);
    }
}

/// What the breakdown sums need of one line, read once: the official rules sum the lines
/// again for every breakdown (and every rate), so re-reading each line's categories there
/// made the VAT rules quadratic in practice.
struct LineTax<'a> {
    /// A child of the root: the sums take `/*/cac:InvoiceLine`, "used at this rate" `//`.
    top: bool,
    credit: bool,
    /// normalize-space(cbc:ID) and the xs:decimal rate of each `cac:Item/cac:ClassifiedTaxCategory`:
    /// the first apart, so that a line with one category (all of them, in practice) allocates nothing.
    first: Option<(Cow<'a, str>, Option<Decimal>)>,
    more: Vec<(Cow<'a, str>, Option<Decimal>)>,
    amount: Option<Decimal>,
}

impl<'a> LineTax<'a> {
    fn all(cx: &Cx<'a>) -> Vec<LineTax<'a>> {
        let of = |l: N<'a>, credit: bool| {
            // Asked of the line's gathered children (`line.rs`): a line with one category
            // (every line in practice) needs no walk through its items.
            let line = cx.line(l);
            let category = |c: N<'a>| (code(c), dec_at(c, p!("cbc:Percent")));
            let all = p!("cac:Item/cac:ClassifiedTaxCategory");
            let (first, more) = match line.count(all) {
                0 | 1 => (line.first(all).map(category), Vec::new()),
                _ => {
                    let mut cats = kids(l, p!("cac:Item"))
                        .flat_map(|item| kids(item, p!("cac:ClassifiedTaxCategory")))
                        .map(category);
                    (cats.next(), cats.collect())
                }
            };
            LineTax {
                top: l.parent_element() == Some(cx.root),
                credit,
                first,
                more,
                amount: line.first(p!("cbc:LineExtensionAmount")).and_then(dec_of),
            }
        };
        let invoice = cx.everywhere(p!("cac:InvoiceLine")).map(|l| of(l, false));
        invoice.chain(cx.everywhere(p!("cac:CreditNoteLine")).map(|l| of(l, true))).collect()
    }

    fn cats(&self) -> impl Iterator<Item = &(Cow<'a, str>, Option<Decimal>)> {
        self.first.iter().chain(&self.more)
    }

    /// Some category has the code and some (not necessarily the same) has the rate: two
    /// general comparisons, as the official predicate has it.
    fn matches(&self, code: &str, rate: Option<Decimal>) -> bool {
        self.cats().any(|(c, _)| c == code) && self.cats().any(|(_, r)| rate.is_none_or(|x| *r == Some(x)))
    }
}

/// Σ line net amounts + Σ document charges − Σ document allowances of a category (and rate).
fn category_sum(cx: &Cx<'_>, lines: &[LineTax<'_>], code: &str, rate: Option<Decimal>, credit_lines: bool) -> Decimal {
    let root = cx.root;
    let matches_rate = |cat: N<'_>| rate.is_none_or(|r| dec_at(cat, p!("cbc:Percent")) == Some(r));
    let lines: Decimal = lines
        .iter()
        .filter(|l| l.top && l.credit == credit_lines && l.matches(code, rate))
        .filter_map(|l| l.amount)
        .sum();
    let acs = |charge: bool| -> Decimal {
        kids(root, p!("cac:AllowanceCharge"))
            .filter(|a| charge_is(*a, charge))
            .filter(|a| {
                let cats: Vec<N<'_>> = kids(*a, p!("cac:TaxCategory")).collect();
                cats.iter().any(|c| nz(&text_of(*c)) == code) && cats.iter().any(|c| matches_rate(*c))
            })
            .filter_map(|a| dec_at(a, p!("cbc:Amount")))
            .sum()
    };
    lines + acs(true) - acs(false)
}

/// normalize-space(cbc:ID) of a category as the official sums use it (first ID).
fn text_of(cat: N<'_>) -> Cow<'_, str> {
    kid(cat, p!("cbc:ID")).map(text).unwrap_or_default()
}

fn breakdown<'a>(cx: &mut Cx<'a>, c: &Category, cat: N<'a>, subtotal: N<'a>, lines: &[LineTax<'_>]) {
    let taxable = dec_at(subtotal, p!("cbc:TaxableAmount"));
    let tax = dec_at(subtotal, p!("cbc:TaxAmount"));
    let has_invoice_lines = cx.everywhere(p!("cac:InvoiceLine")).next().is_some();
    let has_credit_lines = cx.everywhere(p!("cac:CreditNoteLine")).next().is_some();
    let one = Decimal::ONE;
    match c.rate {
        Rate::Positive | Rate::NonNegative => {
            // Without a rate BR-x-08 holds vacuously ("every $rate in ()") and BR-x-09 fails.
            cx.check(has(cat, p!("cbc:Percent")), c.ids[8], subtotal, || {
                format!("The '{}' ({}) VAT breakdown has no VAT rate (BT-119).", c.code, c.name)
            });
            if let Some(rate) = dec_at(cat, p!("cbc:Percent")) {
                let used_at_rate = |credit: bool| {
                    let line = lines.iter().any(|l| l.credit == credit && l.matches(c.code, Some(rate)));
                    line || cx.everywhere(p!("cac:AllowanceCharge")).any(|a| {
                        let cats: Vec<N<'_>> = kids(a, p!("cac:TaxCategory")).collect();
                        cats.iter().any(|k| nz(&text_of(*k)) == c.code)
                            && cats.iter().any(|k| dec_at(*k, p!("cbc:Percent")) == Some(rate))
                    })
                };
                let within = |credit: bool| {
                    let expected = category_sum(cx, lines, c.code, Some(rate), credit);
                    taxable.is_some_and(|t| t - one < expected && t + one > expected)
                };
                // L and M only test the branch of the document's own line kind.
                let ok = if c.rate == Rate::Positive {
                    (used_at_rate(false) && within(false)) || (used_at_rate(true) && within(true))
                } else {
                    (has_invoice_lines && within(false)) || (has_credit_lines && within(true))
                };
                if !ok {
                    // Summed again only for the message.
                    let own = category_sum(cx, lines, c.code, Some(rate), cx.credit);
                    cx.fail(c.ids[7], subtotal, format!("The taxable amount of the {rate}% '{}' VAT breakdown (BT-116: {}) does not match the lines, allowances and charges at that rate ({own}).", c.code, shown(taxable)));
                }
                let expected = taxable.map(|t| cents(t.abs() * (rate / Decimal::ONE_HUNDRED)));
                let ok = tax.zip(expected).is_some_and(|(t, e)| t.abs() - one < e && t.abs() + one > e);
                cx.check(ok, c.ids[8], subtotal, || {
                    format!("The VAT amount of the '{}' breakdown (BT-117: {}) is not its taxable amount times {rate}% ({}).", c.code, shown(tax), shown(expected))
                });
            }
        }
        Rate::Zero | Rate::Absent => {
            let equal = |credit: bool| taxable == Some(category_sum(cx, lines, c.code, None, credit));
            let ok = (has_invoice_lines && equal(false)) || (has_credit_lines && equal(true));
            if !ok {
                let own = category_sum(cx, lines, c.code, None, cx.credit);
                cx.fail(c.ids[7], subtotal, format!("The taxable amount of the '{}' VAT breakdown (BT-116: {}) does not equal its lines plus charges minus allowances ({own}).", c.code, shown(taxable)));
            }
            cx.check(tax.is_some_and(|t| t.is_zero()), c.ids[8], subtotal, || {
                format!("The VAT amount of the '{}' ({}) breakdown must be 0 (BT-117: {}).", c.code, c.name, shown(tax))
            });
        }
    }
    let reason = has(cat, p!("cbc:TaxExemptionReason")) || has(cat, p!("cbc:TaxExemptionReasonCode"));
    cx.check(reason == c.reason, c.ids[9], cat, || {
        if c.reason {
            format!(
                "The '{}' ({}) VAT breakdown needs an exemption reason (BT-120) or reason code (BT-121).",
                c.code, c.name
            )
        } else {
            format!("The '{}' ({}) VAT breakdown must not have an exemption reason (BT-120, BT-121).", c.code, c.name)
        }
    });
}

fn split_payment<'a>(cx: &mut Cx<'a>, tax_categories: &[N<'a>], classified: &[N<'a>], breakdowns: &[N<'a>]) {
    let root = cx.root;
    let id_is = |cat: &N<'_>, v: &str| kids(*cat, p!("cbc:ID")).any(|i| text(i) == v);
    let any_b = tax_categories.iter().chain(classified).any(|c| id_is(c, "B"));
    let all_it = cx.everywhere(p!("cbc:IdentificationCode")).all(|c| text(c) == "IT");
    cx.check(!any_b || all_it, "BR-B-01", root, || {
        "Split payment (VAT category 'B') is only for domestic Italian invoices.".into()
    });
    let root_ac_cats: Vec<N<'a>> = path(root, p!("cac:AllowanceCharge/cac:TaxCategory"));
    let uses = |v: &str| breakdowns.iter().chain(&root_ac_cats).chain(classified).any(|c| id_is(c, v));
    // The nodes `uses` looks at are among those `any_b` did: without any 'B' there, none
    // is 'B' (and the 300 line categories are not read twice).
    cx.check(!any_b || !uses("B") || !uses("S"), "BR-B-02", root, || {
        "An invoice with split payment (VAT category 'B') must not also use 'S' (standard rated).".into()
    });
}

/// BR-O-11..14: a "Not subject to VAT" breakdown excludes every other category.
fn not_subject<'a>(cx: &mut Cx<'a>, tax_categories: &[N<'a>], classified: &[N<'a>], breakdowns: &[N<'a>]) {
    let root = cx.root;
    if !breakdowns.iter().any(|b| is_vat(*b) && code(*b) == "O") {
        return;
    }
    let other = |n: &N<'_>| is_vat(*n) && code(*n) != "O";
    let of_kind = |charge: bool| {
        tax_categories
            .iter()
            .filter(|t| t.parent_element().is_some_and(|ac| is(ac, p!("cac:AllowanceCharge")) && charge_is(ac, charge)))
            .any(other)
    };
    let checks = [
        ("BR-O-11", breakdowns.iter().any(other), "other VAT breakdowns"),
        ("BR-O-12", classified.iter().any(other), "lines in another VAT category"),
        ("BR-O-13", of_kind(false), "document level allowances in another VAT category"),
        ("BR-O-14", of_kind(true), "document level charges in another VAT category"),
    ];
    for (rule, found, what) in checks {
        cx.check(!found, rule, root, || {
            format!("An invoice with a 'Not subject to VAT' breakdown (O) cannot have {what}.")
        });
    }
}
