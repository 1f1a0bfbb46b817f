#!/usr/bin/env python3
"""Differential test: our in-process validator (crates/documents/src/validation) against the
official rules run with saxonche (the CEN EN 16931 UBL XSLT and the Peppol BIS 3 Schematron,
compiled by schematron.py), over

  - the CEN test files (cen-testfiles/), the official UBL examples (ubl-examples/) and the
    Peppol examples (peppol/examples/);
  - every document inside the Peppol unit test sets (peppol/unit-UBL-{PEPPOL,NO,SE,DK}/*.xml:
    <testSet> wrappers whose <test>s each hold one Invoice or CreditNote; extracted like the
    official test runner does, one file per test);
  - the documents our writers generate (a directory given with --extra, see tests/documents.rs);
  - mutants: copies of a few of those documents (MUTATION_BASES and four of the --extra files) with
    one change each (an element removed, an attribute removed, a code or an amount altered),
    so that most rules meet a document that breaks them.

For every file the sets of fatal rule ids must be equal, except the rules listed in
not_implemented.txt. Every difference is printed by rule:
    BR-CO-15: official fires, ours not, in FILE

Usage:
  differential.py --extract WORKDIR [--extra DIR]   write the corpus to WORKDIR/corpus and its
                                                    list to WORKDIR/files.txt, then stop
  differential.py --compare WORKDIR                 WORKDIR/ours.json holds our verdicts
                                                    ({file: [fatal ids]}); run the official rules
                                                    and compare
  differential.py --ours-bin BIN WORKDIR [--extra DIR]  both, our verdicts from BIN (the
                                                    einvoice_verdicts example) on every file
Exit codes: 0 agreement, 1 a difference, 3 a missing tool (run scripts/install-deps).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
try:
    from lxml import etree
    from saxonche import PySaxonProcessor
except ImportError as err:  # the Rust test turns this exit code into "run scripts/install-deps"
    print(f"MISSING python module: {err.name}")
    sys.exit(3)
from schematron import compile_schematron  # noqa: E402

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
UBL_ROOTS = ("Invoice", "CreditNote")


def load_exclusions(section="ubl"):
    """not_implemented.txt: `RULE-ID reason` lines; a trailing * matches a prefix. The lines
    before a `[cii]` line are the UBL validator's, those after it validate_cii's."""
    rules, current = [], "ubl"
    for line in open(os.path.join(HERE, "not_implemented.txt"), encoding="utf-8"):
        line = line.strip()
        if line == "[cii]":
            current = "cii"
        elif line and not line.startswith("#") and current == section:
            rule, _, reason = line.partition(" ")
            rules.append((rule, reason.strip()))
    return rules


def excluded(rule, exclusions):
    return any(rule == r or (r.endswith("*") and rule.startswith(r[:-1])) for r, _ in exclusions)


def extract(workdir, extra):
    """Writes every document of the corpus as a file; returns their paths."""
    corpus = os.path.join(workdir, "corpus")
    os.makedirs(corpus, exist_ok=True)
    files = []
    for pattern in ("cen-testfiles/*.xml", "ubl-examples/*.xml", "ubl-examples/*.XML", "peppol/examples/*.xml"):
        files += sorted(glob.glob(os.path.join(HERE, pattern)))
    for path in sorted(glob.glob(os.path.join(HERE, "peppol", "unit-UBL-*", "*.xml"))):
        tests = [t for t in etree.parse(path).getroot() if isinstance(t.tag, str) and etree.QName(t).localname == "test"]
        for index, test in enumerate(tests, 1):
            docs = [c for c in test if isinstance(c.tag, str) and etree.QName(c).localname in UBL_ROOTS]
            if not docs:
                continue
            name = f"{os.path.basename(os.path.dirname(path))}-{os.path.basename(path)[:-4]}-{index}.xml"
            out = os.path.join(corpus, name)
            with open(out, "wb") as f:
                f.write(etree.tostring(docs[0], xml_declaration=True, encoding="UTF-8"))
            files.append(out)
    bases = [os.path.join(HERE, b) for b in MUTATION_BASES]
    if extra:
        generated = sorted(glob.glob(os.path.join(extra, "*.xml")))
        files += generated
        wanted = ("isk-two-rates", "eur-s-z-e-ae-k-in-one", "eur-credit-note", "usd-export")
        bases += [g for g in generated if os.path.basename(g).split(".")[0] in wanted]
    mutated = os.path.join(workdir, "mutants")
    os.makedirs(mutated, exist_ok=True)
    for base in bases:
        files += mutants(base, mutated)
    with open(os.path.join(workdir, "files.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(files) + "\n")
    return files


MUTATION_BASES = ("cen-testfiles/Invoice-Max_content.xml", "ubl-examples/ubl-tc434-example5.xml",
                  "peppol/examples/base-creditnote-correction.xml", "peppol/examples/Allowance-example.xml",
                  "peppol/examples/vat-category-E.xml", "peppol/examples/vat-category-O.xml")


def mutants(base, outdir):
    """One file per single change of `base`; returns their paths."""
    tree = etree.parse(base)
    elements = [e for e in tree.getroot().iter() if isinstance(e.tag, str)][1:]
    stem = os.path.basename(base).rsplit(".", 1)[0].replace(" ", "_")
    out = []

    def write(kind, index, change):
        copy = etree.parse(base)
        target = [e for e in copy.getroot().iter() if isinstance(e.tag, str)][1:][index]
        change(target)
        path = os.path.join(outdir, f"mut-{stem}-{kind}-{index}.xml")
        copy.write(path, xml_declaration=True, encoding="UTF-8")
        out.append(path)

    def bump(e):
        e.text = str(round(float(e.text) + 1.005, 3))

    done = set()  # one mutant per kind of change and element path: repeated lines add nothing

    def once(kind, e):
        key = (kind, "/".join(etree.QName(a).localname for a in reversed(list(e.iterancestors()))) + "/" + etree.QName(e).localname)
        if key in done:
            return False
        done.add(key)
        return True

    for i, e in enumerate(elements):
        if once("del", e):
            write("del", i, lambda t: t.getparent().remove(t))
        for name in e.attrib:
            if once(f"attr{name}", e):
                write(f"attr{name}", i, lambda t, n=name: t.attrib.pop(n))
        text = (e.text or "").strip()
        local = etree.QName(e).localname
        # Saxon stops on a date or boolean it cannot cast; those mutants would say nothing.
        if len(e) == 0 and text and not local.endswith(("Date", "Indicator")):
            try:
                float(text)
                if once("num", e):
                    write("num", i, bump)
            except ValueError:
                if once("code", e):
                    write("code", i, lambda t: setattr(t, "text", "ZZ"))
    return out


def ours_from_bin(binary, files):
    out = subprocess.run([binary, *files], capture_output=True, text=True, check=True).stdout
    verdicts = {}
    for line in out.splitlines():
        entry = json.loads(line)
        verdicts[entry["file"]] = entry.get("fatal", {"error": entry.get("error")})
    return verdicts


class Official:
    def __init__(self, proc, workdir):
        peppol = os.path.join(workdir, "peppol-ubl.xslt")
        with open(peppol, "w", encoding="utf-8") as f:
            f.write(compile_schematron(os.path.join(HERE, "peppol", "PEPPOL-EN16931-UBL.sch")))
        compile_ = proc.new_xslt30_processor().compile_stylesheet
        self.stylesheets = [compile_(stylesheet_file=os.path.join(HERE, "xslt", "EN16931-UBL-validation.xslt")),
                            compile_(stylesheet_file=peppol)]

    def fatal(self, path):
        """The fatal rule ids of both rule sets, or None when Saxon could not run them."""
        fired = set()
        for sheet in self.stylesheets:
            try:
                svrl = sheet.transform_to_string(source_file=os.path.abspath(path))
            except Exception as err:  # a dynamic XPath error (e.g. a non-numeric amount) stops Saxon
                return None, " ".join(str(err).split())[:200]
            if not svrl:
                return None, "no output"
            root = etree.fromstring(svrl.encode())
            for f in root.xpath("//svrl:failed-assert", namespaces=SVRL):
                if (f.get("flag") or "fatal") in ("fatal", "error"):
                    fired.add(f.get("id"))
        return fired, None


def compare(workdir, files, ours, exclusions):
    differences, skipped, agreed, seen = [], [], 0, set()
    by_rule = {}
    started = time.time()
    with PySaxonProcessor(license=False) as proc:
        official = Official(proc, workdir)
        for path in files:
            name = os.path.relpath(path, HERE) if path.startswith(HERE) else os.path.basename(path)
            theirs, error = official.fatal(path)
            mine = ours.get(path)
            if theirs is None:
                skipped.append(f"{name}: the official rules stopped ({error})")
                continue
            if not isinstance(mine, list):
                differences.append(f"*: ours could not read {name}: {mine}")
                continue
            seen.update(theirs)
            theirs = {r for r in theirs if not excluded(r, exclusions)}
            mine = {r for r in mine if not excluded(r, exclusions)}
            for rule in sorted(theirs - mine):
                differences.append(f"{rule}: official fires, ours not, in {name}")
                by_rule[rule] = by_rule.get(rule, 0) + 1
            for rule in sorted(mine - theirs):
                differences.append(f"{rule}: ours fires, official not, in {name}")
                by_rule[rule] = by_rule.get(rule, 0) + 1
            if theirs == mine:
                agreed += 1
    print(f"excluded rules (not_implemented.txt): {len(exclusions)}")
    for rule, reason in exclusions:
        print(f"  {rule}: {reason}")
    for s in skipped:
        print(f"SKIPPED {s}")
    for d in differences:
        print(f"DIFF {d}")
    summary = {"files": len(files), "agreed": agreed, "official_rules_seen": len(seen), "skipped": len(skipped), "differences": len(differences),
               "rules_differing": by_rule, "seconds": round(time.time() - started, 1)}
    print("SUMMARY " + json.dumps(summary))
    return 1 if differences else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir")
    parser.add_argument("--extract", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--ours-bin")
    parser.add_argument("--extra")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    exclusions = load_exclusions()
    if args.compare:
        files = [f for f in open(os.path.join(args.workdir, "files.txt"), encoding="utf-8").read().splitlines() if f]
        ours = json.load(open(os.path.join(args.workdir, "ours.json"), encoding="utf-8"))
        return compare(args.workdir, files, ours, exclusions)
    files = extract(args.workdir, args.extra)
    if args.extract:
        print(f"EXTRACTED {len(files)}")
        return 0
    if not args.ours_bin:
        parser.error("give --extract, --compare or --ours-bin")
    return compare(args.workdir, files, ours_from_bin(args.ours_bin, files), exclusions)


if __name__ == "__main__":
    sys.exit(main())
