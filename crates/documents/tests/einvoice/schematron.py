"""A minimal ISO Schematron (queryBinding xslt2) to XSLT 3.0 compiler, enough for the Peppol
BIS Billing 3.0 rules, which OpenPEPPOL publishes only as .sch (no compiled XSLT exists in any
registry we can reach, and lxml's bundled compiler handles XSLT 1 only), and for KoSIT's
XRechnung rules (published compiled only as release zips outside git).

Supported: <ns> (and namespace prefixes declared on <schema>, which xsl:function names
use), <include> of a pattern file (relative to the including file), global and
pattern-level <let> (as global variables), rule-level <let>,
<xsl:function>, <pattern>/<rule>/<assert>/<report> with @flag, <value-of> and <name> in
messages. Within a pattern only the first rule whose context matches a node fires, as the
standard requires (template priorities in document order). The output is SVRL with
failed-assert/successful-report elements carrying @id, @flag and @location, like the
compiled CEN XSLTs, so validate.py reads both the same way.
"""
import os

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"


def _message(out, node):
    """Copies an assert's text, turning <value-of>/<name> into their XSLT equivalents."""
    text = etree.SubElement(out, f"{{{SVRL}}}text")
    xsl_text = etree.SubElement(text, f"{{{XSL}}}text")
    xsl_text.text = node.text or ""
    last = xsl_text
    for child in node:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else None
        if tag == "value-of":
            last = etree.SubElement(text, f"{{{XSL}}}value-of", select=child.get("select"))
        elif tag == "name":
            last = etree.SubElement(text, f"{{{XSL}}}value-of", select=f"name({child.get('path', '.')})")
        else:
            last = etree.SubElement(text, f"{{{XSL}}}text")
            last.text = "".join(child.itertext())
        if child.tail:
            tail = etree.SubElement(text, f"{{{XSL}}}text")
            tail.text = child.tail


def _resolve_includes(element, base_path):
    """Replaces every <include href> under element by the root element of the file it names."""
    for include in list(element.iter(f"{{{SCH}}}include")):
        path = os.path.join(os.path.dirname(base_path), include.get("href"))
        included = etree.parse(path).getroot()
        _resolve_includes(included, path)
        include.getparent().replace(include, included)


def compile_schematron(sch_path):
    """Returns the XSLT 3.0 text for the Schematron file."""
    schema = etree.parse(sch_path).getroot()
    _resolve_includes(schema, sch_path)
    nsmap = {"xsl": XSL, "svrl": SVRL, "xs": "http://www.w3.org/2001/XMLSchema"}
    nsmap.update({prefix: uri for prefix, uri in schema.nsmap.items() if prefix and uri != SCH})
    for ns in schema.iter(f"{{{SCH}}}ns"):
        nsmap[ns.get("prefix")] = ns.get("uri")
    sheet = etree.Element(f"{{{XSL}}}stylesheet", nsmap=nsmap, version="3.0")
    etree.SubElement(sheet, f"{{{XSL}}}output", method="xml", indent="no")

    # Global variables: schema-level and pattern-level lets, in document order.
    seen = set()
    for let in schema.iter(f"{{{SCH}}}let"):
        if let.getparent().tag == f"{{{SCH}}}rule":
            continue
        name = let.get("name")
        if name in seen:
            raise ValueError(f"variable {name} defined twice at global level")
        seen.add(name)
        etree.SubElement(sheet, f"{{{XSL}}}variable", name=name, select=let.get("value"))
    for function in schema.iter(f"{{{XSL}}}function"):
        sheet.append(function.__copy__())

    root_template = etree.SubElement(sheet, f"{{{XSL}}}template", match="/")
    output = etree.SubElement(root_template, f"{{{SVRL}}}schematron-output")
    patterns = list(schema.iter(f"{{{SCH}}}pattern"))
    for i, pattern in enumerate(patterns):
        mode = f"p{i}"
        etree.SubElement(output, f"{{{SVRL}}}active-pattern", id=pattern.get("id") or mode)
        etree.SubElement(output, f"{{{XSL}}}apply-templates", select="/", mode=mode)
        rules = list(pattern.iter(f"{{{SCH}}}rule"))
        for k, rule in enumerate(rules):
            template = etree.SubElement(
                sheet, f"{{{XSL}}}template", match=rule.get("context"), mode=mode, priority=str(1000 - k)
            )
            fired = etree.SubElement(template, f"{{{SVRL}}}fired-rule")
            fired.set("context", rule.get("context"))
            for child in rule:
                if not isinstance(child.tag, str):
                    continue
                tag = etree.QName(child).localname
                if tag == "let":
                    etree.SubElement(template, f"{{{XSL}}}variable", name=child.get("name"), select=child.get("value"))
                elif tag in ("assert", "report"):
                    test = child.get("test")
                    condition = f"not({test})" if tag == "assert" else test
                    branch = etree.SubElement(template, f"{{{XSL}}}if", test=condition)
                    kind = "failed-assert" if tag == "assert" else "successful-report"
                    result = etree.SubElement(branch, f"{{{SVRL}}}{kind}")
                    result.set("id", child.get("id") or "")
                    result.set("flag", child.get("flag") or "fatal")
                    result.set("test", test)
                    result.set("location", "{path()}")
                    _message(result, child)
            etree.SubElement(template, f"{{{XSL}}}apply-templates", select="*|@*", mode=mode)
        fallback = etree.SubElement(sheet, f"{{{XSL}}}template", match="node()|@*", mode=mode, priority="-1")
        etree.SubElement(fallback, f"{{{XSL}}}apply-templates", select="*|@*", mode=mode)
        etree.SubElement(sheet, f"{{{XSL}}}template", match="text()", mode=mode, priority="-0.5")
    return etree.tostring(sheet, xml_declaration=True, encoding="UTF-8").decode()
