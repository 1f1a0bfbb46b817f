//! Canonical XML 1.0 (inclusive, `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`)
//! and Exclusive XML Canonicalization 1.0 (`http://www.w3.org/2001/10/xml-exc-c14n#`),
//! both without comments, of a whole subtree of a parsed document with at most one
//! subtree left out: exactly what an enveloped signature over an SMP answer needs (the
//! whole document less its `Signature`, then the `SignedInfo` element).
//!
//! Written here rather than taken from a crate: at the time of writing the crates that
//! offer it either wrap libxml2 (C, and a second XML parser beside roxmltree), or come
//! as part of a whole XML security suite with its own RSA implementation (the `rsa`
//! crate, which carries an open advisory), or were withdrawn from crates.io. The subset
//! is small because the node set is always a whole subtree: no XPath filtering, no
//! comments, no DTD (roxmltree refuses one, so no default attributes or entity
//! surprises), and roxmltree already gives attribute values normalised and text with
//! line ends normalised and character references resolved, which is the input C14N
//! expects. Element and attribute prefixes come from the source text (roxmltree keeps
//! only the namespace URI), because the canonical form keeps the prefixes as written.

use std::collections::BTreeMap;

use roxmltree::{Node, NodeId, NodeType};

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Which canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Canonicalization {
    Inclusive,
    /// Prefixes to treat inclusively (`InclusiveNamespaces/@PrefixList`; `#default` is
    /// the default namespace, written here as "").
    Exclusive {
        inclusive_prefixes: Vec<String>,
    },
}

/// Prefix ("" for the default namespace) to URI, as rendered by output ancestors.
type Rendered<'a> = BTreeMap<&'a str, &'a str>;

/// The canonical form of `apex` (the document node or an element) and everything
/// below it, leaving out the subtree of `excluded`.
pub(super) fn canonicalize(apex: Node, excluded: Option<NodeId>, method: &Canonicalization) -> Vec<u8> {
    let mut writer = Writer { out: String::new(), excluded, method, source: apex.document().input_text() };
    if apex.node_type() == NodeType::Root {
        // Outside the document element only processing instructions remain (comments
        // are left out, whitespace is not part of the document's content); each is put
        // on its own line on the side facing the document element.
        let mut before_root = true;
        for child in apex.children() {
            match child.node_type() {
                NodeType::Element => {
                    writer.element(child, &Rendered::new(), false);
                    before_root = false;
                }
                NodeType::PI if before_root => {
                    writer.pi(child);
                    writer.out.push('\n');
                }
                NodeType::PI => {
                    writer.out.push('\n');
                    writer.pi(child);
                }
                _ => {}
            }
        }
    } else {
        writer.element(apex, &Rendered::new(), true);
    }
    writer.out.into_bytes()
}

struct Writer<'m, 'i> {
    out: String,
    excluded: Option<NodeId>,
    method: &'m Canonicalization,
    source: &'i str,
}

impl<'i> Writer<'_, 'i> {
    fn element(&mut self, element: Node<'_, 'i>, rendered: &Rendered<'_>, is_apex: bool) {
        let qname = element_qname(self.source, element);
        let own_prefix = qname.split_once(':').map_or("", |(prefix, _)| prefix);
        let attributes: Vec<(&str, &str, String, &str)> = element
            .attributes()
            .map(|a| (a.namespace().unwrap_or(""), a.name(), self.source[a.range_qname()].to_owned(), a.value()))
            .collect();

        // Namespace declarations to render here.
        let mut in_effect: BTreeMap<String, String> =
            rendered.iter().map(|(p, u)| ((*p).to_owned(), (*u).to_owned())).collect();
        let mut declarations: Vec<(String, String)> = Vec::new();
        for namespace in element.namespaces() {
            let prefix = namespace.name().unwrap_or("");
            let uri = namespace.uri();
            let wanted = match self.method {
                Canonicalization::Inclusive => true,
                Canonicalization::Exclusive { inclusive_prefixes } => {
                    prefix == own_prefix
                        || attributes.iter().any(|(_, _, q, _)| q.split_once(':').is_some_and(|(p, _)| p == prefix))
                        || inclusive_prefixes.iter().any(|p| p == prefix)
                }
            };
            if !wanted {
                continue;
            }
            let shown = in_effect.get(prefix).map(String::as_str);
            let render = if uri.is_empty() {
                // `xmlns=""` undoes a default namespace an output ancestor rendered.
                prefix.is_empty() && shown.is_some_and(|u| !u.is_empty())
            } else {
                shown != Some(uri)
            };
            if render {
                declarations.push((prefix.to_owned(), uri.to_owned()));
            }
        }
        declarations.sort();
        for (prefix, uri) in &declarations {
            in_effect.insert(prefix.clone(), uri.clone());
        }

        // Attributes sorted by namespace URI then local name (no namespace first). At
        // the apex, inclusive C14N carries down the `xml:` attributes of ancestors.
        let mut sorted: Vec<(String, String, String, String)> = attributes
            .iter()
            .map(|(ns, local, q, v)| ((*ns).to_owned(), (*local).to_owned(), q.clone(), (*v).to_owned()))
            .collect();
        if is_apex && *self.method == Canonicalization::Inclusive {
            for ancestor in element.ancestors().skip(1).filter(Node::is_element) {
                for a in ancestor.attributes().filter(|a| a.namespace() == Some(XML_NAMESPACE)) {
                    if !sorted.iter().any(|(ns, local, _, _)| ns == XML_NAMESPACE && local == a.name()) {
                        sorted.push((
                            XML_NAMESPACE.to_owned(),
                            a.name().to_owned(),
                            format!("xml:{}", a.name()),
                            a.value().to_owned(),
                        ));
                    }
                }
            }
        }
        sorted.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));

        self.out.push('<');
        self.out.push_str(qname);
        for (prefix, uri) in &declarations {
            self.out.push_str(if prefix.is_empty() { " xmlns" } else { " xmlns:" });
            self.out.push_str(prefix);
            self.out.push_str("=\"");
            escape_attribute(&mut self.out, uri);
            self.out.push('"');
        }
        for (_, _, q, value) in &sorted {
            self.out.push(' ');
            self.out.push_str(q);
            self.out.push_str("=\"");
            escape_attribute(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');

        let in_effect_borrowed: Rendered<'_> = in_effect.iter().map(|(p, u)| (p.as_str(), u.as_str())).collect();
        for child in element.children() {
            match child.node_type() {
                NodeType::Element if Some(child.id()) != self.excluded => {
                    self.element(child, &in_effect_borrowed, false)
                }
                NodeType::Text => escape_text(&mut self.out, child.text().unwrap_or("")),
                NodeType::PI => self.pi(child),
                _ => {}
            }
        }
        self.out.push_str("</");
        self.out.push_str(qname);
        self.out.push('>');
    }

    fn pi(&mut self, node: Node) {
        if let Some(pi) = node.pi() {
            self.out.push_str("<?");
            self.out.push_str(pi.target);
            if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                self.out.push(' ');
                self.out.push_str(value);
            }
            self.out.push_str("?>");
        }
    }
}

/// The element's name as written in its start tag (`ids:ParticipantIdentifier`).
fn element_qname<'i>(source: &'i str, element: Node) -> &'i str {
    let tag = source.get(element.range().start + 1..).unwrap_or("");
    let end = tag.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(tag.len());
    &tag[..end]
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use roxmltree::Document;

    use super::*;

    fn c14n(xml: &str, method: &Canonicalization) -> String {
        let doc = Document::parse(xml).unwrap();
        String::from_utf8(canonicalize(doc.root(), None, method)).unwrap()
    }

    fn exclusive() -> Canonicalization {
        Canonicalization::Exclusive { inclusive_prefixes: vec![] }
    }

    #[test]
    fn the_w3c_rules_for_a_whole_document() {
        // Declaration and comments dropped, PIs on their own lines, empty elements
        // opened and closed, attributes sorted with namespace declarations first,
        // character references resolved and special characters escaped.
        let xml = "<?xml version=\"1.0\"?>\n<?pi one?>\n<!-- c -->\n<doc xmlns:b=\"urn:b\" z=\"1\" b:y=\"2\" a='x&#xA;&quot;&lt;'>\n  <e/><![CDATA[<&>]]>&#xD;<!-- c --><?p?></doc>\n<?post?>";
        assert_eq!(
            c14n(xml, &Canonicalization::Inclusive),
            "<?pi one?>\n<doc xmlns:b=\"urn:b\" a=\"x&#xA;&quot;&lt;\" z=\"1\" b:y=\"2\">\n  <e></e>&lt;&amp;&gt;&#xD;<?p?></doc>\n<?post?>"
        );
    }

    #[test]
    fn inclusive_and_exclusive_place_namespaces_differently() {
        let xml =
            r#"<r xmlns="urn:d" xmlns:ids="urn:ids" xmlns:unused="urn:u"><ids:p>1</ids:p><q xmlns=""><ids:p/></q></r>"#;
        assert_eq!(
            c14n(xml, &Canonicalization::Inclusive),
            r#"<r xmlns="urn:d" xmlns:ids="urn:ids" xmlns:unused="urn:u"><ids:p>1</ids:p><q xmlns=""><ids:p></ids:p></q></r>"#
        );
        assert_eq!(
            c14n(xml, &exclusive()),
            r#"<r xmlns="urn:d"><ids:p xmlns:ids="urn:ids">1</ids:p><q xmlns=""><ids:p xmlns:ids="urn:ids"></ids:p></q></r>"#
        );
        let with_list = Canonicalization::Exclusive { inclusive_prefixes: vec!["unused".into()] };
        assert_eq!(
            c14n(xml, &with_list),
            r#"<r xmlns="urn:d" xmlns:unused="urn:u"><ids:p xmlns:ids="urn:ids">1</ids:p><q xmlns=""><ids:p xmlns:ids="urn:ids"></ids:p></q></r>"#
        );
    }

    #[test]
    fn a_subtree_takes_its_namespaces_and_xml_attributes_from_above_and_leaves_out_one_element() {
        let xml = r#"<r xmlns:a="urn:a" xml:lang="is"><s xmlns="urn:s"><t a:k="v">x</t><skip/></s></r>"#;
        let doc = Document::parse(xml).unwrap();
        let s = doc.descendants().find(|n| n.has_tag_name("s")).unwrap();
        let skip = doc.descendants().find(|n| n.has_tag_name("skip")).unwrap();
        let inclusive = String::from_utf8(canonicalize(s, Some(skip.id()), &Canonicalization::Inclusive)).unwrap();
        assert_eq!(inclusive, r#"<s xmlns="urn:s" xmlns:a="urn:a" xml:lang="is"><t a:k="v">x</t></s>"#);
        let exclusive = String::from_utf8(canonicalize(s, Some(skip.id()), &exclusive())).unwrap();
        assert_eq!(exclusive, r#"<s xmlns="urn:s"><t xmlns:a="urn:a" a:k="v">x</t></s>"#);
    }
}
