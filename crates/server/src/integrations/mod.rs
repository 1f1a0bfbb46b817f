//! Connections to the outside world: mail, SMS providers, Stripe (card payments), the
//! Icelandic banks' claims API, the Peppol network's participant lookup and the Peppol
//! access point providers (Storecove).

pub mod access_point;
pub mod email;
pub mod iobws_claims;
pub mod peppol_lookup;
pub mod sms;
pub mod sms_accounts;
pub mod storecove;
pub mod stripe;
