//! The fatal CII data type rules (CII-DT-*): attributes and sub-elements of the CII data
//! types that EN 16931 does not use. Contexts are by element name ending (`...ID`,
//! `...Amount`, `...Quantity`, `...TradeTax`, `...ReferencedDocument`) as in the official
//! rules, minus the elements an earlier rule of the same pattern takes (see `syntax.rs`).

use super::syntax::type_is;
use super::tree::{N, NS_RAM, NS_UDT, all, location, one, text};
use crate::validation::{Finding, Flag};

/// The elements whose identifier attributes CII-DT-001..007 check (and 101..104 do not).
const FIXED_IDS: [&str; 4] = [
    "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:AssociatedDocumentLineDocument/ram:LineID",
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct/ram:SellerAssignedID",
];

/// The element's path without positions, to compare with the official absolute contexts.
fn plain_path(n: N<'_>) -> String {
    let loc = location(n);
    let mut out = String::with_capacity(loc.len());
    let mut skip = false;
    for c in loc.chars() {
        match c {
            '[' => skip = true,
            ']' => skip = false,
            c if !skip => out.push(c),
            _ => {}
        }
    }
    out
}

pub(super) fn check(root: N<'_>, findings: &mut Vec<Finding>) {
    let mut fail = |rule: &'static str, node: N<'_>, message: String| {
        findings.push(Finding { rule, flag: Flag::Fatal, message, location: location(node) });
    };
    let has = |n: N<'_>, steps: &str| one(n, steps).is_some();
    let line_units = one(root, "rsm:SupplyChainTradeTransaction")
        .map(|t| all(t, "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"))
        .unwrap_or_default()
        .iter()
        .any(|q| q.attribute("unitCode").is_some());
    for n in root.descendants().filter(|d| d.is_element()) {
        let tag = n.tag_name();
        if tag.namespace() == Some(NS_UDT) && tag.name() == "DateTimeString" && n.attribute("format") == Some("102") {
            if !is_date_102(&text(n)) {
                fail("CII-DT-097", n, "A date with format 102 must be written YYYYMMDD.".into());
            }
            continue;
        }
        if tag.namespace() != Some(NS_RAM) {
            continue;
        }
        let name = tag.name();
        let attr_rules = |rules: &[(&'static str, &str)], fail: &mut dyn FnMut(&'static str, N<'_>, String)| {
            for (rule, attribute) in rules {
                if n.attribute(*attribute).is_some() {
                    fail(rule, n, format!("The attribute {attribute} of {name} is not used in EN 16931."));
                }
            }
        };
        if name.ends_with("ID") {
            if FIXED_IDS.contains(&plain_path(n).as_str()) {
                attr_rules(
                    &[
                        ("CII-DT-001", "schemeName"),
                        ("CII-DT-002", "schemeAgencyName"),
                        ("CII-DT-003", "schemeDataURI"),
                        ("CII-DT-004", "schemeURI"),
                        ("CII-DT-005", "schemeID"),
                        ("CII-DT-006", "schemeAgencyID"),
                        ("CII-DT-007", "schemeVersionID"),
                    ],
                    &mut fail,
                );
            } else {
                attr_rules(
                    &[
                        ("CII-DT-101", "schemeName"),
                        ("CII-DT-102", "schemeAgencyName"),
                        ("CII-DT-103", "schemeDataURI"),
                        ("CII-DT-104", "schemeURI"),
                    ],
                    &mut fail,
                );
            }
        } else if name == "TypeCode" {
            attr_rules(&[("CII-DT-008", "name"), ("CII-DT-009", "listURI")], &mut fail);
        } else if name.ends_with("ReferencedDocument") {
            let additional = name == "AdditionalReferencedDocument";
            let attachment = additional && type_is(n, "916");
            for (rule, child, allowed) in [
                ("CII-DT-015", "URIID", attachment),
                ("CII-DT-016", "StatusCode", false),
                ("CII-DT-017", "CopyIndicator", false),
                ("CII-DT-018", "TypeCode", additional && (type_is(n, "50") || type_is(n, "130") || type_is(n, "916"))),
                ("CII-DT-019", "GlobalID", false),
                ("CII-DT-020", "RevisionID", false),
                ("CII-DT-021", "Name", attachment),
                ("CII-DT-022", "AttachmentBinaryObject", attachment),
                ("CII-DT-023", "Information", false),
                ("CII-DT-024", "ReferenceTypeCode", additional && type_is(n, "130")),
                ("CII-DT-025", "SectionName", false),
                ("CII-DT-026", "PreviousRevisionID", false),
                ("CII-DT-027", "FormattedIssueDateTime", name == "InvoiceReferencedDocument"),
                ("CII-DT-028", "EffectiveSpecifiedPeriod", false),
                ("CII-DT-029", "IssuerTradeParty", false),
                ("CII-DT-030", "AttachedSpecifiedBinaryFile", false),
            ] {
                if !allowed && has(n, &format!("ram:{child}")) {
                    fail(rule, n, format!("{child} is not used in a referenced document ({name}) in EN 16931."));
                }
            }
        } else if name.ends_with("Amount") && name != "TaxTotalAmount" {
            attr_rules(&[("CII-DT-031", "currencyID"), ("CII-DT-032", "currencyCodeListVersionID")], &mut fail);
        } else if name.ends_with("Quantity") {
            if n.attribute("unitCode").is_some() && !line_units {
                fail("CII-DT-033", n, format!("The attribute unitCode of {name} is not used in EN 16931."));
            }
            attr_rules(
                &[
                    ("CII-DT-034", "unitCodeListID"),
                    ("CII-DT-035", "unitCodeListAgencyID"),
                    ("CII-DT-036", "unitCodeListAgencyName"),
                ],
                &mut fail,
            );
        } else if name.ends_with("TradeTax") {
            let types: Vec<String> = all(n, "ram:TypeCode").into_iter().map(text).collect();
            if !types.is_empty() && !types.iter().any(|t| t == "VAT") {
                fail("CII-DT-037", n, "The tax type code must be VAT.".into());
            }
        } else if name == "BillingSpecifiedPeriod" {
            for (rule, child) in [
                ("CII-DT-068", "ram:StartDateTime/udt:DateTime"),
                ("CII-DT-069", "ram:DurationMeasure"),
                ("CII-DT-070", "ram:InclusiveIndicator"),
                ("CII-DT-071", "ram:Description"),
                ("CII-DT-072", "ram:EndDateTime/udt:DateTime"),
                ("CII-DT-073", "ram:CompleteDateTime"),
                ("CII-DT-074", "ram:OpenIndicator"),
                ("CII-DT-075", "ram:SeasonCode"),
                ("CII-DT-076", "ram:ID"),
                ("CII-DT-077", "ram:Name"),
                ("CII-DT-078", "ram:SequenceNumeric"),
                ("CII-DT-079", "ram:StartDateFlexibilityCode"),
                ("CII-DT-080", "ram:ContinuousIndicator"),
                ("CII-DT-081", "ram:PurposeCode"),
            ] {
                if has(n, child) {
                    fail(rule, n, format!("{} is not used in an invoicing period (BG-14, BG-26).", &child[4..]));
                }
            }
        } else if name == "PostalTradeAddress" {
            for (rule, child) in [
                ("CII-DT-082", "ID"),
                ("CII-DT-083", "PostOfficeBox"),
                ("CII-DT-084", "BuildingName"),
                ("CII-DT-086", "LineFour"),
                ("CII-DT-087", "LineFive"),
                ("CII-DT-088", "StreetName"),
                ("CII-DT-089", "CitySubDivisionName"),
                ("CII-DT-090", "CountryName"),
                ("CII-DT-091", "CountrySubDivisionID"),
                ("CII-DT-092", "AttentionOf"),
                ("CII-DT-093", "CareOf"),
                ("CII-DT-094", "BuildingNumber"),
                ("CII-DT-095", "DepartmentName"),
                ("CII-DT-096", "AdditionalStreetName"),
            ] {
                if has(n, &format!("ram:{child}")) {
                    fail(rule, n, format!("{child} is not used in a postal address in EN 16931."));
                }
            }
        }
    }
}

/// `matches(., '^\s*(\d{4})(1[0-2]|0[1-9]){1}(3[01]|[12][0-9]|0[1-9]){1}\s*$')`.
fn is_date_102(s: &str) -> bool {
    let t = s.trim_matches([' ', '\t', '\r', '\n']);
    let b = t.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let month = (b[4] - b'0') * 10 + (b[5] - b'0');
    let day = (b[6] - b'0') * 10 + (b[7] - b'0');
    (1..=12).contains(&month) && (1..=31).contains(&day)
}
