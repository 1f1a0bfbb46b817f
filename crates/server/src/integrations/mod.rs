//! Connections to the outside world: mail today; SMS, Stripe and storage later.

pub mod email;
