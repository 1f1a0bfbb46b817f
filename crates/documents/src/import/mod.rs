//! Reading e-invoices that others send us: UBL 2.1 invoices and credit notes here, CII in
//! `cii`, in `received` the recognition of any received file (XML or a Factur-X PDF), and
//! in `email` the files attached to an email sent to a business's inbound address.
//!
//! [`parse_ubl`] (and [`parse_cii`]) reads what is needed to show a received document (number, dates,
//! parties, lines, VAT breakdown, totals) and lists, in plain words with the EN 16931
//! term numbers, everything in it that FastFaktura's model cannot hold. Only a document
//! without such things converts into an [`InvoiceData`] ([`ImportedInvoice::to_invoice_data`]).

use std::collections::BTreeSet;

use fastfaktura_domain::Decimal;
use roxmltree::Node;
use time::{Date, Month};

use crate::model::{Endpoint, PaymentDetails};

mod cii;
mod convert;
mod email;
mod received;

pub use cii::parse_cii;
pub use email::{EmailError, EmailFile, MAX_EMAIL_BYTES, MAX_EMAIL_FILES, ReceivedEmail, read_email};
pub use received::{
    MAX_RECEIVED_BYTES, MAX_XML_DEPTH, ReceiveError, ReceivedFormat, ReceivedInvoice, RecognisedDocument,
    read_received, recognise_received,
};

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not well-formed XML: {0}")]
    NotXml(String),
    #[error("not a UBL 2.1 Invoice or CreditNote (root element {0})")]
    NotUbl(String),
    #[error("not a CII CrossIndustryInvoice (root element {0})")]
    NotCii(String),
    #[error("required information is missing or unreadable: {}", .0.join("; "))]
    Missing(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportedParty {
    pub name: String,
    pub address_lines: Vec<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub vat_id: Option<String>,
    pub registration_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub contact_name: Option<String>,
    pub endpoint: Option<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedLine {
    pub id: String,
    pub name: String,
    pub quantity: Decimal,
    pub unit_code: String,
    /// BT-146 divided by the price base quantity.
    pub unit_price: Option<Decimal>,
    /// BT-131.
    pub net_amount: Decimal,
    /// BT-136 (sum of the line's allowances).
    pub allowance: Decimal,
    /// Percent of the line allowance, when given.
    pub discount_percent: Option<Decimal>,
    pub vat_category: String,
    pub vat_rate: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedVat {
    pub category: String,
    pub rate: Option<Decimal>,
    pub taxable: Decimal,
    pub vat: Decimal,
    pub exemption_reason: Option<String>,
}

/// BG-22 as the sender stated it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportedTotals {
    pub line_total: Decimal,
    pub allowance_total: Decimal,
    pub charge_total: Decimal,
    pub tax_exclusive: Decimal,
    pub vat_total: Decimal,
    pub tax_inclusive: Decimal,
    pub prepaid: Decimal,
    pub rounding: Decimal,
    pub payable: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedInvoice {
    pub credit_note: bool,
    /// UNCL1001 (380, 381, 384, ...).
    pub type_code: String,
    pub number: String,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub delivery_date: Option<Date>,
    pub currency: String,
    pub buyer_reference: Option<String>,
    /// BT-13.
    pub order_reference: Option<String>,
    /// BG-14 (BT-73, BT-74); kept only when both dates are given.
    pub period: Option<(Date, Date)>,
    pub preceding_invoice: Option<(String, Option<Date>)>,
    pub notes: Vec<String>,
    pub seller: ImportedParty,
    pub buyer: ImportedParty,
    pub payment: PaymentDetails,
    pub payment_terms: Option<String>,
    /// Document-level allowance percentage, when all allowances state the same one.
    pub discount_percent: Option<Decimal>,
    pub lines: Vec<ImportedLine>,
    pub vat_breakdown: Vec<ImportedVat>,
    pub totals: ImportedTotals,
    /// What the document contains that FastFaktura cannot represent, in plain words.
    pub unsupported: Vec<String>,
}

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|n| n.is_element() && n.tag_name().name() == name)
}

fn children<'a>(node: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    node.children().filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn path<'a>(node: Node<'a, 'a>, names: &[&str]) -> Option<Node<'a, 'a>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

fn text(node: Node, names: &[&str]) -> Option<String> {
    path(node, names).and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn decimal(node: Node, names: &[&str]) -> Option<Decimal> {
    text(node, names).and_then(|t| t.parse().ok())
}

/// The day of an ISO 8601 date or date-time (`2026-12-05`, `2026-12-05T10:00:00+00:00`).
pub(crate) fn parse_date(value: &str) -> Option<Date> {
    let mut parts = value.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
    let day = parts.next()?.get(..2)?.parse().ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

fn date(node: Node, names: &[&str]) -> Option<Date> {
    text(node, names).as_deref().and_then(parse_date)
}

/// Top-level elements we read, and what the others mean (EN 16931 terms).
const HANDLED: &[&str] = &[
    "UBLVersionID",
    "CustomizationID",
    "ProfileID",
    "ID",
    "IssueDate",
    "DueDate",
    "InvoiceTypeCode",
    "CreditNoteTypeCode",
    "Note",
    "DocumentCurrencyCode",
    "BuyerReference",
    "InvoicePeriod",
    "OrderReference",
    "BillingReference",
    "AccountingSupplierParty",
    "AccountingCustomerParty",
    "Delivery",
    "PaymentMeans",
    "PaymentTerms",
    "AllowanceCharge",
    "TaxTotal",
    "LegalMonetaryTotal",
    "InvoiceLine",
    "CreditNoteLine",
];

fn describe(element: &str) -> String {
    let meaning = match element {
        "AccountingCost" => "buyer accounting reference (BT-19)",
        "AdditionalDocumentReference" => "supporting documents or attachments (BG-24)",
        "ContractDocumentReference" => "contract reference (BT-12)",
        "PayeeParty" => "a payee other than the seller (BG-10)",
        "TaxRepresentativeParty" => "the seller's tax representative (BG-11)",
        "TaxCurrencyCode" => "VAT accounting currency (BT-6)",
        "TaxPointDate" => "VAT point date (BT-7)",
        "DespatchDocumentReference" => "despatch advice reference (BT-16)",
        "ReceiptDocumentReference" => "receiving advice reference (BT-15)",
        "OriginatorDocumentReference" => "tender or lot reference (BT-17)",
        "ProjectReference" => "project reference (BT-11)",
        "UBLExtensions" => "UBL extensions",
        other => return format!("element {other}"),
    };
    meaning.to_owned()
}

/// Reads a UBL 2.1 Invoice or CreditNote.
pub fn parse_ubl(xml: &str) -> Result<ImportedInvoice, ImportError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| ImportError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    let credit_note = match root.tag_name().namespace() {
        Some(NS_INVOICE) if root.tag_name().name() == "Invoice" => false,
        Some(NS_CREDIT_NOTE) if root.tag_name().name() == "CreditNote" => true,
        _ => return Err(ImportError::NotUbl(root.tag_name().name().to_owned())),
    };
    let mut unsupported = BTreeSet::new();
    let mut missing = Vec::new();
    for element in root.children().filter(Node::is_element) {
        if !HANDLED.contains(&element.tag_name().name()) {
            unsupported.insert(describe(element.tag_name().name()));
        }
    }

    let number = text(root, &["ID"]).unwrap_or_else(|| {
        missing.push("invoice number (BT-1)".to_owned());
        String::new()
    });
    let issue_date = date(root, &["IssueDate"]);
    if issue_date.is_none() {
        missing.push("issue date (BT-2)".to_owned());
    }
    let currency = text(root, &["DocumentCurrencyCode"]).unwrap_or_else(|| {
        missing.push("currency (BT-5)".to_owned());
        String::new()
    });
    let type_code =
        text(root, &[if credit_note { "CreditNoteTypeCode" } else { "InvoiceTypeCode" }]).unwrap_or_default();
    if !matches!(type_code.as_str(), "380" | "381") {
        unsupported.insert(format!("document type code {type_code} (FastFaktura issues 380 and 381)"));
    }

    let preceding_invoice = path(root, &["BillingReference", "InvoiceDocumentReference"])
        .map(|r| (text(r, &["ID"]).unwrap_or_default(), date(r, &["IssueDate"])));
    if children(root, "BillingReference").count() > 1 {
        unsupported.insert("more than one preceding invoice reference (BG-3)".to_owned());
    }
    if preceding_invoice.is_some() && !credit_note {
        unsupported.insert("a preceding invoice reference on an invoice (BG-3)".to_owned());
    }

    let seller = path(root, &["AccountingSupplierParty", "Party"]).map(|p| party(p, &mut unsupported));
    let buyer = path(root, &["AccountingCustomerParty", "Party"]).map(|p| party(p, &mut unsupported));
    for (role, p, term) in [("seller", &seller, "BG-4"), ("buyer", &buyer, "BG-7")] {
        if p.as_ref().is_none_or(|p| p.name.is_empty()) {
            missing.push(format!("{role} name ({term})"));
        }
    }

    let delivery = child(root, "Delivery");
    let delivery_date = delivery.and_then(|d| date(d, &["ActualDeliveryDate"]));
    if let Some(d) = delivery {
        for element in d.children().filter(Node::is_element) {
            match element.tag_name().name() {
                "ActualDeliveryDate" => {}
                "DeliveryLocation" => {
                    // Only the deliver-to country (BT-80) is kept: FastFaktura writes the buyer's.
                    let address = child(element, "Address");
                    let only_country = element.children().filter(Node::is_element).count() == 1
                        && address.is_some_and(|a| a.children().filter(Node::is_element).count() == 1)
                        && path(element, &["Address", "Country", "IdentificationCode"]).is_some();
                    if !only_country {
                        unsupported.insert("a delivery address (BG-15)".to_owned());
                    }
                }
                "DeliveryParty" => {
                    unsupported.insert("a deliver-to party name (BT-70)".to_owned());
                }
                other => {
                    unsupported.insert(format!("delivery element {other}"));
                }
            }
        }
    }

    let payment = payment(root, &mut unsupported);
    let discount_percent = document_allowances(root, &mut unsupported);
    let (vat_breakdown, totals) = amounts(root, &mut missing, &mut unsupported);
    let line_tag = if credit_note { "CreditNoteLine" } else { "InvoiceLine" };
    let lines: Vec<ImportedLine> = children(root, line_tag).map(|l| line(l, &mut unsupported)).collect();
    if lines.is_empty() {
        missing.push("invoice lines (BG-25)".to_owned());
    }

    if !missing.is_empty() {
        return Err(ImportError::Missing(missing));
    }
    Ok(ImportedInvoice {
        credit_note,
        type_code,
        number,
        issue_date: issue_date.expect("checked above"),
        due_date: date(root, &["DueDate"]).or_else(|| date(root, &["PaymentMeans", "PaymentDueDate"])),
        delivery_date,
        currency,
        buyer_reference: text(root, &["BuyerReference"]),
        order_reference: text(root, &["OrderReference", "ID"]),
        period: date(root, &["InvoicePeriod", "StartDate"]).zip(date(root, &["InvoicePeriod", "EndDate"])),
        preceding_invoice,
        notes: children(root, "Note").filter_map(|n| n.text()).map(|t| t.trim().to_owned()).collect(),
        seller: seller.unwrap_or_default(),
        buyer: buyer.unwrap_or_default(),
        payment,
        payment_terms: text(root, &["PaymentTerms", "Note"]),
        discount_percent,
        lines,
        vat_breakdown,
        totals,
        unsupported: unsupported.into_iter().collect(),
    })
}

fn party(p: Node, unsupported: &mut BTreeSet<String>) -> ImportedParty {
    let address = child(p, "PostalAddress");
    let mut address_lines = Vec::new();
    if let Some(a) = address {
        address_lines.extend(text(a, &["StreetName"]));
        address_lines.extend(text(a, &["AdditionalStreetName"]));
        address_lines.extend(text(a, &["AddressLine", "Line"]));
        if child(a, "CountrySubentity").is_some() {
            unsupported.insert("a country subdivision in an address (BT-39/BT-54)".to_owned());
        }
    }
    if child(p, "PartyIdentification").is_some() {
        unsupported.insert("party identifiers (BT-29/BT-46)".to_owned());
    }
    if children(p, "PartyTaxScheme").filter(|t| text(*t, &["TaxScheme", "ID"]).as_deref() != Some("VAT")).count() > 0 {
        unsupported.insert("a tax registration other than VAT (BT-32)".to_owned());
    }
    if path(p, &["PartyLegalEntity", "CompanyLegalForm"]).is_some() {
        unsupported.insert("additional legal information (BT-33)".to_owned());
    }
    let name = text(p, &["PartyName", "Name"]).or_else(|| text(p, &["PartyLegalEntity", "RegistrationName"]));
    let registration_name = text(p, &["PartyLegalEntity", "RegistrationName"]);
    if registration_name.is_some() && name.is_some() && registration_name != name {
        unsupported.insert("a trading name different from the legal name (BT-28/BT-45)".to_owned());
    }
    ImportedParty {
        name: name.unwrap_or_default(),
        address_lines,
        postcode: address.and_then(|a| text(a, &["PostalZone"])),
        city: address.and_then(|a| text(a, &["CityName"])),
        country: address.and_then(|a| text(a, &["Country", "IdentificationCode"])),
        vat_id: children(p, "PartyTaxScheme")
            .find(|t| text(*t, &["TaxScheme", "ID"]).as_deref() == Some("VAT"))
            .and_then(|t| text(t, &["CompanyID"])),
        registration_id: text(p, &["PartyLegalEntity", "CompanyID"]),
        email: text(p, &["Contact", "ElectronicMail"]),
        phone: text(p, &["Contact", "Telephone"]),
        contact_name: text(p, &["Contact", "Name"]),
        endpoint: child(p, "EndpointID").and_then(|e| {
            Some(Endpoint { scheme: e.attribute("schemeID")?.to_owned(), id: e.text()?.trim().to_owned() })
        }),
    }
}

fn payment(root: Node, unsupported: &mut BTreeSet<String>) -> PaymentDetails {
    let means: Vec<Node> = children(root, "PaymentMeans").collect();
    if means.len() > 1 {
        unsupported.insert("more than one payment means (BG-16)".to_owned());
    }
    let Some(first) = means.first() else { return PaymentDetails::default() };
    let code = text(*first, &["PaymentMeansCode"]).unwrap_or_default();
    if !matches!(code.as_str(), "30" | "31" | "58") {
        unsupported.insert(format!("payment means {code} (FastFaktura takes credit transfers: 30, 58)"));
    }
    if child(*first, "CardAccount").is_some() || child(*first, "PaymentMandate").is_some() {
        unsupported.insert("card payment or direct debit details (BG-18/BG-19)".to_owned());
    }
    PaymentDetails {
        iban: text(*first, &["PayeeFinancialAccount", "ID"]).map(|i| i.replace(' ', "")),
        bic: text(*first, &["PayeeFinancialAccount", "FinancialInstitutionBranch", "ID"]),
        reference: text(*first, &["PaymentID"]),
        domestic: None,
    }
}

/// Document-level allowances: representable only as one percentage on every category.
fn document_allowances(root: Node, unsupported: &mut BTreeSet<String>) -> Option<Decimal> {
    let mut percents = BTreeSet::new();
    let mut count = 0;
    for ac in children(root, "AllowanceCharge") {
        if text(ac, &["ChargeIndicator"]).as_deref() == Some("true") {
            unsupported.insert("document-level charges (BG-21)".to_owned());
            continue;
        }
        count += 1;
        match decimal(ac, &["MultiplierFactorNumeric"]) {
            Some(p) => {
                percents.insert(p.normalize());
            }
            None => {
                unsupported.insert("document-level allowances given as amounts (BG-20)".to_owned());
            }
        }
    }
    if percents.len() > 1 {
        unsupported.insert("document-level allowances with different percentages (BG-20)".to_owned());
    }
    (count > 0 && percents.len() == 1).then(|| *percents.first().expect("one percentage"))
}

fn amounts(
    root: Node,
    missing: &mut Vec<String>,
    unsupported: &mut BTreeSet<String>,
) -> (Vec<ImportedVat>, ImportedTotals) {
    let tax_totals: Vec<Node> = children(root, "TaxTotal").collect();
    let main = tax_totals.iter().find(|t| child(**t, "TaxSubtotal").is_some()).or(tax_totals.first());
    let breakdown = main
        .map(|t| {
            children(*t, "TaxSubtotal")
                .map(|s| ImportedVat {
                    category: text(s, &["TaxCategory", "ID"]).unwrap_or_default(),
                    rate: decimal(s, &["TaxCategory", "Percent"]),
                    taxable: decimal(s, &["TaxableAmount"]).unwrap_or_default(),
                    vat: decimal(s, &["TaxAmount"]).unwrap_or_default(),
                    exemption_reason: text(s, &["TaxCategory", "TaxExemptionReason"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(m) = child(root, "LegalMonetaryTotal") else {
        missing.push("document totals (BG-22)".to_owned());
        return (breakdown, ImportedTotals::default());
    };
    let get = |name: &str| decimal(m, &[name]).unwrap_or_default();
    let totals = ImportedTotals {
        line_total: get("LineExtensionAmount"),
        allowance_total: get("AllowanceTotalAmount"),
        charge_total: get("ChargeTotalAmount"),
        tax_exclusive: get("TaxExclusiveAmount"),
        vat_total: main.and_then(|t| decimal(*t, &["TaxAmount"])).unwrap_or_default(),
        tax_inclusive: get("TaxInclusiveAmount"),
        prepaid: get("PrepaidAmount"),
        rounding: get("PayableRoundingAmount"),
        payable: get("PayableAmount"),
    };
    if decimal(m, &["PayableAmount"]).is_none() {
        missing.push("amount due for payment (BT-115)".to_owned());
    }
    if !totals.prepaid.is_zero() {
        unsupported.insert("a prepaid amount (BT-113)".to_owned());
    }
    (breakdown, totals)
}

fn line(l: Node, unsupported: &mut BTreeSet<String>) -> ImportedLine {
    let quantity_node = child(l, "InvoicedQuantity").or_else(|| child(l, "CreditedQuantity"));
    for element in l.children().filter(Node::is_element) {
        let what = match element.tag_name().name() {
            "ID"
            | "InvoicedQuantity"
            | "CreditedQuantity"
            | "LineExtensionAmount"
            | "Item"
            | "Price"
            | "AllowanceCharge" => continue,
            "Note" => "line notes (BT-127)",
            "AccountingCost" => "line accounting references (BT-133)",
            "InvoicePeriod" => "line invoicing periods (BG-26)",
            "OrderLineReference" => "order line references (BT-132)",
            "DocumentReference" => "line object identifiers (BT-128)",
            other => {
                unsupported.insert(format!("line element {other}"));
                continue;
            }
        };
        unsupported.insert(what.to_owned());
    }
    let item = child(l, "Item");
    if let Some(item) = item {
        for element in item.children().filter(Node::is_element) {
            let what = match element.tag_name().name() {
                "Name" | "ClassifiedTaxCategory" => continue,
                "Description" => "item descriptions beside the name (BT-154)",
                "SellersItemIdentification" | "BuyersItemIdentification" | "StandardItemIdentification" => {
                    "item identifiers (BT-155/BT-156/BT-157)"
                }
                "CommodityClassification" => "item classifications (BT-158)",
                "OriginCountry" => "item country of origin (BT-159)",
                "AdditionalItemProperty" => "item attributes (BG-32)",
                other => {
                    unsupported.insert(format!("item element {other}"));
                    continue;
                }
            };
            unsupported.insert(what.to_owned());
        }
    }
    let price = child(l, "Price");
    if price.is_some_and(|p| child(p, "AllowanceCharge").is_some()) {
        unsupported.insert("gross prices with a price discount (BT-147/BT-148)".to_owned());
    }
    let base_quantity = price.and_then(|p| decimal(p, &["BaseQuantity"])).filter(|q| !q.is_zero());
    if base_quantity.is_some_and(|q| q != Decimal::ONE) {
        unsupported.insert("price base quantities other than 1 (BT-149)".to_owned());
    }
    let mut allowance = Decimal::ZERO;
    let mut discount_percent = None;
    for ac in children(l, "AllowanceCharge") {
        if text(ac, &["ChargeIndicator"]).as_deref() == Some("true") {
            unsupported.insert("line charges (BG-28)".to_owned());
            continue;
        }
        // Checked: a sender's amounts can be near Decimal's limit, where `+` panics.
        match allowance.checked_add(decimal(ac, &["Amount"]).unwrap_or_default()) {
            Some(sum) => allowance = sum,
            None => {
                unsupported.insert("line allowances too large to add up (BG-27)".to_owned());
            }
        }
        match decimal(ac, &["MultiplierFactorNumeric"]) {
            Some(p) if discount_percent.is_none() => discount_percent = Some(p),
            _ => {
                unsupported.insert("line allowances given as amounts (BG-27)".to_owned());
            }
        }
    }
    ImportedLine {
        id: text(l, &["ID"]).unwrap_or_default(),
        name: item.and_then(|i| text(i, &["Name"])).unwrap_or_default(),
        quantity: quantity_node.and_then(|q| q.text()).and_then(|t| t.trim().parse().ok()).unwrap_or_default(),
        unit_code: quantity_node.and_then(|q| q.attribute("unitCode")).unwrap_or("C62").to_owned(),
        unit_price: price
            .and_then(|p| decimal(p, &["PriceAmount"]))
            // Checked: a huge price over a tiny base quantity overflows (None: no price).
            .and_then(|p| base_quantity.map_or(Some(p), |q| p.checked_div(q)))
            .map(|p| p.normalize()),
        net_amount: decimal(l, &["LineExtensionAmount"]).unwrap_or_default(),
        allowance,
        discount_percent,
        vat_category: item.and_then(|i| text(i, &["ClassifiedTaxCategory", "ID"])).unwrap_or_default(),
        vat_rate: item.and_then(|i| decimal(i, &["ClassifiedTaxCategory", "Percent"])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fixtures, model::InvoiceDocument, ubl::ubl_xml};
    use fastfaktura_domain::PriceEntry;

    #[test]
    fn our_own_ubl_reads_back_completely() {
        // Gross price entry is written as net prices and a discount amount per VAT rate,
        // which FastFaktura's one document discount percentage cannot hold.
        for (name, data) in fixtures::matrix().into_iter().filter(|(_, d)| d.price_entry == PriceEntry::Net) {
            let doc = InvoiceDocument::new(data).unwrap();
            let imported = parse_ubl(&ubl_xml(&doc)).unwrap();
            assert!(imported.unsupported.is_empty(), "{name}: {:?}", imported.unsupported);
            assert_eq!(imported.number, doc.number, "{name}");
            assert_eq!(imported.totals.payable, doc.totals().payable, "{name}");
            assert_eq!(imported.lines.len(), doc.lines.len(), "{name}");
            let back = InvoiceDocument::new(imported.to_invoice_data().unwrap()).unwrap();
            assert_eq!(back.totals().payable, doc.totals().payable, "{name}");
        }
    }

    #[test]
    fn amounts_at_decimals_limit_are_refused_not_overflowed() {
        // Found while writing the `ubl_import` fuzz target: a price over a tiny base
        // quantity, and line allowances adding up past Decimal's limit, panicked.
        let max = "79228162514264337593543950335";
        let ours = ubl_xml(&fixtures::sample_eur());
        let first_price = ours.find("</cbc:PriceAmount>").expect("a price");
        let start = ours[..first_price].rfind('>').expect("its start") + 1;
        let divided = format!(
            "{}{max}</cbc:PriceAmount><cbc:BaseQuantity>0.5</cbc:BaseQuantity>{}",
            &ours[..start],
            &ours[first_price + "</cbc:PriceAmount>".len()..]
        );
        let imported = parse_ubl(&divided).unwrap();
        assert_eq!(imported.lines[0].unit_price, None);
        assert!(imported.to_invoice_data().unwrap_err().iter().any(|p| p.contains("BT-146")));

        let allowance = format!(
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>\
             <cbc:Amount currencyID=\"EUR\">{max}</cbc:Amount></cac:AllowanceCharge>"
        );
        let first_line_end = ours.find("<cac:Item>").expect("an item");
        let added = format!("{}{allowance}{allowance}{}", &ours[..first_line_end], &ours[first_line_end..]);
        let imported = parse_ubl(&added).unwrap();
        assert!(imported.unsupported.iter().any(|u| u.contains("too large to add up")), "{:?}", imported.unsupported);
    }

    #[test]
    fn garbage_is_refused_clearly() {
        assert!(matches!(parse_ubl("<not xml"), Err(ImportError::NotXml(_))));
        assert!(matches!(parse_ubl("<Invoice/>"), Err(ImportError::NotUbl(_))));
        let err = parse_ubl(&format!("<Invoice xmlns=\"{NS_INVOICE}\"/>")).unwrap_err().to_string();
        assert!(err.contains("BT-1") && err.contains("BG-22"), "{err}");
    }
}
