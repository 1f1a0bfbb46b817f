//! Pagination tests: nothing overlaps or runs into the footer, every line appears once,
//! headers repeat and the totals come after the last line.

use super::*;
use crate::{fixtures, model::InvoiceDocument};

fn check_no_overlap(layout: &Layout) {
    for (page, boxes) in layout.boxes.iter().enumerate() {
        let mut sorted = boxes.clone();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in sorted.windows(2) {
            assert!(pair[0].1 <= pair[1].0 + 0.01, "page {}: {:?} overlaps {:?}", page + 1, pair[0], pair[1]);
        }
        for (top, bottom) in sorted {
            assert!(top >= TOP - 0.01 && bottom <= BODY_BOTTOM, "page {}: ({top}, {bottom}) off the body", page + 1);
        }
    }
}

#[test]
fn one_page_invoice() {
    let layout = layout(&fixtures::sample(), Fonts::bundled());
    assert_eq!(layout.pages.len(), 1);
    check_no_overlap(&layout);
}

#[test]
fn three_hundred_lines_paginate_with_repeated_headers() {
    let doc = InvoiceDocument::new(fixtures::with_lines(300)).unwrap();
    let layout = layout(&doc, Fonts::bundled());
    assert!(layout.pages.len() >= 5, "{} pages", layout.pages.len());
    check_no_overlap(&layout);
    let count = layout.pages.len();
    for (n, page) in layout.pages.iter().enumerate() {
        let texts: Vec<&str> = page
            .iter()
            .filter_map(|op| if let Op::Text { text, .. } = op { Some(text.as_str()) } else { None })
            .collect();
        assert!(texts.contains(&format!("Síða {} af {count}", n + 1).as_str()), "page {n}: {texts:?}");
        if n + 1 < count {
            assert!(texts.contains(&"Lýsing"), "table header repeats on page {}", n + 1);
        }
    }
    let pages_with = |needle: &str| -> Vec<usize> {
        (0..count)
            .filter(|n| layout.pages[*n].iter().any(|op| matches!(op, Op::Text { text, .. } if text == needle)))
            .collect()
    };
    let last_line_page = *pages_with("300").last().unwrap();
    let totals_pages = pages_with("Til greiðslu");
    assert_eq!(totals_pages.len(), 1, "the amount due is printed once");
    assert!(totals_pages[0] >= last_line_page, "totals come after the last line");
    let numbers: Vec<usize> = layout
        .pages
        .iter()
        .flatten()
        .filter_map(|op| match op {
            Op::Text { x, text, .. } if *x == COL_NO => text.parse().ok(),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, (1..=300).collect::<Vec<_>>(), "every line exactly once, in order");
}

#[test]
fn a_description_longer_than_a_page_continues_on_the_next() {
    let mut data = fixtures::sample_data();
    data.lines[1].description = (1..=150).map(|n| format!("Liður {n} í mjög langri lýsingu.\n")).collect();
    let doc = InvoiceDocument::new(data).unwrap();
    let layout = layout(&doc, Fonts::bundled());
    assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
    check_no_overlap(&layout);
    let texts: Vec<&str> = layout
        .pages
        .iter()
        .flatten()
        .filter_map(|op| if let Op::Text { text, .. } = op { Some(text.as_str()) } else { None })
        .collect();
    for n in 1..=150 {
        let wanted = format!("Liður {n} í mjög langri lýsingu.");
        assert_eq!(texts.iter().filter(|t| **t == wanted).count(), 1, "{wanted}");
    }
}

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

#[test]
fn an_invoice_asks_for_payment_with_its_dates_and_references() {
    let all = texts(&layout(&fixtures::sample_eur(), Fonts::bundled()));
    for expected in ["INVOICE", "Due date", "IBAN", "Period", "1 Nov 2025 – 30 Nov 2025", "Order no.", "PO-4711"] {
        assert!(all.iter().any(|t| t.contains(expected)), "{expected} missing from {all:?}");
    }
}

#[test]
fn a_credit_note_names_the_invoice_and_asks_for_no_payment() {
    let mut data = fixtures::sample_data();
    data.kind = DocumentType::CreditNote {
        preceding_number: "FF-2025-000100".into(),
        preceding_date: time::macros::date!(2025 - 11 - 01),
    };
    let all = texts(&layout(&InvoiceDocument::new(data).unwrap(), Fonts::bundled()));
    assert!(all.iter().any(|t| t == "KREDITREIKNINGUR"), "{all:?}");
    assert!(all.iter().any(|t| t.contains("FF-2025-000100")), "the credited invoice is named");
    for absent in ["IBAN", "Gjalddagi", "Greiðsluupplýsingar", "Til greiðslu"] {
        assert!(!all.iter().any(|t| t.contains(absent)), "{absent} on a credit note: {all:?}");
    }
}

#[test]
fn a_quote_is_an_offer_valid_until_a_date() {
    let mut data = fixtures::sample_eur_data();
    data.kind = DocumentType::Quote;
    let all = texts(&layout(&InvoiceDocument::new(data).unwrap(), Fonts::bundled()));
    assert!(all.iter().any(|t| t == "QUOTE"), "{all:?}");
    assert!(all.iter().any(|t| t == "Valid until"));
    for absent in ["IBAN", "Due date", "Amount due", "Scan to pay", "Payment"] {
        assert!(!all.iter().any(|t| t == absent), "{absent} on a quote: {all:?}");
    }
}

#[test]
fn a_draft_preview_is_marked_on_every_page() {
    let doc = InvoiceDocument::new(fixtures::with_lines(120)).unwrap();
    let mut pages = layout(&doc, Fonts::bundled());
    assert!(pages.pages.len() > 1);
    watermark(&mut pages, "DRÖG");
    for page in &pages.pages {
        assert!(matches!(&page[0], Op::Text { text, .. } if text == "DRÖG"), "drawn first, under the content");
    }
}
