//! The small toolkit the CII checks share: reading CII elements by prefixed name
//! (`rsm:`, `ram:`, `udt:`, `qdt:`), and the UBL tree the mapping builds, which remembers
//! for every UBL element the CII element it came from so that a finding of the UBL rules
//! can be reported at the CII element the sender wrote.

use std::collections::HashMap;

use roxmltree::NodeId;

pub(super) type N<'a> = roxmltree::Node<'a, 'a>;

pub(super) const NS_RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
pub(super) const NS_RAM: &str = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
pub(super) const NS_UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
pub(super) const NS_QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";

/// True if `n` is the element `prefix:local`.
pub(super) fn is(n: N<'_>, name: &str) -> bool {
    let (prefix, local) = name.split_once(':').unwrap_or(("", name));
    let ns = match prefix {
        "rsm" => NS_RSM,
        "ram" => NS_RAM,
        "udt" => NS_UDT,
        "qdt" => NS_QDT,
        _ => return false,
    };
    n.is_element() && n.tag_name().name() == local && n.tag_name().namespace() == Some(ns)
}

/// Every node reached by a path of child steps such as `ram:SellerTradeParty/ram:Name`.
pub(super) fn all<'a>(n: N<'a>, steps: &str) -> Vec<N<'a>> {
    let mut current = vec![n];
    for step in steps.split('/') {
        current = current.iter().flat_map(|c| c.children().filter(|k| is(*k, step))).collect();
    }
    current
}

/// The first node on a path.
pub(super) fn one<'a>(n: N<'a>, steps: &str) -> Option<N<'a>> {
    all(n, steps).into_iter().next()
}

/// XPath's string value: the text of all descendants.
pub(super) fn text(n: N<'_>) -> String {
    n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect()
}

/// normalize-space().
pub(super) fn nz(s: &str) -> String {
    s.split([' ', '\t', '\r', '\n']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// An element of the UBL document the mapping writes.
#[derive(Debug, Default)]
pub(super) struct El {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub text: String,
    pub kids: Vec<El>,
    /// The CII element this one stands for, where a finding about it is reported.
    pub src: Option<NodeId>,
}

impl El {
    pub fn new(name: &'static str, src: Option<N<'_>>) -> Self {
        Self { name, src: src.map(|s| s.id()), ..Self::default() }
    }

    /// Appends a child and returns it.
    pub fn add(&mut self, child: El) -> &mut El {
        self.kids.push(child);
        self.kids.last_mut().expect("just pushed")
    }

    /// Appends a child element standing for the CII container `src`.
    pub fn open(&mut self, name: &'static str, src: N<'_>) -> &mut El {
        self.add(El::new(name, Some(src)))
    }

    /// Appends a leaf holding the string value of `src`, verbatim (whitespace included:
    /// the rules normalise it themselves).
    pub fn leaf(&mut self, name: &'static str, src: N<'_>) -> &mut El {
        let mut e = El::new(name, Some(src));
        e.text = text(src);
        self.add(e)
    }

    /// A leaf with a text of our own (a fixed scheme id, a converted code).
    pub fn leaf_text(&mut self, name: &'static str, text: impl Into<String>, src: Option<N<'_>>) -> &mut El {
        let mut e = El::new(name, src);
        e.text = text.into();
        self.add(e)
    }

    /// A leaf for every node on `steps` under `from`.
    pub fn leaves(&mut self, name: &'static str, from: N<'_>, steps: &str) {
        for n in all(from, steps) {
            self.leaf(name, n);
        }
    }

    /// A leaf for the first node on `steps` under `from`, if any.
    pub fn leaf_at(&mut self, name: &'static str, from: N<'_>, steps: &str) {
        if let Some(n) = one(from, steps) {
            self.leaf(name, n);
        }
    }

    /// Copies the attribute `from` of `src` (if present) as `to`.
    pub fn copy_attr(&mut self, src: N<'_>, from: &str, to: &'static str) -> &mut El {
        if let Some(v) = src.attribute(from) {
            self.attrs.push((to, v.to_owned()));
        }
        self
    }

    /// The XML text of the document rooted here.
    pub fn to_xml(&self, root_ns: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.write(&mut out, Some(root_ns));
        out
    }

    fn write(&self, out: &mut String, root_ns: Option<&str>) {
        out.push('<');
        out.push_str(self.name);
        if let Some(ns) = root_ns {
            out.push_str(" xmlns=\"");
            out.push_str(ns);
            out.push_str("\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\"");
            out.push_str(" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\"");
        }
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            escape(out, v);
            out.push('"');
        }
        out.push('>');
        escape(out, &self.text);
        for k in &self.kids {
            k.write(out, None);
        }
        out.push_str("</");
        out.push_str(self.name);
        out.push('>');
    }

    /// Every element's location as the UBL validator writes it
    /// (`/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount`), with its CII source.
    pub fn sources(&self) -> HashMap<String, NodeId> {
        let mut map = HashMap::new();
        self.collect(&format!("/{}", self.name), &mut map);
        map
    }

    fn collect(&self, here: &str, map: &mut HashMap<String, NodeId>) {
        if let Some(src) = self.src {
            map.insert(here.to_owned(), src);
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for k in &self.kids {
            let index = seen.entry(k.name).or_default();
            *index += 1;
            let many = self.kids.iter().filter(|o| o.name == k.name).count() > 1;
            let step = if many { format!("{}[{}]", k.name, index) } else { k.name.to_owned() };
            k.collect(&format!("{here}/{step}"), map);
        }
    }
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
}

/// A CII element's location, `/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/...`,
/// with `[n]` where the parent has several of that name.
pub(super) fn location(node: N<'_>) -> String {
    let mut steps = Vec::new();
    let mut current = Some(node);
    while let Some(n) = current.filter(|n| n.is_element()) {
        let prefix = match n.tag_name().namespace() {
            Some(NS_RSM) => "rsm:",
            Some(NS_RAM) => "ram:",
            Some(NS_UDT) => "udt:",
            Some(NS_QDT) => "qdt:",
            _ => "",
        };
        let name = n.tag_name();
        let same = |s: &N<'_>| s.is_element() && s.tag_name() == name;
        let index = n.prev_siblings().skip(1).filter(same).count() + 1;
        let many = index > 1 || n.next_siblings().skip(1).any(|s| same(&s));
        steps.push(if many { format!("{prefix}{}[{index}]", name.name()) } else { format!("{prefix}{}", name.name()) });
        current = n.parent();
    }
    steps.reverse();
    format!("/{}", steps.join("/"))
}
