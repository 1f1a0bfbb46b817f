//! GDPR (issue 7 §6): the business owner's export of all their data, the erasure of
//! one customer's personal data, and closing the account (with the purge of what the
//! law no longer requires).

pub mod closure;
pub mod erasure;
pub mod export;
pub mod zip;
