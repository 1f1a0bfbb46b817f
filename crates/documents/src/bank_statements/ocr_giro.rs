//! Nets' OCR giro transaction file (Norway): the payments with KID to a payee's account,
//! as Nets delivers them to the payee, for matching them to invoices. Fixed 80-character
//! records in ISO-8859-1, each beginning `NY` (layout in
//! `shared/spec/nordic-references/norway-ocr-giro/OCR-GIRO-FORMAT.md`): record 10 opens
//! the transmission; each assignment (one agreement and account) is record 20, its
//! transactions (amount item 1, record 30, with the amount and KID; amount item 2, record
//! 31, with the form number, archive reference and payer's account; amount item 3, record
//! 32, with a terminal's free text, for types 20 and 21 only) and record 88; record 89
//! closes the transmission. A file whose end records' counts or sums disagree with its
//! records is refused whole: it was cut or altered on the way.
//!
//! Amounts are read in kroner and are negative for reversals (types 18 and 20) and for
//! amounts Nets marks with the `-` sign (credit notes, by agreement). The end records add
//! every amount as written, reversals included and not deducted, as Nets' specification
//! says, so the sums are checked the same way.

use std::fmt;

use fastfaktura_domain::Decimal;
use time::{Date, Month};

/// Larger files are refused unread: a day of KID payments is a few hundred kilobytes.
pub const MAX_OCR_GIRO_BYTES: usize = 20 * 1024 * 1024;

/// Why a file was not read. Each is a whole-file refusal: nothing of it is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrGiroError {
    #[error("the file is larger than {} MB", MAX_OCR_GIRO_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("not a Nets OCR giro file (it must begin with a transmission start record, NY000010)")]
    NotOcrGiro,
    /// A record that cannot be read or is out of place; `line` counts from 1.
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: &'static str },
    #[error("the file ends before its transmission end record (NY000089): it is incomplete")]
    Incomplete,
    /// An assignment's end record (88) disagrees with its records; `assignment` is its
    /// number as written.
    #[error("assignment {assignment}: its end record {disagreement}; the file is incomplete or altered")]
    AssignmentDisagrees { assignment: String, disagreement: OcrGiroDisagreement },
    #[error("the transmission end record {disagreement}; the file is incomplete or altered")]
    TransmissionDisagrees { disagreement: OcrGiroDisagreement },
}

/// What an end record states and the records before it do not bear out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OcrGiroDisagreement {
    Transactions {
        stated: u64,
        counted: u64,
    },
    /// Records including the start and end records.
    Records {
        stated: u64,
        counted: u64,
    },
    /// In kroner, every amount added as written (reversals not deducted), as Nets adds them.
    Amount {
        stated: Decimal,
        counted: Decimal,
    },
}

impl fmt::Display for OcrGiroDisagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transactions { stated, counted } => {
                write!(f, "states {stated} transactions, but {counted} were read")
            }
            Self::Records { stated, counted } => write!(f, "states {stated} records, but {counted} were read"),
            Self::Amount { stated, counted } => {
                write!(f, "states a total of {stated} kr, but the transactions read add up to {counted} kr")
            }
        }
    }
}

/// A whole transmission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrGiroFile {
    /// Nets' serial number for the transmission (7 digits, as written).
    pub transmission_number: String,
    /// Who sent it (8 digits): Nets' own ID, `00008080`.
    pub data_sender: String,
    /// Who it is for (8 digits): the payee's customer unit ID at Nets.
    pub data_recipient: String,
    pub assignments: Vec<OcrAssignment>,
}

/// One assignment: the transactions to one payee account under one OCR agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrAssignment {
    /// Its serial number in the transmission (7 digits, as written).
    pub assignment_number: String,
    /// The OCR agreement's ID at Nets (9 digits, as written).
    pub agreement_id: String,
    /// The payee's account number (11 digits).
    pub payee_account: String,
    pub transactions: Vec<OcrTransaction>,
    /// The earliest and latest Nets date of its transactions, as the end record gives them.
    pub date_range: Option<(Date, Date)>,
}

/// One payment (or reversal) with its three amount items read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrTransaction {
    /// 10 giro debited from an account, 11 standing order, 12 direct remittance, 13
    /// business terminal giro, 14 counter giro, 15 AvtaleGiro, 16 telegiro, 17 giro paid in
    /// cash; from terminals and internet payments: 18 reversal with KID, 19 purchase with
    /// KID, 20 reversal with free text, 21 purchase with free text.
    pub transaction_type: u8,
    /// Its serial number in the assignment.
    pub transaction_number: u32,
    /// The day Nets processed it.
    pub nets_date: Date,
    /// In kroner; negative for reversals and for amounts Nets signs `-`.
    pub amount: Decimal,
    /// The KID the payer gave, digits only; `None` if blank.
    pub kid: Option<String>,
    /// The first two digits of the bank data centre's ID.
    pub centre_id: String,
    /// The day of the month the transaction was processed.
    pub day_code: u8,
    pub partial_settlement_number: u8,
    /// Its serial number in the partial settlement (5 digits, as written): the bank
    /// statement shows one sum per serial number.
    pub serial_number: String,
    /// The giro form's number (or a standing order's form type), if given.
    pub form_number: Option<String>,
    /// Nets' archive reference (or the payer's agreement ID for direct remittance, or the
    /// terminal's bax and session numbers), if given.
    pub archive_reference: Option<String>,
    pub bank_date: Option<Date>,
    /// The payer's account (11 digits), if known.
    pub debit_account: Option<String>,
    /// A terminal's free-text message (types 20 and 21), if any.
    pub free_text: Option<String>,
}

impl OcrTransaction {
    /// Types 18 and 20: money given back at a terminal or on the internet.
    pub fn is_reversal(&self) -> bool {
        matches!(self.transaction_type, 18 | 20)
    }
}

/// Counts and the sum in øre, as the records give them or as an end record states them.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    transactions: u64,
    records: u64,
    ore: u128,
}

impl Tally {
    /// The first way `stated` and `self` differ, if any.
    fn disagreement(self, stated: Tally) -> Option<OcrGiroDisagreement> {
        if stated.transactions != self.transactions {
            return Some(OcrGiroDisagreement::Transactions { stated: stated.transactions, counted: self.transactions });
        }
        if stated.records != self.records {
            return Some(OcrGiroDisagreement::Records { stated: stated.records, counted: self.records });
        }
        (stated.ore != self.ore)
            .then(|| OcrGiroDisagreement::Amount { stated: kroner(stated.ore), counted: kroner(self.ore) })
    }
}

/// Where the transaction last read has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// No transaction is half read.
    Complete,
    AwaitingItem2,
    AwaitingItem3,
}

/// The assignment being read.
struct Open {
    assignment: OcrAssignment,
    counted: Tally,
    stage: Stage,
}

/// Reads a Nets OCR giro transaction file.
pub fn parse_ocr_giro(bytes: &[u8]) -> Result<OcrGiroFile, OcrGiroError> {
    if bytes.len() > MAX_OCR_GIRO_BYTES {
        return Err(OcrGiroError::TooLarge);
    }
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let Some((index, first)) = lines.next() else { return Err(OcrGiroError::NotOcrGiro) };
    if !first.starts_with(b"NY000010") {
        return Err(OcrGiroError::NotOcrGiro);
    }
    let at = |problem| OcrGiroError::Line { line: index + 1, problem };
    let first = record(first).map_err(at)?;
    let mut file = OcrGiroFile {
        data_sender: digits(field(first, 9, 16)).ok_or_else(|| at("the data sender is not 8 digits"))?,
        transmission_number: digits(field(first, 17, 23))
            .ok_or_else(|| at("the transmission number is not 7 digits"))?,
        data_recipient: digits(field(first, 24, 31)).ok_or_else(|| at("the data recipient is not 8 digits"))?,
        assignments: Vec::new(),
    };
    let mut counted = Tally { records: 1, ..Tally::default() };
    let mut open: Option<Open> = None;
    let mut closed = false;
    for (index, line) in lines {
        let at = |problem| OcrGiroError::Line { line: index + 1, problem };
        if closed {
            return Err(at("records after the transmission end record (NY000089)"));
        }
        let line = record(line).map_err(at)?;
        counted.records += 1;
        let (service, kind) = (field(line, 3, 4), field(line, 5, 6));
        match field(line, 7, 8) {
            b"10" => return Err(at("a second transmission start record")),
            b"20" => {
                if service != b"09" {
                    return Err(at("an assignment for another Nets service (only OCR giro, service code 09, is read)"));
                }
                if kind != b"00" {
                    return Err(at("the assignment type is not 00"));
                }
                if open.is_some() {
                    return Err(at("an assignment opens before the previous one closed"));
                }
                open = Some(Open {
                    assignment: OcrAssignment {
                        agreement_id: digits(field(line, 9, 17))
                            .ok_or_else(|| at("the agreement ID is not 9 digits"))?,
                        assignment_number: digits(field(line, 18, 24))
                            .ok_or_else(|| at("the assignment number is not 7 digits"))?,
                        payee_account: digits(field(line, 25, 35))
                            .ok_or_else(|| at("the payee's account is not 11 digits"))?,
                        transactions: Vec::new(),
                        date_range: None,
                    },
                    counted: Tally { records: 1, ..Tally::default() },
                    stage: Stage::Complete,
                });
            }
            item @ (b"30" | b"31" | b"32") => {
                let open = open.as_mut().ok_or_else(|| at("a transaction outside an assignment"))?;
                if service != b"09" {
                    return Err(at("a transaction for another Nets service (only OCR giro, service code 09, is read)"));
                }
                let transaction_type = match number(kind) {
                    Some(code @ 10..=21) => code as u8,
                    _ => return Err(at("an unknown transaction type (OCR giro has types 10 to 21)")),
                };
                let transaction_number = number(field(line, 9, 15))
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| at("the transaction number is not 7 digits"))?;
                open.counted.records += 1;
                if item == b"30" {
                    match open.stage {
                        Stage::Complete => {}
                        Stage::AwaitingItem2 => return Err(at("the transaction before lacks its amount item 2 (31)")),
                        Stage::AwaitingItem3 => return Err(at("the transaction before lacks its amount item 3 (32)")),
                    }
                    let (transaction, ore) = amount_item_1(line, transaction_type, transaction_number).map_err(at)?;
                    open.counted.transactions += 1;
                    open.counted.ore += u128::from(ore);
                    open.assignment.transactions.push(transaction);
                    open.stage = Stage::AwaitingItem2;
                    continue;
                }
                let expected = if item == b"31" { Stage::AwaitingItem2 } else { Stage::AwaitingItem3 };
                let transaction = open.assignment.transactions.last_mut().filter(|_| open.stage == expected);
                let Some(transaction) = transaction else {
                    return Err(at(if item == b"31" {
                        "an amount item 2 (31) without its amount item 1 (30)"
                    } else {
                        "an amount item 3 (32) out of place (it follows amount item 2 of types 20 and 21 only)"
                    }));
                };
                if (transaction.transaction_type, transaction.transaction_number)
                    != (transaction_type, transaction_number)
                {
                    return Err(at("an amount item of another transaction (its number or type differs)"));
                }
                if item == b"31" {
                    amount_item_2(line, transaction).map_err(at)?;
                    open.stage =
                        if matches!(transaction_type, 20 | 21) { Stage::AwaitingItem3 } else { Stage::Complete };
                } else {
                    transaction.free_text =
                        Some(latin1(field(line, 16, 55)).trim().to_owned()).filter(|t| !t.is_empty());
                    open.stage = Stage::Complete;
                }
            }
            b"88" => {
                let Some(mut assignment) = open.take() else {
                    return Err(at("an assignment end record without its start record"));
                };
                if service != b"09" || kind != b"00" {
                    return Err(at("the assignment end record is not for OCR giro (NY0900)"));
                }
                match assignment.stage {
                    Stage::Complete => {}
                    Stage::AwaitingItem2 => return Err(at("the last transaction lacks its amount item 2 (31)")),
                    Stage::AwaitingItem3 => return Err(at("the last transaction lacks its amount item 3 (32)")),
                }
                assignment.counted.records += 1;
                let stated = end_tally(line).map_err(at)?;
                optional_date(field(line, 42, 47)).ok_or_else(|| at("the Nets date is not a date (DDMMYY)"))?;
                let earliest = optional_date(field(line, 48, 53))
                    .ok_or_else(|| at("the earliest Nets date is not a date (DDMMYY)"))?;
                let latest = optional_date(field(line, 54, 59))
                    .ok_or_else(|| at("the latest Nets date is not a date (DDMMYY)"))?;
                assignment.assignment.date_range = match (earliest, latest) {
                    (None, None) => None,
                    (Some(earliest), Some(latest)) if earliest <= latest => Some((earliest, latest)),
                    _ => return Err(at("the earliest and latest Nets dates do not make a range")),
                };
                if let Some(disagreement) = assignment.counted.disagreement(stated) {
                    return Err(OcrGiroError::AssignmentDisagrees {
                        assignment: assignment.assignment.assignment_number,
                        disagreement,
                    });
                }
                counted.transactions += assignment.counted.transactions;
                counted.ore += assignment.counted.ore;
                file.assignments.push(assignment.assignment);
            }
            b"89" => {
                if service != b"00" || kind != b"00" {
                    return Err(at("the transmission end record is not NY000089"));
                }
                if open.is_some() {
                    return Err(at("the transmission ends with an assignment still open"));
                }
                let stated = end_tally(line).map_err(at)?;
                optional_date(field(line, 42, 47)).ok_or_else(|| at("the Nets date is not a date (DDMMYY)"))?;
                if let Some(disagreement) = counted.disagreement(stated) {
                    return Err(OcrGiroError::TransmissionDisagrees { disagreement });
                }
                closed = true;
            }
            _ => return Err(at("an unknown record type")),
        }
    }
    if !closed {
        return Err(OcrGiroError::Incomplete);
    }
    Ok(file)
}

/// A record as the layout has it: 80 characters beginning `NY`.
fn record(line: &[u8]) -> Result<&[u8], &'static str> {
    if line.len() != 80 {
        return Err("a record is not 80 characters long");
    }
    if !line.starts_with(b"NY") {
        return Err("a record does not begin with NY");
    }
    Ok(line)
}

/// Amount item 1 (record 30) as a transaction, and its amount in øre as written.
fn amount_item_1(
    line: &[u8],
    transaction_type: u8,
    transaction_number: u32,
) -> Result<(OcrTransaction, u64), &'static str> {
    let nets_date = optional_date(field(line, 16, 21)).flatten().ok_or("the Nets date is not a date (DDMMYY)")?;
    let negative = match field(line, 32, 32) {
        b"-" => true,
        b"0" => false,
        _ => return Err("the sign is neither - nor 0"),
    };
    let ore = number(field(line, 33, 49)).ok_or("the amount is not 17 digits of øre")?;
    let kid = latin1(field(line, 50, 74));
    let kid = kid.trim();
    if !kid.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the KID is not digits");
    }
    // 17 digits fit an i64.
    let signed = i64::try_from(ore).map_err(|_| "the amount is not 17 digits of øre")?;
    let negative = negative || matches!(transaction_type, 18 | 20);
    let transaction = OcrTransaction {
        transaction_type,
        transaction_number,
        nets_date,
        amount: Decimal::new(if negative { -signed } else { signed }, 2),
        kid: Some(kid.to_owned()).filter(|k| !k.is_empty()),
        centre_id: digits(field(line, 22, 23)).ok_or("the centre ID is not 2 digits")?,
        day_code: number(field(line, 24, 25)).map(|n| n as u8).ok_or("the day code is not 2 digits")?,
        partial_settlement_number: number(field(line, 26, 26))
            .map(|n| n as u8)
            .ok_or("the partial settlement number is not a digit")?,
        serial_number: digits(field(line, 27, 31)).ok_or("the serial number is not 5 digits")?,
        form_number: None,
        archive_reference: None,
        bank_date: None,
        debit_account: None,
        free_text: None,
    };
    Ok((transaction, ore))
}

/// Amount item 2 (record 31) into its transaction.
fn amount_item_2(line: &[u8], transaction: &mut OcrTransaction) -> Result<(), &'static str> {
    let given = |value: String| Some(value).filter(|v| !v.bytes().all(|b| b == b'0'));
    transaction.form_number = given(digits(field(line, 16, 25)).ok_or("the form number is not 10 digits")?);
    transaction.archive_reference = given(digits(field(line, 26, 34)).ok_or("the archive reference is not 9 digits")?);
    // Positions 35 to 41 are filler, though Nets' own example uses them: not read.
    transaction.bank_date = optional_date(field(line, 42, 47)).ok_or("the bank date is not a date (DDMMYY)")?;
    transaction.debit_account = given(digits(field(line, 48, 58)).ok_or("the debit account is not 11 digits")?);
    Ok(())
}

/// The counts and sum of an end record (88 or 89).
fn end_tally(line: &[u8]) -> Result<Tally, &'static str> {
    Ok(Tally {
        transactions: number(field(line, 9, 16)).ok_or("the number of transactions is not 8 digits")?,
        records: number(field(line, 17, 24)).ok_or("the number of records is not 8 digits")?,
        ore: number(field(line, 25, 41)).map(u128::from).ok_or("the total amount is not 17 digits of øre")?,
    })
}

/// Positions `from` to `to`, 1-based and inclusive as the layout names them.
fn field(line: &[u8], from: usize, to: usize) -> &[u8] {
    line.get(from.saturating_sub(1)..to).unwrap_or_default()
}

/// A field of digits only, as a number.
fn number(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 19 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    value.iter().try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

/// A field of digits only, as written (leading zeros kept).
fn digits(value: &[u8]) -> Option<String> {
    (!value.is_empty() && value.iter().all(u8::is_ascii_digit)).then(|| latin1(value))
}

/// ISO-8859-1 maps each byte to the code point of the same number.
fn latin1(value: &[u8]) -> String {
    value.iter().map(|&b| char::from(b)).collect()
}

/// A DDMMYY date; `000000` (not given) is `Some(None)`, anything else unreadable `None`.
/// Two-digit years read as Python's `%y` (and the netsgiro library) read them: 69 to 99
/// are 1969 to 1999, 00 to 68 are 2000 to 2068.
fn optional_date(value: &[u8]) -> Option<Option<Date>> {
    if value == b"000000" {
        return Some(None);
    }
    if value.len() != 6 {
        return None;
    }
    let (day, month, year) = (number(&value[..2])?, number(&value[2..4])?, number(&value[4..])?);
    let year = if year < 69 { 2000 + year } else { 1900 + year };
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok().map(Some)
}

/// Øre as kroner, for messages.
fn kroner(ore: u128) -> Decimal {
    i128::try_from(ore).ok().and_then(|n| Decimal::try_from_i128_with_scale(n, 2).ok()).unwrap_or(Decimal::MAX)
}

#[cfg(test)]
#[path = "ocr_giro_tests.rs"]
mod tests;
