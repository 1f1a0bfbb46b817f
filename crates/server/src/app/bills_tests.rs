//! Whether a received invoice is addressed to us: pure rules over identifiers.

use fastfaktura_documents::Endpoint;

use super::*;

fn own() -> OwnIds {
    let profile = db::businesses::BusinessProfile {
        name: "Fjarðarverk ehf.".into(),
        address_line: String::new(),
        postal_code: String::new(),
        city: String::new(),
        country: "IS".into(),
        vat_number: "12345".into(),
        registration_id: "590269-7199".into(),
        iban: String::new(),
        bic: String::new(),
        default_currency: "ISK".into(),
        payment_terms_days: 14,
        invoice_language: "is".into(),
        payment_reference_scheme: String::new(),
        bankgiro: String::new(),
        fik_creditor: String::new(),
        ..Default::default()
    };
    OwnIds::of(&profile)
}

fn buyer(vat: Option<&str>, registration: Option<&str>, endpoint: Option<(&str, &str)>) -> ImportedParty {
    ImportedParty {
        name: "Someone".into(),
        vat_id: vat.map(str::to_owned),
        registration_id: registration.map(str::to_owned),
        endpoint: endpoint.map(|(scheme, id)| Endpoint { scheme: scheme.into(), id: id.into() }),
        ..ImportedParty::default()
    }
}

#[test]
fn a_buyer_naming_us_or_no_one_is_ours() {
    let own = own();
    assert!(own.participant.is_some(), "a valid kennitala gives a participant id");
    assert_eq!(addressed_elsewhere(&own, &buyer(None, None, None)), None);
    assert_eq!(addressed_elsewhere(&own, &buyer(Some("IS12345"), None, None)), None);
    assert_eq!(addressed_elsewhere(&own, &buyer(Some("12345"), None, None)), None);
    assert_eq!(addressed_elsewhere(&own, &buyer(None, Some("5902697199"), None)), None);
    assert_eq!(addressed_elsewhere(&own, &buyer(None, None, Some(("0196", "5902697199")))), None);
    // A match by one identifier outweighs another we read differently.
    assert_eq!(addressed_elsewhere(&own, &buyer(Some("IS12345"), Some("HRB 998"), None)), None);
    // A participant id in another scheme cannot be compared.
    assert_eq!(addressed_elsewhere(&own, &buyer(None, None, Some(("0088", "5790000436057")))), None);
}

#[test]
fn a_buyer_naming_someone_else_is_refused_with_the_identifier() {
    let own = own();
    assert_eq!(addressed_elsewhere(&own, &buyer(Some("DK16356706"), None, None)), Some("DK16356706".into()));
    assert_eq!(addressed_elsewhere(&own, &buyer(None, Some("4105042150"), None)), Some("4105042150".into()));
    assert_eq!(
        addressed_elsewhere(&own, &buyer(None, None, Some(("0196", "4105042150")))),
        Some("0196:4105042150".into())
    );
}

#[test]
fn vat_ids_compare_without_country_prefix_and_punctuation() {
    assert_eq!(vat_core("DE 123.456.789"), "123456789");
    assert_eq!(vat_core("123456789"), "123456789");
    assert_eq!(vat_core("EL094259216"), vat_core("094259216"));
}

#[test]
fn absurd_amounts_are_stored_as_zero() {
    assert_eq!(bounded(Decimal::new(12345, 2)), Decimal::new(12345, 2));
    assert_eq!(bounded(Decimal::MAX), Decimal::ZERO);
}
