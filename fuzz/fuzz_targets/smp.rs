//! An SMP's answer from the network: `parse_service_group` and
//! `parse_service_metadata` on any bytes refuse with a reason or yield endpoints with
//! an address and a certificate without whitespace.
#![no_main]

use fastfaktura_documents::peppol_smp::{ServiceMetadata, parse_service_group, parse_service_metadata};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = parse_service_group(data) {
        assert!(!e.to_string().trim().is_empty());
    }
    match parse_service_metadata(data) {
        Ok(ServiceMetadata::Service(info)) => {
            for endpoint in info.processes.iter().flat_map(|p| &p.endpoints) {
                assert!(!endpoint.address.is_empty() && !endpoint.certificate.contains(char::is_whitespace));
            }
        }
        Ok(ServiceMetadata::Redirect { .. }) => {}
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
