//! Where everything goes on the page: a pure function from the document to a list of
//! pages of drawing operations, so pagination can be tested without a PDF.
//!
//! Page 1 has the logo, title, seller, buyer and invoice details; the lines table
//! follows and continues over as many pages as needed, its header repeated on each;
//! the VAT breakdown, totals, payment details (with the EPC QR code for EUR) and notes
//! come after the last line, each moved whole to a new page when it does not fit. Every
//! page gets a footer with the seller's identifiers and "Page n of m".

use fastfaktura_domain::{Decimal, PriceEntry, VatCategory};

use super::fonts::{Fonts, Weight, wrap};
use super::qr;
use crate::figures::line_figures;
use crate::labels::{self, Labels};
use crate::model::{DocumentType, DomesticPayment, InvoiceDocument, Party};

pub const PAGE_WIDTH: f32 = 595.276;
pub const PAGE_HEIGHT: f32 = 841.89;
pub(super) const LEFT: f32 = 40.0;
pub(super) const RIGHT: f32 = PAGE_WIDTH - 40.0;
pub(super) const TOP: f32 = 40.0;
/// Nothing but the footer goes below this line.
pub const BODY_BOTTOM: f32 = PAGE_HEIGHT - 62.0;

pub type Rgb = (u8, u8, u8);
pub const INK: Rgb = (0x1E, 0x23, 0x2B);
pub(super) const MUTED: Rgb = (0x5F, 0x67, 0x73);
pub(super) const ACCENT: Rgb = (0x1F, 0x4E, 0x79);
pub(super) const HEADER_BG: Rgb = (0xE4, 0xEB, 0xF2);
pub(super) const ZEBRA: Rgb = (0xF4, 0xF6, 0xF9);

/// Font size, weight and colour of a text.
#[derive(Debug, Clone, Copy)]
struct Style(f32, Weight, Rgb);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub enum Op {
    Text { x: f32, y: f32, text: String, size: f32, weight: Weight, align: Align, color: Rgb },
    Rect { x: f32, y: f32, w: f32, h: f32, color: Rgb },
    Logo { x: f32, y: f32, w: f32, h: f32 },
    Qr { x: f32, y: f32, size: f32, width: usize, modules: Vec<bool> },
}

/// The laid-out document: pages of operations, plus the boxes of body content per page
/// (top, bottom) so tests can check that nothing overlaps or runs into the footer.
pub struct Layout {
    pub pages: Vec<Vec<Op>>,
    pub boxes: Vec<Vec<(f32, f32)>>,
}

struct Writer<'a> {
    fonts: &'a Fonts,
    doc: &'a InvoiceDocument,
    l: &'static Labels,
    pages: Vec<Vec<Op>>,
    boxes: Vec<Vec<(f32, f32)>>,
    y: f32,
}

/// Table columns: (x of the anchor, alignment).
const COL_NO: f32 = 56.0;
const COL_DESC: f32 = 62.0;
const DESC_WIDTH: f32 = 236.0;
const COL_QTY: f32 = 338.0;
const COL_UNIT: f32 = 343.0;
const COL_PRICE: f32 = 424.0;
const COL_DISC: f32 = 456.0;
const COL_VAT: f32 = 490.0;
const COL_AMOUNT: f32 = RIGHT - 4.0;
const ROW_SIZE: f32 = 8.5;
const ROW_LEADING: f32 = 11.0;

impl<'a> Writer<'a> {
    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn text(&mut self, x: f32, y: f32, text: impl Into<String>, style: Style, align: Align) {
        let text = text.into();
        let Style(size, weight, color) = style;
        if !text.trim().is_empty() {
            self.page().push(Op::Text { x, y, text, size, weight, align, color });
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.page().push(Op::Rect { x, y, w, h, color });
    }

    fn claim(&mut self, top: f32, bottom: f32) {
        self.boxes.last_mut().expect("a page").push((top, bottom));
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.boxes.push(Vec::new());
        self.y = TOP;
        let title = format!("{} {} ({})", self.title(), self.doc.number, self.l.continued);
        self.text(LEFT, self.y + 10.0, title, Style(10.0, Weight::Bold, ACCENT), Align::Left);
        self.claim(self.y, self.y + 16.0);
        self.y += 24.0;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > BODY_BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn title(&self) -> &'static str {
        match self.doc.kind {
            DocumentType::Invoice => self.l.invoice,
            DocumentType::CreditNote { .. } => self.l.credit_note,
            DocumentType::Quote => self.l.quote,
        }
    }

    fn header(&mut self) {
        let mut logo_bottom = TOP;
        if let Some(logo) = &self.doc.logo {
            let (op, bottom) = logo_at_top(logo);
            self.page().push(op);
            logo_bottom = bottom;
        }
        self.text(RIGHT, TOP + 18.0, self.title().to_uppercase(), Style(20.0, Weight::Bold, ACCENT), Align::Right);
        self.text(RIGHT, TOP + 36.0, self.doc.number.clone(), Style(11.0, Weight::Bold, INK), Align::Right);
        self.claim(TOP, (TOP + 40.0).max(logo_bottom));

        let top = (TOP + 56.0).max(logo_bottom + 16.0);
        let seller_bottom = self.party_block(LEFT, top, 150.0, self.l.from, &self.doc.seller);
        let buyer_bottom = self.party_block(205.0, top, 150.0, self.l.bill_to, &self.doc.buyer);
        let meta_bottom = self.meta_block(370.0, top);
        let bottom = seller_bottom.max(buyer_bottom).max(meta_bottom);
        self.claim(top, bottom);
        self.y = bottom + 18.0;
    }

    fn party_block(&mut self, x: f32, top: f32, width: f32, heading: &str, party: &Party) -> f32 {
        let mut y = top + 8.0;
        self.text(x, y, heading.to_uppercase(), Style(7.0, Weight::Bold, MUTED), Align::Left);
        y += 13.0;
        for line in wrap(self.fonts, &party.name, Weight::Bold, 9.5, width) {
            self.text(x, y, line, Style(9.5, Weight::Bold, INK), Align::Left);
            y += 12.0;
        }
        let mut rows: Vec<String> = party.address_lines.clone();
        rows.push(format!("{} {}", party.postcode, party.city).trim().to_owned());
        rows.push(party.country.clone());
        if let Some(reg) = &party.registration_id {
            rows.push(format!("{} {reg}", self.l.registration_id));
        }
        if let Some(vat) = &party.vat_id {
            rows.push(format!("{} {vat}", self.l.vat_id));
        }
        rows.extend(party.email.clone());
        rows.extend(party.phone.clone());
        for row in rows {
            for line in wrap(self.fonts, &row, Weight::Regular, 8.5, width) {
                self.text(x, y, line, Style(8.5, Weight::Regular, INK), Align::Left);
                y += 11.0;
            }
        }
        y
    }

    fn meta_block(&mut self, x: f32, top: f32) -> f32 {
        let doc = self.doc;
        let language = doc.language;
        let mut rows =
            vec![(self.l.number, doc.number.clone()), (self.l.issue_date, labels::date(doc.issue_date, language))];
        match doc.kind {
            DocumentType::Invoice => rows.push((self.l.due_date, labels::date(doc.due_date, language))),
            DocumentType::Quote => rows.push((self.l.valid_until, labels::date(doc.due_date, language))),
            DocumentType::CreditNote { .. } => {}
        }
        if let Some(delivery) = doc.delivery_date {
            rows.push((self.l.delivery_date, labels::date(delivery, language)));
        }
        if let Some((start, end)) = doc.period {
            let period = format!("{} – {}", labels::date(start, language), labels::date(end, language));
            rows.push((self.l.period, period));
        }
        if let Some(reference) = &doc.buyer_reference {
            rows.push((self.l.buyer_reference, reference.clone()));
        }
        if let Some(order) = &doc.order_reference {
            rows.push((self.l.order_reference, order.clone()));
        }
        if let (Some(reference), true) = (&doc.payment.reference, doc.kind.requests_payment()) {
            let name = doc.payment.domestic.as_ref().and_then(DomesticPayment::reference_name);
            rows.push((name.unwrap_or(self.l.reference), reference.clone()));
        }
        if let DocumentType::CreditNote { preceding_number, preceding_date } = &doc.kind {
            rows.push((
                self.l.credits_invoice,
                format!("{preceding_number} ({})", labels::date(*preceding_date, language)),
            ));
        }
        let mut y = top + 8.0 + 13.0;
        for (label, value) in rows {
            self.text(x, y, label, Style(8.5, Weight::Regular, MUTED), Align::Left);
            let value_lines = wrap(self.fonts, &value, Weight::Bold, 8.5, RIGHT - x - 80.0);
            for line in value_lines {
                self.text(RIGHT, y, line, Style(8.5, Weight::Bold, INK), Align::Right);
                y += 11.0;
            }
        }
        y
    }

    fn table_header(&mut self) {
        let l = self.l;
        let y = self.y;
        self.rect(LEFT, y, RIGHT - LEFT, 16.0, HEADER_BG);
        let base = y + 11.0;
        let code = self.doc.currency.code();
        for (x, text, align) in [
            (COL_NO, l.line_no.to_owned(), Align::Right),
            (COL_DESC, l.description.to_owned(), Align::Left),
            (COL_QTY, l.quantity.to_owned(), Align::Right),
            (COL_UNIT, l.unit.to_owned(), Align::Left),
            (COL_PRICE, l.unit_price.to_owned(), Align::Right),
            (COL_DISC, l.discount.to_owned(), Align::Right),
            (COL_VAT, l.vat.to_owned(), Align::Right),
            (COL_AMOUNT, format!("{} ({code})", l.amount), Align::Right),
        ] {
            self.text(x, base, text, Style(7.5, Weight::Bold, INK), align);
        }
        self.claim(y, y + 16.0);
        self.y += 18.0;
    }

    fn lines_table(&mut self) {
        let doc = self.doc;
        let language = doc.language;
        self.ensure(16.0 + 2.0 * ROW_LEADING + 6.0);
        self.table_header();
        for (i, line) in doc.lines.iter().enumerate() {
            let figures = line_figures(doc, i);
            let description = wrap(self.fonts, &line.description, Weight::Regular, ROW_SIZE, DESC_WIDTH);
            let height = description.len() as f32 * ROW_LEADING + 4.0;
            // A row that fits on a fresh page is never split; a longer one (a very long
            // description) continues over pages, the table header repeated each time.
            let fits_a_page = height <= BODY_BOTTOM - TOP - 24.0 - 18.0;
            if (fits_a_page || self.y + 4.0 + ROW_LEADING > BODY_BOTTOM) && self.ensure(height.min(BODY_BOTTOM)) {
                self.table_header();
            }
            let vat = match line.vat_category {
                VatCategory::Standard => labels::percent(line.vat_rate, language),
                other => format!("0 % {}", other.code()),
            };
            let discount = if line.discount_percent.is_zero() {
                String::new()
            } else {
                labels::percent(line.discount_percent, language)
            };
            // People see the price they entered; gross prices are shown as the derived net.
            let shown_price = if doc.price_entry == PriceEntry::Net { line.unit_price } else { figures.price };
            let mut remaining = &description[..];
            let mut first = true;
            while first || !remaining.is_empty() {
                let room = (((BODY_BOTTOM - self.y - 4.0) / ROW_LEADING).floor() as usize).max(1);
                let (chunk, rest) = remaining.split_at(room.min(remaining.len()));
                let chunk_height = chunk.len().max(1) as f32 * ROW_LEADING + 4.0;
                let top = self.y;
                if i % 2 == 1 {
                    self.rect(LEFT, top, RIGHT - LEFT, chunk_height, ZEBRA);
                }
                let base = top + 10.0;
                if first {
                    for (x, text, align) in [
                        (COL_NO, (i + 1).to_string(), Align::Right),
                        (COL_QTY, labels::number(line.quantity, language), Align::Right),
                        (COL_UNIT, labels::unit(&line.unit_code, language), Align::Left),
                        (COL_PRICE, labels::price(shown_price, doc.currency, language), Align::Right),
                        (COL_DISC, discount.clone(), Align::Right),
                        (COL_VAT, vat.clone(), Align::Right),
                        (COL_AMOUNT, labels::amount(figures.net, doc.currency, language), Align::Right),
                    ] {
                        self.text(x, base, text, Style(ROW_SIZE, Weight::Regular, INK), align);
                    }
                }
                for (k, text) in chunk.iter().enumerate() {
                    let y = base + k as f32 * ROW_LEADING;
                    self.text(COL_DESC, y, text.clone(), Style(ROW_SIZE, Weight::Regular, INK), Align::Left);
                }
                self.claim(top, top + chunk_height);
                self.y += chunk_height;
                remaining = rest;
                first = false;
                if !remaining.is_empty() {
                    self.new_page();
                    self.table_header();
                }
            }
        }
        self.y += 4.0;
        self.rect(LEFT, self.y, RIGHT - LEFT, 0.8, ACCENT);
        self.y += 6.0;
        if doc.price_entry == PriceEntry::Gross {
            self.text(LEFT, self.y + 8.0, self.l.prices_incl_vat, Style(7.5, Weight::Regular, MUTED), Align::Left);
            self.claim(self.y, self.y + 10.0);
            self.y += 12.0;
        }
    }

    /// VAT breakdown on the left, totals on the right, kept together.
    fn summary(&mut self) {
        let doc = self.doc;
        let (l, language, cur) = (self.l, doc.language, doc.currency);
        let totals = doc.totals();
        let mut vat_rows: Vec<(String, String, String, String, Option<String>)> = Vec::new();
        for b in &totals.breakdown {
            let rate =
                if b.category == VatCategory::OutsideScope { String::new() } else { labels::percent(b.rate, language) };
            vat_rows.push((
                format!("{} ({})", labels::vat_category(b.category, language), b.category.code()),
                rate,
                labels::amount(b.taxable, cur, language),
                labels::amount(b.vat, cur, language),
                b.exemption_reason.clone(),
            ));
        }
        let reason_lines: usize = vat_rows
            .iter()
            .map(|r| r.4.as_ref().map_or(0, |t| wrap(self.fonts, t, Weight::Regular, 7.5, 270.0).len()))
            .sum();
        let vat_height = 24.0 + vat_rows.len() as f32 * 12.0 + reason_lines as f32 * 10.0;
        let mut total_rows: Vec<(&str, Decimal, bool)> = Vec::new();
        if !totals.allowance_total.is_zero() {
            total_rows.push((l.line_total, totals.line_total, false));
            total_rows.push((l.document_discount, -totals.allowance_total, false));
        }
        total_rows.push((l.total_excl_vat, totals.tax_exclusive, false));
        total_rows.push((l.vat_total, totals.vat_total, false));
        total_rows.push((l.total_incl_vat, totals.tax_inclusive, false));
        if !totals.rounding.is_zero() {
            total_rows.push((l.rounding, totals.rounding, false));
        }
        let due_label = match doc.kind {
            DocumentType::Invoice => l.amount_due,
            DocumentType::CreditNote { .. } => l.credit_total,
            DocumentType::Quote => l.quote_total,
        };
        total_rows.push((due_label, totals.payable, true));
        let totals_height = total_rows.len() as f32 * 14.0 + 12.0;
        self.ensure(vat_height.max(totals_height) + 6.0);
        let top = self.y;

        // VAT breakdown.
        let mut y = top + 10.0;
        self.text(LEFT, y, l.vat_breakdown, Style(8.5, Weight::Bold, ACCENT), Align::Left);
        y += 13.0;
        for (x, text, align) in [
            (LEFT, l.category, Align::Left),
            (172.0, l.rate, Align::Right),
            (262.0, l.taxable, Align::Right),
            (312.0, l.vat, Align::Right),
        ] {
            self.text(x, y, text, Style(7.5, Weight::Bold, MUTED), align);
        }
        for (category, rate, taxable, vat, reason) in vat_rows {
            y += 12.0;
            self.text(LEFT, y, category, Style(8.0, Weight::Regular, INK), Align::Left);
            self.text(172.0, y, rate, Style(8.0, Weight::Regular, INK), Align::Right);
            self.text(262.0, y, taxable, Style(8.0, Weight::Regular, INK), Align::Right);
            self.text(312.0, y, vat, Style(8.0, Weight::Regular, INK), Align::Right);
            for line in reason.map(|r| wrap(self.fonts, &r, Weight::Regular, 7.5, 270.0)).unwrap_or_default() {
                y += 10.0;
                self.text(LEFT + 8.0, y, line, Style(7.5, Weight::Regular, MUTED), Align::Left);
            }
        }

        // Totals.
        let x = 345.0;
        let mut y = top + 10.0;
        for (label, value, strong) in total_rows {
            if strong {
                y += 4.0;
                self.rect(x, y - 11.0, RIGHT - x, 16.0, HEADER_BG);
                self.text(x + 4.0, y + 1.0, label, Style(10.5, Weight::Bold, ACCENT), Align::Left);
                self.text(
                    RIGHT - 4.0,
                    y + 1.0,
                    labels::money(value, cur, language),
                    Style(10.5, Weight::Bold, INK),
                    Align::Right,
                );
            } else {
                self.text(x + 4.0, y, label, Style(8.5, Weight::Regular, INK), Align::Left);
                self.text(
                    RIGHT - 4.0,
                    y,
                    labels::money(value, cur, language),
                    Style(8.5, Weight::Regular, INK),
                    Align::Right,
                );
            }
            y += 14.0;
        }
        let bottom = top + vat_height.max(totals_height);
        self.claim(top, bottom);
        self.y = bottom + 10.0;
    }

    fn payment(&mut self) {
        let doc = self.doc;
        if !doc.kind.requests_payment() {
            return;
        }
        let (l, language) = (self.l, doc.language);
        let mut rows: Vec<(&str, String)> = Vec::new();
        let domestic = doc.payment.domestic.as_ref();
        match domestic {
            Some(DomesticPayment::No { account: Some(account) }) => rows.push((l.account_no, account.clone())),
            Some(DomesticPayment::Se { bankgiro }) => rows.push((l.bankgiro, bankgiro.clone())),
            Some(DomesticPayment::Is { account, kennitala, claim }) => {
                if let Some(claim) = claim {
                    rows.push((l.bank_claim, claim.clone()));
                }
                rows.push((l.account_no, account.clone()));
                rows.push((l.kennitala, kennitala.clone()));
            }
            _ => {}
        }
        if let Some(iban) = &doc.payment.iban {
            let grouped: Vec<String> =
                iban.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            rows.push((l.iban, grouped.join(" ")));
        }
        if let Some(bic) = &doc.payment.bic {
            rows.push((l.bic, bic.clone()));
        }
        if let Some(reference) = &doc.payment.reference {
            rows.push((domestic.and_then(DomesticPayment::reference_name).unwrap_or(l.reference), reference.clone()));
        }
        rows.push((l.due_date, labels::date(doc.due_date, language)));
        match domestic {
            Some(DomesticPayment::Fi { virtual_barcode: Some(code) }) => rows.push((l.virtual_barcode, code.clone())),
            Some(DomesticPayment::Dk { payment_line }) => rows.push((l.payment_line, payment_line.clone())),
            _ => {}
        }
        let terms =
            doc.payment_terms.as_ref().map(|t| wrap(self.fonts, t, Weight::Regular, 8.5, 330.0)).unwrap_or_default();
        let qr = qr::epc_payload(doc).and_then(|p| qr::matrix(&p));
        let text_height = 22.0 + rows.len() as f32 * 12.0 + terms.len() as f32 * 11.0;
        let height = if qr.is_some() { text_height.max(118.0) } else { text_height };
        self.ensure(height);
        let top = self.y;
        let mut y = top + 10.0;
        self.text(LEFT, y, l.payment, Style(8.5, Weight::Bold, ACCENT), Align::Left);
        y += 14.0;
        for (label, value) in rows {
            self.text(LEFT, y, label, Style(8.5, Weight::Regular, MUTED), Align::Left);
            self.text(LEFT + 80.0, y, value, Style(8.5, Weight::Bold, INK), Align::Left);
            y += 12.0;
        }
        for line in terms {
            self.text(LEFT, y, line, Style(8.5, Weight::Regular, INK), Align::Left);
            y += 11.0;
        }
        if let Some((width, modules)) = qr {
            let size = 90.0;
            self.page().push(Op::Qr { x: RIGHT - size, y: top + 4.0, size, width, modules });
            self.text(
                RIGHT - size / 2.0 + 30.0,
                top + size + 20.0,
                l.scan_to_pay,
                Style(7.5, Weight::Regular, MUTED),
                Align::Right,
            );
        }
        self.claim(top, top + height);
        self.y = top + height + 8.0;
    }

    fn notes(&mut self) {
        if self.doc.notes.is_empty() {
            return;
        }
        let lines: Vec<String> =
            self.doc.notes.iter().flat_map(|n| wrap(self.fonts, n, Weight::Regular, 8.5, RIGHT - LEFT)).collect();
        self.ensure(26.0);
        self.text(LEFT, self.y + 10.0, self.l.notes, Style(8.5, Weight::Bold, ACCENT), Align::Left);
        self.claim(self.y, self.y + 14.0);
        self.y += 24.0;
        for line in lines {
            self.ensure(11.0);
            self.text(LEFT, self.y, line, Style(8.5, Weight::Regular, INK), Align::Left);
            self.claim(self.y - 8.0, self.y + 3.0);
            self.y += 11.0;
        }
    }

    fn footers(&mut self) {
        let seller = &self.doc.seller;
        let mut parts = vec![seller.name.clone()];
        if let Some(reg) = &seller.registration_id {
            parts.push(format!("{} {reg}", self.l.registration_id));
        }
        if let Some(vat) = &seller.vat_id {
            parts.push(format!("{} {vat}", self.l.vat_id));
        }
        parts.extend(seller.email.clone());
        let left = parts.join("  ·  ");
        footers(&mut self.pages, &left, self.l.page, self.l.of);
    }
}

/// The footer of every page: a rule, `left` (who the document is from) and "Page n of m".
pub(super) fn footers(pages: &mut [Vec<Op>], left: &str, page_word: &str, of_word: &str) {
    let count = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        page.push(Op::Rect { x: LEFT, y: PAGE_HEIGHT - 48.0, w: RIGHT - LEFT, h: 0.5, color: MUTED });
        let y = PAGE_HEIGHT - 34.0;
        let (size, weight, color) = (7.0, Weight::Regular, MUTED);
        page.push(Op::Text { x: LEFT, y, text: left.to_owned(), size, weight, align: Align::Left, color });
        let numbering = format!("{page_word} {} {of_word} {count}", n + 1);
        page.push(Op::Text { x: RIGHT, y, text: numbering, size, weight, align: Align::Right, color });
    }
}

/// The logo drawn at the top left, scaled into 170 × 56 pt; returns its operation and
/// its bottom edge.
pub(super) fn logo_at_top(logo: &crate::logo::Logo) -> (Op, f32) {
    let (pw, ph) = logo.size();
    let scale = (170.0 / pw as f32).min(56.0 / ph as f32);
    let (w, h) = (pw as f32 * scale, ph as f32 * scale);
    (Op::Logo { x: LEFT, y: TOP, w, h }, TOP + h)
}

/// Lays out the whole document.
pub fn layout(doc: &InvoiceDocument, fonts: &Fonts) -> Layout {
    let mut w = Writer {
        fonts,
        doc,
        l: labels::labels(doc.language),
        pages: vec![Vec::new()],
        boxes: vec![Vec::new()],
        y: TOP,
    };
    w.header();
    w.lines_table();
    w.summary();
    w.payment();
    w.notes();
    w.footers();
    Layout { pages: w.pages, boxes: w.boxes }
}

/// Marks every page of a layout as a draft: a large pale word across the middle,
/// drawn under the content, so a preview can never pass for the issued document.
pub fn watermark(layout: &mut Layout, word: &str) {
    for page in &mut layout.pages {
        page.insert(
            0,
            Op::Text {
                x: (LEFT + RIGHT) / 2.0 + 150.0,
                y: PAGE_HEIGHT / 2.0,
                text: word.to_owned(),
                size: 96.0,
                weight: Weight::Bold,
                align: Align::Right,
                color: (224, 224, 230),
            },
        );
    }
}

#[cfg(test)]
mod tests;
