//! UN/CEFACT Cross Industry Invoice D16B in the EN 16931 profile (Factur-X "EN 16931")
//! or as XRechnung 3.0.
//!
//! The same computed document as the UBL writer, in CII's element order. The EN 16931
//! XML is also what the PDF embeds as `factur-x.xml`. Validated in the tests with the
//! CEN EN 16931 CII rules, the CII D16B XSD and factur-x's own EN 16931 XSD, and the
//! XRechnung with KoSIT's XRechnung rules.

use fastfaktura_domain::totals::VatBreakdown;

use crate::figures::{exemption_code, has_rate, line_figures, payment_means_code, percent_holds};
use crate::model::{DocumentType, InvoiceDocument, Party};
use crate::xml::{XmlWriter, amount, date_102, decimal};
use crate::xrechnung::{self, EInvoiceProfile, XRechnungIncomplete};

/// BT-24 for the EN 16931 profile (Factur-X level "EN 16931").
pub const GUIDELINE_ID: &str = "urn:cen.eu:en16931:2017";

const NS: [(&str, &str); 4] = [
    ("xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"),
    ("xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"),
    ("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"),
    ("xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"),
];

fn date_time(w: &mut XmlWriter, tag: &'static str, inner: &'static str, date: time::Date) {
    w.open(tag, &[]);
    w.leaf_with(inner, &[("format", "102")], &date_102(date));
    w.close();
}

fn indicator(w: &mut XmlWriter, charge: bool) {
    w.open("ram:ChargeIndicator", &[]);
    w.leaf("udt:Indicator", if charge { "true" } else { "false" });
    w.close();
}

/// The document as a CII D16B `CrossIndustryInvoice`, EN 16931 profile.
pub fn cii_xml(doc: &InvoiceDocument) -> String {
    write(doc, EInvoiceProfile::PeppolBis3)
}

/// The document as CII in `profile` (Peppol BIS gives the EN 16931 profile, as
/// [`cii_xml`]); an XRechnung is refused with everything it lacks.
pub fn cii_xml_as(doc: &InvoiceDocument, profile: EInvoiceProfile) -> Result<String, XRechnungIncomplete> {
    profile.check(doc)?;
    Ok(write(doc, profile))
}

fn write(doc: &InvoiceDocument, profile: EInvoiceProfile) -> String {
    let xrechnung = profile == EInvoiceProfile::XRechnung;
    let guideline = if xrechnung { xrechnung::XRECHNUNG_CUSTOMIZATION_ID } else { GUIDELINE_ID };
    let cur = doc.currency;
    let totals = doc.totals();
    let mut w = XmlWriter::new();
    w.open("rsm:CrossIndustryInvoice", &NS);
    w.open("rsm:ExchangedDocumentContext", &[]);
    w.open("ram:GuidelineSpecifiedDocumentContextParameter", &[]);
    w.leaf("ram:ID", guideline);
    w.close();
    w.close();

    w.open("rsm:ExchangedDocument", &[]);
    w.leaf("ram:ID", &doc.number);
    w.leaf("ram:TypeCode", doc.kind.code());
    date_time(&mut w, "ram:IssueDateTime", "udt:DateTimeString", doc.issue_date);
    if !doc.notes.is_empty() {
        // One note, as Peppol allows (PEPPOL-EN16931-R002): all notes, one per line.
        w.open("ram:IncludedNote", &[]);
        w.leaf("ram:Content", &doc.notes.join("\n"));
        w.close();
    }
    w.close();

    w.open("rsm:SupplyChainTradeTransaction", &[]);
    for (i, line) in doc.lines.iter().enumerate() {
        let f = line_figures(doc, i);
        w.open("ram:IncludedSupplyChainTradeLineItem", &[]);
        w.open("ram:AssociatedDocumentLineDocument", &[]);
        w.leaf("ram:LineID", &(i + 1).to_string());
        w.close();
        w.open("ram:SpecifiedTradeProduct", &[]);
        w.leaf("ram:Name", &line.description);
        w.close();
        w.open("ram:SpecifiedLineTradeAgreement", &[]);
        w.open("ram:NetPriceProductTradePrice", &[]);
        w.leaf("ram:ChargeAmount", &decimal(f.price));
        w.close();
        w.close();
        w.open("ram:SpecifiedLineTradeDelivery", &[]);
        w.leaf_with("ram:BilledQuantity", &[("unitCode", &line.unit_code)], &decimal(line.quantity));
        w.close();
        w.open("ram:SpecifiedLineTradeSettlement", &[]);
        w.open("ram:ApplicableTradeTax", &[]);
        w.leaf("ram:TypeCode", "VAT");
        w.leaf("ram:CategoryCode", line.vat_category.code());
        if has_rate(line.vat_category) {
            w.leaf("ram:RateApplicablePercent", &decimal(line.vat_rate));
        }
        w.close();
        if !f.allowance.is_zero() {
            w.open("ram:SpecifiedTradeAllowanceCharge", &[]);
            indicator(&mut w, false);
            if percent_holds(f.base, line.discount_percent, f.allowance) {
                w.leaf("ram:CalculationPercent", &decimal(line.discount_percent));
                w.leaf("ram:BasisAmount", &amount(f.base, cur));
            }
            w.leaf("ram:ActualAmount", &amount(f.allowance, cur));
            w.leaf("ram:ReasonCode", "95");
            w.leaf("ram:Reason", "Discount");
            w.close();
        }
        w.open("ram:SpecifiedTradeSettlementLineMonetarySummation", &[]);
        w.leaf("ram:LineTotalAmount", &amount(f.net, cur));
        w.close();
        w.close();
        w.close();
    }

    let hide_vat_ids = doc.outside_scope();
    w.open("ram:ApplicableHeaderTradeAgreement", &[]);
    w.leaf("ram:BuyerReference", &xrechnung::buyer_reference(doc, profile));
    trade_party(&mut w, "ram:SellerTradeParty", &doc.seller, hide_vat_ids, profile);
    trade_party(&mut w, "ram:BuyerTradeParty", &doc.buyer, hide_vat_ids, profile);
    if let Some(order) = &doc.order_reference {
        w.open("ram:BuyerOrderReferencedDocument", &[]);
        w.leaf("ram:IssuerAssignedID", order);
        w.close();
    }
    w.close();

    w.open("ram:ApplicableHeaderTradeDelivery", &[]);
    if let Some(delivery_date) = doc.delivery_date {
        if doc.intra_community() {
            // BR-IC-12, as in the UBL; XRechnung also wants city and postcode (BR-DE-10/11).
            w.open("ram:ShipToTradeParty", &[]);
            w.open("ram:PostalTradeAddress", &[]);
            if xrechnung {
                w.leaf("ram:PostcodeCode", &doc.buyer.postcode);
                w.leaf_opt("ram:LineOne", doc.buyer.address_lines.first().map(String::as_str));
                w.leaf("ram:CityName", &doc.buyer.city);
            }
            w.leaf("ram:CountryID", &doc.buyer.country);
            w.close();
            w.close();
        }
        w.open("ram:ActualDeliverySupplyChainEvent", &[]);
        date_time(&mut w, "ram:OccurrenceDateTime", "udt:DateTimeString", delivery_date);
        w.close();
    }
    w.close();

    w.open("ram:ApplicableHeaderTradeSettlement", &[]);
    if doc.payment.iban.is_some() {
        w.leaf_opt("ram:PaymentReference", doc.payment.reference.as_deref());
    }
    w.leaf("ram:InvoiceCurrencyCode", cur.code());
    if let Some(iban) = &doc.payment.iban {
        w.open("ram:SpecifiedTradeSettlementPaymentMeans", &[]);
        w.leaf("ram:TypeCode", payment_means_code(doc));
        w.open("ram:PayeePartyCreditorFinancialAccount", &[]);
        w.leaf("ram:IBANID", iban);
        w.leaf("ram:AccountName", &doc.seller.name);
        w.close();
        if let Some(bic) = &doc.payment.bic {
            w.open("ram:PayeeSpecifiedCreditorFinancialInstitution", &[]);
            w.leaf("ram:BICID", bic);
            w.close();
        }
        w.close();
    }
    for b in &totals.breakdown {
        w.open("ram:ApplicableTradeTax", &[]);
        w.leaf("ram:CalculatedAmount", &amount(b.vat, cur));
        w.leaf("ram:TypeCode", "VAT");
        w.leaf_opt("ram:ExemptionReason", b.exemption_reason.as_deref());
        w.leaf("ram:BasisAmount", &amount(b.taxable, cur));
        w.leaf("ram:CategoryCode", b.category.code());
        w.leaf_opt("ram:ExemptionReasonCode", exemption_code(b.category));
        // XRechnung states every breakdown's rate, 0 for O too (BR-DE-14).
        if xrechnung || has_rate(b.category) {
            w.leaf("ram:RateApplicablePercent", &decimal(b.rate));
        }
        w.close();
    }
    if let Some((start, end)) = doc.period {
        w.open("ram:BillingSpecifiedPeriod", &[]);
        date_time(&mut w, "ram:StartDateTime", "udt:DateTimeString", start);
        date_time(&mut w, "ram:EndDateTime", "udt:DateTimeString", end);
        w.close();
    }
    for b in totals.breakdown.iter().filter(|b| !b.allowance.is_zero()) {
        document_allowance(&mut w, doc, b);
    }
    w.open("ram:SpecifiedTradePaymentTerms", &[]);
    let terms = doc.payment_terms.as_deref().map(|t| xrechnung::payment_terms(t, profile));
    w.leaf_opt("ram:Description", terms.as_deref());
    date_time(&mut w, "ram:DueDateDateTime", "udt:DateTimeString", doc.due_date);
    w.close();
    w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation", &[]);
    w.leaf("ram:LineTotalAmount", &amount(totals.line_total, cur));
    if !totals.allowance_total.is_zero() {
        w.leaf("ram:AllowanceTotalAmount", &amount(totals.allowance_total, cur));
    }
    w.leaf("ram:TaxBasisTotalAmount", &amount(totals.tax_exclusive, cur));
    w.leaf_with("ram:TaxTotalAmount", &[("currencyID", cur.code())], &amount(totals.vat_total, cur));
    if !totals.rounding.is_zero() {
        w.leaf("ram:RoundingAmount", &amount(totals.rounding, cur));
    }
    w.leaf("ram:GrandTotalAmount", &amount(totals.tax_inclusive, cur));
    w.leaf("ram:DuePayableAmount", &amount(totals.payable, cur));
    w.close();
    if let DocumentType::CreditNote { preceding_number, preceding_date } = &doc.kind {
        w.open("ram:InvoiceReferencedDocument", &[]);
        w.leaf("ram:IssuerAssignedID", preceding_number);
        date_time(&mut w, "ram:FormattedIssueDateTime", "qdt:DateTimeString", *preceding_date);
        w.close();
    }
    w.close();
    w.close();
    w.close();
    w.finish()
}

fn document_allowance(w: &mut XmlWriter, doc: &InvoiceDocument, b: &VatBreakdown) {
    let cur = doc.currency;
    w.open("ram:SpecifiedTradeAllowanceCharge", &[]);
    indicator(w, false);
    if percent_holds(b.line_total, doc.discount_percent, b.allowance) {
        w.leaf("ram:CalculationPercent", &decimal(doc.discount_percent));
        w.leaf("ram:BasisAmount", &amount(b.line_total, cur));
    }
    w.leaf("ram:ActualAmount", &amount(b.allowance, cur));
    w.leaf("ram:ReasonCode", "95");
    w.leaf("ram:Reason", "Discount");
    w.open("ram:CategoryTradeTax", &[]);
    w.leaf("ram:TypeCode", "VAT");
    w.leaf("ram:CategoryCode", b.category.code());
    if has_rate(b.category) {
        w.leaf("ram:RateApplicablePercent", &decimal(b.rate));
    }
    w.close();
    w.close();
}

fn trade_party(w: &mut XmlWriter, tag: &'static str, p: &Party, hide_vat_id: bool, profile: EInvoiceProfile) {
    w.open(tag, &[]);
    w.leaf("ram:Name", &p.name);
    if let Some(registration_id) = &p.registration_id {
        w.open("ram:SpecifiedLegalOrganization", &[]);
        let scheme: &[(&str, &str)] = if p.country == "IS" { &[("schemeID", "0196")] } else { &[] };
        w.leaf_with("ram:ID", scheme, registration_id);
        w.close();
    }
    if p.email.is_some() || p.phone.is_some() || p.contact_name.is_some() {
        w.open("ram:DefinedTradeContact", &[]);
        w.leaf_opt("ram:PersonName", p.contact_name.as_deref());
        if let Some(phone) = &p.phone {
            w.open("ram:TelephoneUniversalCommunication", &[]);
            w.leaf("ram:CompleteNumber", phone);
            w.close();
        }
        if let Some(email) = &p.email {
            w.open("ram:EmailURIUniversalCommunication", &[]);
            w.leaf("ram:URIID", email);
            w.close();
        }
        w.close();
    }
    w.open("ram:PostalTradeAddress", &[]);
    w.leaf("ram:PostcodeCode", &p.postcode);
    w.leaf_opt("ram:LineOne", p.address_lines.first().map(String::as_str));
    w.leaf_opt("ram:LineTwo", p.address_lines.get(1).map(String::as_str));
    w.leaf_opt("ram:LineThree", p.address_lines.get(2).map(String::as_str));
    w.leaf("ram:CityName", &p.city);
    w.leaf("ram:CountryID", &p.country);
    w.close();
    if let Some((scheme, id)) = xrechnung::endpoint_for(p, profile) {
        w.open("ram:URIUniversalCommunication", &[]);
        w.leaf_with("ram:URIID", &[("schemeID", scheme)], id);
        w.close();
    }
    if let Some(vat_id) = p.vat_id.as_deref().filter(|_| !hide_vat_id) {
        w.open("ram:SpecifiedTaxRegistration", &[]);
        w.leaf_with("ram:ID", &[("schemeID", "VA")], vat_id);
        w.close();
    }
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn cii_has_the_en16931_guideline_and_totals() {
        let doc = fixtures::sample_eur();
        let xml = cii_xml(&doc);
        roxmltree::Document::parse(&xml).unwrap();
        assert!(xml.contains(GUIDELINE_ID));
        assert!(xml.contains(&format!("<ram:DuePayableAmount>{}</ram:DuePayableAmount>", doc.totals().payable)));
        assert!(xml.contains("<ram:IBANID>DE89370400440532013000</ram:IBANID>"));
    }
}
