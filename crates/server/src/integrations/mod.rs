//! Connections to the outside world: mail, SMS providers, Stripe (card payments), the
//! Icelandic banks' claims API and the Peppol network's participant lookup.

pub mod email;
pub mod iobws_claims;
pub mod peppol_lookup;
pub mod sms;
pub mod sms_accounts;
pub mod stripe;
