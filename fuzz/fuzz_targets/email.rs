//! An email someone sends a business's inbound address: `read_email` on any bytes
//! refuses with a reason or yields at most `MAX_EMAIL_FILES` files, each of which goes
//! through `read_received` without a panic.
#![no_main]

use fastfaktura_documents::import::{MAX_EMAIL_FILES, read_email};
use fastfaktura_documents::read_received;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match read_email(data) {
        Ok(email) => {
            assert!(email.files.len() <= MAX_EMAIL_FILES);
            for file in &email.files {
                assert!(!file.file_name.is_empty());
                let _ = read_received(&file.bytes);
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
