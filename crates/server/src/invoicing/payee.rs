//! How a payer pays an invoice the way their country does: the payment reference
//! generated at issue (from the business's scheme and the invoice's place in its
//! series) and the domestic details printed beside the IBAN (Norwegian kontonummer,
//! Swedish Bankgiro, the Finnish virtual barcode, the Danish FI payment line, the
//! Icelandic bank-branch-account with kennitala).
//!
//! Everything here is derived from values the profile check already accepted; a value
//! that no longer parses (an older profile) leaves its detail off the document rather
//! than blocking the invoice, since the IBAN and reference still let anyone pay.

use fastfaktura_documents::DomesticPayment;
use fastfaktura_domain::{
    Bankgiro, Currency, Decimal, FikPaymentLine, FinnishIban, FinnishReference, IcelandicIban, NorwegianAccount,
    ReferenceError, ReferenceScheme, VirtualBarcode, finnish_barcode::BarcodeReference,
};
use time::Date;

use crate::db::businesses::BusinessProfile;
use crate::i18n::key;

/// The scheme the business's invoices use now.
pub fn scheme(profile: &BusinessProfile) -> ReferenceScheme {
    ReferenceScheme::parse(&profile.payment_reference_scheme)
        .unwrap_or(ReferenceScheme::Automatic)
        .resolve(&profile.country)
}

/// The reference of the invoice numbered `sequence` in `year`'s series (its number is
/// `number`), under the business's scheme.
pub fn reference_at_issue(
    profile: &BusinessProfile,
    year: i32,
    sequence: i64,
    number: &str,
) -> Result<String, ReferenceError> {
    let sequence = u64::try_from(sequence).map_err(|_| ReferenceError::NotDigits)?;
    scheme(profile).reference_for_invoice(year, sequence, number)
}

/// What the invoice needs to be paid for the barcode: its amount and due date.
pub struct Payable {
    pub amount: Decimal,
    pub currency: Currency,
    pub due_date: Date,
}

/// The domestic details for an invoice carrying `reference`, if the business's
/// country and scheme have any and the profile holds what they need.
pub fn domestic(
    profile: &BusinessProfile,
    reference: &str,
    payable: &Payable,
    claim: Option<&str>,
) -> Option<DomesticPayment> {
    let iban = profile.iban.trim();
    match scheme(profile) {
        ReferenceScheme::KidMod10 | ReferenceScheme::KidMod11 => {
            Some(DomesticPayment::No { account: NorwegianAccount::from_iban(iban).ok().map(|a| a.formatted()) })
        }
        ReferenceScheme::SwedishOcr => {
            Bankgiro::parse(&profile.bankgiro).ok().map(|b| DomesticPayment::Se { bankgiro: b.formatted() })
        }
        ReferenceScheme::Finnish => {
            Some(DomesticPayment::Fi { virtual_barcode: virtual_barcode(iban, reference, payable) })
        }
        ReferenceScheme::Fik71 => FikPaymentLine::card_71(reference, &profile.fik_creditor)
            .ok()
            .map(|line| DomesticPayment::Dk { payment_line: line.codeline() }),
        ReferenceScheme::Rf | ReferenceScheme::InvoiceNumber | ReferenceScheme::Automatic => {
            IcelandicIban::parse(iban).ok().map(|i| DomesticPayment::Is {
                account: i.account().formatted(),
                kennitala: i.kennitala().to_owned(),
                claim: claim.map(str::to_owned),
            })
        }
    }
}

/// One line of "pay by bank transfer" on the customer's page: its catalogue key, the
/// value as shown, and what a copy button copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRow {
    pub label: &'static str,
    pub shown: String,
    pub copy: String,
}

/// The transfer details of an issued document, in the order a payer types them into
/// their bank: domestic account first where there is one, then IBAN and BIC, the
/// reference under its national name, and the barcode or payment line.
pub fn transfer_rows(payment: &fastfaktura_documents::PaymentDetails) -> Vec<TransferRow> {
    let row = |label, shown: String, copy: String| TransferRow { label, shown, copy };
    let same = |label, value: &str| row(label, value.to_owned(), value.to_owned());
    let mut rows = Vec::new();
    let domestic = payment.domestic.as_ref();
    match domestic {
        Some(DomesticPayment::No { account: Some(account) }) => rows.push(same(key("label-account-no"), account)),
        Some(DomesticPayment::Se { bankgiro }) => rows.push(same(key("label-bankgiro"), bankgiro)),
        Some(DomesticPayment::Is { account, kennitala, claim }) => {
            if let Some(claim) = claim {
                rows.push(same(key("label-bank-claim"), claim));
            }
            rows.push(same(key("label-account-no"), account));
            rows.push(same(key("label-kennitala"), kennitala));
        }
        _ => {}
    }
    if let Some(iban) = &payment.iban {
        let grouped: Vec<&str> = iban.as_bytes().chunks(4).filter_map(|c| std::str::from_utf8(c).ok()).collect();
        rows.push(row(key("label-iban"), grouped.join(" "), iban.clone()));
    }
    if let Some(bic) = &payment.bic {
        rows.push(same(key("label-bic"), bic));
    }
    if let Some(reference) = &payment.reference {
        let label = match domestic {
            Some(DomesticPayment::No { .. }) => key("label-kid"),
            Some(DomesticPayment::Se { .. }) => key("label-ocr"),
            Some(DomesticPayment::Fi { .. }) => key("label-viitenumero"),
            _ => key("label-reference"),
        };
        rows.push(same(label, reference));
    }
    match domestic {
        Some(DomesticPayment::Fi { virtual_barcode: Some(code) }) => {
            rows.push(same(key("label-virtual-barcode"), code))
        }
        Some(DomesticPayment::Dk { payment_line }) => rows.push(same(key("label-fik-line"), payment_line)),
        _ => {}
    }
    rows
}

/// The 54 digits of a Finnish bank's virtual barcode: euro invoices to a Finnish IBAN
/// only (the barcode has no currency and no room for another country's account).
fn virtual_barcode(iban: &str, reference: &str, payable: &Payable) -> Option<String> {
    if payable.currency.code() != "EUR" {
        return None;
    }
    let cents = (payable.amount * Decimal::ONE_HUNDRED).round();
    let cents = u64::try_from(cents).ok()?;
    let barcode = VirtualBarcode::new(
        FinnishIban::parse(iban).ok()?,
        cents,
        BarcodeReference::Finnish(FinnishReference::parse(reference).ok()?),
        Some(payable.due_date),
    )
    .ok()?;
    Some(barcode.digits())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn profile(country: &str, iban: &str) -> BusinessProfile {
        BusinessProfile {
            name: "Firma".into(),
            address_line: String::new(),
            postal_code: String::new(),
            city: String::new(),
            country: country.into(),
            vat_number: String::new(),
            registration_id: String::new(),
            iban: iban.into(),
            bic: String::new(),
            default_currency: "EUR".into(),
            payment_terms_days: 14,
            invoice_language: "en".into(),
            payment_reference_scheme: "automatic".into(),
            bankgiro: String::new(),
            fik_creditor: String::new(),
            ..Default::default()
        }
    }

    fn payable(amount: &str, currency: &str) -> Payable {
        Payable {
            amount: amount.parse().unwrap(),
            currency: Currency::parse(currency).unwrap(),
            due_date: date!(2026 - 12 - 19),
        }
    }

    #[test]
    fn each_country_gets_its_domestic_details() {
        let no = profile("NO", "NO9386011117947");
        let kid = reference_at_issue(&no, 2026, 7, "2026-0007").unwrap();
        assert_eq!(kid, "20260000078");
        assert_eq!(
            domestic(&no, &kid, &payable("100", "NOK"), None),
            Some(DomesticPayment::No { account: Some("8601.11.17947".into()) })
        );

        let mut se = profile("SE", "SE4550000000058398257466");
        assert_eq!(domestic(&se, "1", &payable("100", "SEK"), None), None, "no Bankgiro, no Bankgiro line");
        se.bankgiro = "54029681".into();
        assert!(
            matches!(domestic(&se, "1", &payable("1", "SEK"), None), Some(DomesticPayment::Se { bankgiro }) if bankgiro == "5402-9681")
        );

        let fi = profile("FI", "FI7944052020036082");
        let viite = reference_at_issue(&fi, 2026, 7, "7").unwrap();
        let Some(DomesticPayment::Fi { virtual_barcode: Some(code) }) =
            domestic(&fi, &viite, &payable("482.99", "EUR"), None)
        else {
            panic!("a Finnish euro invoice has a barcode")
        };
        assert_eq!(code.len(), 54);
        assert!(code.starts_with("479440520200360820004829900"), "{code}");
        assert!(code.ends_with("261219"));
        let parsed = VirtualBarcode::parse(&code).unwrap();
        assert_eq!(parsed.cents(), 48299);
        assert_eq!(
            domestic(&fi, &viite, &payable("10", "SEK"), None),
            Some(DomesticPayment::Fi { virtual_barcode: None }),
            "no barcode outside euro"
        );

        let mut dk = profile("DK", "DK5000400440116243");
        let id = reference_at_issue(&dk, 2026, 7, "7").unwrap();
        assert_eq!(domestic(&dk, &id, &payable("1", "DKK"), None), None, "no creditor number, no payment line");
        dk.fik_creditor = "85799665".into();
        assert_eq!(
            domestic(&dk, &id, &payable("1", "DKK"), None),
            Some(DomesticPayment::Dk { payment_line: format!("+71<{id}+85799665<") })
        );

        let is = profile("IS", "IS140159260076545510730339");
        assert_eq!(reference_at_issue(&is, 2026, 7, "2026-0007").unwrap(), "2026-0007");
        assert_eq!(
            domestic(&is, "2026-0007", &payable("1", "ISK"), Some("0159-66-000007")),
            Some(DomesticPayment::Is {
                account: "0159-26-007654".into(),
                kennitala: "5510730339".into(),
                claim: Some("0159-66-000007".into())
            })
        );

        let de = profile("DE", "DE89370400440532013000");
        assert!(reference_at_issue(&de, 2026, 7, "7").unwrap().starts_with("RF"));
        assert_eq!(domestic(&de, "RF", &payable("1", "EUR"), None), None);
    }
}
