//! FastFaktura's pure domain: values that parse, so invalid data cannot travel further.
//!
//! No I/O, no async, no database: everything here is unit- and property-tested in
//! milliseconds. The server crate turns these values into rows, pages and messages.
#![forbid(unsafe_code)]

pub mod bank_accounts;
pub mod check_digits;
pub mod currency;
pub mod danish_fik;
pub mod email;
pub mod finnish_barcode;
pub mod icelandic_claims;
pub mod identifiers;
pub mod lifecycle;
pub mod locale;
pub mod money;
pub mod national_ids;
pub mod otp;
pub mod payment_references;
pub mod peppol;
pub mod phone;
pub mod reference_schemes;
pub mod totals;
pub mod vat;
pub mod webhooks;

pub use bank_accounts::{Bankgiro, FinnishIban, IcelandicAccount, IcelandicIban, NorwegianAccount, Plusgiro};
pub use currency::{Currency, UnknownCurrency};
pub use danish_fik::{FikCard, FikError, FikPaymentLine};
pub use email::{EmailAddress, EmailAddressError};
pub use finnish_barcode::{BarcodeError, BarcodeReference, VirtualBarcode};
pub use icelandic_claims::{ClaimKey, ClaimKeyError, ClaimNumber};
pub use lifecycle::{Balance, InvoiceKind, InvoiceStatus, Refusal};
pub use money::{Money, parse_decimal};
pub use otp::{OtpCode, OtpCodeError};
pub use payment_references::{
    FinnishReference, Kid, KidMethod, OcrControl, ReferenceError, RfReference, SwedishOcr, reference_digits,
};
pub use peppol::{Icd, IcdStatus, ParticipantId, ParticipantIdError};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use reference_schemes::{REFERENCE_WIDTH, ReferenceScheme, UnknownScheme, reference_key};
pub use rust_decimal::Decimal;
pub use totals::{
    CalcError, DocumentInput, DocumentKind, LineField, LineInput, LineProblem, PriceEntry, Totals, compute,
};
pub use vat::VatCategory;
