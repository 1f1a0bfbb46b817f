//! The validator's own XML document: a compact arena of elements (document order, each
//! with its parent, the end of its subtree and of its run of same-named siblings), their
//! unprefixed attributes and their text, and the handful of node operations the rules use.
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
    /// The first of this element's attributes; they run to the next element's first.
    attrs: u32,
    /// The text segments of the subtree: `texts[text_start..text_end]`.
    text_start: u32,
    text_end: u32,
}

struct Attr<'a> {
    local: &'a str,
    value: Cow<'a, str>,
}

/// A run of character data (text and CDATA not interrupted by markup), as one XPath text node.
struct Text<'a> {
    owner: u32,
    text: Cow<'a, str>,
}

/// A parsed document.
pub(super) struct Doc<'a> {
    elements: Vec<Element<'a>>,
    attrs: Vec<Attr<'a>>,
    texts: Vec<Text<'a>>,
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

    fn attrs(&self) -> &'a [Attr<'a>] {
        let start = self.el().attrs as usize;
        let end = self.doc.elements.get(self.i as usize + 1).map_or(self.doc.attrs.len(), |e| e.attrs as usize);
        &self.doc.attrs[start..end]
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

    fn texts(&self) -> &'a [Text<'a>] {
        let e = self.el();
        &self.doc.texts[e.text_start as usize..e.text_end as usize]
    }

    /// XPath's string value: the text of all descendants, in document order.
    pub(super) fn string_value(&self) -> Cow<'a, str> {
        match self.texts() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(&one.text),
            many => Cow::Owned(many.iter().map(|t| &*t.text).collect()),
        }
    }

    /// True if every descendant text is whitespace (or there is none).
    pub(super) fn is_blank(&self) -> bool {
        self.texts().iter().all(|t| t.text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')))
    }

    /// The element's own text nodes (not its descendants'), concatenated.
    pub(super) fn own_text(&self) -> Cow<'a, str> {
        let mut own = self.texts().iter().filter(|t| t.owner == self.i);
        match (own.next(), own.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(one), None) => Cow::Borrowed(&one.text),
            (Some(a), Some(b)) => {
                let mut s = format!("{}{}", a.text, b.text);
                own.for_each(|t| s.push_str(&t.text));
                Cow::Owned(s)
            }
        }
    }

    /// The element's first own text node.
    pub(super) fn first_text(&self) -> Option<&'a str> {
        self.texts().iter().find(|t| t.owner == self.i).map(|t| &*t.text)
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
