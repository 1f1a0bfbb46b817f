//! FastFaktura's pure domain: values that parse, so invalid data cannot travel further.
//!
//! No I/O, no async, no database: everything here is unit- and property-tested in
//! milliseconds. The server crate turns these values into rows, pages and messages.
#![forbid(unsafe_code)]

pub mod email;
pub mod otp;

pub use email::{EmailAddress, EmailAddressError};
pub use otp::{OtpCode, OtpCodeError};
