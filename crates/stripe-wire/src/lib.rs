//! Stripe's wire format as FastFaktura reads it: the `Stripe-Signature` header check,
//! the webhook event envelope and the objects inside it, and Stripe's integer amounts.
//!
//! Everything here parses bytes an anonymous sender posts to our webhook endpoint, so
//! it lives apart from the server: pure, no I/O, no async, and small enough for the
//! fuzz targets in `fuzz/` to build without instrumenting the web stack. The server's
//! `payments::webhook` does the database work with what this crate returns.
#![forbid(unsafe_code)]

pub mod amounts;
pub mod event;
pub mod signature;

pub use event::{Charge, CheckoutSession, Event, NotAnEvent, ObjectKind, Payload, PaymentIntent};
pub use signature::{SignatureError, TOLERANCE_SECONDS, sign, verify};
