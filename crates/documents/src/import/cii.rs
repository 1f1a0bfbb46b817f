//! Reading UN/CEFACT CII D16B invoices (EN 16931's second syntax, Factur-X/ZUGFeRD's
//! embedded XML and one of XRechnung's two) into the same [`ImportedInvoice`] the UBL
//! reader gives, so a received bill looks the same whichever syntax its sender chose.
//!
//! Like the UBL reader it lists, with the EN 16931 term numbers, what FastFaktura's model
//! cannot hold; the lists here cover the elements a CII invoice commonly carries and
//! name any other element by its tag.

use std::collections::BTreeSet;

use fastfaktura_domain::Decimal;
use roxmltree::Node;
use time::{Date, Month};

use super::{
    ImportError, ImportedInvoice, ImportedLine, ImportedParty, ImportedTotals, ImportedVat, child, children, decimal,
    path, text,
};
use crate::model::{Endpoint, PaymentDetails};

pub(crate) const NS_CII: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

/// A CII date: `DateTimeString` with format 102 (`20261205`), or ISO 8601 when a sender
/// writes that instead.
fn cii_date(node: Node, names: &[&str]) -> Option<Date> {
    let holder = path(node, names)?;
    let value = text(holder, &["DateTimeString"]).or_else(|| holder.text().map(|t| t.trim().to_owned()))?;
    if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        let year = value[..4].parse().ok()?;
        let month = Month::try_from(value[4..6].parse::<u8>().ok()?).ok()?;
        return Date::from_calendar_date(year, month, value[6..].parse().ok()?).ok();
    }
    super::parse_date(&value)
}

fn unknown(unsupported: &mut BTreeSet<String>, container: &str, node: Node, known: &[&str]) {
    for element in node.children().filter(Node::is_element) {
        if !known.contains(&element.tag_name().name()) {
            unsupported.insert(format!("element {} in {container}", element.tag_name().name()));
        }
    }
}

/// Reads a CII CrossIndustryInvoice (invoice or credit note by its type code).
pub fn parse_cii(xml: &str) -> Result<ImportedInvoice, ImportError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| ImportError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(NS_CII) || root.tag_name().name() != "CrossIndustryInvoice" {
        return Err(ImportError::NotCii(root.tag_name().name().to_owned()));
    }
    let mut unsupported = BTreeSet::new();
    let mut missing = Vec::new();
    let header = child(root, "ExchangedDocument");
    let transaction = child(root, "SupplyChainTradeTransaction");
    let agreement = transaction.and_then(|t| child(t, "ApplicableHeaderTradeAgreement"));
    let delivery = transaction.and_then(|t| child(t, "ApplicableHeaderTradeDelivery"));
    let settlement = transaction.and_then(|t| child(t, "ApplicableHeaderTradeSettlement"));

    let number = header.and_then(|h| text(h, &["ID"])).unwrap_or_else(|| {
        missing.push("invoice number (BT-1)".to_owned());
        String::new()
    });
    let issue_date = header.and_then(|h| cii_date(h, &["IssueDateTime"]));
    if issue_date.is_none() {
        missing.push("issue date (BT-2)".to_owned());
    }
    let type_code = header.and_then(|h| text(h, &["TypeCode"])).unwrap_or_default();
    if !matches!(type_code.as_str(), "380" | "381") {
        unsupported.insert(format!("document type code {type_code} (FastFaktura issues 380 and 381)"));
    }
    let credit_note = type_code == "381";
    let currency = settlement.and_then(|s| text(s, &["InvoiceCurrencyCode"])).unwrap_or_else(|| {
        missing.push("currency (BT-5)".to_owned());
        String::new()
    });
    let notes =
        header.map(|h| children(h, "IncludedNote").filter_map(|n| text(n, &["Content"])).collect()).unwrap_or_default();

    let seller = agreement.and_then(|a| child(a, "SellerTradeParty")).map(|p| party(p, &mut unsupported));
    let buyer = agreement.and_then(|a| child(a, "BuyerTradeParty")).map(|p| party(p, &mut unsupported));
    for (role, p, term) in [("seller", &seller, "BG-4"), ("buyer", &buyer, "BG-7")] {
        if p.as_ref().is_none_or(|p| p.name.is_empty()) {
            missing.push(format!("{role} name ({term})"));
        }
    }
    if let Some(a) = agreement {
        let known = [
            "BuyerReference",
            "SellerTradeParty",
            "BuyerTradeParty",
            "BuyerOrderReferencedDocument",
            "ContractReferencedDocument",
            "AdditionalReferencedDocument",
            "SellerTaxRepresentativeTradeParty",
            "SpecifiedProcuringProject",
            "SellerOrderReferencedDocument",
        ];
        unknown(&mut unsupported, "the trade agreement", a, &known);
        for (element, meaning) in [
            ("ContractReferencedDocument", "contract reference (BT-12)"),
            ("AdditionalReferencedDocument", "supporting documents or attachments (BG-24)"),
            ("SellerTaxRepresentativeTradeParty", "the seller's tax representative (BG-11)"),
            ("SpecifiedProcuringProject", "project reference (BT-11)"),
            ("SellerOrderReferencedDocument", "sales order reference (BT-14)"),
        ] {
            if child(a, element).is_some() {
                unsupported.insert(meaning.to_owned());
            }
        }
    }

    let delivery_date = delivery.and_then(|d| cii_date(d, &["ActualDeliverySupplyChainEvent", "OccurrenceDateTime"]));
    if let Some(d) = delivery {
        if let Some(ship_to) = child(d, "ShipToTradeParty") {
            let only_country = ship_to.children().filter(Node::is_element).count() == 1
                && child(ship_to, "PostalTradeAddress").is_some_and(|a| {
                    a.children().filter(Node::is_element).count() == 1 && child(a, "CountryID").is_some()
                });
            if !only_country {
                unsupported.insert("a delivery address (BG-15)".to_owned());
            }
        }
        unknown(&mut unsupported, "the delivery", d, &["ShipToTradeParty", "ActualDeliverySupplyChainEvent"]);
    }

    let payment = settlement.map(|s| payment(s, &mut unsupported)).unwrap_or_default();
    let discount_percent = settlement.and_then(|s| document_allowances(s, &mut unsupported));
    let (vat_breakdown, totals) = match settlement {
        Some(s) => amounts(s, &currency, &mut missing, &mut unsupported),
        None => {
            missing.push("document totals (BG-22)".to_owned());
            (Vec::new(), ImportedTotals::default())
        }
    };
    let preceding_invoice = settlement
        .and_then(|s| child(s, "InvoiceReferencedDocument"))
        .map(|r| (text(r, &["IssuerAssignedID"]).unwrap_or_default(), cii_date(r, &["FormattedIssueDateTime"])));
    if preceding_invoice.is_some() && !credit_note {
        unsupported.insert("a preceding invoice reference on an invoice (BG-3)".to_owned());
    }
    let lines: Vec<ImportedLine> = transaction
        .map(|t| children(t, "IncludedSupplyChainTradeLineItem").map(|l| line(l, &mut unsupported)).collect())
        .unwrap_or_default();
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
        due_date: settlement.and_then(|s| cii_date(s, &["SpecifiedTradePaymentTerms", "DueDateDateTime"])),
        delivery_date,
        currency,
        buyer_reference: agreement.and_then(|a| text(a, &["BuyerReference"])),
        order_reference: agreement.and_then(|a| text(a, &["BuyerOrderReferencedDocument", "IssuerAssignedID"])),
        period: settlement.and_then(|s| {
            cii_date(s, &["BillingSpecifiedPeriod", "StartDateTime"])
                .zip(cii_date(s, &["BillingSpecifiedPeriod", "EndDateTime"]))
        }),
        preceding_invoice,
        notes,
        seller: seller.unwrap_or_default(),
        buyer: buyer.unwrap_or_default(),
        payment,
        payment_terms: settlement.and_then(|s| text(s, &["SpecifiedTradePaymentTerms", "Description"])),
        discount_percent,
        lines,
        vat_breakdown,
        totals,
        unsupported: unsupported.into_iter().collect(),
    })
}

fn party(p: Node, unsupported: &mut BTreeSet<String>) -> ImportedParty {
    let address = child(p, "PostalTradeAddress");
    let mut address_lines = Vec::new();
    if let Some(a) = address {
        for tag in ["LineOne", "LineTwo", "LineThree"] {
            address_lines.extend(text(a, &[tag]));
        }
        if child(a, "CountrySubDivisionName").is_some() {
            unsupported.insert("a country subdivision in an address (BT-39/BT-54)".to_owned());
        }
    }
    if child(p, "ID").is_some() || child(p, "GlobalID").is_some() {
        unsupported.insert("party identifiers (BT-29/BT-46)".to_owned());
    }
    if child(p, "Description").is_some() {
        unsupported.insert("additional legal information (BT-33)".to_owned());
    }
    if path(p, &["SpecifiedLegalOrganization", "TradingBusinessName"]).is_some() {
        unsupported.insert("a trading name different from the legal name (BT-28/BT-45)".to_owned());
    }
    let registrations: Vec<Node> = children(p, "SpecifiedTaxRegistration").collect();
    let vat_id = registrations
        .iter()
        .find(|r| child(**r, "ID").and_then(|id| id.attribute("schemeID")) == Some("VA"))
        .and_then(|r| text(*r, &["ID"]));
    if registrations.iter().any(|r| child(*r, "ID").and_then(|id| id.attribute("schemeID")) != Some("VA")) {
        unsupported.insert("a tax registration other than VAT (BT-32)".to_owned());
    }
    let contact = child(p, "DefinedTradeContact");
    ImportedParty {
        name: text(p, &["Name"]).unwrap_or_default(),
        address_lines,
        postcode: address.and_then(|a| text(a, &["PostcodeCode"])),
        city: address.and_then(|a| text(a, &["CityName"])),
        country: address.and_then(|a| text(a, &["CountryID"])),
        vat_id,
        registration_id: text(p, &["SpecifiedLegalOrganization", "ID"]),
        email: contact.and_then(|c| text(c, &["EmailURIUniversalCommunication", "URIID"])),
        phone: contact.and_then(|c| text(c, &["TelephoneUniversalCommunication", "CompleteNumber"])),
        contact_name: contact.and_then(|c| text(c, &["PersonName"])),
        endpoint: path(p, &["URIUniversalCommunication", "URIID"]).and_then(|e| {
            Some(Endpoint { scheme: e.attribute("schemeID")?.to_owned(), id: e.text()?.trim().to_owned() })
        }),
    }
}

fn payment(settlement: Node, unsupported: &mut BTreeSet<String>) -> PaymentDetails {
    let means: Vec<Node> = children(settlement, "SpecifiedTradeSettlementPaymentMeans").collect();
    if means.len() > 1 {
        unsupported.insert("more than one payment means (BG-16)".to_owned());
    }
    if child(settlement, "CreditorReferenceID").is_some() {
        unsupported.insert("card payment or direct debit details (BG-18/BG-19)".to_owned());
    }
    let reference = text(settlement, &["PaymentReference"]);
    let Some(first) = means.first() else { return PaymentDetails { reference, ..PaymentDetails::default() } };
    let code = text(*first, &["TypeCode"]).unwrap_or_default();
    if !matches!(code.as_str(), "30" | "31" | "58") {
        unsupported.insert(format!("payment means {code} (FastFaktura takes credit transfers: 30, 58)"));
    }
    if child(*first, "ApplicableTradeSettlementFinancialCard").is_some()
        || child(*first, "PayerPartyDebtorFinancialAccount").is_some()
    {
        unsupported.insert("card payment or direct debit details (BG-18/BG-19)".to_owned());
    }
    let account = child(*first, "PayeePartyCreditorFinancialAccount");
    PaymentDetails {
        iban: account
            .and_then(|a| text(a, &["IBANID"]).or_else(|| text(a, &["ProprietaryID"])))
            .map(|i| i.replace(' ', "")),
        bic: text(*first, &["PayeeSpecifiedCreditorFinancialInstitution", "BICID"]),
        reference,
        domestic: None,
    }
}

/// Document-level allowances: representable only as one percentage on every category.
fn document_allowances(settlement: Node, unsupported: &mut BTreeSet<String>) -> Option<Decimal> {
    let mut percents = BTreeSet::new();
    let mut count = 0;
    for ac in children(settlement, "SpecifiedTradeAllowanceCharge") {
        if is_charge(ac) {
            unsupported.insert("document-level charges (BG-21)".to_owned());
            continue;
        }
        count += 1;
        match decimal(ac, &["CalculationPercent"]) {
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

fn is_charge(ac: Node) -> bool {
    text(ac, &["ChargeIndicator", "Indicator"]).as_deref() == Some("true")
}

fn amounts(
    settlement: Node,
    currency: &str,
    missing: &mut Vec<String>,
    unsupported: &mut BTreeSet<String>,
) -> (Vec<ImportedVat>, ImportedTotals) {
    let breakdown = children(settlement, "ApplicableTradeTax")
        .map(|t| ImportedVat {
            category: text(t, &["CategoryCode"]).unwrap_or_default(),
            rate: decimal(t, &["RateApplicablePercent"]),
            taxable: decimal(t, &["BasisAmount"]).unwrap_or_default(),
            vat: decimal(t, &["CalculatedAmount"]).unwrap_or_default(),
            exemption_reason: text(t, &["ExemptionReason"]),
        })
        .collect();
    let Some(m) = child(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation") else {
        missing.push("document totals (BG-22)".to_owned());
        return (breakdown, ImportedTotals::default());
    };
    let get = |name: &str| decimal(m, &[name]).unwrap_or_default();
    // BT-110 is the one in the invoice's currency; a second TaxTotalAmount is BT-111.
    let vat_total = children(m, "TaxTotalAmount")
        .find(|t| t.attribute("currencyID").is_none_or(|c| c == currency))
        .and_then(|t| t.text())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or_default();
    let totals = ImportedTotals {
        line_total: get("LineTotalAmount"),
        allowance_total: get("AllowanceTotalAmount"),
        charge_total: get("ChargeTotalAmount"),
        tax_exclusive: get("TaxBasisTotalAmount"),
        vat_total,
        tax_inclusive: get("GrandTotalAmount"),
        prepaid: get("TotalPrepaidAmount"),
        rounding: get("RoundingAmount"),
        payable: get("DuePayableAmount"),
    };
    if decimal(m, &["DuePayableAmount"]).is_none() {
        missing.push("amount due for payment (BT-115)".to_owned());
    }
    if !totals.prepaid.is_zero() {
        unsupported.insert("a prepaid amount (BT-113)".to_owned());
    }
    if children(m, "TaxTotalAmount").count() > 1 {
        unsupported.insert("VAT in an accounting currency (BT-6/BT-111)".to_owned());
    }
    (breakdown, totals)
}

fn line(l: Node, unsupported: &mut BTreeSet<String>) -> ImportedLine {
    let document = child(l, "AssociatedDocumentLineDocument");
    if document.is_some_and(|d| child(d, "IncludedNote").is_some()) {
        unsupported.insert("line notes (BT-127)".to_owned());
    }
    let product = child(l, "SpecifiedTradeProduct");
    if let Some(product) = product {
        for element in product.children().filter(Node::is_element) {
            let what = match element.tag_name().name() {
                "Name" => continue,
                "Description" => "item descriptions beside the name (BT-154)",
                "SellerAssignedID" | "BuyerAssignedID" | "GlobalID" => "item identifiers (BT-155/BT-156/BT-157)",
                "DesignatedProductClassification" => "item classifications (BT-158)",
                "OriginTradeCountry" => "item country of origin (BT-159)",
                "ApplicableProductCharacteristic" => "item attributes (BG-32)",
                other => {
                    unsupported.insert(format!("item element {other}"));
                    continue;
                }
            };
            unsupported.insert(what.to_owned());
        }
    }
    let agreement = child(l, "SpecifiedLineTradeAgreement");
    if agreement.is_some_and(|a| child(a, "GrossPriceProductTradePrice").is_some()) {
        unsupported.insert("gross prices with a price discount (BT-147/BT-148)".to_owned());
    }
    if agreement.is_some_and(|a| child(a, "BuyerOrderReferencedDocument").is_some()) {
        unsupported.insert("order line references (BT-132)".to_owned());
    }
    let price = agreement.and_then(|a| child(a, "NetPriceProductTradePrice"));
    let base_quantity = price.and_then(|p| decimal(p, &["BasisQuantity"])).filter(|q| !q.is_zero());
    if base_quantity.is_some_and(|q| q != Decimal::ONE) {
        unsupported.insert("price base quantities other than 1 (BT-149)".to_owned());
    }
    let quantity_node = path(l, &["SpecifiedLineTradeDelivery", "BilledQuantity"]);
    let settlement = child(l, "SpecifiedLineTradeSettlement");
    let tax = settlement.and_then(|s| child(s, "ApplicableTradeTax"));
    let mut allowance = Decimal::ZERO;
    let mut discount_percent = None;
    if let Some(s) = settlement {
        for element in s.children().filter(Node::is_element) {
            let what = match element.tag_name().name() {
                "ApplicableTradeTax"
                | "SpecifiedTradeAllowanceCharge"
                | "SpecifiedTradeSettlementLineMonetarySummation" => continue,
                "BillingSpecifiedPeriod" => "line invoicing periods (BG-26)",
                "ReceivableSpecifiedTradeAccountingAccount" => "line accounting references (BT-133)",
                "AdditionalReferencedDocument" => "line object identifiers (BT-128)",
                other => {
                    unsupported.insert(format!("line element {other}"));
                    continue;
                }
            };
            unsupported.insert(what.to_owned());
        }
        for ac in children(s, "SpecifiedTradeAllowanceCharge") {
            if is_charge(ac) {
                unsupported.insert("line charges (BG-28)".to_owned());
                continue;
            }
            // Checked: a sender's amounts can be near Decimal's limit, where `+` panics.
            match allowance.checked_add(decimal(ac, &["ActualAmount"]).unwrap_or_default()) {
                Some(sum) => allowance = sum,
                None => {
                    unsupported.insert("line allowances too large to add up (BG-27)".to_owned());
                }
            }
            match decimal(ac, &["CalculationPercent"]) {
                Some(p) if discount_percent.is_none() => discount_percent = Some(p),
                _ => {
                    unsupported.insert("line allowances given as amounts (BG-27)".to_owned());
                }
            }
        }
    }
    ImportedLine {
        id: document.and_then(|d| text(d, &["LineID"])).unwrap_or_default(),
        name: product.and_then(|p| text(p, &["Name"])).unwrap_or_default(),
        quantity: quantity_node.and_then(|q| q.text()).and_then(|t| t.trim().parse().ok()).unwrap_or_default(),
        unit_code: quantity_node.and_then(|q| q.attribute("unitCode")).unwrap_or("C62").to_owned(),
        unit_price: price
            .and_then(|p| decimal(p, &["ChargeAmount"]))
            .and_then(|p| base_quantity.map_or(Some(p), |q| p.checked_div(q)))
            .map(|p| p.normalize()),
        net_amount: settlement
            .and_then(|s| decimal(s, &["SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"]))
            .unwrap_or_default(),
        allowance,
        discount_percent,
        vat_category: tax.and_then(|t| text(t, &["CategoryCode"])).unwrap_or_default(),
        vat_rate: tax.and_then(|t| decimal(t, &["RateApplicablePercent"])),
    }
}
