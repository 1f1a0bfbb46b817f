//! The profile choice, the list of what XRechnung lacks and what the writers do with it.
//! (That the written documents pass KoSIT's rules is proven in tests/documents.rs.)

use super::*;
use crate::model::{Endpoint, PaymentDetails};
use crate::{cii_xml, cii_xml_as, fixtures, ubl_xml, ubl_xml_as};

fn authority() -> InvoiceDocument {
    InvoiceDocument::new(fixtures::xrechnung_authority_data()).unwrap()
}

fn gaps_of(data: InvoiceData) -> Vec<XRechnungGap> {
    xrechnung_gaps(&data)
}

#[test]
fn german_buyers_and_leitweg_ids_get_xrechnung() {
    let profile = |buyer: &Party, reference: Option<&str>| EInvoiceProfile::for_buyer(buyer, reference);
    assert_eq!(profile(&fixtures::german_business_buyer(), None), EInvoiceProfile::XRechnung);
    assert_eq!(profile(&fixtures::german_authority(), None), EInvoiceProfile::XRechnung);
    assert_eq!(profile(&fixtures::icelandic_buyer(), None), EInvoiceProfile::PeppolBis3);
    assert_eq!(profile(&fixtures::french_buyer(), Some("PO 17")), EInvoiceProfile::PeppolBis3);
    // Lower-case country codes from a form count too.
    let mut lower = fixtures::german_business_buyer();
    lower.country = " de ".into();
    assert_eq!(profile(&lower, None), EInvoiceProfile::XRechnung);
    // A German authority with a postal address abroad is still reached by its Leitweg-ID.
    let abroad = Party { endpoint: fixtures::german_authority().endpoint, ..fixtures::french_buyer() };
    assert_eq!(profile(&abroad, None), EInvoiceProfile::XRechnung);
    // A valid Leitweg-ID in the buyer reference, even without the endpoint.
    assert_eq!(profile(&fixtures::french_buyer(), Some("04011000-12345-03")), EInvoiceProfile::XRechnung);
    // One with a wrong check digit is just a reference.
    assert_eq!(profile(&fixtures::french_buyer(), Some("04011000-12345-34")), EInvoiceProfile::PeppolBis3);
    assert_eq!(EInvoiceProfile::for_document(&fixtures::sample_data()), EInvoiceProfile::PeppolBis3);
    for (name, data) in fixtures::xrechnung_matrix() {
        assert_eq!(EInvoiceProfile::for_document(&data), EInvoiceProfile::XRechnung, "{name}");
    }
}

#[test]
fn the_fixtures_lack_nothing() {
    for (name, data) in fixtures::xrechnung_matrix() {
        assert_eq!(gaps_of(data), vec![], "{name}");
    }
}

#[test]
fn a_seller_without_contact_details_is_told_what_to_add() {
    let mut data = fixtures::xrechnung_authority_data();
    data.seller.contact_name = None;
    data.seller.phone = Some("+49".into());
    data.seller.email = Some("rechnung at nordlicht".into());
    data.seller.postcode = " ".into();
    let gaps = gaps_of(data.clone());
    assert_eq!(
        gaps,
        vec![
            XRechnungGap::SellerContactName,
            XRechnungGap::SellerPhone,
            XRechnungGap::SellerEmail,
            XRechnungGap::SellerPostcode
        ]
    );
    assert_eq!(gaps[1].to_string(), "XRechnung needs the seller's phone number (BR-DE-6)");
    let problem = gaps[1].to_problem();
    assert_eq!(problem.key, "xrechnung-seller-phone");
    assert_eq!(problem.args, vec![("rule", "BR-DE-6".to_owned())]);

    // The writers refuse with the same list; Peppol BIS and EN 16931 are still written.
    let doc = InvoiceDocument::new(data).unwrap();
    let err = ubl_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap_err();
    assert_eq!(err.0, gaps);
    assert!(err.to_string().contains("seller's e-mail address"), "{err}");
    assert_eq!(cii_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap_err().0, gaps);
    assert_eq!(ubl_xml_as(&doc, EInvoiceProfile::PeppolBis3).unwrap(), ubl_xml(&doc));
    assert_eq!(cii_xml_as(&doc, EInvoiceProfile::PeppolBis3).unwrap(), cii_xml(&doc));
}

#[test]
fn buyer_address_payment_and_electronic_address_are_required() {
    let mut data = fixtures::xrechnung_authority_data();
    data.buyer.city = String::new();
    data.buyer.postcode = String::new();
    data.buyer.endpoint = None;
    data.buyer.email = None;
    data.payment = PaymentDetails::default();
    assert_eq!(
        gaps_of(data.clone()),
        vec![
            XRechnungGap::BuyerCity,
            XRechnungGap::BuyerPostcode,
            XRechnungGap::BuyerElectronicAddress,
            XRechnungGap::PaymentAccount
        ]
    );
    // An e-mail address is an electronic address (EAS code EM) in XRechnung.
    data.buyer.email = Some("rechnung@amt.example".into());
    assert!(!gaps_of(data).contains(&XRechnungGap::BuyerElectronicAddress));
}

#[test]
fn leitweg_ids_are_checked_and_become_the_buyer_reference() {
    let mut data = fixtures::xrechnung_authority_data();
    data.buyer.endpoint = Some(Endpoint { scheme: "0204".into(), id: "04011000-12345-34".into() });
    let gaps = gaps_of(data.clone());
    assert!(
        matches!(&gaps[..], [XRechnungGap::LeitwegId { value, error: ParticipantIdError::CheckDigit { .. } }] if value == "04011000-12345-34"),
        "{gaps:?}"
    );
    data.buyer.endpoint = Some(Endpoint { scheme: "0204".into(), id: "04011000-12345-03".into() });
    data.buyer_reference = Some("Projekt 7".into());
    assert_eq!(
        gaps_of(data.clone()),
        vec![XRechnungGap::BuyerReferenceNotLeitwegId {
            leitweg_id: "04011000-12345-03".into(),
            buyer_reference: "Projekt 7".into()
        }]
    );
    // Without a buyer reference the Leitweg-ID is BT-10, in both syntaxes.
    let doc = authority();
    let ubl = ubl_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap();
    assert!(ubl.contains("<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>"), "{ubl}");
    assert!(ubl.contains(&format!("<cbc:CustomizationID>{XRECHNUNG_CUSTOMIZATION_ID}</cbc:CustomizationID>")));
    assert!(ubl.contains("<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>"));
    assert!(ubl.contains("<cbc:EndpointID schemeID=\"0204\">04011000-12345-03</cbc:EndpointID>"));
    let cii = cii_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap();
    assert!(cii.contains("<ram:BuyerReference>04011000-12345-03</ram:BuyerReference>"), "{cii}");
    assert!(cii.contains(&format!("<ram:ID>{XRECHNUNG_CUSTOMIZATION_ID}</ram:ID>")));
    // Peppol BIS keeps the document's own fallback, the invoice number.
    assert!(ubl_xml(&doc).contains("<cbc:BuyerReference>NL-2025-0050</cbc:BuyerReference>"));
}

#[test]
fn discount_lines_in_the_payment_terms_follow_kosit_s_format() {
    let terms = |text: &str| {
        let mut data = fixtures::xrechnung_authority_data();
        data.payment_terms = Some(text.into());
        gaps_of(data)
    };
    for good in [
        "Zahlbar in 30 Tagen.",
        "#SKONTO#TAGE=10#PROZENT=2.00#",
        "Zahlbar in 30 Tagen.\n#SKONTO#TAGE=10#PROZENT=2.00#\n  #SKONTO#TAGE=20#PROZENT=1.00#BASISBETRAG=-12.50#",
    ] {
        assert_eq!(terms(good), vec![], "{good}");
    }
    for (bad, line) in [
        ("#skonto#TAGE=10#PROZENT=2.00#", "#skonto#TAGE=10#PROZENT=2.00#"),
        ("#SKONTO#TAGE=10#PROZENT=2#", "#SKONTO#TAGE=10#PROZENT=2#"),
        ("# Rabatt", "# Rabatt"),
        ("#SKONTO#TAGE=10#PROZENT=2.00#\nRef #12# extra", "Ref #12# extra"),
    ] {
        assert_eq!(terms(bad), vec![XRechnungGap::PaymentTermsLine { line: line.into() }], "{bad}");
    }
    // The trimmed terms get back the line break a discount line must end with.
    let (_, data) = fixtures::xrechnung_matrix().into_iter().find(|(n, _)| *n == "xr-skonto-and-discounts").unwrap();
    let doc = InvoiceDocument::new(data).unwrap();
    let ubl = ubl_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap();
    assert!(ubl.contains("#SKONTO#TAGE=10#PROZENT=2.00#\n</cbc:Note>"), "{ubl}");
    assert!(ubl_xml(&doc).contains("#SKONTO#TAGE=10#PROZENT=2.00#</cbc:Note>"));
}

#[test]
fn xrechnung_states_the_rate_of_outside_scope_breakdowns_and_uses_e_mail_endpoints() {
    let (_, data) =
        fixtures::xrechnung_matrix().into_iter().find(|(n, _)| *n == "xr-outside-scope-email-endpoint").unwrap();
    let doc = InvoiceDocument::new(data).unwrap();
    let ubl = ubl_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap();
    let parsed = roxmltree::Document::parse(&ubl).unwrap();
    let breakdown = parsed.descendants().find(|n| n.has_tag_name("TaxSubtotal")).unwrap();
    let rate = breakdown.descendants().find(|n| n.has_tag_name("Percent")).and_then(|n| n.text());
    assert_eq!(rate, Some("0"), "BR-DE-14");
    let line = parsed.descendants().find(|n| n.has_tag_name("ClassifiedTaxCategory")).unwrap();
    assert!(!line.descendants().any(|n| n.has_tag_name("Percent")), "BR-O-05");
    assert!(ubl.contains("<cbc:EndpointID schemeID=\"EM\">rechnung@nordlicht.example</cbc:EndpointID>"), "{ubl}");
    assert!(!ubl_xml(&doc).contains("schemeID=\"EM\""), "Peppol BIS has no e-mail endpoints");
    let cii = cii_xml_as(&doc, EInvoiceProfile::XRechnung).unwrap();
    assert!(cii.contains("<ram:RateApplicablePercent>0</ram:RateApplicablePercent>"), "{cii}");
}

#[test]
fn quotes_are_not_xrechnungen() {
    let mut data = fixtures::xrechnung_authority_data();
    data.kind = crate::model::DocumentType::Quote;
    assert_eq!(gaps_of(data), vec![XRechnungGap::NotAnInvoice]);
}

#[test]
fn peppol_document_types_name_the_profile() {
    use fastfaktura_domain::peppol::{BIS_BILLING_CREDIT_NOTE, BIS_BILLING_INVOICE};
    assert_eq!(EInvoiceProfile::PeppolBis3.peppol_document_type(false), BIS_BILLING_INVOICE);
    assert_eq!(EInvoiceProfile::PeppolBis3.peppol_document_type(true), BIS_BILLING_CREDIT_NOTE);
    assert_eq!(
        EInvoiceProfile::XRechnung.peppol_document_type(false),
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##\
         urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0::2.1"
    );
}
