//! Connections to the outside world: mail, SMS providers, Stripe (card payments) and
//! the Peppol access point providers (Storecove).

pub mod access_point;
pub mod email;
pub mod iobws_claims;
pub mod sms;
pub mod sms_accounts;
pub mod storecove;
pub mod stripe;
