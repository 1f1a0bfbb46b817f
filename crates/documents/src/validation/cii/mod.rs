//! EN 16931 for UN/CEFACT Cross Industry Invoices (CII D16B: Factur-X/ZUGFeRD's embedded
//! XML, XRechnung CII, plain EN 16931 CII): the CEN rules with their official CII rule ids,
//! as `tests/einvoice/xslt/EN16931-CII-validation.xslt` fires them. Peppol BIS rules do not
//! apply to CII.
//!
//! Why a mapping and not a second rule set: the CEN business rules (BR-*, BR-CO-*,
//! BR-DEC-*, the VAT category rules, the code lists) are the same rules over the same
//! business terms in both syntaxes, and our UBL validator already implements them to the
//! letter of the official XPath, proven by the differential test. Translating them a second
//! time would mean ~3,000 more lines to keep equal by hand. Instead `to_ubl` writes the CII
//! document as the UBL document with the same business terms (the EN 16931-3-3 and 3-2
//! bindings), `validate_ubl` judges it, and this module turns the findings back into CII
//! terms: the UBL syntax rules and Peppol rules are dropped, each location is the CII
//! element the finding is about, and a rule id is renamed where the CII rules split a check
//! differently (BR-CL-17/18 and the identifier code lists). What cannot come through the
//! mapping is checked here directly, on the CII: the CII syntax rules that are fatal
//! (`syntax.rs`, CII-SR-*, CII-DT-*) and the few CEN rules whose CII XPath asks something
//! else than the UBL one (`rules.rs`, each with the reason). The differential test
//! (`tests/einvoice/differential_cii.py`) compares the result with the official CII XSLT
//! file by file.
//!
//! We only depend on `validate_ubl`'s public contract (its findings, ids and locations),
//! so the UBL validator's internals can change freely.

mod rules;
mod rules_totals;
mod rules_vat;
mod syntax;
mod syntax_dt;
#[cfg(test)]
mod tests;
mod to_ubl;
mod to_ubl_lines;
mod tree;

use std::collections::HashMap;

use roxmltree::NodeId;

use super::{Finding, MAX_DOCUMENT_BYTES, ValidationError, Verdict, validate_ubl};
use tree::{N, is, location, nz, text};

/// Validates a CII CrossIndustryInvoice against the CEN EN 16931 rules for CII.
pub fn validate_cii(xml: &[u8]) -> Result<Verdict, ValidationError> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(ValidationError::TooLarge(xml.len()));
    }
    let text = std::str::from_utf8(xml).map_err(|_| ValidationError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // roxmltree rejects a DTD unless told otherwise: no entity expansion, no external fetch.
    let doc = roxmltree::Document::parse(text).map_err(|e| ValidationError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    if !is(root, "rsm:CrossIndustryInvoice") {
        return Err(ValidationError::NotCii(root.tag_name().name().to_string()));
    }
    let (ubl, namespace) = to_ubl::map(root);
    let sources = ubl.sources();
    let verdict = validate_ubl(ubl.to_xml(namespace).as_bytes())?;

    let mut findings = Vec::new();
    for finding in verdict.findings {
        let src = source(&sources, &finding.location).map(|id| doc.get_node(id).expect("a node of this document"));
        if let Some(rule) = cii_rule(finding.rule, src) {
            let location = src.map(location).unwrap_or_else(|| "/rsm:CrossIndustryInvoice".to_owned());
            findings.push(Finding { rule, location, ..finding });
        }
    }
    rules::check(root, &mut findings);
    syntax::check(root, &mut findings);
    Ok(Verdict { findings })
}

/// The CII element a UBL location stands for: the element itself, or the nearest ancestor
/// the mapping wrote (a finding may point at an element the CII lacks).
fn source(sources: &HashMap<String, NodeId>, location: &str) -> Option<NodeId> {
    let mut here = location;
    loop {
        if let Some(id) = sources.get(here) {
            return Some(*id);
        }
        here = &here[..here.rfind('/').filter(|i| *i > 0)?];
    }
}

/// The CII rule id for a finding of the UBL rules about `src`, or None when the rule does
/// not apply to CII: UBL syntax rules, Peppol and national rules, and the CEN rules
/// `rules.rs` checks on the CII itself.
fn cii_rule(rule: &'static str, src: Option<N<'_>>) -> Option<&'static str> {
    if !rule.starts_with("BR-") || rules::OWN.contains(&rule) {
        return None;
    }
    let parent = src.and_then(|s| s.parent_element());
    let under = |name: &str| parent.is_some_and(|p| is(p, name));
    Some(match rule {
        // UBL checks the currency of every amount; CII only that of the VAT totals that
        // have one (`ram:TaxTotalAmount[@currencyID]`), the other CII amounts having none.
        "BR-CL-03" if !src.is_some_and(|s| is(s, "ram:TaxTotalAmount") && s.attribute("currencyID").is_some()) => {
            return None;
        }
        // UBL checks the VAT breakdown's category with the allowance categories (BR-CL-17);
        // CII checks it with the line categories, all being ram:ApplicableTradeTax (BR-CL-18).
        "BR-CL-17" | "BR-CL-18" if under("ram:CategoryTradeTax") => "BR-CL-17",
        "BR-CL-17" | "BR-CL-18" => "BR-CL-18",
        // Identifier schemes: UBL splits by where the identifier sits (party, legal entity,
        // delivery location); CII by element: ram:ID is BR-CL-11, ram:GlobalID BR-CL-10,
        // the delivery party's GlobalID BR-CL-26. The three use the same ISO 6523 list.
        "BR-CL-10" | "BR-CL-11" | "BR-CL-26" => match src {
            Some(s) if is(s, "ram:ID") => "BR-CL-11",
            Some(s) if is(s, "ram:GlobalID") && under("ram:ShipToTradeParty") => "BR-CL-26",
            Some(s) if is(s, "ram:GlobalID") => "BR-CL-10",
            // The SEPA creditor id (BT-90), a seller identifier in UBL: no list in CII.
            _ => return None,
        },
        // The CII rules check a VAT breakdown of category L, M or O only with that category's
        // rules: such a ram:ApplicableTradeTax is the context of BR-AF-08.., BR-AG-08.. and
        // BR-O-08.., so the general breakdown rule (BR-45..48, BR-CO-17, BR-DEC-19/20, in the
        // same pattern, lower priority) never sees it.
        "BR-45" | "BR-46" | "BR-47" | "BR-48" | "BR-CO-17" | "BR-DEC-19" | "BR-DEC-20"
            if src.and_then(breakdown_of).is_some_and(category_rule_takes_it) =>
        {
            return None;
        }
        other => other,
    })
}

/// The header ram:ApplicableTradeTax `n` is (or is inside).
fn breakdown_of(n: N<'_>) -> Option<N<'_>> {
    n.ancestors()
        .find(|a| is(*a, "ram:ApplicableTradeTax"))
        .filter(|t| t.parent_element().is_some_and(|p| is(p, "ram:ApplicableHeaderTradeSettlement")))
}

/// `ram:ApplicableTradeTax[ram:CategoryCode = ('L'|'M'|'O')][upper-case(ram:TypeCode) = 'VAT']`.
fn category_rule_takes_it(tax: N<'_>) -> bool {
    let kids = |name: &'static str| tax.children().filter(move |c| is(*c, name)).map(text);
    kids("ram:CategoryCode").any(|c| matches!(c.as_str(), "L" | "M" | "O"))
        && kids("ram:TypeCode").any(|t| t.to_uppercase() == "VAT")
}

/// normalize-space() shortcut for the rule files.
pub(super) fn nzt(n: N<'_>) -> String {
    nz(&text(n))
}
