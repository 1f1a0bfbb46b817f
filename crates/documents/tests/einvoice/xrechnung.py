"""The XRechnung part of validate.py: KoSIT's rules for the German CIUS (BR-DE-*).

KoSIT's validator runs, for an XRechnung document: the syntax XSD, the CEN EN 16931 rules
and the XRechnung Schematron (validator-configuration-xrechnung, scenarios.xml). The CEN
XSLTs and the XSDs are the ones validate.py already uses; the XRechnung Schematron (in
xrechnung/schematron, KoSIT's xrechnung-schematron v2.5.0) is published compiled only in
release zips, so it is compiled here by schematron.py, from a temporary copy whose build
placeholders (@xr-schematron.version.full@, @xrechnung.version@) are filled in.

Proof that the compiled rules are KoSIT's rules and not a compiler that accepts anything:
every positive instance of KoSIT's test suite (xrechnung/testsuite, release 2026-01-31)
must pass them with no fatal finding and some rule firing, and the broken copies made by
negative_controls() must be rejected with the expected rule id.
"""
import glob
import os
import re
import shutil

from schematron import compile_schematron

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "xrechnung", "schematron")
TESTSUITE = os.path.join(HERE, "xrechnung", "testsuite")
PLACEHOLDERS = {"@xr-schematron.version.full@": "2.5.0", "@xrechnung.version@": "3.0"}
CII_NS = b"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


def compile_rules(workdir, xslt):
    """Compiles the UBL and CII rules into workdir and registers them in xslt as
    "xrechnung-ubl" and "xrechnung-cii"."""
    copy = os.path.join(workdir, "xrechnung-schematron")
    shutil.copytree(SOURCE, copy)
    for path in glob.glob(os.path.join(copy, "**", "*.sch"), recursive=True):
        text = open(path, encoding="utf-8").read()
        for placeholder, value in PLACEHOLDERS.items():
            text = text.replace(placeholder, value)
        left = re.findall(r"@[a-z.-]+@", text)
        if left:
            raise ValueError(f"{path}: unknown build placeholders {left}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    for syntax, name in (("ubl", "XRechnung-UBL-validation.sch"), ("cii", "XRechnung-CII-validation.sch")):
        target = os.path.join(workdir, f"xrechnung-{syntax}.xslt")
        with open(target, "w", encoding="utf-8") as f:
            f.write(compile_schematron(os.path.join(copy, syntax, name)))
        xslt[f"xrechnung-{syntax}"] = target


def check_ubl(sch, path, xsd_errors):
    """CEN rules, XRechnung rules and the UBL XSD (xsd_errors(path) from validate.py)."""
    return sch.fatal("ubl", path) + sch.fatal("xrechnung-ubl", path) + xsd_errors(path)


def check_cii(sch, path, xsd_errors):
    """CEN rules, XRechnung rules and the CII D16B XSD."""
    return sch.fatal("cii", path) + sch.fatal("xrechnung-cii", path) + xsd_errors(path)


def testsuite_errors(sch):
    """Runs every KoSIT test suite instance through the compiled XRechnung rules: no fatal
    finding may fire (warnings and information are expected). Returns (errors, count)."""
    errors, count = [], 0
    for path in sorted(glob.glob(os.path.join(TESTSUITE, "**", "*.xml"), recursive=True)):
        syntax = "cii" if CII_NS in open(path, "rb").read(2048) else "ubl"
        name = os.path.relpath(path, TESTSUITE)
        errors += [f"{name}: {e}" for e in sch.fatal(f"xrechnung-{syntax}", path)]
        count += 1
    if count < 50:
        errors.append(f"only {count} KoSIT test suite instances found")
    return errors, count


def negative_controls(sch, tmp, ubl_path, cii_path):
    """Broken copies of a valid XRechnung UBL and CII that the XRechnung rules must reject,
    each with the rule that has to fire. Returns {name: findings of that rule}."""
    ubl = open(ubl_path, "rb").read()
    cii = open(cii_path, "rb").read()
    # The seller's contact comes before the buyer's in both syntaxes.
    no_phone = re.sub(rb"<cbc:Telephone>[^<]*</cbc:Telephone>", b"", ubl, count=1)
    no_reference = re.sub(rb"<ram:BuyerReference>[^<]*</ram:BuyerReference>", b"", cii, count=1)
    if no_phone == ubl or no_reference == cii:
        return {"XRechnung broken copies could be made": []}
    controls = {}
    for name, data, kind, rule in (
        ("no-seller-phone.xr.ubl.xml", no_phone, "xrechnung-ubl", "BR-DE-6"),
        ("no-buyer-reference.xr.cii.xml", no_reference, "xrechnung-cii", "BR-DE-15"),
    ):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        controls[f"XRechnung {kind[-3:].upper()} rules on a document without {rule}"] = [
            e for e in sch.fatal(kind, path) if e.split()[2] == rule
        ]
    return controls
