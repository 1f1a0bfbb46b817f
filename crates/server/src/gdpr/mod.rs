//! GDPR (issue 7 §6): the business owner's export of all their data. Account closure
//! and customer erasure are not built yet (see docs/decisions.md).

pub mod export;
pub mod zip;
