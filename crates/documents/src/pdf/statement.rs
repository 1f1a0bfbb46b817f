//! A customer's account statement as a PDF: every invoice, credit note and payment in
//! date order with the running balance, one account per currency, and what is due at
//! the end. It is what a bookkeeper sends when a customer asks "what do we owe you?",
//! drawn with the invoice PDF's fonts, colours and footer, in the customer's language.
//!
//! The layout is a pure function to pages of drawing operations ([`statement_layout`]),
//! so pagination is tested without a PDF; [`render_statement_pdf`] writes the file.

use fastfaktura_domain::{Currency, Decimal};
use time::Date;

use super::fonts::{Fonts, Weight, wrap};
use super::layout::{
    ACCENT, Align, BODY_BOTTOM, HEADER_BG, INK, LEFT, Layout, MUTED, Op, RIGHT, Rgb, TOP, ZEBRA, footers, logo_at_top,
};
use crate::labels;
use crate::logo::Logo;
use crate::model::{Language, Party};

/// What a statement shows.
#[derive(Debug, Clone)]
pub struct Statement {
    pub language: Language,
    pub seller: Party,
    pub customer: Party,
    pub logo: Option<Logo>,
    /// The day the statement is made ("as of").
    pub date: Date,
    /// One account per currency the customer was invoiced in.
    pub accounts: Vec<StatementAccount>,
}

#[derive(Debug, Clone)]
pub struct StatementAccount {
    pub currency: Currency,
    /// In date order; the balance runs over them from zero.
    pub entries: Vec<StatementEntry>,
}

#[derive(Debug, Clone)]
pub struct StatementEntry {
    pub date: Date,
    pub kind: EntryKind,
    /// The document's number, or a payment's reference (may be empty).
    pub reference: String,
    /// An invoice's due date.
    pub due_date: Option<Date>,
    /// Positive: what the customer owes more (an invoice). Negative: less (a credit note,
    /// a payment).
    pub amount: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Invoice,
    CreditNote,
    Payment,
}

impl StatementAccount {
    /// What is owed after every entry.
    pub fn balance(&self) -> Decimal {
        self.entries.iter().map(|e| e.amount).sum()
    }
}

struct Words {
    title: &'static str,
    as_of: &'static str,
    customer: &'static str,
    from: &'static str,
    account: &'static str,
    date: &'static str,
    entry: &'static str,
    due: &'static str,
    charged: &'static str,
    paid: &'static str,
    balance: &'static str,
    balance_due: &'static str,
    invoice: &'static str,
    credit_note: &'static str,
    payment: &'static str,
    nothing: &'static str,
    page: &'static str,
    of: &'static str,
    continued: &'static str,
}

const EN: Words = Words {
    title: "Statement",
    as_of: "As of",
    customer: "Customer",
    from: "From",
    account: "Account in",
    date: "Date",
    entry: "Entry",
    due: "Due",
    charged: "Charged",
    paid: "Paid/credited",
    balance: "Balance",
    balance_due: "Balance due",
    invoice: "Invoice",
    credit_note: "Credit note",
    payment: "Payment for",
    nothing: "No invoices yet.",
    page: "Page",
    of: "of",
    continued: "continued",
};

const IS: Words = Words {
    title: "Hreyfingayfirlit",
    as_of: "Dagsetning",
    customer: "Viðskiptavinur",
    from: "Frá",
    account: "Reikningur í",
    date: "Dags.",
    entry: "Færsla",
    due: "Gjalddagi",
    charged: "Skuldfært",
    paid: "Greitt/kredit",
    balance: "Staða",
    balance_due: "Til greiðslu",
    invoice: "Reikningur",
    credit_note: "Kreditreikningur",
    payment: "Greiðsla á",
    nothing: "Engir reikningar enn.",
    page: "Síða",
    of: "af",
    continued: "frh.",
};

fn words(language: Language) -> &'static Words {
    match language {
        Language::En => &EN,
        Language::Is => &IS,
    }
}

/// Column anchors: date, entry (left), due (left), charged, paid, balance (right).
const COL_DATE: f32 = LEFT + 4.0;
const COL_ENTRY: f32 = 112.0;
const ENTRY_WIDTH: f32 = 150.0;
const COL_DUE: f32 = 268.0;
const COL_CHARGED: f32 = 390.0;
const COL_PAID: f32 = 478.0;
const COL_BALANCE: f32 = RIGHT - 4.0;
const ROW: f32 = 13.0;

struct Writer<'a> {
    fonts: &'a Fonts,
    statement: &'a Statement,
    w: &'static Words,
    pages: Vec<Vec<Op>>,
    boxes: Vec<Vec<(f32, f32)>>,
    y: f32,
}

impl Writer<'_> {
    fn text(
        &mut self,
        x: f32,
        y: f32,
        text: impl Into<String>,
        (size, weight, color): (f32, Weight, Rgb),
        align: Align,
    ) {
        let text = text.into();
        if !text.trim().is_empty() {
            let page = self.pages.last_mut().expect("a page");
            page.push(Op::Text { x, y, text, size, weight, align, color });
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.pages.last_mut().expect("a page").push(Op::Rect { x, y, w, h, color });
    }

    fn claim(&mut self, top: f32, bottom: f32) {
        self.boxes.last_mut().expect("a page").push((top, bottom));
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.boxes.push(Vec::new());
        self.y = TOP;
        let title = format!("{} – {} ({})", self.w.title, self.statement.customer.name, self.w.continued);
        self.text(LEFT, self.y + 10.0, title, (10.0, Weight::Bold, ACCENT), Align::Left);
        self.claim(self.y, self.y + 16.0);
        self.y += 24.0;
    }

    /// Starts a new page unless `height` still fits; true when it did.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > BODY_BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn header(&mut self) {
        let s = self.statement;
        let mut logo_bottom = TOP;
        if let Some(logo) = &s.logo {
            let (op, bottom) = logo_at_top(logo);
            self.pages.last_mut().expect("a page").push(op);
            logo_bottom = bottom;
        }
        self.text(RIGHT, TOP + 18.0, self.w.title.to_uppercase(), (20.0, Weight::Bold, ACCENT), Align::Right);
        let as_of = format!("{} {}", self.w.as_of, labels::date(s.date, s.language));
        self.text(RIGHT, TOP + 36.0, as_of, (10.0, Weight::Bold, INK), Align::Right);
        let top = (TOP + 56.0).max(logo_bottom + 16.0);
        let seller = self.party(LEFT, top, self.w.from, &s.seller);
        let customer = self.party(300.0, top, self.w.customer, &s.customer);
        let bottom = seller.max(customer);
        self.claim(TOP, bottom);
        self.y = bottom + 18.0;
    }

    fn party(&mut self, x: f32, top: f32, heading: &str, party: &Party) -> f32 {
        let mut y = top + 8.0;
        self.text(x, y, heading.to_uppercase(), (7.0, Weight::Bold, MUTED), Align::Left);
        y += 13.0;
        for line in wrap(self.fonts, &party.name, Weight::Bold, 9.5, 230.0) {
            self.text(x, y, line, (9.5, Weight::Bold, INK), Align::Left);
            y += 12.0;
        }
        let mut rows = party.address_lines.clone();
        rows.push(format!("{} {}", party.postcode, party.city).trim().to_owned());
        if let Some(registration) = &party.registration_id {
            rows.push(format!("{} {registration}", labels::labels(self.statement.language).registration_id));
        }
        for row in rows {
            for line in wrap(self.fonts, &row, Weight::Regular, 8.5, 230.0) {
                self.text(x, y, line, (8.5, Weight::Regular, INK), Align::Left);
                y += 11.0;
            }
        }
        y
    }

    fn table_header(&mut self, currency: Currency) {
        let y = self.y;
        self.rect(LEFT, y, RIGHT - LEFT, 16.0, HEADER_BG);
        let code = currency.code();
        let w = self.w;
        for (x, text, align) in [
            (COL_DATE, w.date.to_owned(), Align::Left),
            (COL_ENTRY, w.entry.to_owned(), Align::Left),
            (COL_DUE, w.due.to_owned(), Align::Left),
            (COL_CHARGED, w.charged.to_owned(), Align::Right),
            (COL_PAID, w.paid.to_owned(), Align::Right),
            (COL_BALANCE, format!("{} ({code})", w.balance), Align::Right),
        ] {
            self.text(x, y + 11.0, text, (7.5, Weight::Bold, INK), align);
        }
        self.claim(y, y + 16.0);
        self.y += 18.0;
    }

    fn account(&mut self, account: &StatementAccount) {
        let language = self.statement.language;
        let currency = account.currency;
        self.ensure(20.0 + 16.0 + 2.0 * ROW + 24.0);
        let heading = format!("{} {}", self.w.account, currency.code());
        self.text(LEFT, self.y + 10.0, heading, (11.0, Weight::Bold, ACCENT), Align::Left);
        self.claim(self.y, self.y + 14.0);
        self.y += 20.0;
        self.table_header(currency);
        let mut balance = Decimal::ZERO;
        for (i, entry) in account.entries.iter().enumerate() {
            let kind = match entry.kind {
                EntryKind::Invoice => self.w.invoice,
                EntryKind::CreditNote => self.w.credit_note,
                EntryKind::Payment => self.w.payment,
            };
            let label = format!("{kind} {}", entry.reference).trim().to_owned();
            let lines = wrap(self.fonts, &label, Weight::Regular, 8.5, ENTRY_WIDTH);
            let height = lines.len() as f32 * 11.0 + 2.0;
            if self.ensure(height) {
                self.table_header(currency);
            }
            let top = self.y;
            if i % 2 == 1 {
                self.rect(LEFT, top, RIGHT - LEFT, height, ZEBRA);
            }
            balance += entry.amount;
            let base = top + 9.0;
            let regular = (8.5, Weight::Regular, INK);
            self.text(COL_DATE, base, labels::date(entry.date, language), regular, Align::Left);
            for (n, line) in lines.into_iter().enumerate() {
                self.text(COL_ENTRY, base + n as f32 * 11.0, line, regular, Align::Left);
            }
            if let Some(due) = entry.due_date {
                self.text(COL_DUE, base, labels::date(due, language), regular, Align::Left);
            }
            let amount = labels::amount(entry.amount.abs(), currency, language);
            let column = if entry.amount.is_sign_negative() { COL_PAID } else { COL_CHARGED };
            self.text(column, base, amount, regular, Align::Right);
            self.text(COL_BALANCE, base, labels::amount(balance, currency, language), regular, Align::Right);
            self.claim(top, top + height);
            self.y += height;
        }
        self.ensure(24.0);
        let top = self.y + 4.0;
        self.rect(LEFT, top, RIGHT - LEFT, 0.75, INK);
        let total = labels::money(account.balance(), currency, language);
        self.text(COL_PAID, top + 14.0, self.w.balance_due, (10.0, Weight::Bold, INK), Align::Right);
        self.text(COL_BALANCE, top + 14.0, total, (10.0, Weight::Bold, INK), Align::Right);
        self.claim(top, top + 18.0);
        self.y = top + 34.0;
    }

    fn footers(&mut self) {
        let seller = &self.statement.seller;
        let mut parts = vec![seller.name.clone()];
        parts.extend(seller.registration_id.clone());
        parts.extend(seller.email.clone());
        let left = parts.join("  ·  ");
        footers(&mut self.pages, &left, self.w.page, self.w.of);
    }
}

/// Lays the statement out on as many A4 pages as its entries need.
pub fn statement_layout(statement: &Statement, fonts: &Fonts) -> Layout {
    let mut writer = Writer {
        fonts,
        statement,
        w: words(statement.language),
        pages: vec![Vec::new()],
        boxes: vec![Vec::new()],
        y: TOP,
    };
    writer.header();
    if statement.accounts.iter().all(|a| a.entries.is_empty()) {
        let y = writer.y + 10.0;
        writer.text(LEFT, y, writer.w.nothing, (10.0, Weight::Regular, INK), Align::Left);
    }
    for account in statement.accounts.iter().filter(|a| !a.entries.is_empty()) {
        writer.account(account);
    }
    writer.footers();
    Layout { pages: writer.pages, boxes: writer.boxes }
}

/// The statement's title as the PDF's metadata names it.
pub fn statement_title(statement: &Statement) -> String {
    format!("{} – {}", words(statement.language).title, statement.customer.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use time::macros::date;

    fn texts(layout: &Layout) -> Vec<String> {
        layout
            .pages
            .iter()
            .flatten()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    fn statement(language: Language, invoices: usize) -> Statement {
        let data = fixtures::sample_data();
        let mut entries = Vec::new();
        for n in 0..invoices {
            let day = date!(2026 - 01 - 01) + time::Duration::days(n as i64);
            let reference = format!("2026-{:04}", n + 1);
            let due_date = Some(day + time::Duration::days(14));
            entries.push(StatementEntry {
                date: day,
                kind: EntryKind::Invoice,
                reference,
                due_date,
                amount: 18500.into(),
            });
            let reference = String::new();
            entries.push(StatementEntry {
                date: day,
                kind: EntryKind::Payment,
                reference,
                due_date: None,
                amount: (-18000).into(),
            });
        }
        Statement {
            language,
            seller: data.seller,
            customer: data.buyer,
            logo: None,
            date: date!(2026 - 12 - 05),
            accounts: vec![StatementAccount { currency: Currency::ISK, entries }],
        }
    }

    #[test]
    fn the_balance_runs_over_the_entries_and_is_due_at_the_end() {
        let s = statement(Language::Is, 2);
        assert_eq!(s.accounts[0].balance(), Decimal::from(1000));
        let all = texts(&statement_layout(&s, Fonts::bundled()));
        for expected in ["HREYFINGAYFIRLIT", "Reikningur 2026-0001", "18.500", "500", "19.000", "1.000", "1.000 kr."] {
            assert!(all.iter().any(|t| t == expected), "{expected} missing from {all:?}");
        }
        assert!(all.iter().any(|t| t == "Til greiðslu"));
    }

    #[test]
    fn a_long_statement_continues_over_pages_inside_the_body() {
        let layout = statement_layout(&statement(Language::En, 60), Fonts::bundled());
        assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
        for boxes in &layout.boxes {
            assert!(boxes.iter().all(|(top, bottom)| *top >= TOP - 0.01 && *bottom <= BODY_BOTTOM + 0.01));
            assert!(boxes.windows(2).all(|w| w[0].1 <= w[1].0 + 0.01), "boxes overlap: {boxes:?}");
        }
        let all = texts(&layout);
        assert!(all.iter().filter(|t| t.starts_with("Balance (ISK)")).count() >= 3, "header on each page");
        assert!(all.iter().any(|t| t == "30,000 ISK"), "60 × 500 due at the end");
    }

    #[test]
    fn it_renders_as_a_pdf() {
        let pdf = crate::render_statement_pdf(&statement(Language::En, 3)).unwrap();
        assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.pages == 1 && pdf.missing_chars.is_empty());
    }
}
