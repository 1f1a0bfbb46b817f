//! GDPR (issue 7 §6): the business owner's export of all their data, and the erasure
//! of one customer's personal data. Account closure is not built yet (see
//! docs/decisions.md).

pub mod erasure;
pub mod export;
pub mod zip;
