//! Bank statements as banks send them, for matching payments to invoices (issue 20):
//! Bankgirot's BgMax reference-payment file (Sweden), Nets' OCR giro transaction file
//! (Norway's KID payments), and ISO 20022 camt.053 (end-of-day statement), camt.054 (debit and
//! credit notification) and camt.052 (intraday report), in any of their versions, since
//! the elements we need kept their names and places from .001.02 to .001.08.
//!
//! Hostile files get a clear refusal and nothing else: the XML parser (roxmltree) refuses
//! any DTD, so there are no entities to expand and no external ones to fetch, and a file
//! past [`MAX_STATEMENT_BYTES`] is refused before parsing. Elements are matched by local
//! name inside the camt namespace, so a bank's prefix choice does not matter.

mod bgmax;
mod camt;
mod incoming;
mod ocr_giro;

pub use bgmax::{BgMaxError, BgMaxFile, BgPayment, Deposit, MAX_BGMAX_BYTES, parse_bgmax};
pub use camt::{Entry, MAX_STATEMENT_BYTES, Report, Statement, StatementError, StatementKind, Transaction, parse_camt};
pub use incoming::{BankFile, BankFileError, BankFileFormat, IncomingPayment, read_bank_file};
pub use ocr_giro::{
    MAX_OCR_GIRO_BYTES, OcrAssignment, OcrGiroDisagreement, OcrGiroError, OcrGiroFile, OcrTransaction, parse_ocr_giro,
};
