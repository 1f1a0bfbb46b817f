//! Unit tests: every document our writers produce validates clean; each rule family has a
//! failing example built by editing one of them.

use super::{Flag, ValidationError, validate_ubl};
use crate::fixtures;

use crate::model::InvoiceDocument;
use crate::ubl::ubl_xml;

fn sample_ubl() -> String {
    ubl_xml(&InvoiceDocument::new(fixtures::sample_eur_data()).expect("fixture"))
}

fn fatal(xml: &str) -> Vec<String> {
    let verdict = validate_ubl(xml.as_bytes()).expect("parses");
    verdict.fatal_rules().into_iter().map(str::to_owned).collect()
}

/// Replaces the first `<tag ...>value</tag>` text with `value`.
fn set(xml: &str, tag: &str, value: &str) -> String {
    let start = xml.find(&format!("<{tag}")).unwrap_or_else(|| panic!("{tag} in the sample"));
    let open_end = start + xml[start..].find('>').expect("tag end") + 1;
    let close = open_end + xml[open_end..].find('<').expect("closing tag");
    format!("{}{value}{}", &xml[..open_end], &xml[close..])
}

/// Replaces the last occurrence (the sample's lines come after its VAT breakdown).
fn last_replaced(xml: &str, from: &str, to: &str) -> String {
    let at = xml.rfind(from).unwrap_or_else(|| panic!("{from} in the sample"));
    format!("{}{to}{}", &xml[..at], &xml[at + from.len()..])
}

#[test]
fn every_document_our_writers_produce_is_valid() {
    for (name, data) in fixtures::matrix() {
        let doc = InvoiceDocument::new(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        let predicted: Vec<String> =
            doc.peppol_warnings().iter().map(|w| w.split(':').next().unwrap_or_default().to_owned()).collect();
        let verdict = validate_ubl(ubl_xml(&doc).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let unexpected: Vec<_> = verdict
            .findings
            .iter()
            .filter(|f| f.flag == Flag::Fatal && !predicted.iter().any(|p| p == f.rule))
            .collect();
        assert!(unexpected.is_empty(), "{name}: {unexpected:#?}");
    }
}

#[test]
fn a_valid_invoice_has_no_findings_at_all() {
    let verdict = validate_ubl(sample_ubl().as_bytes()).expect("parses");
    assert!(verdict.is_valid(), "{:#?}", verdict.findings);
    assert!(verdict.fatal_rules().is_empty());
}

#[test]
fn totals_that_do_not_add_up_name_the_rule_and_the_numbers() {
    let xml = set(&sample_ubl(), "cbc:PayableAmount", "1.00");
    let verdict = validate_ubl(xml.as_bytes()).expect("parses");
    assert!(!verdict.is_valid());
    let finding = verdict.findings.iter().find(|f| f.rule == "BR-CO-16").expect("BR-CO-16 fires");
    assert!(finding.message.contains("1.00") && finding.message.contains("BT-115"), "{}", finding.message);
    assert_eq!(finding.location, "/Invoice/cac:LegalMonetaryTotal");
    let xml = set(&sample_ubl(), "cbc:LineExtensionAmount", "1.00");
    assert!(fatal(&xml).contains(&"BR-CO-10".to_string()), "{:?}", fatal(&xml));
}

#[test]
fn each_rule_family_has_a_failing_example() {
    let base = sample_ubl();
    let cases = [
        ("core BR-02", set(&base, "cbc:ID", " "), "BR-02"),
        ("decimals BR-DEC-18", set(&base, "cbc:PayableAmount", "10.001"), "BR-DEC-18"),
        ("code list BR-CL-04", set(&base, "cbc:DocumentCurrencyCode", "EURO"), "BR-CL-04"),
        ("VAT category BR-S-05", last_replaced(&base, "<cbc:Percent>19</cbc:Percent>", "<cbc:Percent>0</cbc:Percent>"), "BR-S-05"),
        ("VAT category BR-E-10", base.replacen("<cbc:ID>S</cbc:ID>", "<cbc:ID>E</cbc:ID>", 1), "BR-E-10"),
        ("syntax UBL-SR-08", base.replacen("<cac:AccountingSupplierParty>", "<cac:InvoicePeriod><cbc:StartDate>2025-01-01</cbc:StartDate></cac:InvoicePeriod><cac:InvoicePeriod><cbc:StartDate>2025-01-01</cbc:StartDate></cac:InvoicePeriod><cac:AccountingSupplierParty>", 1), "UBL-SR-08"),
        ("Peppol R003", base.replace("cbc:BuyerReference>", "cbc:Note>").replace("cac:OrderReference>", "cac:OriginatorDocumentReference>"), "PEPPOL-EN16931-R003"),
        ("Peppol R008", base.replacen("<cac:AccountingSupplierParty>", "<cbc:AccountingCost></cbc:AccountingCost><cac:AccountingSupplierParty>", 1), "PEPPOL-EN16931-R008"),
        ("Peppol F001", set(&base, "cbc:IssueDate", "2025-02-30"), "PEPPOL-EN16931-F001"),
    ];
    for (what, xml, rule) in cases {
        let fired = fatal(&xml);
        assert!(fired.contains(&rule.to_string()), "{what}: {fired:?}");
    }
}

#[test]
fn identifiers_with_check_digits_are_checked() {
    assert!(super::national::gln("7300010000001"));
    assert!(!super::national::gln("7300010000002"));
    assert!(super::national::mod11("923609016"));
    assert!(!super::national::mod11("923609017"));
    assert!(super::national::luhn_se("5560360793"));
    assert!(!super::national::luhn_se("5560360794"));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    assert_eq!(validate_ubl(b"\xff\xfe"), Err(ValidationError::NotUtf8));
    assert!(matches!(validate_ubl(b"<Invoice"), Err(ValidationError::NotXml(_))));
    assert!(matches!(validate_ubl(b"<Order xmlns='urn:x'/>"), Err(ValidationError::NotUbl(_))));
    let dtd = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'>&a;</Invoice>";
    assert!(matches!(validate_ubl(dtd), Err(ValidationError::NotXml(_))), "no DTD");
    let big = vec![b' '; super::MAX_DOCUMENT_BYTES + 1];
    assert_eq!(validate_ubl(&big), Err(ValidationError::TooLarge(super::MAX_DOCUMENT_BYTES + 1)));
    // A bare root element: every mandatory rule fires, nothing panics.
    let bare = fatal("<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>");
    assert!(bare.contains(&"BR-01".to_string()) && bare.contains(&"BR-16".to_string()), "{bare:?}");
}

#[test]
fn malformed_xml_is_refused_as_an_xml_parser_would() {
    let bad = [
        "",
        "<>",
        "< Invoice/>",
        "<a></b>",
        "<a>",
        "<a/><b/>",
        "text<a/>",
        "<a/>text",
        "<a x='1' x='2'/>",
        "<a x='1'y='2'/>",
        "<a x=1/>",
        "<a x='<'/>",
        "<p:a/>",
        "<a p:x='1'/>",
        "<a>&nbsp;</a>",
        "<a>&#0;</a>",
        "<a>& b</a>",
        "<a><!-- x </a>",
        "<a><![CDATA[x</a>",
        "<a:/>",
        "<1a/>",
        "<a \u{2013}x='1'/>",
        "<a>\u{1}</a>",
        "<a>x]]>y</a>",
        "<??><a/>",
        "<?pi?><?xml version='1.0'?><a/>",
        " <?xml version='1.0'?><a/>",
        "<?xml version='2.0'?><a/>",
        "<?xml encoding='UTF-8'?><a/>",
        "<?xml version='1.0' standalone='maybe'?><a/>",
        "<?xml version=\"1.0\"encoding='UTF-8'?><a/>",
    ];
    for xml in bad {
        assert!(matches!(validate_ubl(xml.as_bytes()), Err(ValidationError::NotXml(_))), "{xml:?}");
    }
}

#[test]
fn prefixes_references_cdata_and_comments_read_as_xpath_sees_them() {
    let base = sample_ubl();
    let plain = validate_ubl(set(&base, "cbc:PayableAmount", "1.00").as_bytes()).expect("parses");
    assert!(plain.fatal_rules().contains("BR-CO-16"));
    for spelled in ["&#49;.00", "<![CDATA[1.]]>00", "1<!-- one -->.00", "1&#x2E;0<?pi?>0"] {
        let verdict = validate_ubl(set(&base, "cbc:PayableAmount", spelled).as_bytes()).expect("parses");
        assert_eq!(verdict, plain, "{spelled}");
    }
    // Other prefixes (and a default namespace) for the same elements: the same verdict.
    let renamed = base.replace("cbc:", "b:").replace("xmlns:cbc=", "xmlns:b=");
    assert_eq!(validate_ubl(renamed.as_bytes()), validate_ubl(base.as_bytes()));
    // End-of-line and attribute value normalisation.
    let crlf = base.replace('\n', "\r\n");
    assert_eq!(validate_ubl(crlf.as_bytes()), validate_ubl(base.as_bytes()));
}
