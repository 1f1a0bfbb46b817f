//! Render-time benchmark of the invoice PDF (with Factur-X), driven by `bench/pdf.sh`.
//!
//! `pdf_bench [ITERATIONS] [OUT_DIR]` renders a one-page invoice (20 lines) and a
//! ten-page one ITERATIONS times each (fonts loaded once, as in the server) and prints
//! `key=value` lines with the median and minimum in milliseconds. With OUT_DIR it also
//! writes both PDFs and an equivalent HTML page of each invoice there, for the
//! Chromium side of the comparison.

use std::fmt::Write as _;
use std::time::Instant;

use fastfaktura_documents::{InvoiceDocument, fixtures, labels, render_pdf};

fn stats(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[0])
}

fn time(doc: &InvoiceDocument, iterations: usize) -> (f64, f64, usize) {
    let mut samples = Vec::with_capacity(iterations);
    let mut size = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        let pdf = render_pdf(doc).expect("renders");
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
        size = pdf.bytes.len();
    }
    let (median, min) = stats(samples);
    (median, min, size)
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A print stylesheet and table layout comparable to the PDF: same texts, same amounts.
fn html(doc: &InvoiceDocument) -> String {
    let (lang, cur) = (doc.language, doc.currency);
    let l = labels::labels(lang);
    let t = doc.totals();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} {}</title><style>\
         @page {{ size: A4; margin: 14mm 14mm 20mm 14mm; }} body {{ font-family: 'Noto Sans', 'DejaVu Sans', sans-serif; \
         font-size: 8.5pt; color: #1e232b; }} h1 {{ color: #1f4e79; text-align: right; margin: 0; }} \
         .parties {{ display: flex; gap: 24px; margin: 24px 0; }} .parties div {{ flex: 1; }} \
         table {{ width: 100%; border-collapse: collapse; }} thead {{ display: table-header-group; }} \
         th {{ background: #e4ebf2; text-align: left; font-size: 7.5pt; }} td, th {{ padding: 2px 4px; }} \
         tr:nth-child(even) td {{ background: #f4f6f9; }} .r {{ text-align: right; }} \
         .totals {{ width: 40%; margin-left: 60%; margin-top: 12px; }} .due {{ font-weight: bold; font-size: 10.5pt; }}\
         </style></head><body>",
        lang.code(),
        esc(l.invoice),
        esc(&doc.number)
    );
    let _ = write!(h, "<h1>{}</h1><p style=\"text-align:right\"><b>{}</b></p>", esc(l.invoice), esc(&doc.number));
    h.push_str("<div class=\"parties\">");
    for (heading, p) in [(l.from, &doc.seller), (l.bill_to, &doc.buyer)] {
        let _ = write!(h, "<div><small>{}</small><br><b>{}</b>", esc(heading), esc(&p.name));
        for line in p.address_lines.iter().chain([&format!("{} {}", p.postcode, p.city), &p.country]) {
            let _ = write!(h, "<br>{}", esc(line));
        }
        h.push_str("</div>");
    }
    let _ = write!(
        h,
        "<div>{} <b>{}</b><br>{} {}<br>{} {}</div></div>",
        esc(l.number),
        esc(&doc.number),
        esc(l.issue_date),
        labels::date(doc.issue_date, lang),
        esc(l.due_date),
        labels::date(doc.due_date, lang)
    );
    let _ = write!(
        h,
        "<table><thead><tr><th>#</th><th>{}</th><th class=r>{}</th><th>{}</th><th class=r>{}</th>\
         <th class=r>{}</th><th class=r>{} ({})</th></tr></thead><tbody>",
        esc(l.description),
        esc(l.quantity),
        esc(l.unit),
        esc(l.unit_price),
        esc(l.vat),
        esc(l.amount),
        cur.code()
    );
    for (i, line) in doc.lines.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=r>{}</td><td>{}</td><td class=r>{}</td><td class=r>{}</td>\
             <td class=r>{}</td></tr>",
            i + 1,
            esc(&line.description),
            labels::number(line.quantity, lang),
            labels::unit(&line.unit_code, lang),
            labels::price(line.unit_price, cur, lang),
            labels::percent(line.vat_rate, lang),
            labels::amount(t.line_nets[i], cur, lang)
        );
    }
    h.push_str("</tbody></table><table class=\"totals\">");
    for (label, value) in [(l.total_excl_vat, t.tax_exclusive), (l.vat_total, t.vat_total)] {
        let _ = write!(h, "<tr><td>{}</td><td class=r>{}</td></tr>", esc(label), labels::money(value, cur, lang));
    }
    let _ = write!(
        h,
        "<tr class=due><td>{}</td><td class=r>{}</td></tr></table>",
        esc(l.amount_due),
        labels::money(t.payable, cur, lang)
    );
    if let Some(iban) = &doc.payment.iban {
        let _ = write!(h, "<p><b>{}</b><br>{} {}</p>", esc(l.payment), esc(l.iban), esc(iban));
    }
    h.push_str("</body></html>");
    h
}

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let out_dir = args.next();

    let one_page = InvoiceDocument::new(fixtures::with_lines(20)).expect("valid");
    let ten_pages = (300..2000)
        .step_by(10)
        .map(|n| InvoiceDocument::new(fixtures::with_lines(n)).expect("valid"))
        .find(|doc| render_pdf(doc).expect("renders").pages == 10)
        .expect("a ten-page invoice");
    assert_eq!(render_pdf(&one_page).expect("renders").pages, 1);

    let (median_1, min_1, size_1) = time(&one_page, iterations);
    let (median_10, min_10, size_10) = time(&ten_pages, (iterations / 5).max(5));
    println!("rust_1p_median_ms={median_1:.3}");
    println!("rust_1p_min_ms={min_1:.3}");
    println!("rust_1p_bytes={size_1}");
    println!("rust_10p_median_ms={median_10:.3}");
    println!("rust_10p_min_ms={min_10:.3}");
    println!("rust_10p_bytes={size_10}");
    println!("rust_10p_lines={}", ten_pages.lines.len());

    if let Some(dir) = out_dir {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("output directory");
        for (name, doc) in [("invoice-1p", &one_page), ("invoice-10p", &ten_pages)] {
            std::fs::write(dir.join(format!("{name}.html")), html(doc)).expect("write HTML");
            std::fs::write(dir.join(format!("{name}.pdf")), render_pdf(doc).expect("renders").bytes)
                .expect("write PDF");
        }
    }
}
