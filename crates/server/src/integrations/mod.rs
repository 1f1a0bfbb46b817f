//! Connections to the outside world: mail, Stripe (card payments) and, later, SMS.

pub mod email;
pub mod stripe;
