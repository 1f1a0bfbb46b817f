//! A document someone sends a business (upload, access point): `read_received` on any
//! bytes refuses with a reason or yields an invoice, and a UBL one goes through the
//! EN 16931 validator without a panic.
#![no_main]

use fastfaktura_documents::{read_received, validate_ubl};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match read_received(data) {
        Ok(received) => assert!(!received.xml.is_empty()),
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
    if let Err(e) = validate_ubl(data) {
        assert!(!e.to_string().trim().is_empty());
    }
});
