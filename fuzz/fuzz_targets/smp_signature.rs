//! A signed SMP answer from the network: `verify_signed_service_metadata` on any bytes
//! (no CA trusts them) refuses with a reason and never panics, whatever the
//! canonicalization and signature parsing meet.
#![no_main]

use fastfaktura_documents::peppol_smp::verify_signed_service_metadata;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    match verify_signed_service_metadata(data, &[], now) {
        Ok(_) => panic!("nothing verifies without a trusted CA"),
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
