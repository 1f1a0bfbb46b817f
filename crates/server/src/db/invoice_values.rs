//! Decoding the invoice tables' text columns into the domain's types at the database
//! edge: a stored kind, status, currency or price entry this build does not know is a
//! decoding error naming the column, never a silent default.

use fastfaktura_domain::{Currency, InvoiceKind, InvoiceStatus};

/// A stored value the domain does not know (a kind, status, currency or price entry
/// written by something other than this code): a decoding error naming the column.
pub(super) fn stored<T, E: std::fmt::Display>(column: &str, parsed: Result<T, E>) -> Result<T, sqlx::Error> {
    parsed.map_err(|e| sqlx::Error::Decode(format!("invoices.{column}: {e}").into()))
}

pub(super) fn stored_kind(value: &str) -> Result<InvoiceKind, sqlx::Error> {
    stored("kind", InvoiceKind::parse(value))
}

pub(super) fn stored_status(value: &str) -> Result<InvoiceStatus, sqlx::Error> {
    stored("status", InvoiceStatus::parse(value))
}

pub(super) fn stored_currency(value: &str) -> Result<Currency, sqlx::Error> {
    stored("currency", Currency::parse(value))
}
