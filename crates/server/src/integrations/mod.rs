//! Connections to the outside world: mail, SMS providers; Stripe and storage elsewhere.

pub mod email;
pub mod sms;
pub mod sms_accounts;
