//! The camt.05x reader: the message, each account's report (statement, notification or
//! intraday report) and its entries with their transaction details: amount, direction,
//! status, dates, the bank's references, the payer, and the remittance information a
//! payment reference travels in (structured `CdtrRefInf/Ref`, else unstructured text).

use fastfaktura_domain::Decimal;
use roxmltree::{Document, Node};
use time::Date;

/// Larger statements are refused unread: a day of a busy account is a few megabytes.
pub const MAX_STATEMENT_BYTES: usize = 50 * 1024 * 1024;

/// Which message a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// camt.053: the end-of-day statement.
    Statement,
    /// camt.054: notifications of single credits or debits.
    Notification,
    /// camt.052: an intraday account report.
    IntradayReport,
}

/// Why a file was not read. Each is a whole-file refusal: nothing of it is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("the file is larger than {} MB", MAX_STATEMENT_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("not well-formed XML (or it carries a DTD, which bank statements never do): {0}")]
    NotXml(String),
    #[error("not an ISO 20022 camt.052, camt.053 or camt.054 message (root {0})")]
    NotCamt(String),
    /// An entry lacks what every entry must have (amount, currency, direction); `entry`
    /// counts from 1 within its report.
    #[error("entry {entry} of {report}: {what} is missing or unreadable")]
    BadEntry { report: String, entry: usize, what: &'static str },
}

/// A whole message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    /// The message's namespace version, such as `001.02` or `001.08`.
    pub version: String,
    pub message_id: String,
    pub reports: Vec<Report>,
}

/// One account's statement, notification or report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    /// The account as an IBAN, when the bank gives one.
    pub iban: Option<String>,
    /// The account otherwise (a domestic number in `Othr/Id`).
    pub other_account: Option<String>,
    pub currency: Option<String>,
    pub entries: Vec<Entry>,
}

/// One booked (or pending) movement on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub amount: Decimal,
    pub currency: String,
    /// Money in (CRDT) rather than out (DBIT).
    pub credit: bool,
    /// A reversal of an earlier entry.
    pub reversal: bool,
    /// BOOK, PDNG or INFO (v2 writes the code bare, v8 inside `Cd`).
    pub status: Option<String>,
    pub booking_date: Option<Date>,
    pub value_date: Option<Date>,
    /// The bank's own reference for the entry: with the account, what makes an import
    /// of the same entry twice recognisable.
    pub account_servicer_reference: Option<String>,
    pub entry_reference: Option<String>,
    pub additional_info: Option<String>,
    pub transactions: Vec<Transaction>,
}

/// One payment inside an entry (a batch entry holds several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// This transaction's own amount, when the entry holds several.
    pub amount: Option<Decimal>,
    pub end_to_end_id: Option<String>,
    pub account_servicer_reference: Option<String>,
    /// The structured creditor reference (RF, KID, OCR, viitenumero...).
    pub reference: Option<String>,
    /// Unstructured remittance lines, where payers often type the invoice number.
    pub unstructured: Vec<String>,
    pub debtor_name: Option<String>,
    pub debtor_iban: Option<String>,
}

/// Reads a camt.052/053/054 message.
pub fn parse_camt(xml: &[u8]) -> Result<Statement, StatementError> {
    if xml.len() > MAX_STATEMENT_BYTES {
        return Err(StatementError::TooLarge);
    }
    let source = std::str::from_utf8(xml).map_err(|e| StatementError::NotXml(format!("not UTF-8: {e}")))?;
    // roxmltree's defaults refuse a DTD: no entity can be declared, expanded or fetched.
    let doc = Document::parse(source).map_err(|e| StatementError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    let namespace = root.tag_name().namespace().unwrap_or("");
    let Some(message) = namespace.strip_prefix("urn:iso:std:iso:20022:tech:xsd:camt.") else {
        return Err(StatementError::NotCamt(format!("{} in {namespace:?}", root.tag_name().name())));
    };
    let (kind, body, record) = match message.get(..3) {
        Some("053") => (StatementKind::Statement, "BkToCstmrStmt", "Stmt"),
        Some("054") => (StatementKind::Notification, "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
        Some("052") => (StatementKind::IntradayReport, "BkToCstmrAcctRpt", "Rpt"),
        _ => return Err(StatementError::NotCamt(namespace.to_owned())),
    };
    let version = message.get(4..).unwrap_or("").to_owned();
    let body = child(root, body).ok_or_else(|| StatementError::NotCamt(format!("{namespace} without {body}")))?;
    let message_id = text(body, &["GrpHdr", "MsgId"]).unwrap_or_default();
    let reports = children(body, record).map(read_report).collect::<Result<_, _>>()?;
    Ok(Statement { kind, version, message_id, reports })
}

fn read_report(node: Node) -> Result<Report, StatementError> {
    let id = text(node, &["Id"]).unwrap_or_default();
    let entries = children(node, "Ntry")
        .enumerate()
        .map(|(n, entry)| {
            read_entry(entry).map_err(|what| StatementError::BadEntry { report: id.clone(), entry: n + 1, what })
        })
        .collect::<Result<_, _>>()?;
    Ok(Report {
        iban: text(node, &["Acct", "Id", "IBAN"]),
        other_account: text(node, &["Acct", "Id", "Othr", "Id"]),
        currency: text(node, &["Acct", "Ccy"]),
        id,
        entries,
    })
}

fn read_entry(node: Node) -> Result<Entry, &'static str> {
    let amount_node = child(node, "Amt").ok_or("the amount")?;
    let amount = amount(amount_node).ok_or("the amount")?;
    let currency = amount_node.attribute("Ccy").map(str::trim).filter(|c| c.len() == 3).ok_or("the currency")?;
    let credit = match text(node, &["CdtDbtInd"]).as_deref() {
        Some("CRDT") => true,
        Some("DBIT") => false,
        _ => return Err("the credit or debit indicator"),
    };
    let transactions = path(node, &["NtryDtls"])
        .map(|details| children(details, "TxDtls").map(read_transaction).collect())
        .unwrap_or_default();
    Ok(Entry {
        amount,
        currency: currency.to_owned(),
        credit,
        reversal: text(node, &["RvslInd"]).is_some_and(|r| r == "true"),
        status: text(node, &["Sts", "Cd"]).or_else(|| text(node, &["Sts"])),
        booking_date: day(node, "BookgDt"),
        value_date: day(node, "ValDt"),
        account_servicer_reference: text(node, &["AcctSvcrRef"]),
        entry_reference: text(node, &["NtryRef"]),
        additional_info: text(node, &["AddtlNtryInf"]),
        transactions,
    })
}

fn read_transaction(node: Node) -> Transaction {
    let amount = path(node, &["AmtDtls", "TxAmt", "Amt"]).or_else(|| child(node, "Amt")).and_then(amount);
    // v2 names the payer `Dbtr/Nm`; v8 wraps it as `Dbtr/Pty/Nm`.
    let debtor_name =
        text(node, &["RltdPties", "Dbtr", "Nm"]).or_else(|| text(node, &["RltdPties", "Dbtr", "Pty", "Nm"]));
    let remittance = child(node, "RmtInf");
    Transaction {
        amount,
        end_to_end_id: text(node, &["Refs", "EndToEndId"]).filter(|id| id != "NOTPROVIDED"),
        account_servicer_reference: text(node, &["Refs", "AcctSvcrRef"]),
        reference: remittance.and_then(|r| children(r, "Strd").find_map(|s| text(s, &["CdtrRefInf", "Ref"]))),
        unstructured: remittance
            .map(|r| {
                children(r, "Ustrd")
                    .filter_map(|u| u.text())
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        debtor_name,
        debtor_iban: text(node, &["RltdPties", "DbtrAcct", "Id", "IBAN"]),
    }
}

fn children<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> Option<Node<'a, 'input>> {
    children(node, name).next()
}

fn path<'a, 'input>(node: Node<'a, 'input>, names: &[&'static str]) -> Option<Node<'a, 'input>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

fn text(node: Node, names: &[&'static str]) -> Option<String> {
    path(node, names).and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn amount(node: Node) -> Option<Decimal> {
    node.text().map(str::trim).and_then(|t| t.parse::<Decimal>().ok()).filter(|a| !a.is_sign_negative())
}

/// A date element holds `Dt` (a day) or `DtTm` (a moment, whose day we keep).
fn day(node: Node, name: &'static str) -> Option<Date> {
    let value = text(node, &[name, "Dt"]).or_else(|| text(node, &[name, "DtTm"]))?;
    crate::import::parse_date(&value)
}

#[cfg(test)]
#[path = "camt_tests.rs"]
mod tests;
