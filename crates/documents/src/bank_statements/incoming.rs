//! Any supported bank file read as one thing: the payments that came in, each with the
//! account it came to, so matching them to invoices does not care which format the
//! bank used. The format is recognised from the content, never from the file's name.
//!
//! Only money in is kept: debits, reversals and entries not yet booked (pending,
//! information only) are not payments to record. Each payment carries a `bank_id`
//! that is the same every time the same payment is read again (from the same file or
//! from a notification and the day's statement), so importing twice records nothing
//! twice: the bank's own entry and transaction references where it gives them, else
//! the payment's facts and its place in the file.

use fastfaktura_domain::Decimal;
use sha2::{Digest, Sha256};
use time::Date;

use super::{BgMaxError, OcrGiroError, StatementError, StatementKind, parse_bgmax, parse_camt, parse_ocr_giro};

/// The file formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankFileFormat {
    Camt053,
    Camt054,
    Camt052,
    BgMax,
    OcrGiro,
}

impl BankFileFormat {
    pub fn code(self) -> &'static str {
        match self {
            Self::Camt053 => "camt.053",
            Self::Camt054 => "camt.054",
            Self::Camt052 => "camt.052",
            Self::BgMax => "bgmax",
            Self::OcrGiro => "ocr-giro",
        }
    }
}

/// A bank file's payments in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankFile {
    pub format: BankFileFormat,
    /// Every account the file reports on, whether or not money came in.
    pub accounts: Vec<String>,
    pub payments: Vec<IncomingPayment>,
}

/// One payment received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPayment {
    /// The account it came to: an IBAN, or a domestic number (a Bankgiro's digits).
    pub account: String,
    /// Stable across reads of the same payment (see the module comment).
    pub bank_id: String,
    pub booked_on: Date,
    pub amount: Decimal,
    pub currency: String,
    /// The structured reference (KID, OCR, viitenumero, RF), when the payer used one.
    pub reference: Option<String>,
    /// Free text the payer wrote, where an invoice number often is.
    pub message: Option<String>,
    pub payer: Option<String>,
}

/// Why a bank file was not read; nothing of it is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankFileError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "this is not a bank file we can read: upload an ISO 20022 camt.053 statement, a camt.054 notification, a BgMax or an OCR giro file"
    )]
    UnknownFormat,
    #[error("{0}")]
    Camt(#[from] StatementError),
    #[error("{0}")]
    BgMax(#[from] BgMaxError),
    #[error("{0}")]
    OcrGiro(#[from] OcrGiroError),
    #[error("a payment has no booking date")]
    NoDate,
}

/// Reads a bank file of any supported format.
pub fn read_bank_file(bytes: &[u8]) -> Result<BankFile, BankFileError> {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = start.trim_ascii_start();
    if start.is_empty() {
        return Err(BankFileError::Empty);
    }
    if start.starts_with(b"<") {
        return read_camt(bytes);
    }
    if start.starts_with(b"01BGMAX") {
        return read_bgmax(bytes);
    }
    if start.starts_with(b"NY000010") {
        return read_ocr_giro(bytes);
    }
    Err(BankFileError::UnknownFormat)
}

fn read_camt(bytes: &[u8]) -> Result<BankFile, BankFileError> {
    let statement = parse_camt(bytes)?;
    let format = match statement.kind {
        StatementKind::Statement => BankFileFormat::Camt053,
        StatementKind::Notification => BankFileFormat::Camt054,
        StatementKind::IntradayReport => BankFileFormat::Camt052,
    };
    let mut accounts = Vec::new();
    let mut payments = Vec::new();
    for report in &statement.reports {
        let account = report.iban.clone().or_else(|| report.other_account.clone()).unwrap_or_default();
        let account = compact(&account);
        accounts.push(account.clone());
        for (n, entry) in report.entries.iter().enumerate() {
            let booked = entry.status.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("BOOK"));
            if !entry.credit || entry.reversal || !booked {
                continue;
            }
            let booked_on = entry.booking_date.or(entry.value_date).ok_or(BankFileError::NoDate)?;
            let entry_id = entry.account_servicer_reference.clone().or_else(|| entry.entry_reference.clone());
            // A batch entry holds several payments; a plain one may have no details.
            let single = [super::Transaction {
                amount: None,
                end_to_end_id: None,
                account_servicer_reference: None,
                reference: None,
                unstructured: entry.additional_info.clone().into_iter().collect(),
                debtor_name: None,
                debtor_iban: None,
            }];
            let transactions = if entry.transactions.is_empty() { &single[..] } else { &entry.transactions[..] };
            let batch = transactions.len() > 1;
            for (t, tx) in transactions.iter().enumerate() {
                let amount = if batch { tx.amount.unwrap_or(entry.amount) } else { entry.amount };
                let bank_id = match (&entry_id, &tx.account_servicer_reference) {
                    (_, Some(tx_ref)) => format!("{account}:{tx_ref}"),
                    (Some(entry_ref), None) => format!("{account}:{entry_ref}:{t}"),
                    (None, None) => fingerprint(&[
                        &account,
                        &booked_on.to_string(),
                        &amount.to_string(),
                        tx.reference.as_deref().unwrap_or(""),
                        tx.end_to_end_id.as_deref().unwrap_or(""),
                        &format!("{n}/{t}"),
                    ]),
                };
                let message = tx.unstructured.join(" ");
                payments.push(IncomingPayment {
                    account: account.clone(),
                    bank_id,
                    booked_on,
                    amount,
                    currency: compact(&entry.currency),
                    reference: clean(tx.reference.as_deref()),
                    message: clean(Some(&message)),
                    payer: clean(tx.debtor_name.as_deref()),
                });
            }
        }
    }
    Ok(BankFile { format, accounts, payments: printable_ids(payments) })
}

/// Bank ids as stored: a stray control character in a fixed-width file becomes `?`.
fn printable_ids(mut payments: Vec<IncomingPayment>) -> Vec<IncomingPayment> {
    for p in &mut payments {
        if p.bank_id.chars().any(char::is_control) {
            p.bank_id = p.bank_id.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
        }
    }
    payments
}

fn read_bgmax(bytes: &[u8]) -> Result<BankFile, BankFileError> {
    let file = parse_bgmax(bytes)?;
    let mut accounts = Vec::new();
    let mut payments = Vec::new();
    for deposit in &file.deposits {
        let account = compact(&deposit.payee_bankgiro);
        accounts.push(account.clone());
        let booked_on = deposit.payment_date.ok_or(BankFileError::NoDate)?;
        // A deduction is money out; a payment of 0 öre is nothing to record (the fuzzer
        // found such a record taken as an incoming payment).
        for payment in deposit.payments.iter().filter(|p| !p.deduction && p.amount > Decimal::ZERO) {
            payments.push(IncomingPayment {
                account: account.clone(),
                bank_id: format!("bgmax:{account}:{}:{}", deposit.serial, payment.serial),
                booked_on,
                amount: payment.amount,
                currency: compact(&deposit.currency),
                reference: clean(payment.reference.as_deref()),
                message: clean(Some(&payment.information.join(" "))),
                payer: clean(payment.payer_name.as_deref()),
            });
        }
    }
    accounts.dedup();
    Ok(BankFile { format: BankFileFormat::BgMax, accounts, payments: printable_ids(payments) })
}

fn read_ocr_giro(bytes: &[u8]) -> Result<BankFile, BankFileError> {
    let file = parse_ocr_giro(bytes)?;
    let mut accounts = Vec::new();
    let mut payments = Vec::new();
    for assignment in &file.assignments {
        let account = compact(&assignment.payee_account);
        accounts.push(account.clone());
        // Reversals are negative: they take back an earlier payment, which a person
        // handles; only money in is matched.
        for tx in assignment.transactions.iter().filter(|t| t.amount > Decimal::ZERO && !t.is_reversal()) {
            payments.push(IncomingPayment {
                account: account.clone(),
                // Nets' settlement keys (date, centre, day code, partial settlement,
                // serial) with the assignment and transaction numbers, as a re-sent
                // transmission repeats them.
                bank_id: format!(
                    "ocr:{account}:{}:{}{}{}{}:{}:{}",
                    tx.nets_date,
                    tx.centre_id,
                    tx.day_code,
                    tx.partial_settlement_number,
                    tx.serial_number,
                    assignment.assignment_number,
                    tx.transaction_number
                ),
                booked_on: tx.nets_date,
                amount: tx.amount,
                currency: "NOK".to_owned(),
                reference: clean(tx.kid.as_deref()),
                message: clean(tx.free_text.as_deref()),
                payer: None,
            });
        }
    }
    accounts.dedup();
    Ok(BankFile { format: BankFileFormat::OcrGiro, accounts, payments: printable_ids(payments) })
}

/// Text as a person reads it: control characters (a NUL in a fixed-width file) become
/// spaces, runs of spaces one, and nothing left is nothing.
fn clean(text: Option<&str>) -> Option<String> {
    let spaced: String = text?.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let joined = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(joined).filter(|t| !t.is_empty())
}

/// An account number without spaces, dashes or dots, upper-cased.
fn compact(account: &str) -> String {
    account.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

fn fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    format!("sha256:{}", hex::encode(&hash.finalize()[..16]))
}

#[cfg(test)]
#[path = "incoming_tests.rs"]
mod tests;
