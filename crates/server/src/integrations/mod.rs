//! Connections to the outside world: mail, SMS providers and Stripe (card payments).

pub mod email;
pub mod iobws_claims;
pub mod sms;
pub mod sms_accounts;
pub mod stripe;
