//! Norwegian OCR giro files (Nets) on any bytes: refused whole with a reason, or every
//! reversal is non-positive, every KID and account is digits, and free text comes only
//! with the two transaction types that carry it.
#![no_main]

use fastfaktura_documents::bank_statements::parse_ocr_giro;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_ocr_giro(data) {
        Ok(file) => {
            for assignment in &file.assignments {
                assert!(assignment.payee_account.len() == 11, "{assignment:?}");
                assert!(assignment.payee_account.bytes().all(|b| b.is_ascii_digit()), "{assignment:?}");
                for t in &assignment.transactions {
                    assert!((10..=21).contains(&t.transaction_type), "{t:?}");
                    if t.is_reversal() {
                        assert!(t.amount <= fastfaktura_domain::Decimal::ZERO, "{t:?}");
                    }
                    let kid_ok =
                        t.kid.as_deref().is_none_or(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
                    assert!(kid_ok, "{t:?}");
                    assert!(t.free_text.is_none() || matches!(t.transaction_type, 20 | 21), "{t:?}");
                }
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
