//! Received UBL 2.1 invoices and credit notes: `parse_ubl`, then `to_invoice_data`,
//! then the document checks and totals, then our UBL writer and back.
//!
//! A document is either refused with readable reasons, or becomes an invoice whose
//! amounts satisfy EN 16931's identities and whose UBL, written by us, reads back as
//! the same invoice.
#![no_main]

use fastfaktura_documents::{DocumentError, ImportError, InvoiceDocument, parse_ubl, ubl_xml};
use fuzz_oracles::assert_totals_consistent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else { return };
    let imported = match parse_ubl(xml) {
        Ok(imported) => imported,
        Err(ImportError::Missing(what)) => {
            assert!(!what.is_empty() && what.iter().all(|w| !w.trim().is_empty()), "{what:?}");
            return;
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let data = match imported.to_invoice_data() {
        Ok(data) => data,
        Err(problems) => {
            assert!(!problems.is_empty() && problems.iter().all(|p| !p.trim().is_empty()), "{problems:?}");
            return;
        }
    };
    assert!(imported.unsupported.is_empty(), "converted despite {:?}", imported.unsupported);
    let document = match InvoiceDocument::new(data) {
        Ok(document) => document,
        Err(DocumentError::Incomplete(problems)) => {
            assert!(!problems.is_empty() && problems.iter().all(|p| !p.key.is_empty() && !p.to_string().trim().is_empty()), "{problems:?}");
            return;
        }
    };
    assert_totals_consistent(&document.document_input(), document.totals());

    // What we write from it, we read back as the same invoice.
    let written = ubl_xml(&document);
    let again = parse_ubl(&written).unwrap_or_else(|e| panic!("our own UBL does not read back: {e}\n{written}"));
    assert_eq!(again.number, document.number);
    assert_eq!(again.lines.len(), document.lines.len());
    assert_eq!(again.totals.payable, document.totals().payable);
    assert_eq!(again.totals.vat_total, document.totals().vat_total);
});
