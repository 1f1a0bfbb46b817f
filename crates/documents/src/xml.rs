//! A tiny XML writer that escapes everything it is given, shared by the UBL and CII writers.
//!
//! Documents are written top-down with `open`/`close`/`leaf`; text and attribute values
//! are always escaped, characters XML 1.0 cannot carry (most C0 controls) are dropped,
//! and empty leaves are skipped (Peppol forbids empty elements, PEPPOL-EN16931-R008).
//! Also here: how decimals are written in e-invoices (plain, `.` separator, no grouping).

use fastfaktura_domain::{Currency, Decimal, money::round_to_currency};

pub struct XmlWriter {
    out: String,
    stack: Vec<&'static str>,
}

impl XmlWriter {
    pub fn new() -> Self {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Self { out, stack: Vec::new() }
    }

    fn indent(&mut self) {
        for _ in 0..self.stack.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// Opens an element; close it with [`XmlWriter::close`].
    pub fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push('\n');
        self.stack.push(name);
    }

    pub fn close(&mut self) {
        let name = self.stack.pop().expect("close() without open()");
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name attrs>text</name>`; nothing at all when `text` is blank.
    pub fn leaf_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.start_tag(name, attrs);
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    pub fn leaf_opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.leaf(name, text);
        }
    }

    pub fn finish(self) -> String {
        assert!(self.stack.is_empty(), "unclosed elements: {:?}", self.stack);
        self.out
    }
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// Escapes `&<>"'` and drops characters that XML 1.0 does not allow.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// An amount with exactly the currency's decimals: `1234.50`, `2518973`.
pub fn amount(value: Decimal, currency: Currency) -> String {
    round_to_currency(value, currency).to_string()
}

/// A quantity, price or percentage without trailing zeros: `12.5`, `24`, `0`.
pub fn decimal(value: Decimal) -> String {
    let normalized = value.normalize();
    if normalized.is_zero() { "0".to_owned() } else { normalized.to_string() }
}

/// `YYYY-MM-DD` (UBL).
pub fn iso_date(date: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day())
}

/// `YYYYMMDD` (CII format 102).
pub fn date_102(date: time::Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month() as u8, date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes_and_drops_controls() {
        let mut w = XmlWriter::new();
        w.open("a", &[("k", "x\"<&'>")]);
        w.leaf("b", "Tom & Jerry <script>\u{1}\u{7}'\"");
        w.leaf("empty", "  ");
        w.close();
        let xml = w.finish();
        assert!(xml.contains("<a k=\"x&quot;&lt;&amp;&apos;&gt;\">"), "{xml}");
        assert!(xml.contains("<b>Tom &amp; Jerry &lt;script&gt;&apos;&quot;</b>"), "{xml}");
        assert!(!xml.contains("empty"));
        assert!(roxmltree::Document::parse(&xml).is_ok());
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(amount(Decimal::new(12345, 1), Currency::EUR), "1234.50");
        assert_eq!(amount(Decimal::new(12345, 1), Currency::ISK), "1235");
        assert_eq!(decimal(Decimal::new(2400, 2)), "24");
        assert_eq!(decimal(Decimal::new(0, 2)), "0");
    }
}
