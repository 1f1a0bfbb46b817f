//! Unit tests for `validate_cii`; the differential test (`tests/documents.rs`) compares it
//! with the official CEN CII rules over some 2,000 documents.

use super::validate_cii;
use crate::validation::ValidationError;

const EXAMPLE: &str = include_str!("../../../tests/einvoice/cii-examples/CII_example5.xml");

#[test]
fn the_official_example_is_valid() {
    let verdict = validate_cii(EXAMPLE.as_bytes()).unwrap();
    assert!(verdict.is_valid(), "{:#?}", verdict.findings);
}

#[test]
fn a_broken_total_names_the_rule_and_the_cii_element() {
    let grand = EXAMPLE.find("<ram:GrandTotalAmount>").expect("the example has a grand total");
    let end = grand + EXAMPLE[grand..].find("</").unwrap();
    let broken = format!("{}<ram:GrandTotalAmount>999999.99{}", &EXAMPLE[..grand], &EXAMPLE[end..]);
    let verdict = validate_cii(broken.as_bytes()).unwrap();
    assert!(verdict.fatal_rules().contains("BR-CO-15"), "{:#?}", verdict.findings);
    assert!(!verdict.fatal_rules().iter().any(|r| r.starts_with("UBL-") || r.starts_with("PEPPOL-")));
    let line_rule = verdict.findings.iter().find(|f| f.rule == "BR-CO-15").unwrap();
    assert!(line_rule.message.contains("BT-112"), "{}", line_rule.message);
    // A rule of the mapped UBL reports where the CII has the element.
    let removed = EXAMPLE.replacen("<ram:LineID>1</ram:LineID>", "<ram:LineID> </ram:LineID>", 1);
    let verdict = validate_cii(removed.as_bytes()).unwrap();
    let br21 = verdict.findings.iter().find(|f| f.rule == "BR-21").expect("BR-21 fires");
    assert!(
        br21.location.starts_with(
            "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
        ),
        "{}",
        br21.location
    );
}

#[test]
fn cii_syntax_rules_fire() {
    let doubled = EXAMPLE.replacen(
        "<ram:TypeCode>380</ram:TypeCode>",
        "<ram:TypeCode>380</ram:TypeCode><ram:TypeCode>380</ram:TypeCode>",
        1,
    );
    assert!(validate_cii(doubled.as_bytes()).unwrap().fatal_rules().contains("CII-SR-014"));
}

#[test]
fn a_ubl_document_is_not_cii() {
    let ubl = include_str!("../../../tests/einvoice/ubl-examples/ubl-tc434-example5.xml");
    assert!(matches!(validate_cii(ubl.as_bytes()), Err(ValidationError::NotCii(root)) if root == "Invoice"));
}

#[test]
fn code_list_rules_take_their_cii_ids_and_locations() {
    // UBL checks the VAT breakdown's category with the allowances' (BR-CL-17); CII with the
    // lines' (BR-CL-18), all of them ram:ApplicableTradeTax.
    let unknown = EXAMPLE.replace("<ram:CategoryCode>S</ram:CategoryCode>", "<ram:CategoryCode>Q</ram:CategoryCode>");
    let verdict = validate_cii(unknown.as_bytes()).unwrap();
    let at = |rule: &str| -> Vec<&str> {
        verdict.findings.iter().filter(|f| f.rule == rule).map(|f| f.location.as_str()).collect()
    };
    assert!(
        !at("BR-CL-17").is_empty() && at("BR-CL-17").iter().all(|l| l.contains("/ram:CategoryTradeTax/")),
        "{:?}",
        at("BR-CL-17")
    );
    assert!(
        at("BR-CL-18").iter().any(|l| l.contains("ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")),
        "{:?}",
        at("BR-CL-18")
    );
    assert!(
        at("BR-CL-18").iter().any(|l| l.contains("SpecifiedLineTradeSettlement/ram:ApplicableTradeTax")),
        "{:?}",
        at("BR-CL-18")
    );
}
