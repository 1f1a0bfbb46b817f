//! End-to-end checks of the documents with the official and independent tools.
//!
//! One test binary (each file in tests/ links krilla again): every document of
//! `fixtures::matrix()` is written as UBL, CII and PDF and handed to
//! `tests/einvoice/validate.py`, which runs the CEN EN 16931 rules, the XSDs, qpdf,
//! pikepdf, facturx, pdftotext and zbarimg, and proves each of them rejects a broken
//! input. The documents of `fixtures::xrechnung_matrix()` are written as XRechnung UBL
//! and CII and checked with KoSIT's XRechnung rules as well (tests/einvoice/xrechnung.py).
//! Missing tools fail the test with a pointer to scripts/install-deps. The import
//! test reads every official CEN UBL example kept in tests/einvoice/ubl-examples. The
//! differential test runs our EN 16931 validator and the official Schematron over the same
//! corpus (tests/einvoice/differential.py) and fails on any difference in fatal rules; the
//! CII differential test does the same for `validate_cii` and the official CEN CII rules
//! (tests/einvoice/differential_cii.py).

use std::path::{Path, PathBuf};
use std::process::Command;

use fastfaktura_documents::pdf::qr::epc_payload;
use fastfaktura_documents::{
    EInvoiceProfile, InvoiceDocument, cii_xml, cii_xml_as, fixtures, labels, parse_ubl, render_pdf, ubl_xml, ubl_xml_as,
};
use serde_json::json;

fn einvoice_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("einvoice")
}

#[test]
fn generated_documents_pass_the_official_validators() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents-validation");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let mut cases = fixtures::matrix();
    let mut fallback = fixtures::sample_eur_data();
    fallback.buyer.name = "Ωμέγα Ромашка ♔ 東京".into();
    cases.push(("fallback-fonts", fallback));

    let mut manifest = Vec::new();
    for (name, data) in &cases {
        let doc = InvoiceDocument::new(data.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let pdf = render_pdf(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        std::fs::write(dir.join(format!("{name}.ubl.xml")), ubl_xml(&doc)).unwrap();
        std::fs::write(dir.join(format!("{name}.cii.xml")), cii_xml(&doc)).unwrap();
        std::fs::write(dir.join(format!("{name}.pdf")), &pdf.bytes).unwrap();
        let payable = labels::money(doc.totals().payable, doc.currency, doc.language);
        let mut expect = vec![doc.number.clone(), payable, doc.seller.name.clone()];
        if *name == "fallback-fonts" {
            assert_eq!(pdf.missing_chars, vec!['東', '京'], "reported, not dropped");
            expect.push("Ωμέγα Ромашка ♔".into());
        } else {
            assert!(pdf.missing_chars.is_empty(), "{name}: {:?}", pdf.missing_chars);
        }
        if *name == "isk-300-lines" {
            assert!(pdf.pages >= 5, "{name}: {} pages", pdf.pages);
            expect.push(format!("Síða {} af {}", pdf.pages, pdf.pages));
        }
        manifest.push(json!({
            "name": name,
            "ubl": format!("{name}.ubl.xml"),
            "cii": format!("{name}.cii.xml"),
            "pdf": format!("{name}.pdf"),
            "credit": doc.kind.is_credit_note(),
            "expect_texts": expect,
            "epc_payload": epc_payload(&doc),
            "peppol_expected": doc
                .peppol_warnings()
                .iter()
                .map(|w| w.split(':').next().unwrap_or_default().to_owned())
                .collect::<Vec<_>>(),
        }));
    }
    assert!(manifest.iter().any(|m| !m["epc_payload"].is_null()), "at least one EPC QR code is checked");
    assert!(
        manifest.iter().any(|m| m["peppol_expected"].as_array().is_some_and(|a| !a.is_empty())),
        "at least one predicted Peppol finding is checked"
    );
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();

    let xrechnung_cases = fixtures::xrechnung_matrix();
    let mut xrechnung_manifest = Vec::new();
    for (name, data) in &xrechnung_cases {
        let doc = InvoiceDocument::new(data.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let profile = EInvoiceProfile::for_document(&doc);
        assert_eq!(profile, EInvoiceProfile::XRechnung, "{name}: a German buyer");
        let ubl = ubl_xml_as(&doc, profile).unwrap_or_else(|e| panic!("{name}: {e}"));
        let cii = cii_xml_as(&doc, profile).unwrap_or_else(|e| panic!("{name}: {e}"));
        std::fs::write(dir.join(format!("{name}.ubl.xml")), ubl).unwrap();
        std::fs::write(dir.join(format!("{name}.cii.xml")), cii).unwrap();
        xrechnung_manifest
            .push(json!({"name": name, "ubl": format!("{name}.ubl.xml"), "cii": format!("{name}.cii.xml")}));
    }
    std::fs::write(dir.join("xrechnung.json"), serde_json::to_vec_pretty(&xrechnung_manifest).unwrap()).unwrap();

    let output = Command::new("python3")
        .arg(einvoice_dir().join("validate.py"))
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("python3 could not be started ({e}): run scripts/install-deps"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    if output.status.code() == Some(3) || stdout.contains("MISSING") {
        panic!("validation tools are missing ({}): run scripts/install-deps", stdout.trim());
    }
    assert!(output.status.success(), "validation failed:\n{stdout}\n{stderr}");
    let summary_line =
        stdout.lines().find_map(|l| l.strip_prefix("SUMMARY ")).expect("the validator printed a summary");
    let summary: serde_json::Value = serde_json::from_str(summary_line).unwrap();
    assert_eq!(summary["failures"], 0);
    for key in ["ubl", "cii", "pdf"] {
        assert_eq!(summary[key], cases.len(), "{key} documents validated");
    }
    assert_eq!(summary["xrechnung_ubl"], xrechnung_cases.len(), "XRechnung UBL documents validated");
    assert_eq!(summary["xrechnung_cii"], xrechnung_cases.len(), "XRechnung CII documents validated");
    assert!(summary["xrechnung_testsuite"].as_u64().unwrap_or(0) >= 50, "KoSIT's test suite passed the rules");
    assert_eq!(summary["negative_controls_rejected"], 14, "every validator rejected its broken input");
    assert!(summary["peppol_unit_tests"].as_u64().unwrap_or(0) >= 200, "the Peppol compiler passed its unit tests");
}

#[test]
fn official_ubl_examples_import_or_say_what_is_missing() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(einvoice_dir().join("ubl-examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect();
    paths.sort();
    assert!(paths.len() >= 19, "the CEN examples are in the repository");
    let mut converted = 0;
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy();
        let xml = std::fs::read_to_string(path).unwrap();
        let imported = parse_ubl(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!imported.number.is_empty(), "{name}");
        assert!(!imported.seller.name.is_empty() && !imported.buyer.name.is_empty(), "{name}");
        assert!(!imported.lines.is_empty(), "{name}");
        let line_sum: fastfaktura_domain::Decimal = imported.lines.iter().map(|l| l.net_amount).sum();
        assert_eq!(line_sum, imported.totals.line_total, "{name}: lines add up to BT-106");
        match imported.to_invoice_data() {
            Ok(data) => {
                let doc = InvoiceDocument::new(data).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(doc.totals().payable, imported.totals.payable, "{name}: our engine agrees");
                converted += 1;
                println!("{name}: imported, payable {}", imported.totals.payable);
            }
            Err(reasons) => {
                assert!(!reasons.is_empty(), "{name}");
                println!("{name}: shown, not convertible: {}", reasons.join("; "));
            }
        }
    }
    println!("{converted} of {} examples convert into FastFaktura's model", paths.len());
}

/// One syntax's differential run: our documents for every fixture written by `write` into
/// `ours/`, the corpus extracted by `script` (tests/einvoice), our verdict on each file by
/// `validate`, and the script's comparison with the official rules, which lists each
/// difference by rule.
fn differential(
    name: &str,
    script: &str,
    write: impl Fn(&InvoiceDocument) -> (String, String),
    validate: impl Fn(&[u8]) -> Result<fastfaktura_documents::Verdict, fastfaktura_documents::ValidationError>,
    min_files: usize,
) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let ours_dir = dir.join("ours");
    std::fs::create_dir_all(&ours_dir).unwrap();
    for (fixture, data) in fixtures::matrix() {
        let doc = InvoiceDocument::new(data).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let (suffix, xml) = write(&doc);
        std::fs::write(ours_dir.join(format!("{fixture}.{suffix}")), xml).unwrap();
    }
    let script = einvoice_dir().join(script);
    let run = |args: &[&str]| {
        let output = Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("python3 could not be started ({e}): run scripts/install-deps"));
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        println!("{stdout}");
        if output.status.code() == Some(3) || stdout.contains("MISSING") {
            panic!("validation tools are missing ({}): run scripts/install-deps", stdout.trim());
        }
        (output.status, stdout, String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (status, _, stderr) = run(&["--extract", "--extra", ours_dir.to_str().unwrap()]);
    assert!(status.success(), "extracting the corpus failed: {stderr}");
    let files = std::fs::read_to_string(dir.join("files.txt")).unwrap();
    let mut ours = serde_json::Map::new();
    for file in files.lines().filter(|l| !l.is_empty()) {
        let xml = std::fs::read(file).unwrap();
        let verdict = match validate(&xml) {
            Ok(v) => json!(v.fatal_rules()),
            Err(e) => json!({ "error": e.to_string() }),
        };
        ours.insert(file.to_owned(), verdict);
    }
    assert!(ours.len() >= min_files, "the whole corpus was validated ({} files)", ours.len());
    std::fs::write(dir.join("ours.json"), serde_json::to_vec(&ours).unwrap()).unwrap();
    let (status, stdout, stderr) = run(&["--compare"]);
    assert!(status.success(), "our verdicts ({name}) differ from the official rules:\n{stdout}\n{stderr}");
    assert!(stdout.contains("SUMMARY "), "the script printed a summary");
}

/// Our validator against the official Schematron, file by file (tests/einvoice/differential.py):
/// the CEN test files and examples, every document in the Peppol unit test sets, and every
/// UBL document our writers produce. The script extracts the corpus, we validate it here
/// in-process, the script runs saxonche over the same files and lists each difference by rule.
#[test]
fn our_validator_agrees_with_the_official_schematron() {
    let write = |doc: &InvoiceDocument| ("ubl.xml".to_owned(), ubl_xml(doc));
    differential("differential", "differential.py", write, fastfaktura_documents::validate_ubl, 250);
}

/// `validate_cii` against the official CEN CII rules, file by file
/// (tests/einvoice/differential_cii.py): the CEN CII examples, the CII instances of KoSIT's
/// XRechnung test suite, the CII our writer produces for every fixture, and single-change
/// mutants of some of them.
#[test]
fn our_cii_validator_agrees_with_the_official_rules() {
    let write = |doc: &InvoiceDocument| ("cii.xml".to_owned(), cii_xml(doc));
    differential("differential-cii", "differential_cii.py", write, fastfaktura_documents::validate_cii, 500);
}
