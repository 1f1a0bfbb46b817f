//! Reads XML text into the arena of `mod.rs` in one pass over the bytes, finding markup
//! with `memchr`. It reads only what UBL needs: elements and the namespaces of four UBL
//! vocabularies, unprefixed attributes, text with the five predefined entities and
//! character references, CDATA; comments and processing instructions are skipped. It
//! rejects what an XML parser must (mismatched or unclosed tags, duplicate attributes,
//! unbound prefixes, undefined entities, text or a second element outside the root) and,
//! as the roxmltree setup did, any DTD: no entity expansion, no external fetch. It applies
//! XML's end-of-line and attribute-value normalisation so string values are the ones XPath
//! sees. Every index is checked (no `unsafe`); `fuzz/fuzz_targets/received.rs` drives it
//! with arbitrary bytes.
//!
//! What makes it cheap (a 300-line invoice is about 4,000 elements, read in about 700
//! instructions each): text is checked but neither copied nor decoded (the arena points at
//! it, `mod.rs`); character data and short attribute values are scanned once with a byte
//! table; names met before are found again by their first sixteen bytes (`seen.rs`); end
//! tags are compared by words. The character-level checks that rare text needs are in
//! `chars.rs`.

use std::borrow::Cow;

use memchr::{memchr, memchr3};

use super::super::names;
use super::{Attr, Doc, Element, NONE, Ns, namespace};
use chars::declaration;
pub(super) use chars::{decode, newlines};
use seen::{EMPTY_SEEN, Found, SEEN_SLOTS, Seen, same_bytes};

mod chars;
mod seen;

/// Parses `src` (already UTF-8, without a byte order mark).
pub(in super::super) fn parse(src: &str) -> Result<Doc<'_>, String> {
    // XML 1.0 allows no control character but tab, LF and CR anywhere. One pass without an
    // early exit, which the compiler turns into SIMD.
    let control = src.bytes().fold(false, |seen, c| seen | (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')));
    if control {
        return Err("a control character, which XML does not allow".into());
    }
    Reader::new(src).document()
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    p: usize,
    /// Names met before, by the hash of their first sixteen bytes (`Reader::seen_name`).
    seen: [Seen<'a>; SEEN_SLOTS],
    /// Counts changes of the namespace bindings in scope: a name's namespace remembered in
    /// `seen` holds while this stays the same.
    scope_gen: u32,
}

/// An element whose end tag is still to come.
struct Open<'a> {
    el: u32,
    qname: &'a str,
    scope: usize,
    /// The first child of the current run of same-named children, or NONE.
    run: u32,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Self {
        Reader { src, b: src.as_bytes(), p: 0, seen: [EMPTY_SEEN; SEEN_SLOTS], scope_gen: 0 }
    }

    /// Skips the spaces of an indentation: eight at a time, then up to the first other byte
    /// of the next eight, found by a word comparison.
    #[inline]
    fn spaces(&self, mut at: usize) -> usize {
        const SPACES: u64 = 0x2020_2020_2020_2020;
        while let Some(w) =
            self.b.get(at..at + 8).map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
        {
            let other = w ^ SPACES;
            if other != 0 {
                return at + other.trailing_zeros() as usize / 8;
            }
            at += 8;
        }
        at
    }

    fn document(mut self) -> Result<Doc<'a>, String> {
        // Sized for our UBL (about 48 bytes per element): growing these arrays would copy them.
        let guess = self.b.len() / 40 + 1;
        let mut doc = Doc { src: self.src, elements: Vec::with_capacity(guess), attrs: Vec::with_capacity(guess / 4) };
        let mut open: Vec<Open<'a>> = Vec::new();
        // In-scope namespace bindings, innermost last; `xml` is bound by definition.
        let mut scope: Vec<(&'a str, Ns)> = vec![("xml", Ns::Other)];
        let mut scratch: Vec<(&'a str, Option<usize>, Cow<'a, str>)> = Vec::new();
        loop {
            let start = self.p;
            // Most character data is indentation: whitespace right up to the next markup,
            // which needs no decoding (unless it has a CR) and no search for the '<'.
            // (A CR ends the scan: that text takes the general way, which normalises it.)
            let mut ws_end = start;
            if self.b.get(ws_end) == Some(&b'\n') {
                ws_end = self.spaces(ws_end + 1);
            }
            while matches!(self.b.get(ws_end), Some(b' ' | b'\n' | b'\t')) {
                ws_end += 1;
            }
            let (lt, special) = if self.b.get(ws_end) == Some(&b'<') { (ws_end, false) } else { self.text_end(ws_end) };
            if lt > start {
                let blank = lt == ws_end;
                match open.last() {
                    // Text stays where it is (`Element::content`): it is checked here, decoded
                    // only when a rule reads it, and an element whose text needs decoding is
                    // marked for that. Text without `&`, CR or `]` needs neither.
                    Some(_) if blank || !special => {}
                    Some(o) => {
                        if let Cow::Owned(_) = decode(&self.src[start..lt], false)? {
                            mark(&mut doc, o.el);
                        }
                    }
                    None if blank || self.b[start..lt].iter().all(|c| is_ws(*c)) => {}
                    None => return Err("text outside the root element".into()),
                }
            }
            if lt == self.b.len() {
                break;
            }
            self.p = lt + 1;
            match self.b.get(self.p) {
                Some(b'/') => {
                    self.p += 1;
                    // Almost always the open element's name and '>' at once: no search.
                    let expected = open.last().map_or(&b""[..], |o| o.qname.as_bytes());
                    let after = self.p + expected.len();
                    let end = if !expected.is_empty()
                        && self.b.get(after) == Some(&b'>')
                        && self.b.get(self.p..after).is_some_and(|name| same_bytes(name, expected))
                    {
                        after
                    } else {
                        let end = self.find(self.p, ">")?;
                        let mut to = end;
                        while to > self.p && is_ws(self.b[to - 1]) {
                            to -= 1;
                        }
                        let name = &self.src[self.p..to];
                        let o = open.last().ok_or("an end tag without a start tag")?;
                        if o.qname != name {
                            return Err(format!("the end tag </{name}> does not close <{}>", o.qname));
                        }
                        end
                    };
                    let o = open.pop().ok_or("an end tag without a start tag")?;
                    let elements = doc.elements.len() as u32;
                    let e = &mut doc.elements[o.el as usize];
                    (e.end, e.content_end) = (elements, lt as u32);
                    // Only a leaf's text can be its source slice.
                    e.plain &= elements == o.el + 1;
                    if o.el == 0 {
                        e.run_end = elements;
                    }
                    if o.run != NONE {
                        doc.elements[o.run as usize].run_end = elements;
                    }
                    if scope.len() > o.scope {
                        scope.truncate(o.scope);
                        self.scope_gen += 1;
                    }
                    self.p = end + 1;
                }
                Some(b'?') => {
                    // A processing instruction: a name as target, then anything. Only the
                    // very start may hold the XML declaration, and it must be well formed.
                    let at = lt;
                    self.p += 1;
                    // The target runs to whitespace or `?`, and must be a name.
                    let from = self.p;
                    let stop = self.b[from..].iter().position(|c| is_ws(*c) || *c == b'?');
                    self.p = stop.map_or(self.b.len(), |i| from + i);
                    let target = &self.src[from..self.p];
                    let (checked, _) = Reader::new(target).name()?;
                    if checked.len() != target.len() {
                        return Err(format!("'{target}' is not a valid processing instruction target"));
                    }
                    let end = self.find(self.p, "?>")?;
                    if target.eq_ignore_ascii_case("xml") {
                        if at != 0 || target != "xml" {
                            return Err("an XML declaration that is not at the start".into());
                        }
                        declaration(&self.src[self.p..end])?;
                    } else if self.p < end && !is_ws(self.b[self.p]) {
                        return Err(format!("the processing instruction {target} needs a space after its name"));
                    }
                    self.p = end + 2;
                    if let Some(o) = open.last() {
                        mark(&mut doc, o.el);
                    }
                }
                Some(b'!') => {
                    let rest = &self.b[self.p..];
                    if rest.starts_with(b"!--") {
                        self.p = self.find(self.p + 3, "-->")? + 3;
                        if let Some(o) = open.last() {
                            mark(&mut doc, o.el);
                        }
                    } else if rest.starts_with(b"![CDATA[") {
                        let o = open.last().ok_or("CDATA outside the root element")?;
                        let from = self.p + 8;
                        let end = self.find(from, "]]>")?;
                        mark(&mut doc, o.el);
                        self.p = end + 3;
                    } else if rest.starts_with(b"!DOCTYPE") {
                        return Err("a DTD is not allowed".into());
                    } else {
                        return Err("unexpected markup after '<!'".into());
                    }
                }
                _ => {
                    if open.is_empty() && !doc.elements.is_empty() {
                        return Err("more than one root element".into());
                    }
                    let (qname, colon, empty, seen) = self.start_tag(&mut scratch)?;
                    let outer = scope.len();
                    let index = doc.elements.len() as u32;
                    let attrs = doc.attrs.len() as u32;
                    // Declarations first: they apply to the element's own name and attributes.
                    // (Most elements have no attributes: nothing to go through.)
                    if !scratch.is_empty() {
                        for (name, _, value) in &scratch {
                            if *name == "xmlns" {
                                scope.push(("", namespace(value)));
                                self.scope_gen += 1;
                            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                                scope.push((prefix, namespace(value)));
                                self.scope_gen += 1;
                            }
                        }
                        for (name, colon, value) in scratch.drain(..) {
                            if name == "xmlns" || name.starts_with("xmlns:") {
                                continue;
                            }
                            match colon {
                                // Namespaced attributes are none the rules read; their prefix must be bound.
                                Some(at) => _ = resolve(&scope, &name[..at])?,
                                None => doc.attrs.push(Attr { local: name, value }),
                            }
                        }
                    }
                    let (prefix, local) = match colon {
                        Some(at) => (&qname[..at], &qname[at + 1..]),
                        None => ("", qname),
                    };
                    // The name's id and namespace as remembered in `seen`, while the
                    // bindings in scope are those it was resolved under.
                    let (id, ns) = match seen {
                        Some(f) if f.generation == self.scope_gen => (f.id, f.ns),
                        Some(f) => {
                            let ns = resolve(&scope, prefix)?;
                            if let Some(e) = self.seen.get_mut(f.slot).filter(|e| std::ptr::eq(e.name, qname)) {
                                (e.ns, e.generation) = (ns, self.scope_gen);
                            }
                            (f.id, ns)
                        }
                        None => (names::id(local), resolve(&scope, prefix)?),
                    };
                    let parent = open.last().map_or(NONE, |o| o.el);
                    let key = names::key(id, ns);
                    if let Some(o) = open.last_mut() {
                        // Known names are equal when their keys are; others need the name.
                        let same = doc
                            .elements
                            .get(o.run as usize)
                            .is_some_and(|r| r.key == key && (id != 0 || r.local == local));
                        if !same {
                            if let Some(r) = doc.elements.get_mut(o.run as usize) {
                                r.run_end = index;
                            }
                            o.run = index;
                        }
                    }
                    doc.elements.push(Element {
                        local,
                        key,
                        ns,
                        parent,
                        end: index + 1,
                        run_end: index + 1,
                        attrs,
                        attr_count: doc.attrs.len() as u32 - attrs,
                        content: self.p as u32,
                        content_end: self.p as u32,
                        plain: true,
                    });
                    if empty {
                        if scope.len() > outer {
                            scope.truncate(outer);
                            self.scope_gen += 1;
                        }
                    } else {
                        open.push(Open { el: index, qname, scope: outer, run: NONE });
                    }
                }
            }
        }
        if let Some(o) = open.last() {
            return Err(format!("the element <{}> is not closed", o.qname));
        }
        if doc.elements.is_empty() {
            return Err("no root element".into());
        }
        Ok(doc)
    }

    /// Where character data starting at `from` (not at a `<`) ends, at the next `<` or the
    /// end, and whether it has a byte that needs `decode` (`&`, CR, `]`). The usual value is
    /// a few bytes: one pass with a table, not a call to memchr and another pass; past 32
    /// bytes (an attachment), memchr.
    #[inline]
    fn text_end(&self, from: usize) -> (usize, bool) {
        let b = self.b;
        let stop = b.len().min(from + 32);
        let mut special = false;
        for (i, c) in b.get(from..stop).unwrap_or_default().iter().enumerate() {
            match TEXT_BYTE[*c as usize] {
                0 => {}
                LESS => return (from + i, special),
                _ => special = true,
            }
        }
        let rest = b.get(stop..).unwrap_or_default();
        let lt = memchr(b'<', rest).map_or(b.len(), |i| stop + i);
        (lt, special || memchr3(b'&', b'\r', b']', &b[stop..lt]).is_some())
    }

    /// The position of the next `pat` at or after `from`.
    fn find(&self, from: usize, pat: &str) -> Result<usize, String> {
        let pat = pat.as_bytes();
        let mut at = from.min(self.b.len());
        while let Some(i) = memchr(pat[0], &self.b[at..]) {
            if self.b[at + i..].starts_with(pat) {
                return Ok(at + i);
            }
            at += i + 1;
        }
        Err(format!("unexpected end of document: '{}' expected", String::from_utf8_lossy(pat)))
    }

    /// Reads a start tag from its name to `>`; returns the qualified name, the position of
    /// its colon, whether the tag was `/>` and the name's entry in `seen`. The attributes go
    /// to `attrs` as (qualified name, its colon, normalised value).
    #[allow(clippy::type_complexity)]
    #[inline(always)]
    fn start_tag(
        &mut self,
        attrs: &mut Vec<(&'a str, Option<usize>, Cow<'a, str>)>,
    ) -> Result<(&'a str, Option<usize>, bool, Option<Found>), String> {
        let (b, src) = (self.b, self.src);
        let (name, colon, seen) = self.seen_name()?;
        loop {
            let gap = self.p;
            while self.p < b.len() && is_ws(b[self.p]) {
                self.p += 1;
            }
            match b.get(self.p) {
                Some(b'>') => {
                    self.p += 1;
                    return Ok((name, colon, false, seen));
                }
                Some(b'/') if b.get(self.p + 1) == Some(&b'>') => {
                    self.p += 2;
                    return Ok((name, colon, true, seen));
                }
                None => return Err(format!("the start tag <{name}> is not closed")),
                Some(_) if gap == self.p => return Err(format!("the attributes of <{name}> need spaces between")),
                Some(_) => {}
            }
            let (key, key_colon, _) = self.seen_name()?;
            while self.p < b.len() && is_ws(b[self.p]) {
                self.p += 1;
            }
            if b.get(self.p) != Some(&b'=') {
                return Err(format!("the attribute {key} of <{name}> has no value"));
            }
            self.p += 1;
            while self.p < b.len() && is_ws(b[self.p]) {
                self.p += 1;
            }
            let quote = match b.get(self.p) {
                Some(q @ (b'"' | b'\'')) => *q,
                _ => return Err(format!("the value of {key} is not quoted")),
            };
            let from = self.p + 1;
            // The usual value is a short code: its end, a '<' in it and whether it needs
            // `decode` in one pass; a longer one by memchr.
            let (mut to, mut less, mut plain) = (None, false, true);
            for (i, c) in b.get(from..b.len().min(from + 32)).unwrap_or_default().iter().enumerate() {
                if *c == quote {
                    to = Some(from + i);
                    break;
                }
                less |= *c == b'<';
                plain &= !matches!(c, b'&' | b'\r' | b'\n' | b'\t');
            }
            let to = match to {
                Some(to) => to,
                None => {
                    let to = memchr(quote, &b[from..]).map(|i| from + i).ok_or("an attribute value is not closed")?;
                    (less, plain) = (memchr(b'<', &b[from..to]).is_some(), false);
                    to
                }
            };
            let raw = &src[from..to];
            if less {
                return Err(format!("'<' in the value of {key}"));
            }
            if attrs.iter().any(|(k, _, _)| *k == key) {
                return Err(format!("the attribute {key} appears twice on <{name}>"));
            }
            attrs.push((key, key_colon, if plain { Cow::Borrowed(raw) } else { decode(raw, true)? }));
            self.p = to + 1;
        }
    }

    /// An element or attribute name: up to whitespace, `=`, `/` or `>`. Returns the name and
    /// the position of its colon, if prefixed. Checked loosely (no character classes), but
    /// never so loosely that a name could swallow markup.
    fn name(&mut self) -> Result<(&'a str, Option<usize>), String> {
        let (b, from) = (self.b, self.p);
        let (mut colons, mut colon_at, mut bad, mut wide) = (0usize, 0usize, false, false);
        let mut i = from;
        loop {
            // The letters and digits: one table lookup per byte.
            while b.get(i).is_some_and(|c| NAME_BYTE[*c as usize] == PLAIN) {
                i += 1;
            }
            match b.get(i).map(|c| NAME_BYTE[*c as usize]) {
                Some(COLON) => (colons, colon_at) = (colons + 1, i - from),
                Some(BAD) => bad = true,
                Some(WIDE) => wide = true,
                _ => break,
            }
            i += 1;
        }
        self.p = i;
        let colon = (colons > 0).then_some(colon_at);
        bad |= colons > 1;
        let name = &self.src[from..self.p];
        let bad_start = matches!(b.get(from), Some(b'0'..=b'9' | b'-' | b'.' | b':') | None);
        // Letters beyond ASCII: checked against XML's name characters (rare, so slow is fine).
        if wide {
            let mut chars = name.chars();
            bad |= chars.next().is_some_and(|c| !c.is_ascii() && !name_start(c));
            bad |= chars.any(|c| !c.is_ascii() && !name_start(c) && !name_more(c));
        }
        if name.is_empty() || bad || bad_start || colon == Some(name.len() - 1) {
            return Err(format!("'{name}' is not a valid XML name"));
        }
        Ok((name, colon))
    }
}

/// What a byte is to character data: `LESS` ends it, `DECODE` (`&`, CR, `]`) needs `decode`.
static TEXT_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'<' as usize] = LESS;
    t[b'&' as usize] = DECODE;
    t[b'\r' as usize] = DECODE;
    t[b']' as usize] = DECODE;
    t
};
const LESS: u8 = 1;
const DECODE: u8 = 2;

const PLAIN: u8 = 0;
const COLON: u8 = 1;
const BAD: u8 = 2;
const WIDE: u8 = 4;
const END: u8 = 8;

/// XML 1.0's NameStartChar beyond ASCII.
fn name_start(c: char) -> bool {
    matches!(c as u32,
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF | 0x370..=0x37D | 0x37F..=0x1FFF | 0x200C..=0x200D
        | 0x2070..=0x218F | 0x2C00..=0x2FEF | 0x3001..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD
        | 0x10000..=0xEFFFF)
}

/// What XML 1.0's NameChar adds beyond ASCII.
fn name_more(c: char) -> bool {
    matches!(c as u32, 0xB7 | 0x300..=0x36F | 0x203F..=0x2040)
}

/// What each byte is to a name: part of it, its end (whitespace, `=`, `/`, `>`, `<`), the
/// prefix colon, a character no XML name has, or part of a non-ASCII character. A table: names are most of the bytes we scan.
static NAME_BYTE: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let ends = b" \t\r\n=/><";
    let mut i = 0;
    while i < ends.len() {
        t[ends[i] as usize] = END;
        i += 1;
    }
    // ASCII: letters, digits, '-', '.', '_' and the colon; all other printable ASCII is bad.
    let mut c = 0x21;
    while c < 0x80 {
        let ok = (c as u8).is_ascii_alphanumeric() || matches!(c as u8, b'-' | b'.' | b'_');
        if !ok && t[c] == PLAIN {
            t[c] = BAD;
        }
        c += 1;
    }
    let mut c = 0x80;
    while c < 0x100 {
        t[c] = WIDE;
        c += 1;
    }
    t[b':' as usize] = COLON;
    t
};

fn resolve(scope: &[(&str, Ns)], prefix: &str) -> Result<Ns, String> {
    // Prefixes are a few bytes: a plain loop, not a call to memcmp, for every element.
    let same = |p: &str| p.len() == prefix.len() && p.bytes().zip(prefix.bytes()).all(|(a, b)| a == b);
    match scope.iter().rev().find(|(p, _)| same(p)) {
        Some((_, ns)) => Ok(*ns),
        None if prefix.is_empty() => Ok(Ns::None),
        None => Err(format!("the namespace prefix '{prefix}' is not declared")),
    }
}

/// Notes that the element's own content is not just its text as written (a reference, a CR,
/// CDATA, a comment or a processing instruction): its string value is then worked out by
/// `super::text_nodes`.
fn mark(doc: &mut Doc<'_>, el: u32) {
    if let Some(e) = doc.elements.get_mut(el as usize) {
        e.plain = false;
    }
}
