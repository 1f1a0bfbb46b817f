//! Swedish BgMax payment files on any bytes: refused whole with a reason, or every
//! deposit's total is the sum of its payments (deductions subtracted) and every amount
//! is non-negative.
#![no_main]

use fastfaktura_documents::bank_statements::parse_bgmax;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_bgmax(data) {
        Ok(file) => {
            for deposit in &file.deposits {
                let sum: fastfaktura_domain::Decimal =
                    deposit.payments.iter().map(|p| if p.deduction { -p.amount } else { p.amount }).sum();
                assert_eq!(sum, deposit.amount, "{deposit:?}");
                assert!(deposit.payments.iter().all(|p| !p.amount.is_sign_negative()), "{deposit:?}");
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
