//! UBL 2.1 invoices and credit notes following Peppol BIS Billing 3.0 or XRechnung 3.0
//! (both EN 16931).
//!
//! Written element by element in the order the UBL 2.1 schema demands; every amount
//! comes from the document's computed totals (see `figures` for the line-level values).
//! The two profiles differ only where XRechnung asks for more (see `xrechnung`).
//! Validated in the tests with the CEN EN 16931 UBL rules, the Peppol or KoSIT
//! XRechnung rules and the UBL 2.1 XSDs.

use fastfaktura_domain::totals::VatBreakdown;

use crate::figures::{exemption_code, has_rate, line_figures, payment_means_code, percent_holds};
use crate::model::{DocumentType, InvoiceDocument, Party};
use crate::xml::{XmlWriter, amount, decimal, iso_date};
use crate::xrechnung::{self, EInvoiceProfile, XRechnungIncomplete};

const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// The document as a UBL 2.1 `Invoice` or `CreditNote` (Peppol BIS Billing 3.0).
pub fn ubl_xml(doc: &InvoiceDocument) -> String {
    write(doc, EInvoiceProfile::PeppolBis3)
}

/// The document as UBL in `profile`; an XRechnung is refused with everything it lacks.
pub fn ubl_xml_as(doc: &InvoiceDocument, profile: EInvoiceProfile) -> Result<String, XRechnungIncomplete> {
    profile.check(doc)?;
    Ok(write(doc, profile))
}

fn write(doc: &InvoiceDocument, profile: EInvoiceProfile) -> String {
    let xrechnung = profile == EInvoiceProfile::XRechnung;
    let credit = doc.kind.is_credit_note();
    let cur = doc.currency;
    let cur_attr = [("currencyID", cur.code())];
    let mut w = XmlWriter::new();
    let (root, ns) = if credit { ("CreditNote", NS_CREDIT_NOTE) } else { ("Invoice", NS_INVOICE) };
    w.open(root, &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)]);
    w.leaf("cbc:CustomizationID", profile.customization_id());
    w.leaf("cbc:ProfileID", PROFILE_ID);
    w.leaf("cbc:ID", &doc.number);
    w.leaf("cbc:IssueDate", &iso_date(doc.issue_date));
    if credit {
        w.leaf("cbc:CreditNoteTypeCode", doc.kind.code());
    } else {
        w.leaf("cbc:DueDate", &iso_date(doc.due_date));
        w.leaf("cbc:InvoiceTypeCode", doc.kind.code());
    }
    // Peppol allows one document-level note (PEPPOL-EN16931-R002): all notes, one per line.
    w.leaf("cbc:Note", &doc.notes.join("\n"));
    w.leaf("cbc:DocumentCurrencyCode", cur.code());
    w.leaf("cbc:BuyerReference", &xrechnung::buyer_reference(doc, profile));
    if let Some((start, end)) = doc.period {
        w.open("cac:InvoicePeriod", &[]);
        w.leaf("cbc:StartDate", &iso_date(start));
        w.leaf("cbc:EndDate", &iso_date(end));
        w.close();
    }
    if let Some(order) = &doc.order_reference {
        w.open("cac:OrderReference", &[]);
        w.leaf("cbc:ID", order);
        w.close();
    }
    if let DocumentType::CreditNote { preceding_number, preceding_date } = &doc.kind {
        w.open("cac:BillingReference", &[]);
        w.open("cac:InvoiceDocumentReference", &[]);
        w.leaf("cbc:ID", preceding_number);
        w.leaf("cbc:IssueDate", &iso_date(*preceding_date));
        w.close();
        w.close();
    }
    let hide_vat_ids = doc.outside_scope();
    w.open("cac:AccountingSupplierParty", &[]);
    party(&mut w, &doc.seller, hide_vat_ids, profile);
    w.close();
    w.open("cac:AccountingCustomerParty", &[]);
    party(&mut w, &doc.buyer, hide_vat_ids, profile);
    w.close();
    if let Some(delivery_date) = doc.delivery_date {
        w.open("cac:Delivery", &[]);
        w.leaf("cbc:ActualDeliveryDate", &iso_date(delivery_date));
        // The deliver-to country is required for an intra-community supply (BR-IC-12);
        // elsewhere a country-only address would break national rules (DE-R-010/011).
        // XRechnung wants the city and postcode of any deliver-to address (BR-DE-10/11).
        if doc.intra_community() {
            w.open("cac:DeliveryLocation", &[]);
            w.open("cac:Address", &[]);
            if xrechnung {
                w.leaf_opt("cbc:StreetName", doc.buyer.address_lines.first().map(String::as_str));
                w.leaf("cbc:CityName", &doc.buyer.city);
                w.leaf("cbc:PostalZone", &doc.buyer.postcode);
            }
            w.open("cac:Country", &[]);
            w.leaf("cbc:IdentificationCode", &doc.buyer.country);
            w.close();
            w.close();
            w.close();
        }
        w.close();
    }
    if let Some(iban) = &doc.payment.iban {
        w.open("cac:PaymentMeans", &[]);
        w.leaf("cbc:PaymentMeansCode", payment_means_code(doc));
        if credit {
            w.leaf("cbc:PaymentDueDate", &iso_date(doc.due_date));
        }
        w.leaf_opt("cbc:PaymentID", doc.payment.reference.as_deref());
        w.open("cac:PayeeFinancialAccount", &[]);
        w.leaf("cbc:ID", iban);
        w.leaf("cbc:Name", &doc.seller.name);
        if let Some(bic) = &doc.payment.bic {
            w.open("cac:FinancialInstitutionBranch", &[]);
            w.leaf("cbc:ID", bic);
            w.close();
        }
        w.close();
        w.close();
    }
    w.open("cac:PaymentTerms", &[]);
    let terms = doc.payment_terms.clone().unwrap_or_else(|| format!("Due {}", iso_date(doc.due_date)));
    w.leaf("cbc:Note", &xrechnung::payment_terms(&terms, profile));
    w.close();

    let totals = doc.totals();
    for b in totals.breakdown.iter().filter(|b| !b.allowance.is_zero()) {
        w.open("cac:AllowanceCharge", &[]);
        w.leaf("cbc:ChargeIndicator", "false");
        w.leaf("cbc:AllowanceChargeReasonCode", "95");
        w.leaf("cbc:AllowanceChargeReason", "Discount");
        let stated = percent_holds(b.line_total, doc.discount_percent, b.allowance);
        if stated {
            w.leaf("cbc:MultiplierFactorNumeric", &decimal(doc.discount_percent));
        }
        w.leaf_with("cbc:Amount", &cur_attr, &amount(b.allowance, cur));
        if stated {
            w.leaf_with("cbc:BaseAmount", &cur_attr, &amount(b.line_total, cur));
        }
        tax_category(&mut w, "cac:TaxCategory", b, false, false);
        w.close();
    }

    w.open("cac:TaxTotal", &[]);
    w.leaf_with("cbc:TaxAmount", &cur_attr, &amount(totals.vat_total, cur));
    for b in &totals.breakdown {
        w.open("cac:TaxSubtotal", &[]);
        w.leaf_with("cbc:TaxableAmount", &cur_attr, &amount(b.taxable, cur));
        w.leaf_with("cbc:TaxAmount", &cur_attr, &amount(b.vat, cur));
        // XRechnung states every breakdown's rate, 0 for O too (BR-DE-14).
        tax_category(&mut w, "cac:TaxCategory", b, true, xrechnung);
        w.close();
    }
    w.close();

    w.open("cac:LegalMonetaryTotal", &[]);
    w.leaf_with("cbc:LineExtensionAmount", &cur_attr, &amount(totals.line_total, cur));
    w.leaf_with("cbc:TaxExclusiveAmount", &cur_attr, &amount(totals.tax_exclusive, cur));
    w.leaf_with("cbc:TaxInclusiveAmount", &cur_attr, &amount(totals.tax_inclusive, cur));
    if !totals.allowance_total.is_zero() {
        w.leaf_with("cbc:AllowanceTotalAmount", &cur_attr, &amount(totals.allowance_total, cur));
    }
    if !totals.rounding.is_zero() {
        w.leaf_with("cbc:PayableRoundingAmount", &cur_attr, &amount(totals.rounding, cur));
    }
    w.leaf_with("cbc:PayableAmount", &cur_attr, &amount(totals.payable, cur));
    w.close();

    let (line_tag, quantity_tag) = if credit {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    for (i, line) in doc.lines.iter().enumerate() {
        let f = line_figures(doc, i);
        w.open(line_tag, &[]);
        w.leaf("cbc:ID", &(i + 1).to_string());
        w.leaf_with(quantity_tag, &[("unitCode", &line.unit_code)], &decimal(line.quantity));
        w.leaf_with("cbc:LineExtensionAmount", &cur_attr, &amount(f.net, cur));
        if !f.allowance.is_zero() {
            w.open("cac:AllowanceCharge", &[]);
            w.leaf("cbc:ChargeIndicator", "false");
            w.leaf("cbc:AllowanceChargeReasonCode", "95");
            w.leaf("cbc:AllowanceChargeReason", "Discount");
            let stated = percent_holds(f.base, line.discount_percent, f.allowance);
            if stated {
                w.leaf("cbc:MultiplierFactorNumeric", &decimal(line.discount_percent));
            }
            w.leaf_with("cbc:Amount", &cur_attr, &amount(f.allowance, cur));
            if stated {
                w.leaf_with("cbc:BaseAmount", &cur_attr, &amount(f.base, cur));
            }
            w.close();
        }
        w.open("cac:Item", &[]);
        w.leaf("cbc:Name", &line.description);
        w.open("cac:ClassifiedTaxCategory", &[]);
        w.leaf("cbc:ID", line.vat_category.code());
        if has_rate(line.vat_category) {
            w.leaf("cbc:Percent", &decimal(line.vat_rate));
        }
        w.open("cac:TaxScheme", &[]);
        w.leaf("cbc:ID", "VAT");
        w.close();
        w.close();
        w.close();
        w.open("cac:Price", &[]);
        w.leaf_with("cbc:PriceAmount", &cur_attr, &decimal(f.price));
        w.close();
        w.close();
    }
    w.close();
    w.finish()
}

fn tax_category(w: &mut XmlWriter, tag: &'static str, b: &VatBreakdown, with_reason: bool, always_rate: bool) {
    w.open(tag, &[]);
    w.leaf("cbc:ID", b.category.code());
    if always_rate || has_rate(b.category) {
        w.leaf("cbc:Percent", &decimal(b.rate));
    }
    if with_reason {
        w.leaf_opt("cbc:TaxExemptionReasonCode", exemption_code(b.category));
        w.leaf_opt("cbc:TaxExemptionReason", b.exemption_reason.as_deref());
    }
    w.open("cac:TaxScheme", &[]);
    w.leaf("cbc:ID", "VAT");
    w.close();
    w.close();
}

fn party(w: &mut XmlWriter, p: &Party, hide_vat_id: bool, profile: EInvoiceProfile) {
    w.open("cac:Party", &[]);
    if let Some((scheme, id)) = xrechnung::endpoint_for(p, profile) {
        w.leaf_with("cbc:EndpointID", &[("schemeID", scheme)], id);
    }
    w.open("cac:PartyName", &[]);
    w.leaf("cbc:Name", &p.name);
    w.close();
    w.open("cac:PostalAddress", &[]);
    w.leaf_opt("cbc:StreetName", p.address_lines.first().map(String::as_str));
    w.leaf_opt("cbc:AdditionalStreetName", p.address_lines.get(1).map(String::as_str));
    w.leaf("cbc:CityName", &p.city);
    w.leaf("cbc:PostalZone", &p.postcode);
    if let Some(third) = p.address_lines.get(2) {
        w.open("cac:AddressLine", &[]);
        w.leaf("cbc:Line", third);
        w.close();
    }
    w.open("cac:Country", &[]);
    w.leaf("cbc:IdentificationCode", &p.country);
    w.close();
    w.close();
    if let Some(vat_id) = p.vat_id.as_deref().filter(|_| !hide_vat_id) {
        w.open("cac:PartyTaxScheme", &[]);
        w.leaf("cbc:CompanyID", vat_id);
        w.open("cac:TaxScheme", &[]);
        w.leaf("cbc:ID", "VAT");
        w.close();
        w.close();
    }
    w.open("cac:PartyLegalEntity", &[]);
    w.leaf("cbc:RegistrationName", &p.name);
    if let Some(registration_id) = &p.registration_id {
        // Icelandic kennitala: Peppol scheme 0196 (IS-R-002, IS-R-004).
        let scheme: &[(&str, &str)] = if p.country == "IS" { &[("schemeID", "0196")] } else { &[] };
        w.leaf_with("cbc:CompanyID", scheme, registration_id);
    }
    w.close();
    if p.email.is_some() || p.phone.is_some() || p.contact_name.is_some() {
        w.open("cac:Contact", &[]);
        w.leaf_opt("cbc:Name", p.contact_name.as_deref());
        w.leaf_opt("cbc:Telephone", p.phone.as_deref());
        w.leaf_opt("cbc:ElectronicMail", p.email.as_deref());
        w.close();
    }
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn invoice_has_the_peppol_header_and_totals() {
        let doc = fixtures::sample();
        let xml = ubl_xml(&doc);
        let parsed = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(parsed.root_element().tag_name().name(), "Invoice");
        assert!(xml.contains(xrechnung::PEPPOL_BIS3_CUSTOMIZATION_ID));
        let payable = format!("<cbc:PayableAmount currencyID=\"ISK\">{}</cbc:PayableAmount>", doc.totals().payable);
        assert!(xml.contains(&payable), "{xml}");
        assert!(xml.contains("Þórður Ægisson ehf."));
    }

    #[test]
    fn credit_note_references_the_invoice() {
        let (_, data) = fixtures::matrix().into_iter().find(|(n, _)| *n == "isk-credit-note").unwrap();
        let xml = ubl_xml(&InvoiceDocument::new(data).unwrap());
        assert!(xml.contains("<CreditNote "));
        assert!(xml.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
        assert!(xml.contains("<cbc:ID>FF-2025-000100</cbc:ID>"));
        assert!(xml.contains("<cbc:CreditedQuantity"));
    }

    #[test]
    fn hostile_text_is_escaped() {
        let mut data = fixtures::sample_data();
        data.lines[0].description = "</cbc:Name><x>&amp;".into();
        data.buyer.name = "A & B <Ltd>".into();
        let xml = ubl_xml(&InvoiceDocument::new(data).unwrap());
        let parsed = roxmltree::Document::parse(&xml).unwrap();
        let names: Vec<_> = parsed.descendants().filter(|n| n.has_tag_name("Name")).filter_map(|n| n.text()).collect();
        assert!(names.contains(&"</cbc:Name><x>&amp;"));
        assert!(names.contains(&"A & B <Ltd>"));
    }
}
