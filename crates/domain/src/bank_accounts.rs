//! Domestic account and giro numbers a Nordic invoice names for payment: Swedish
//! Bankgiro and Plusgiro numbers, the Norwegian kontonummer, the Icelandic bank
//! account (and the Icelandic IBAN that carries it with the owner's kennitala), and
//! the Finnish IBAN the Finnish barcode is built from.
//!
//! People pay by copying these by hand, so each is checked where its scheme has a
//! check digit, parsed from the ways people write it, and printed the way the
//! country prints it. The general IBAN check for any country is `identifiers::iban`;
//! the IBAN types here exist because their domestic parts are read out.

use std::fmt;

use crate::check_digits::{
    compact, group_from_left, group_from_right, luhn_check_digit, mod11_check_digit, mod97_check_digits, mod97_holds,
    require_digits, split_check,
};
use crate::payment_references::ReferenceError;

/// Whether the digit string `value` ends in the Luhn check digit of the rest.
fn luhn_holds(value: &str) -> bool {
    split_check(value).is_some_and(|(base, check)| luhn_check_digit(base) == Ok(check))
}

/// A Swedish Bankgiro number: 7 or 8 digits, the last a Luhn check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bankgiro(String);

impl Bankgiro {
    /// A number as written (`5402-9681`, `640-5070`; spaces and dashes ignored).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &['-']);
        require_digits(&value, 7, 8)?;
        if luhn_holds(&value) { Ok(Self(value)) } else { Err(ReferenceError::WrongCheckDigit) }
    }

    /// The digits, for payment files.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: the last four digits after a dash, `5402-9681`, `640-5070`.
    pub fn formatted(&self) -> String {
        let split = self.0.len().saturating_sub(4);
        match (self.0.get(..split), self.0.get(split..)) {
            (Some(head), Some(tail)) => format!("{head}-{tail}"),
            _ => self.0.clone(),
        }
    }
}

impl fmt::Display for Bankgiro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// A Swedish Plusgiro number: 2–8 digits, the last a Luhn check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Plusgiro(String);

impl Plusgiro {
    /// A number as written (`28 65 43-4`, `4-2`; spaces and dashes ignored).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &['-']);
        require_digits(&value, 2, 8)?;
        if luhn_holds(&value) { Ok(Self(value)) } else { Err(ReferenceError::WrongCheckDigit) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: the check digit after a dash, the rest in groups of two from
    /// the right, a lone leading digit joining the next group (`28 65 43-4`,
    /// `410 54 68-5`, `4-2`), as Plusgirot and the banktools-se library print them.
    pub fn formatted(&self) -> String {
        let Some((base, check)) = split_check(&self.0) else { return self.0.clone() };
        let lone_first = base.len() % 2 == 1 && base.len() > 1;
        let grouped = match (lone_first, base.get(..1), base.get(1..)) {
            // "4105468" -> "410 54 68", not "4 10 54 68".
            (true, Some(first), Some(rest)) => format!("{first}{}", group_from_right(rest, 2, ' ')),
            _ => group_from_right(base, 2, ' '),
        };
        format!("{grouped}-{check}")
    }
}

impl fmt::Display for Plusgiro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// A Norwegian bank account number (kontonummer): 11 digits, bank (4), account group
/// (2) and account (5), the last a MOD11 check digit over the first ten.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NorwegianAccount(String);

impl NorwegianAccount {
    /// A number as written (`1234.56.78903`, `1234 56 78903`; dots and spaces ignored).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &['.']);
        require_digits(&value, 11, 11)?;
        match split_check(&value).map(|(base, check)| (mod11_check_digit(base), check)) {
            Some((Ok(expected), check)) if expected == check => Ok(Self(value)),
            // A base without a MOD11 digit is never issued as an account.
            _ => Err(ReferenceError::WrongCheckDigit),
        }
    }

    /// The account inside a Norwegian IBAN (`NO93 8601 1117 947`).
    pub fn from_iban(input: &str) -> Result<Self, ReferenceError> {
        let iban = parse_iban(input, "NO", 11)?;
        Self::parse(iban.get(4..).unwrap_or_default())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form, `1234.56.78903`.
    pub fn formatted(&self) -> String {
        let d = &self.0;
        match (d.get(..4), d.get(4..6), d.get(6..)) {
            (Some(bank), Some(group), Some(account)) => format!("{bank}.{group}.{account}"),
            _ => d.clone(),
        }
    }
}

impl fmt::Display for NorwegianAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// An Icelandic bank account: bank/branch (4 digits), ledger ("höfuðbók", 2) and
/// account number (6). The scheme has no public check digit, so only the shape is
/// checked; a typo is caught where the account comes with its IBAN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IcelandicAccount(String);

impl IcelandicAccount {
    const EXAMPLE: &'static str = "0159-26-007654";

    /// An account as written: `0159-26-007654`, its short form with the leading zeros
    /// of each part left out (`159-26-7654`, as people often write it), or the twelve
    /// digits `015926007654`. Spaces are ignored.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &[]);
        if value.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if !value.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(ReferenceError::NotDigits);
        }
        if !value.contains('-') {
            require_digits(&value, 12, 12)?;
            return Ok(Self(value));
        }
        let parts: Vec<&str> = value.split('-').collect();
        let [bank, ledger, number] = parts.as_slice() else {
            return Err(ReferenceError::Shape { example: Self::EXAMPLE });
        };
        let fits = |part: &str, max: usize| (1..=max).contains(&part.len());
        if !(fits(bank, 4) && fits(ledger, 2) && fits(number, 6)) {
            return Err(ReferenceError::Shape { example: Self::EXAMPLE });
        }
        Ok(Self(format!("{bank:0>4}{ledger:0>2}{number:0>6}")))
    }

    /// The account inside an Icelandic IBAN (see [`IcelandicIban`]).
    pub fn from_iban(input: &str) -> Result<Self, ReferenceError> {
        IcelandicIban::parse(input).map(|iban| iban.account())
    }

    /// The twelve digits, `015926007654`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bank and branch, `0159`.
    pub fn bank(&self) -> &str {
        self.0.get(..4).unwrap_or_default()
    }

    /// The ledger (höfuðbók), `26`.
    pub fn ledger(&self) -> &str {
        self.0.get(4..6).unwrap_or_default()
    }

    /// The account number within the ledger, `007654`.
    pub fn number(&self) -> &str {
        self.0.get(6..).unwrap_or_default()
    }

    /// The printed form, `0159-26-007654`.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", self.bank(), self.ledger(), self.number())
    }
}

impl fmt::Display for IcelandicAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// An Icelandic IBAN: `IS`, two check digits and a 22-digit BBAN made of the account
/// (bank 4, ledger 2, number 6) and the account owner's kennitala (10), which must be
/// a valid kennitala: `IS14 0159 2600 7654 5510 7303 39`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IcelandicIban(String);

impl IcelandicIban {
    /// An IBAN as written (spaces ignored, any case).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = parse_iban(input, "IS", 22)?;
        if !is_kennitala(value.get(16..).unwrap_or_default()) {
            return Err(ReferenceError::NotKennitala);
        }
        Ok(Self(value))
    }

    /// The IBAN of `account` owned by `kennitala` (`551073-0339` or ten digits).
    pub fn from_parts(account: &IcelandicAccount, kennitala: &str) -> Result<Self, ReferenceError> {
        let kennitala = compact(kennitala, &['-']);
        require_digits(&kennitala, 10, 10)?;
        if !is_kennitala(&kennitala) {
            return Err(ReferenceError::NotKennitala);
        }
        Ok(Self(iban_from_bban("IS", &format!("{}{kennitala}", account.as_str()))))
    }

    /// The account, `0159-26-007654`.
    pub fn account(&self) -> IcelandicAccount {
        IcelandicAccount(self.0.get(4..16).unwrap_or_default().to_owned())
    }

    /// The owner's kennitala, ten digits: `5510730339`.
    pub fn kennitala(&self) -> &str {
        self.0.get(16..).unwrap_or_default()
    }

    /// The electronic form, without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: groups of four, `IS14 0159 2600 7654 5510 7303 39`.
    pub fn grouped(&self) -> String {
        group_from_left(&self.0, 4, ' ')
    }
}

impl fmt::Display for IcelandicIban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// The kennitala (ten digits) of the owner of the account an Icelandic IBAN names.
pub fn kennitala_from_icelandic_iban(input: &str) -> Result<String, ReferenceError> {
    IcelandicIban::parse(input).map(|iban| iban.kennitala().to_owned())
}

/// A Finnish IBAN: `FI`, two check digits and the 14-digit domestic account number, the
/// account the Finnish virtual barcode carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FinnishIban(String);

impl FinnishIban {
    /// An IBAN as written (`FI58 1017 1000 0001 22`; spaces ignored, any case).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        parse_iban(input, "FI", 14).map(Self)
    }

    /// The IBAN of a 14-digit domestic account number (BBAN), with its check digits.
    pub fn from_bban(bban: &str) -> Result<Self, ReferenceError> {
        let bban = compact(bban, &['-']);
        require_digits(&bban, 14, 14)?;
        Ok(Self(iban_from_bban("FI", &bban)))
    }

    /// The 16 digits after `FI` (check digits and BBAN), as the barcode holds them.
    pub fn digits(&self) -> &str {
        self.0.get(2..).unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form, `FI58 1017 1000 0001 22`.
    pub fn grouped(&self) -> String {
        group_from_left(&self.0, 4, ' ')
    }
}

impl fmt::Display for FinnishIban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

fn is_kennitala(digits: &str) -> bool {
    let values: Vec<u32> = digits.bytes().filter(u8::is_ascii_digit).map(|b| u32::from(b - b'0')).collect();
    values.len() == digits.len() && crate::national_ids::kennitala(&values)
}

/// An IBAN of `country` whose BBAN is `bban_len` digits (the Nordic IBANs are all
/// digits after the country code), checked with MOD 97-10; returned compact, uppercase.
fn parse_iban(input: &str, country: &'static str, bban_len: usize) -> Result<String, ReferenceError> {
    let value = compact(input, &[]).to_ascii_uppercase();
    if value.is_empty() {
        return Err(ReferenceError::Empty);
    }
    let Some(rest) = value.strip_prefix(country) else {
        return Err(ReferenceError::WrongCountry { expected: country });
    };
    match require_digits(rest, 2 + bban_len, 2 + bban_len) {
        // Lengths count the whole IBAN, country code included.
        Err(ReferenceError::TooShort { .. } | ReferenceError::Empty) => {
            return Err(ReferenceError::TooShort { min: 4 + bban_len });
        }
        Err(ReferenceError::TooLong { .. }) => return Err(ReferenceError::TooLong { max: 4 + bban_len }),
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    let (check, bban) = rest.split_at(2);
    if mod97_holds(bban, country, check) { Ok(value) } else { Err(ReferenceError::WrongCheckDigit) }
}

/// The IBAN of a digit BBAN in `country`, with its check digits.
fn iban_from_bban(country: &str, bban: &str) -> String {
    format!("{country}{:02}{bban}", mod97_check_digits(bban, country))
}

#[cfg(test)]
#[path = "bank_accounts_tests.rs"]
mod tests;
