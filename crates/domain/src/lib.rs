//! FastFaktura's pure domain: values that parse, so invalid data cannot travel further.
//!
//! No I/O, no async, no database: everything here is unit- and property-tested in
//! milliseconds. The server crate turns these values into rows, pages and messages.
#![forbid(unsafe_code)]

pub mod currency;
pub mod email;
pub mod identifiers;
pub mod lifecycle;
pub mod locale;
pub mod money;
pub mod national_ids;
pub mod otp;
pub mod phone;
pub mod totals;
pub mod vat;

pub use currency::{Currency, UnknownCurrency};
pub use email::{EmailAddress, EmailAddressError};
pub use lifecycle::{Balance, InvoiceKind, InvoiceStatus, Refusal};
pub use money::{Money, parse_decimal};
pub use otp::{OtpCode, OtpCodeError};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use rust_decimal::Decimal;
pub use totals::{
    CalcError, DocumentInput, DocumentKind, LineField, LineInput, LineProblem, PriceEntry, Totals, compute,
};
pub use vat::VatCategory;
