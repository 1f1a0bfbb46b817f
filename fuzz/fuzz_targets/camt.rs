//! Bank statements from outside: `parse_camt` on any bytes. A file is either refused
//! whole with a reason, or every entry it yields is bookable: a non-negative amount in a
//! three-letter currency, and every transaction amount non-negative too.
#![no_main]

use fastfaktura_documents::bank_statements::{StatementError, parse_camt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_camt(data) {
        Ok(statement) => {
            for report in &statement.reports {
                for entry in &report.entries {
                    assert!(!entry.amount.is_sign_negative(), "{entry:?}");
                    assert_eq!(entry.currency.trim().len(), 3, "{entry:?}");
                    for tx in &entry.transactions {
                        assert!(tx.amount.is_none_or(|a| !a.is_sign_negative()), "{tx:?}");
                    }
                }
            }
        }
        Err(StatementError::BadEntry { entry, .. }) => assert!(entry >= 1),
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
