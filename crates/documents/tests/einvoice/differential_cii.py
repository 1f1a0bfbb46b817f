#!/usr/bin/env python3
"""Differential test for CII: our validate_cii (crates/documents/src/validation/cii) against
the official CEN EN 16931 CII rules (xslt/EN16931-CII-validation.xslt, run with saxonche),
over

  - the CEN CII examples (cii-examples/);
  - the CII instances of KoSIT's XRechnung test suite (xrechnung/testsuite/**/*uncefact*.xml);
  - the CII our writer generates (a directory given with --extra, see tests/documents.rs);
  - mutants: copies of a few of those with one change each (an element removed, an
    attribute removed, a code or an amount altered; differential.py's mutants()).

For every file the sets of fatal rule ids must be equal, except the rules listed in the
[cii] section of not_implemented.txt. Every difference is printed by rule:
    BR-CO-15: official fires, ours not, in FILE

Usage (as differential.py):
  differential_cii.py --extract WORKDIR [--extra DIR]   corpus to WORKDIR/files.txt
  differential_cii.py --compare WORKDIR                 WORKDIR/ours.json holds our verdicts
Exit codes: 0 agreement, 1 a difference, 3 a missing tool (run scripts/install-deps).
"""
import argparse
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
try:
    from lxml import etree
    from saxonche import PySaxonProcessor
except ImportError as err:
    print(f"MISSING python module: {err.name}")
    sys.exit(3)
from differential import SVRL, excluded, load_exclusions, mutants  # noqa: E402

MUTATION_BASES = ("cii-examples/CII_example2.xml", "cii-examples/CII_example5.xml", "cii-examples/CII_example7.xml",
                  "cii-examples/CII_business_example_01.xml", "cii-examples/CII_business_example_Z.xml",
                  "xrechnung/testsuite/business-cases/standard/01.01a-INVOICE_uncefact.xml")
GENERATED_BASES = ("isk-two-rates", "eur-s-z-e-ae-k-in-one", "eur-credit-note", "usd-export")


def extract(workdir, extra):
    files = sorted(glob.glob(os.path.join(HERE, "cii-examples", "*.xml")))
    files += sorted(glob.glob(os.path.join(HERE, "xrechnung", "testsuite", "**", "*uncefact*.xml"), recursive=True))
    bases = [os.path.join(HERE, b) for b in MUTATION_BASES]
    if extra:
        generated = sorted(glob.glob(os.path.join(extra, "*.xml")))
        files += generated
        bases += [g for g in generated if os.path.basename(g).split(".")[0] in GENERATED_BASES]
    out = os.path.join(workdir, "mutants")
    os.makedirs(out, exist_ok=True)
    for base in bases:
        files += mutants(base, out)
    with open(os.path.join(workdir, "files.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(files) + "\n")
    return files


def compare(workdir, files, ours, exclusions):
    differences, skipped, agreed, seen, by_rule = [], [], 0, set(), {}
    started = time.time()
    with PySaxonProcessor(license=False) as proc:
        sheet = proc.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=os.path.join(HERE, "xslt", "EN16931-CII-validation.xslt"))
        for path in files:
            name = os.path.relpath(path, HERE) if path.startswith(HERE) else os.path.basename(path)
            try:
                svrl = sheet.transform_to_string(source_file=os.path.abspath(path))
            except Exception as err:  # a dynamic XPath error (a non-numeric amount) stops Saxon
                skipped.append(f"{name}: the official rules stopped ({' '.join(str(err).split())[:200]})")
                continue
            if not svrl:
                skipped.append(f"{name}: the official rules gave no output")
                continue
            theirs = {f.get("id") for f in etree.fromstring(svrl.encode()).xpath("//svrl:failed-assert", namespaces=SVRL)
                      if (f.get("flag") or "fatal") in ("fatal", "error")}
            mine = ours.get(path)
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
            agreed += theirs == mine
    print(f"excluded rules (not_implemented.txt, [cii]): {len(exclusions)}")
    for rule, reason in exclusions:
        print(f"  {rule}: {reason}")
    for s in skipped:
        print(f"SKIPPED {s}")
    for d in differences:
        print(f"DIFF {d}")
    summary = {"files": len(files), "agreed": agreed, "official_rules_seen": len(seen), "skipped": len(skipped),
               "differences": len(differences), "rules_differing": by_rule, "seconds": round(time.time() - started, 1)}
    print("SUMMARY " + json.dumps(summary))
    return 1 if differences else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir")
    parser.add_argument("--extract", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--extra")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    exclusions = load_exclusions("cii")
    if args.compare:
        files = [f for f in open(os.path.join(args.workdir, "files.txt"), encoding="utf-8").read().splitlines() if f]
        ours = json.load(open(os.path.join(args.workdir, "ours.json"), encoding="utf-8"))
        return compare(args.workdir, files, ours, exclusions)
    files = extract(args.workdir, args.extra)
    print(f"EXTRACTED {len(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
