//! Bankgirot's BgMax file (Bankgiro Inbetalningar): the incoming payments to a Swedish
//! business's bankgiro number, each with its OCR reference, as the bank delivers them
//! daily. Fixed 80-character records in ISO-8859-1 (layout in
//! `shared/spec/nordic-references/sweden-bgmax/BGMAX-FORMAT.md`): TK01 opens the file,
//! each deposit is TK05, payments (TK20, deductions TK21, each with its extra references
//! TK22/23, text TK25, name TK26, organisation number TK29) and TK15; TK70 closes it with
//! counts. A file whose counts or deposit sums disagree with its records is refused whole:
//! it was cut or altered on the way.

use fastfaktura_domain::Decimal;
use time::{Date, Month};

/// Larger files are refused unread: a day of payments is a few hundred kilobytes.
pub const MAX_BGMAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BgMaxError {
    #[error("the file is larger than {} MB", MAX_BGMAX_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("not a BgMax file (it must begin with a TK01 record naming BGMAX)")]
    NotBgMax,
    /// A record that cannot be read; `line` counts from 1.
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: &'static str },
    #[error("the closing record's counts disagree with the records in the file: it is incomplete or altered")]
    CountsDisagree,
    #[error("deposit {deposit}: its total disagrees with the sum of its payments")]
    DepositSumDisagrees { deposit: usize },
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgMaxFile {
    /// When Bankgirot wrote it (`YYYYMMDDhhmmss` and microseconds, as written).
    pub written: String,
    /// A test file (`T`) rather than production (`P`).
    pub test: bool,
    pub deposits: Vec<Deposit>,
}

/// One deposit to the payee's account: its payments and the bank's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposit {
    pub payee_bankgiro: String,
    pub currency: String,
    pub bank_account: String,
    pub payment_date: Option<Date>,
    pub serial: String,
    pub amount: Decimal,
    pub payments: Vec<BgPayment>,
}

/// One incoming payment (or a deduction: money the payer took off, such as a credit note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgPayment {
    pub deduction: bool,
    pub sender_bankgiro: String,
    /// The OCR reference as paid, if the payer gave one.
    pub reference: Option<String>,
    /// Bankgirot's verdict on it: 2 = a correct OCR reference, 3 = several references, 5 =
    /// an incorrect one, 0 = none.
    pub reference_code: u8,
    pub amount: Decimal,
    pub channel: u8,
    pub serial: String,
    /// Further references (TK22 positive, TK23 negative) with their share of the amount.
    pub extra_references: Vec<(String, Decimal)>,
    pub information: Vec<String>,
    pub payer_name: Option<String>,
    pub payer_organisation_number: Option<String>,
}

/// Reads a BgMax file.
pub fn parse_bgmax(bytes: &[u8]) -> Result<BgMaxFile, BgMaxError> {
    if bytes.len() > MAX_BGMAX_BYTES {
        return Err(BgMaxError::TooLarge);
    }
    // ISO-8859-1 maps each byte to the code point of the same number.
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r')).enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, first)) = lines.next() else { return Err(BgMaxError::NotBgMax) };
    if !first.starts_with("01") || field(first, 3, 22).trim() != "BGMAX" {
        return Err(BgMaxError::NotBgMax);
    }
    let mut file = BgMaxFile {
        written: field(first, 25, 44).trim().to_owned(),
        test: field(first, 45, 45) == "T",
        deposits: Vec::new(),
    };
    let mut open: Option<Deposit> = None;
    let mut counted = [0u64; 4]; // payments, deductions, extra references, deposits
    let mut closed = false;
    for (index, line) in lines {
        let at = |problem| BgMaxError::Line { line: index + 1, problem };
        if closed {
            return Err(at("records after the closing TK70"));
        }
        match field(line, 1, 2) {
            "05" => {
                if open.is_some() {
                    return Err(at("a deposit opens before the previous one closed"));
                }
                open = Some(Deposit {
                    payee_bankgiro: field(line, 3, 12).trim_start_matches('0').to_owned(),
                    currency: field(line, 23, 25).trim().to_owned(),
                    bank_account: String::new(),
                    payment_date: None,
                    serial: String::new(),
                    amount: Decimal::ZERO,
                    payments: Vec::new(),
                });
            }
            code @ ("20" | "21") => {
                let deposit = open.as_mut().ok_or_else(|| at("a payment outside a deposit"))?;
                counted[if code == "20" { 0 } else { 1 }] += 1;
                deposit.payments.push(BgPayment {
                    deduction: code == "21",
                    sender_bankgiro: field(line, 3, 12).trim_start_matches('0').to_owned(),
                    reference: Some(field(line, 13, 37).trim().to_owned()).filter(|r| !r.is_empty()),
                    reference_code: digit(line, 56).ok_or_else(|| at("the reference code is not a digit"))?,
                    amount: ore(field(line, 38, 55)).ok_or_else(|| at("the amount is not 18 digits of öre"))?,
                    channel: digit(line, 57).ok_or_else(|| at("the payment channel is not a digit"))?,
                    serial: field(line, 58, 69).trim().to_owned(),
                    extra_references: Vec::new(),
                    information: Vec::new(),
                    payer_name: None,
                    payer_organisation_number: None,
                });
            }
            code @ ("22" | "23" | "25" | "26" | "27" | "28" | "29") => {
                let payment = open
                    .as_mut()
                    .and_then(|d| d.payments.last_mut())
                    .ok_or_else(|| at("details before any payment"))?;
                match code {
                    "22" | "23" => {
                        counted[2] += 1;
                        let share = ore(field(line, 38, 55)).ok_or_else(|| at("the amount is not 18 digits of öre"))?;
                        let share = if code == "23" { -share } else { share };
                        payment.extra_references.push((field(line, 13, 37).trim().to_owned(), share));
                    }
                    "25" => payment.information.push(field(line, 3, 52).trim().to_owned()),
                    "26" => payment.payer_name = Some(field(line, 3, 37).trim().to_owned()).filter(|n| !n.is_empty()),
                    "29" => {
                        payment.payer_organisation_number =
                            Some(field(line, 3, 14).trim().to_owned()).filter(|n| !n.is_empty())
                    }
                    // Addresses (27, 28) are not needed to match a payment.
                    _ => {}
                }
            }
            "15" => {
                let mut deposit = open.take().ok_or_else(|| at("a deposit closes that never opened"))?;
                counted[3] += 1;
                deposit.bank_account = field(line, 3, 37).trim_start_matches('0').to_owned();
                deposit.payment_date =
                    Some(date(field(line, 38, 45)).ok_or_else(|| at("the payment date is not a date"))?);
                deposit.serial = field(line, 46, 50).to_owned();
                deposit.amount = ore(field(line, 51, 68)).ok_or_else(|| at("the amount is not 18 digits of öre"))?;
                let sum: Decimal =
                    deposit.payments.iter().map(|p| if p.deduction { -p.amount } else { p.amount }).sum();
                if sum != deposit.amount {
                    return Err(BgMaxError::DepositSumDisagrees { deposit: file.deposits.len() + 1 });
                }
                file.deposits.push(deposit);
            }
            "70" => {
                let expected = [field(line, 3, 10), field(line, 11, 18), field(line, 19, 26), field(line, 27, 34)]
                    .map(|n| n.trim().parse::<u64>().ok());
                if open.is_some() || expected.iter().zip(counted).any(|(e, c)| *e != Some(c)) {
                    return Err(BgMaxError::CountsDisagree);
                }
                closed = true;
            }
            _ => return Err(at("an unknown record type")),
        }
    }
    if !closed {
        return Err(BgMaxError::CountsDisagree);
    }
    Ok(file)
}

/// Positions `from` to `to`, 1-based and inclusive as the layout names them; short
/// records (trailing blanks trimmed by some systems) read as blank.
fn field(line: &str, from: usize, to: usize) -> &str {
    let start = line.char_indices().nth(from - 1).map_or(line.len(), |(i, _)| i);
    let end = line.char_indices().nth(to).map_or(line.len(), |(i, _)| i);
    &line[start..end.max(start)]
}

fn digit(line: &str, at: usize) -> Option<u8> {
    field(line, at, at).parse().ok()
}

/// 18 digits of öre as kronor.
fn ore(value: &str) -> Option<Decimal> {
    if value.len() != 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Decimal::new(value.parse().ok()?, 2))
}

fn date(value: &str) -> Option<Date> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month = Month::try_from(value[4..6].parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(value[..4].parse().ok()?, month, value[6..].parse().ok()?).ok()
}

#[cfg(test)]
#[path = "bgmax_tests.rs"]
mod tests;
