//! Any bank file as the server imports it: `read_bank_file` on any bytes. Refused with a
//! reason, or every payment it yields can be stored as it is: a positive amount, a
//! currency of letters, and no control character in anything that reaches the database.
#![no_main]

use fastfaktura_documents::bank_statements::read_bank_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match read_bank_file(data) {
        Ok(file) => {
            for p in &file.payments {
                assert!(p.amount.is_sign_positive() && !p.amount.is_zero(), "{p:?}");
                assert!(p.currency.chars().all(|c| c.is_ascii_alphanumeric()), "{p:?}");
                let texts = [Some(&p.bank_id), Some(&p.account), p.reference.as_ref(), p.message.as_ref(), p.payer.as_ref()];
                assert!(texts.into_iter().flatten().all(|t| !t.chars().any(char::is_control)), "{p:?}");
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
