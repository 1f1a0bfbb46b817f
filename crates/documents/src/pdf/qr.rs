//! The SEPA "EPC QR code" (EPC069-12, version 002) that banking apps scan to pre-fill a
//! credit transfer: only for EUR invoices with an IBAN and a payable amount in range.
//!
//! The payload is plain text lines (service tag BCD, UTF-8, SCT, BIC, name, IBAN,
//! amount, purpose, structured ISO 11649 reference or unstructured text). The matrix
//! comes from the `qrcode` crate at error correction level M, as EPC069-12 requires;
//! the PDF draws it as vector rectangles.

use fastfaktura_domain::{Decimal, FinnishReference, RfReference};

use crate::model::{DomesticPayment, InvoiceDocument, mod97_is_one};

/// The EPC QR payload, or `None` when the document cannot carry one.
pub fn epc_payload(doc: &InvoiceDocument) -> Option<String> {
    let iban = doc.payment.iban.as_deref()?;
    let payable = doc.totals().payable;
    if doc.currency.code() != "EUR"
        || !doc.kind.requests_payment()
        || payable < Decimal::new(1, 2)
        || payable > Decimal::new(99_999_999_999, 2)
    {
        return None;
    }
    let name: String = doc.seller.name.chars().take(70).collect();
    // A Finnish viitenumero travels in the QR as its RF form, which every SEPA bank
    // reads as a structured reference and Finnish banks turn back into the viitenumero.
    let as_rf = doc.payment.reference.as_deref().and_then(|r| match &doc.payment.domestic {
        Some(DomesticPayment::Fi { .. }) => {
            FinnishReference::parse(r).ok().map(|f| RfReference::from_finnish(&f).as_str().to_owned())
        }
        _ => None,
    });
    let (structured, unstructured) = match as_rf.as_deref().or(doc.payment.reference.as_deref()) {
        Some(r) if is_creditor_reference(r) => (r.to_owned(), String::new()),
        Some(r) => (String::new(), truncate(&format!("{} {}", doc.number, r), 140)),
        None => (String::new(), truncate(&doc.number, 140)),
    };
    let fields = [
        "BCD",
        "002",
        "1",
        "SCT",
        doc.payment.bic.as_deref().unwrap_or(""),
        &name,
        iban,
        &format!("EUR{}", crate::xml::amount(payable, doc.currency)),
        "",
        &structured,
        &unstructured,
    ];
    let mut payload = fields.join("\n");
    while payload.ends_with('\n') {
        payload.pop();
    }
    Some(payload)
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// ISO 11649 creditor reference: `RF`, two check digits, up to 21 letters or digits.
pub fn is_creditor_reference(reference: &str) -> bool {
    reference.len() <= 25 && reference.starts_with("RF") && mod97_is_one(reference)
}

/// The QR matrix: (modules per side, dark flags row by row).
pub fn matrix(payload: &str) -> Option<(usize, Vec<bool>)> {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
    let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Some((code.width(), dark))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn eur_invoice_gets_an_epc_payload() {
        let doc = fixtures::sample_eur();
        let payload = epc_payload(&doc).unwrap();
        let lines: Vec<&str> = payload.split('\n').collect();
        assert_eq!(&lines[..4], &["BCD", "002", "1", "SCT"]);
        assert_eq!(lines[4], "COBADEFFXXX");
        assert_eq!(lines[5], "Nordlicht Software GmbH");
        assert_eq!(lines[6], "DE89370400440532013000");
        assert_eq!(lines[7], format!("EUR{}", doc.totals().payable));
        assert_eq!(lines[9], "RF18539007547034");
        assert_eq!(lines.len(), 10, "no unstructured text beside a structured reference");
        assert!(payload.len() <= 331);
        let (width, modules) = matrix(&payload).unwrap();
        assert_eq!(modules.len(), width * width);
    }

    #[test]
    fn no_qr_for_isk_or_without_iban() {
        assert!(epc_payload(&fixtures::sample()).is_none());
        let mut data = fixtures::sample_eur_data();
        data.payment.iban = None;
        data.payment.bic = None;
        assert!(epc_payload(&InvoiceDocument::new(data).unwrap()).is_none());
    }

    #[test]
    fn a_finnish_reference_travels_as_its_rf_form() {
        let mut data = fixtures::sample_eur_data();
        data.payment.reference = Some("1232".into());
        data.payment.domestic = Some(DomesticPayment::Fi { virtual_barcode: None });
        let payload = epc_payload(&InvoiceDocument::new(data.clone()).unwrap()).unwrap();
        assert_eq!(payload.split('\n').nth(9), Some("RF111232"));
        data.payment.domestic = None;
        let payload = epc_payload(&InvoiceDocument::new(data).unwrap()).unwrap();
        assert_eq!(payload.split('\n').nth(9), Some(""), "without the Finnish scheme it is plain text");
    }

    #[test]
    fn creditor_references() {
        assert!(is_creditor_reference("RF18539007547034"));
        assert!(!is_creditor_reference("RF19539007547034"));
        assert!(!is_creditor_reference("INV-123"));
    }
}
