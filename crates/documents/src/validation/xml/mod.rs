//! The validator's own XML document: a compact arena of elements (document order, each
//! with its parent, the end of its subtree and of its run of same-named siblings, and where
//! its content lies in the source), their unprefixed attributes, and the handful of node
//! operations the rules use. Text is not copied or decoded while reading: a leaf whose text
//! needs no decoding (almost all of them) is its slice of the source, and anything else is
//! worked out from the source when a rule asks (`text_nodes`).
//! The reader that builds it is `read.rs`; each element carries its name's key
//! (`names.rs`), so child lookups compare integers.
//!
//! Why not roxmltree or quick-xml: the goal is to validate a 300-line invoice a thousand times
//! faster than the official Schematron (about 0.3 to 0.5 ms). Building roxmltree's DOM of
//! the 190 kB took 2.2 ms on our machine, and quick-xml's event loop alone 0.7 ms, before any
//! rule ran (docs/decisions.md).

use std::borrow::Cow;

mod read;

pub(super) use read::parse;

/// The namespaces the rules tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Ns {
    None,
    Invoice,
    CreditNote,
    Cac,
    Cbc,
    Other,
}

pub(super) const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub(super) const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

fn namespace(uri: &str) -> Ns {
    match uri {
        "" => Ns::None,
        NS_INVOICE => Ns::Invoice,
        NS_CREDIT_NOTE => Ns::CreditNote,
        NS_CAC => Ns::Cac,
        NS_CBC => Ns::Cbc,
        _ => Ns::Other,
    }
}

const NONE: u32 = u32::MAX;

struct Element<'a> {
    local: &'a str,
    /// The name id and namespace (`names::key`): the rules compare names millions of times,
    /// each comparison is this one number.
    key: u16,
    ns: Ns,
    parent: u32,
    /// One past the last descendant: the subtree is `elements[i..end]`.
    end: u32,
    /// For the first of a run of same-named siblings: where the run ends (the next sibling
    /// with another name, or the parent's end). Lets a path step skip the 10,000 invoice
    /// lines of the root at once when it looks for a header element.
    run_end: u32,
    /// The first of this element's attributes, and how many.
    attrs: u32,
    attr_count: u32,
    /// Its content in the source: after the start tag, up to the end tag.
    content: u32,
    content_end: u32,
    /// True for a leaf whose content is text that needs no decoding (no reference, CR,
    /// CDATA, comment or processing instruction): its text is then the source slice.
    plain: bool,
}

struct Attr<'a> {
    local: &'a str,
    value: Cow<'a, str>,
}

/// A parsed document.
pub(super) struct Doc<'a> {
    src: &'a str,
    elements: Vec<Element<'a>>,
    attrs: Vec<Attr<'a>>,
}

/// An element of a parsed document.
#[derive(Clone, Copy)]
pub(super) struct N<'a> {
    doc: &'a Doc<'a>,
    i: u32,
}

impl PartialEq for N<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.i == other.i && std::ptr::eq(self.doc, other.doc)
    }
}

impl std::fmt::Debug for N<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}>", self.local())
    }
}

impl<'a> Doc<'a> {
    pub(super) fn root(&'a self) -> N<'a> {
        N { doc: self, i: 0 }
    }

    /// How many elements the document has.
    pub(super) fn element_count(&self) -> usize {
        self.elements.len()
    }

    /// Every element in document order (the `//*` of XPath).
    pub(super) fn all(&'a self) -> impl Iterator<Item = N<'a>> + 'a {
        (0..self.elements.len() as u32).map(move |i| N { doc: self, i })
    }
}

impl<'a> N<'a> {
    #[inline]
    fn el(&self) -> &'a Element<'a> {
        &self.doc.elements[self.i as usize]
    }

    fn at(&self, i: u32) -> N<'a> {
        N { doc: self.doc, i }
    }

    /// The element's place in document order.
    #[inline]
    pub(super) fn index(&self) -> u32 {
        self.i
    }

    /// The element of this document at a place `index` gave.
    #[inline]
    pub(super) fn at_index(&self, i: u32) -> N<'a> {
        self.at(i)
    }

    /// The local name.
    #[inline]
    pub(super) fn local(&self) -> &'a str {
        self.el().local
    }

    #[inline]
    pub(super) fn ns(&self) -> Ns {
        self.el().ns
    }

    /// The name id and namespace (`names::key`).
    #[inline]
    pub(super) fn key(&self) -> u16 {
        self.el().key
    }

    /// The name id (`names::id`), 0 for a name no rule asks for.
    #[inline]
    pub(super) fn id(&self) -> u16 {
        self.el().key >> 3
    }

    #[inline]
    pub(super) fn parent_element(&self) -> Option<N<'a>> {
        let p = self.el().parent;
        (p != NONE).then(|| self.at(p))
    }

    /// The element itself, then its ancestors up to the root.
    pub(super) fn ancestors(self) -> impl Iterator<Item = N<'a>> + 'a {
        std::iter::successors(Some(self), |n| n.parent_element())
    }

    /// The child elements in document order.
    pub(super) fn children(self) -> impl Iterator<Item = N<'a>> + 'a {
        let (doc, end) = (self.doc, self.el().end);
        let first = self.i + 1;
        std::iter::successors((first < end).then_some(first), move |c| {
            let next = doc.elements[*c as usize].end;
            (next < end).then_some(next)
        })
        .map(move |i| N { doc, i })
    }

    /// The child elements with the key (`names::key`), in document order. Same-named
    /// siblings come in runs (the invoice lines): the key is compared with the first of each
    /// run, and the whole run is taken or skipped, so a step that looks for a header element
    /// skips the lines at once.
    #[inline]
    pub(super) fn children_with(self, key: u16) -> ChildrenWith<'a> {
        let e = self.el();
        ChildrenWith { doc: self.doc, end: e.end, run: self.i + 1, run_end: 0, cur: 0, key }
    }

    /// True if the element has no child elements.
    pub(super) fn is_leaf(&self) -> bool {
        self.el().end == self.i + 1
    }

    #[inline]
    fn attrs(&self) -> &'a [Attr<'a>] {
        let e = self.el();
        let start = e.attrs as usize;
        self.doc.attrs.get(start..start + e.attr_count as usize).unwrap_or_default()
    }

    /// The value of an attribute without a namespace, such as `schemeID`.
    #[inline]
    pub(super) fn attribute(&self, name: &str) -> Option<&'a str> {
        self.attrs().iter().find(|a| same_name(a.local, name)).map(|a| &*a.value)
    }

    #[inline]
    pub(super) fn has_attribute(&self, name: &str) -> bool {
        self.attrs().iter().any(|a| same_name(a.local, name))
    }

    /// The text of a leaf whose text is the source as written (no reference, CR, CDATA,
    /// comment or processing instruction): the rules' values, read without copying.
    #[inline]
    fn plain_text(&self) -> Option<&'a str> {
        let e = self.el();
        if e.plain { self.doc.src.get(e.content as usize..e.content_end as usize) } else { None }
    }

    /// Calls `visit(own, new_node, text)` for each run of character data in the content
    /// (see `text_nodes`).
    fn each_text(&self, visit: impl FnMut(bool, bool, Cow<'a, str>)) {
        let e = self.el();
        text_nodes(self.doc.src.get(e.content as usize..e.content_end as usize).unwrap_or(""), visit);
    }

    /// XPath's string value: the text of all descendants, in document order.
    #[inline]
    pub(super) fn string_value(&self) -> Cow<'a, str> {
        match self.plain_text() {
            Some(text) => Cow::Borrowed(text),
            None => self.string_value_decoded(),
        }
    }

    #[cold]
    fn string_value_decoded(&self) -> Cow<'a, str> {
        let mut out: Option<Cow<'a, str>> = None;
        self.each_text(|_, _, t| match &mut out {
            None => out = Some(t),
            Some(s) => s.to_mut().push_str(&t),
        });
        out.unwrap_or(Cow::Borrowed(""))
    }

    /// True if every descendant text is whitespace (or there is none).
    #[inline]
    pub(super) fn is_blank(&self) -> bool {
        let ws = |t: &str| t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
        if let Some(text) = self.plain_text() {
            return ws(text);
        }
        let mut blank = true;
        self.each_text(|_, _, t| blank &= ws(&t));
        blank
    }

    /// The element's own text nodes (not its descendants'), concatenated.
    pub(super) fn own_text(&self) -> Cow<'a, str> {
        if let Some(text) = self.plain_text() {
            return Cow::Borrowed(text);
        }
        let mut out: Option<Cow<'a, str>> = None;
        self.each_text(|own, _, t| match &mut out {
            _ if !own => {}
            None => out = Some(t),
            Some(s) => s.to_mut().push_str(&t),
        });
        out.unwrap_or(Cow::Borrowed(""))
    }

    /// The element's first own text node.
    pub(super) fn first_text(&self) -> Option<Cow<'a, str>> {
        if let Some(text) = self.plain_text() {
            // A leaf without content has no text node at all.
            return (!text.is_empty()).then_some(Cow::Borrowed(text));
        }
        let (mut out, mut done): (Option<Cow<'a, str>>, bool) = (None, false);
        self.each_text(|own, new_node, t| match &mut out {
            _ if !own || done => {}
            None => out = Some(t),
            Some(_) if new_node => done = true,
            Some(s) => s.to_mut().push_str(&t),
        });
        out
    }
}

/// The character data of an element's content (already checked by the reader), as XPath
/// sees it: `visit(own, new_node, text)` for each run, `own` when it is the element's own
/// (not inside a child), `new_node` when it starts a text node (markup other than CDATA came
/// before it), `text` decoded (references, line ends). The rare way: the reader keeps no
/// text, and a rule asks for a value that is not a plain leaf's only for mixed content,
/// references, CDATA and the like.
fn text_nodes<'a>(content: &'a str, mut visit: impl FnMut(bool, bool, Cow<'a, str>)) {
    let b = content.as_bytes();
    let (mut p, mut depth, mut in_text) = (0usize, 0usize, false);
    let find = |from: usize, pat: &str| content.get(from..).and_then(|r| r.find(pat)).map_or(b.len(), |i| from + i);
    while p < b.len() {
        if b[p] != b'<' {
            let end = memchr::memchr(b'<', &b[p..]).map_or(b.len(), |i| p + i);
            visit(depth == 0, !in_text, read::decode(&content[p..end], false).unwrap_or_default());
            (p, in_text) = (end, true);
            continue;
        }
        let rest = &b[p..];
        if rest.starts_with(b"<![CDATA[") {
            let end = find(p + 9, "]]>");
            visit(depth == 0, !in_text, read::newlines(&content[p + 9..end]));
            (p, in_text) = (end + 3, true);
            continue;
        }
        in_text = false;
        if rest.starts_with(b"<!--") {
            p = find(p + 4, "-->") + 3;
        } else if rest.starts_with(b"<?") {
            p = find(p + 2, "?>") + 2;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            p = find(p, ">") + 1;
        } else {
            // A start tag: to its '>', which may also stand inside a quoted attribute value.
            let mut quote = None;
            let mut i = p + 1;
            while let Some(&c) = b.get(i) {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                i += 1;
            }
            if b.get(i.wrapping_sub(1)) != Some(&b'/') {
                depth += 1;
            }
            p = i + 1;
        }
    }
}

/// See `N::children_with`.
pub(super) struct ChildrenWith<'a> {
    doc: &'a Doc<'a>,
    /// The parent's end.
    end: u32,
    /// The first child of the next run to test.
    run: u32,
    /// The end of the run being taken, and the next child in it.
    run_end: u32,
    cur: u32,
    key: u16,
}

impl<'a> Iterator for ChildrenWith<'a> {
    type Item = N<'a>;

    #[inline]
    fn next(&mut self) -> Option<N<'a>> {
        loop {
            if self.cur < self.run_end {
                let c = self.cur;
                self.cur = self.doc.elements[c as usize].end;
                return Some(N { doc: self.doc, i: c });
            }
            if self.run >= self.end {
                return None;
            }
            let first = N { doc: self.doc, i: self.run };
            let run_end = first.el().run_end;
            self.run = run_end;
            if first.el().key == self.key {
                (self.cur, self.run_end) = (first.i, run_end);
            }
        }
    }
}

/// Name equality by two word comparisons for names of 8 to 16 bytes (the attribute names the
/// rules ask for), instead of a call to memcmp.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if !(8..=16).contains(&n) {
        return a == b;
    }
    let word = |s: &[u8], at: usize| s.get(at..at + 8).map(|w| [w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
    word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
}
