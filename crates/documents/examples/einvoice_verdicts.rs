//! Prints our validator's verdict for each UBL file named on the command line, one JSON
//! object per line: `{"file": ..., "fatal": [rule ids], "warnings": [...]}` or
//! `{"file": ..., "error": ...}`. Used by `tests/einvoice/differential.py` to compare with the
//! official Schematron, and by `bench/validate_einvoice.sh` with `--time N FILE`, which
//! validates FILE N times and prints the best and mean time in microseconds (wall clock, and
//! the mean CPU time the thread got, from /proc/thread-self/schedstat where there is one: on
//! a shared machine a long run is preempted, and only the CPU time stays comparable across
//! sizes), and `--write-lines N FILE`, which writes our sample invoice with N lines as UBL.
//! With `--cii` first, the files are CII and judged by `validate_cii`
//! (`tests/einvoice/differential_cii.py`). With `--findings` (after `--cii` if any), each
//! line holds every finding in order, with its flag, message and location: what a change to
//! the validator's speed must leave identical, compared file by file before and after.

use std::time::Instant;

use serde_json::json;

use fastfaktura_documents::{Flag, InvoiceDocument, fixtures, ubl_xml, validate_cii, validate_ubl};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let cii = args.first().map(String::as_str) == Some("--cii");
    if cii {
        args.remove(0);
    }
    let validate = if cii { validate_cii } else { validate_ubl };
    let full = args.first().map(String::as_str) == Some("--findings");
    if full {
        args.remove(0);
    }
    if args.first().map(String::as_str) == Some("--write-lines") {
        let lines: usize = args.get(1).and_then(|n| n.parse().ok()).expect("--write-lines N FILE");
        let doc = InvoiceDocument::new(fixtures::with_lines(lines)).expect("the fixture is a valid invoice");
        std::fs::write(args.get(2).expect("--write-lines N FILE"), ubl_xml(&doc)).expect("writable file");
        return;
    }
    if args.first().map(String::as_str) == Some("--floors") {
        let runs: u32 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100);
        let xml = std::fs::read(args.get(2).expect("--floors N FILE")).expect("readable file");
        print_floors(runs, &xml);
        return;
    }
    if args.first().map(String::as_str) == Some("--time") {
        let runs: u32 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100);
        let xml = std::fs::read(args.get(2).expect("--time N FILE")).expect("readable file");
        // The best run: on a shared machine the mean measures the other processes too.
        let mut best = f64::MAX;
        let mut total = 0.0;
        let mut fatal = 0;
        let cpu_before = cpu_ns();
        for _ in 0..runs {
            let start = Instant::now();
            fatal = validate_ubl(&xml).map(|v| v.fatal_rules().len()).unwrap_or(usize::MAX);
            let micros = start.elapsed().as_secs_f64() * 1e6;
            best = best.min(micros);
            total += micros;
        }
        // The scheduler accounts CPU time at ticks and switches: only a total over many runs
        // is precise, so this is a mean.
        let cpu = cpu_ns().zip(cpu_before).map_or(f64::NAN, |(b, a)| (b - a) as f64 / 1e3 / f64::from(runs));
        println!(
            "{{\"runs\": {runs}, \"best_us\": {best:.1}, \"mean_us\": {:.1}, \"mean_cpu_us\": {cpu:.1}, \"fatal\": {fatal}}}",
            total / f64::from(runs)
        );
        return;
    }
    for file in args {
        let line = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|xml| validate(&xml).map_err(|e| e.to_string()))
        {
            Ok(verdict) if full => {
                let all: Vec<_> = verdict
                    .findings
                    .iter()
                    .map(|f| json!([f.rule, f.flag == Flag::Fatal, f.message, f.location]))
                    .collect();
                json!({"file": file, "findings": all})
            }
            Ok(verdict) => {
                let ids = |flag: Flag| {
                    let mut v: Vec<&str> = verdict.findings.iter().filter(|f| f.flag == flag).map(|f| f.rule).collect();
                    v.sort();
                    v.dedup();
                    v
                };
                json!({"file": file, "fatal": ids(Flag::Fatal), "warnings": ids(Flag::Warning)})
            }
            Err(error) => json!({"file": file, "error": error}),
        };
        println!("{line}");
    }
}

/// What a validation of `xml` costs beside what merely looking at its bytes costs: the
/// best of `runs` for checking it is UTF-8, counting its `<` (memchr, SIMD), parsing it
/// with roxmltree (a complete, maintained XML parser building a tree), reading it into
/// our validator's tree without any rule, and the whole validation. The first three are
/// floors no validator of this document can go below.
fn print_floors(runs: u32, xml: &[u8]) {
    fn best(runs: u32, mut work: impl FnMut() -> usize) -> f64 {
        let mut best = f64::MAX;
        let mut sink = 0;
        for _ in 0..runs {
            let start = Instant::now();
            sink += std::hint::black_box(work());
            best = best.min(start.elapsed().as_secs_f64() * 1e6);
        }
        std::hint::black_box(sink);
        best
    }
    let utf8 = best(runs, || std::str::from_utf8(xml).map_or(0, str::len));
    let tags = best(runs, || memchr::memchr_iter(b'<', xml).count());
    let text = std::str::from_utf8(xml).expect("UTF-8");
    let roxmltree = best(runs, || roxmltree::Document::parse(text).map_or(0, |d| d.root_element().children().count()));
    let reader = best(runs, || fastfaktura_documents::validation::read_without_rules(xml).unwrap_or(0));
    let whole = best(runs, || validate_ubl(xml).map_or(0, |v| v.findings.len()));
    println!(
        "{{\"bytes\": {}, \"utf8_us\": {utf8:.1}, \"count_tags_us\": {tags:.1}, \"roxmltree_us\": {roxmltree:.1}, \"our_reader_us\": {reader:.1}, \"validation_us\": {whole:.1}}}",
        xml.len()
    );
}

/// The CPU time this thread has had, in nanoseconds (Linux; None elsewhere).
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
