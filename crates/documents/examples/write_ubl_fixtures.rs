//! Writes our own UBL of every fixture in `fixtures::matrix()` to a directory: the
//! seed inputs of the `ubl_import` fuzz target (`fuzz/seeds/ubl_import/ours-*.xml`),
//! which reach the conversion and totals that external examples rarely do.
//!
//! `cargo run -p fastfaktura-documents --example write_ubl_fixtures -- DIR`

use fastfaktura_documents::{InvoiceDocument, fixtures, ubl_xml};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: write_ubl_fixtures DIR");
    std::fs::create_dir_all(&dir).expect("create the directory");
    for (name, data) in fixtures::matrix() {
        let doc = InvoiceDocument::new(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        std::fs::write(format!("{dir}/ours-{name}.xml"), ubl_xml(&doc)).expect("write the file");
    }
}
