//! The VAT category rules whose CII XPath differs from the UBL one, checked on the CII
//! (see `rules.rs`). BR-S-01, BR-AF-01 and BR-AG-01 count the categories of the lines,
//! allowances and breakdowns together (two lines of category S and no breakdown pass);
//! BR-Z/E/AE/IC/G/O-01 count the breakdowns in the header only; BR-O-11..14 look at every
//! ram:ApplicableTradeTax and ram:CategoryTradeTax of the document. Category codes are
//! compared as written (`ram:CategoryCode = 'S'`, no normalize-space).

use super::tree::{N, all, is, location, text};
use crate::validation::{Finding, Flag};

/// The CII ids of the "-01" rule of each category.
const FIRST: [(&str, &str, bool); 9] = [
    ("BR-S-01", "S", true),
    ("BR-AF-01", "L", true),
    ("BR-AG-01", "M", true),
    ("BR-Z-01", "Z", false),
    ("BR-E-01", "E", false),
    ("BR-AE-01", "AE", false),
    ("BR-IC-01", "K", false),
    ("BR-G-01", "G", false),
    ("BR-O-01", "O", false),
];

fn fail(findings: &mut Vec<Finding>, rule: &'static str, node: N<'_>, message: String) {
    findings.push(Finding { rule, flag: Flag::Fatal, message, location: location(node) });
}

fn code_is(tax: N<'_>, code: &str) -> bool {
    all(tax, "ram:CategoryCode").iter().any(|c| text(*c) == code)
}

fn code_is_not(tax: N<'_>, code: &str) -> bool {
    all(tax, "ram:CategoryCode").iter().any(|c| text(*c) != code)
}

/// `//parent/name`: every `name` element whose parent is `parent`.
fn under<'a>(root: N<'a>, parent: &'a str, name: &'a str) -> Vec<N<'a>> {
    root.descendants().filter(|d| is(*d, name) && d.parent_element().is_some_and(|p| is(p, parent))).collect()
}

pub(super) fn check(root: N<'_>, findings: &mut Vec<Finding>) {
    let header = under(root, "ram:ApplicableHeaderTradeSettlement", "ram:ApplicableTradeTax");
    let lines = under(root, "ram:SpecifiedLineTradeSettlement", "ram:ApplicableTradeTax");
    let allowances: Vec<N<'_>> = root.descendants().filter(|d| is(*d, "ram:CategoryTradeTax")).collect();
    for (rule, code, counted_together) in FIRST {
        let count = |taxes: &[N<'_>]| taxes.iter().filter(|t| code_is(**t, code)).count();
        let (h, l, a) = (count(&header), count(&lines), count(&allowances));
        let ok = if counted_together {
            (h + l >= 2 || l == 0) && (h + a >= 2 || a == 0)
        } else if code == "O" {
            h == 0 || (h == 1 && (l > 0 || a > 0))
        } else {
            (h == 0 && l == 0 && a == 0) || (h == 1 && (l > 0 || a > 0))
        };
        if !ok {
            fail(
                findings,
                rule,
                root,
                format!(
                    "An invoice with VAT category code {code} on a line or an allowance or charge shall have exactly one VAT breakdown (BG-23) with that category (BT-118), and one with it shall have lines or allowances or charges in it."
                ),
            );
        }
    }
    // BR-O-11..14, for every breakdown of category O (`[upper-case(ram:TypeCode) = 'VAT']`).
    let any_tax_not_o = root.descendants().any(|d| is(d, "ram:ApplicableTradeTax") && code_is_not(d, "O"));
    let any_allowance_not_o = allowances.iter().any(|t| code_is_not(*t, "O"));
    let header_o = header.iter().filter(|t| {
        code_is(**t, "O")
            && t.parent_element()
                .and_then(|s| s.parent_element())
                .is_some_and(|tx| is(tx, "rsm:SupplyChainTradeTransaction"))
            && all(**t, "ram:TypeCode").iter().any(|c| text(*c).to_uppercase() == "VAT")
    });
    for o in header_o {
        if any_tax_not_o {
            fail(findings, "BR-O-11", *o, "An invoice with a VAT breakdown of category O (not subject to VAT) shall not have other VAT breakdowns (BG-23).".into());
            fail(findings, "BR-O-12", *o, "An invoice with a VAT breakdown of category O (not subject to VAT) shall not have invoice lines with another invoiced item VAT category code (BT-151).".into());
        }
        if any_allowance_not_o {
            fail(findings, "BR-O-13", *o, "An invoice with a VAT breakdown of category O (not subject to VAT) shall not have document level allowances (BG-20) with another VAT category code (BT-95).".into());
            fail(findings, "BR-O-14", *o, "An invoice with a VAT breakdown of category O (not subject to VAT) shall not have document level charges (BG-21) with another VAT category code (BT-102).".into());
        }
    }
}
