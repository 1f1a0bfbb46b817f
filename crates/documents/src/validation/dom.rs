//! The small piece of XPath the rules need, over our element arena (`xml/`): children by
//! prefixed name (`cac:`/`cbc:`), paths, string values, normalize-space, xs:decimal and
//! number() casts, XPath's round() and the EN 16931 "VAT category" predicate. Kept apart so
//! each rule file reads like the official XPath it translates. Names and paths are written
//! `p!("cac:Price/cbc:PriceAmount")` and compiled to name keys (`names.rs`), so a step is an
//! integer comparison per child; a path built at run time is a `&str` and parsed on the spot.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::names::{NAMES, NameSet, Path};
use super::xml::{Doc, Ns};
use super::{Finding, Flag};

pub(super) use super::line::Line;
pub(super) use super::xml::{ChildrenWith, N};

/// The local names the rules ask for as `//name` (with `Cx::everywhere`), indexed once.
const INDEXED: [Path; 12] = [
    p!("cac:InvoiceLine"),
    p!("cac:CreditNoteLine"),
    p!("cac:TaxCategory"),
    p!("cac:ClassifiedTaxCategory"),
    p!("cac:AllowanceCharge"),
    p!("cac:AdditionalDocumentReference"),
    p!("cac:TaxTotal"),
    p!("cac:PartyIdentification"),
    p!("cbc:PaymentID"),
    p!("cbc:PaymentMeansCode"),
    p!("cbc:IdentificationCode"),
    p!("cac:Party"),
];

/// For each name id, its place in `INDEXED` (by name, any namespace), or 255.
const INDEX_OF: [u8; NAMES.len() + 1] = {
    let mut t = [255u8; NAMES.len() + 1];
    let mut i = 0;
    while i < INDEXED.len() {
        t[(INDEXED[i].keys_const()[0] >> 3) as usize] = i as u8;
        i += 1;
    }
    t
};

/// The size of `Cx::in_list`'s memory (a power of two).
const MEMO_SLOTS: usize = 64;

/// The document being checked and what the rules found so far.
pub(super) struct Cx<'a> {
    pub(super) doc: &'a Doc<'a>,
    pub(super) root: N<'a>,
    pub(super) credit: bool,
    pub(super) findings: Vec<Finding>,
    /// The positions of the elements with each `INDEXED` local name: the rules ask for
    /// `//name` some twenty times, and walking a 10,000-line document each time costs more
    /// than the rules themselves.
    by_name: [Vec<N<'a>>; INDEXED.len()],
    /// Answers of `in_list`, direct-mapped: ((the list's address, value length, value bytes), found).
    memo: Vec<((usize, usize, u64), bool)>,
    /// Every `InvoiceLine` and `CreditNoteLine`'s children, gathered once for all the line
    /// rules (`line.rs`), in document order.
    lines: Vec<Line<'a>>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(doc: &'a Doc<'a>, credit: bool) -> Self {
        let mut by_name: [Vec<N<'a>>; INDEXED.len()] = Default::default();
        for n in doc.all() {
            if let Some(list) = INDEX_OF.get(n.id() as usize).and_then(|k| by_name.get_mut(*k as usize)) {
                list.push(n);
            }
        }
        let mut lines: Vec<Line<'a>> = [p!("cac:InvoiceLine"), p!("cac:CreditNoteLine")]
            .iter()
            .flat_map(|name| &by_name[INDEX_OF[(name.key() >> 3) as usize] as usize])
            .map(|n| Line::gather(*n))
            .collect();
        lines.sort_by_key(|l| l.node().index());
        Self {
            doc,
            root: doc.root(),
            credit,
            findings: Vec::new(),
            by_name,
            memo: vec![((0, usize::MAX, 0), false); MEMO_SLOTS],
            lines,
        }
    }

    /// A line's gathered children (`line.rs`).
    #[inline]
    pub(super) fn line(&self, n: N<'a>) -> Line<'a> {
        match self.lines.binary_search_by_key(&n.index(), |l| l.node().index()) {
            Ok(at) => self.lines[at],
            Err(_) => Line::gather(n),
        }
    }

    /// `list.binary_search(value).is_ok()`, remembered: a document repeats the same few codes
    /// (every amount's currency, every line's unit), and each search compares a dozen strings.
    /// A static list's address tells it apart for the whole run.
    pub(super) fn in_list(&mut self, list: &'static [&'static str], value: &str) -> bool {
        // Codes of up to 8 bytes (all but a few) are remembered as one word with their length.
        let b = value.as_bytes();
        if b.len() > 8 {
            return list.binary_search(&value).is_ok();
        }
        let word = b.iter().enumerate().fold(0u64, |w, (i, c)| w | u64::from(*c) << (8 * i));
        let key = (list.as_ptr() as usize, b.len(), word);
        // Direct-mapped: one slot to compare; a collision only costs a search.
        let slot = (key.0 ^ key.1 ^ key.2 as usize).wrapping_mul(0x9E37_79B9) >> 8 & (MEMO_SLOTS - 1);
        if let Some((_, found)) = self.memo.get(slot).filter(|(k, _)| *k == key) {
            return *found;
        }
        let found = list.binary_search(&value).is_ok();
        if let Some(entry) = self.memo.get_mut(slot) {
            *entry = (key, found);
        }
        found
    }

    /// The code list test of BR-CL-*: the normalized value is one of the list's codes.
    pub(super) fn listed(&mut self, list: &'static [&'static str], value: &str) -> bool {
        let v = nz(value);
        !v.is_empty() && !v.bytes().fold(false, |seen, c| seen | (c == b' ')) && self.in_list(list, &v)
    }

    /// Records a fatal finding at `node`.
    #[cold]
    pub(super) fn fail(&mut self, rule: &'static str, node: N<'a>, message: impl Into<String>) {
        self.findings.push(Finding { rule, flag: Flag::Fatal, message: message.into(), location: location(node) });
    }

    /// Records a warning at `node`.
    pub(super) fn warn(&mut self, rule: &'static str, node: N<'a>, message: impl Into<String>) {
        self.findings.push(Finding { rule, flag: Flag::Warning, message: message.into(), location: location(node) });
    }

    /// Records a fatal finding unless `ok`.
    #[inline]
    pub(super) fn check(&mut self, ok: bool, rule: &'static str, node: N<'a>, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(rule, node, message());
        }
    }

    /// Every element of the document, in document order (the `//*` of XPath).
    pub(super) fn all(&self) -> impl Iterator<Item = N<'a>> + 'a {
        self.doc.all()
    }

    /// `//name`: every element with that prefixed name, in document order.
    pub(super) fn everywhere(&self, name: Path) -> impl Iterator<Item = N<'a>> + '_ {
        let key = name.key();
        let k = INDEX_OF[(key >> 3) as usize];
        assert!(k != 255, "{name:?} is not in INDEXED");
        self.by_name[k as usize].iter().copied().filter(move |n| n.key() == key)
    }
}

/// A path or a name: compiled with `p!` (the rules' own), or a string built at run time.
pub(super) trait Steps: Copy {
    fn steps(self) -> Path;
}

impl Steps for Path {
    #[inline(always)]
    fn steps(self) -> Path {
        self
    }
}

impl Steps for &str {
    #[inline]
    fn steps(self) -> Path {
        Path::runtime(self)
    }
}

impl Steps for &String {
    #[inline]
    fn steps(self) -> Path {
        Path::runtime(self)
    }
}

/// True if `n` is the element `prefix:local` (`cac:` or `cbc:`).
#[inline]
pub(super) fn is(n: N<'_>, name: impl Steps) -> bool {
    n.key() == name.steps().key()
}

/// True if the element's local name is in the set (the rule dispatchers' pre-filter).
#[inline]
pub(super) fn named_any(n: N<'_>, set: &NameSet) -> bool {
    set.has(n.id())
}

/// The child elements named `name`.
#[inline]
pub(super) fn kids<'a>(n: N<'a>, name: impl Steps) -> ChildrenWith<'a> {
    n.children_with(name.steps().key())
}

/// The first child element named `name`.
#[inline]
pub(super) fn kid<'a>(n: N<'a>, name: impl Steps) -> Option<N<'a>> {
    n.children_with(name.steps().key()).next()
}

/// Every node reached by a relative path of child steps, such as `cac:Party/cbc:EndpointID`.
pub(super) fn path<'a>(n: N<'a>, steps: impl Steps) -> Vec<N<'a>> {
    let mut out = Vec::new();
    walk(n, steps.steps().keys(), &mut |found| {
        out.push(found);
        false
    });
    out
}

/// Calls `visit` for every node on the path, depth first in document order, until it
/// returns true; returns whether it did. No allocation: the rules call this per element.
/// Paths of one and two steps (nearly all) are plain loops, not a recursion.
#[inline]
fn walk<'a, F: FnMut(N<'a>) -> bool>(n: N<'a>, keys: &[u16], visit: &mut F) -> bool {
    match keys {
        [] => false,
        [k] => n.children_with(*k).any(visit),
        [k, l] => n.children_with(*k).any(|c| c.children_with(*l).any(&mut *visit)),
        [k, rest @ ..] => n.children_with(*k).any(|c| walk_deep(c, rest, visit)),
    }
}

/// `walk` for the rest of a path of three steps or more.
fn walk_deep<'a, F: FnMut(N<'a>) -> bool>(n: N<'a>, keys: &[u16], visit: &mut F) -> bool {
    walk(n, keys, visit)
}

/// True if some node on the path passes `test` (`path(n, steps).iter().any(..)` without
/// collecting).
#[inline]
pub(super) fn any<'a>(n: N<'a>, steps: impl Steps, mut test: impl FnMut(N<'a>) -> bool) -> bool {
    walk(n, steps.steps().keys(), &mut |found| test(found))
}

/// `exists(path)`.
#[inline]
pub(super) fn has(n: N<'_>, steps: impl Steps) -> bool {
    first(n, steps).is_some()
}

/// The first node on a path.
#[inline]
pub(super) fn first<'a>(n: N<'a>, steps: impl Steps) -> Option<N<'a>> {
    let p = steps.steps();
    match p.keys() {
        [one] => n.children_with(*one).next(),
        keys => {
            let mut found = None;
            walk(n, keys, &mut |f| {
                found = Some(f);
                true
            });
            found
        }
    }
}

/// XPath's string value: the concatenated text of all descendants.
pub(super) fn text<'a>(n: N<'a>) -> Cow<'a, str> {
    n.string_value()
}

/// The string value of the first node on a path, or "" (XPath's string() of an empty sequence).
pub(super) fn text_at<'a>(n: N<'a>, steps: impl Steps) -> Cow<'a, str> {
    first(n, steps).map(text).unwrap_or(Cow::Borrowed(""))
}

/// normalize-space().
/// Borrows when the value is already normal, as almost every value is.
pub(super) fn nz(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    // No byte up to the space at all (the usual value): nothing to do. A fold, not `any`,
    // so that the compiler can do it many bytes at a time.
    if !b.iter().fold(false, |seen, c| seen | (*c <= b' ')) {
        return Cow::Borrowed(s);
    }
    // Normal: no space at either end, no tab, CR or LF, no two spaces in a row. Folds again.
    let ends = b.first() == Some(&b' ') || b.last() == Some(&b' ');
    let other = b.iter().fold(false, |seen, c| seen | matches!(c, b'\t' | b'\r' | b'\n'));
    let double = b.iter().zip(b.iter().skip(1)).fold(false, |seen, (x, y)| seen | ((*x == b' ') & (*y == b' ')));
    if !(ends || other || double) {
        return Cow::Borrowed(s);
    }
    let ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    Cow::Owned(s.split(ws).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "))
}

/// True if `n` is a `cbc:` element with one of the local names.
#[inline]
pub(super) fn is_cbc_any(n: N<'_>, locals: &NameSet) -> bool {
    n.ns() == Ns::Cbc && locals.has(n.id())
}

/// True if the node's string value is empty after normalize-space().
#[inline]
pub(super) fn blank(n: N<'_>) -> bool {
    n.is_blank()
}

/// normalize-space() of the first node on a path.
pub(super) fn nz_at<'a>(n: N<'a>, steps: impl Steps) -> Cow<'a, str> {
    match text_at(n, steps) {
        Cow::Borrowed(s) => nz(s),
        Cow::Owned(s) => Cow::Owned(nz(&s).into_owned()),
    }
}

/// `count(path)`, without collecting the nodes.
pub(super) fn count(n: N<'_>, steps: impl Steps) -> usize {
    let mut found = 0;
    walk(n, steps.steps().keys(), &mut |_| {
        found += 1;
        false
    });
    found
}

/// An attribute's value, or "".
#[inline]
pub(super) fn attr<'a>(n: N<'a>, name: &str) -> &'a str {
    n.attribute(name).unwrap_or("")
}

/// The string without XML whitespace (space, tab, CR, LF) at either end. Bytes, not a char
/// pattern: the decimal casts call this for every amount.
pub(super) fn trim_xml(s: &str) -> &str {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let b = s.as_bytes();
    // Nothing to trim (every value in practice): no scan.
    if b.first().is_some_and(|c| !ws(c)) && b.last().is_some_and(|c| !ws(c)) {
        return s;
    }
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    // Both ends are next to ASCII whitespace or the string's ends: char boundaries.
    &s[start..end.max(start)]
}

/// The xs:decimal cast: optional sign, digits with an optional point, surrounding whitespace
/// allowed; no exponent. None where XPath would raise a cast error.
pub(super) fn dec(s: &str) -> Option<Decimal> {
    let t = trim_xml(s);
    dec_short(t).or_else(|| dec_general(t))
}

/// `dec` of trimmed text by the general way: checked as xs:decimal, then parsed.
fn dec_general(t: &str) -> Option<Decimal> {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if body.is_empty() || body == "." || !digits(int) || !digits(frac) {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    let t = t.strip_suffix('.').unwrap_or(t);
    t.parse::<Decimal>().ok().or_else(|| {
        // More than 28 significant digits: keep what Decimal can hold, as XPath keeps all.
        let (i, f) = t.split_once('.')?;
        let keep = 28usize.saturating_sub(i.trim_start_matches('-').len());
        format!("{i}.{}", &f[..f.len().min(keep)]).parse().ok()
    })
}

/// `dec` of the usual amount, quantity or rate in one pass: `[+-]digits[.digits]` with at
/// most 18 digits, not a negative zero. The same mantissa and scale `Decimal::from_str`
/// gives; None sends anything else through `dec`'s general way.
fn dec_short(t: &str) -> Option<Decimal> {
    let b = t.as_bytes();
    let (negative, body) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let (mut mantissa, mut digits, mut scale, mut point) = (0i64, 0u32, 0u32, false);
    for &c in body {
        match c {
            b'0'..=b'9' if digits < 18 => {
                mantissa = mantissa * 10 + i64::from(c - b'0');
                digits += 1;
                scale += u32::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if digits == 0 || (negative && mantissa == 0) {
        return None;
    }
    Some(Decimal::new(if negative { -mantissa } else { mantissa }, scale))
}

/// xs:decimal of a node's string value.
pub(super) fn dec_of(n: N<'_>) -> Option<Decimal> {
    dec(&text(n))
}

/// xs:decimal of the first node on a path (None if absent or not a number).
pub(super) fn dec_at(n: N<'_>, steps: impl Steps) -> Option<Decimal> {
    first(n, steps).and_then(dec_of)
}

/// number(): the double value, NaN when the text is not a number.
pub(super) fn num(s: &str) -> f64 {
    let t = trim_xml(s);
    // Plain digits with at most 15 of them: the mantissa and 10^scale are exact doubles and
    // one division rounds correctly, so this is the value the general parse gives.
    const TENS: [f64; 19] =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];
    if let Some(d) = dec_short(t).filter(|d| d.mantissa().unsigned_abs() < 1_000_000_000_000_000) {
        // Below 10^18 the mantissa is an i64: converted from that, not from an i128 (a
        // library call), with the same rounding.
        let m = d.mantissa() as i64 as f64;
        return m / TENS[d.scale() as usize];
    }
    let plain = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if plain { t.parse().unwrap_or(f64::NAN) } else { f64::NAN }
}

/// XPath round(): half way rounds towards positive infinity.
pub(super) fn round(d: Decimal) -> Decimal {
    (d + Decimal::new(5, 1)).floor()
}

/// `round(x * 10 * 10) div 100`, the official rules' rounding to cents.
pub(super) fn cents(d: Decimal) -> Decimal {
    round(d * Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED
}

/// `string-length(substring-after(., '.')) <= 2` on the node's string value.
pub(super) fn at_most_two_decimals(n: N<'_>) -> bool {
    // The point by a byte search: str::split_once's searcher costs more than the rest.
    let t = text(n);
    t.bytes().position(|b| b == b'.').is_none_or(|at| t[at + 1..].chars().count() <= 2)
}

/// The `[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']` predicate.
pub(super) fn is_vat(category: N<'_>) -> bool {
    kids(category, p!("cac:TaxScheme")).any(|s| kids(s, p!("cbc:ID")).any(|id| upper_nz_is(&text(id), "VAT")))
}

/// `normalize-space(upper-case(s)) = want` for an upper-case ASCII `want`, without
/// allocating when `s` is ASCII (as it always is in practice).
pub(super) fn upper_nz_is(s: &str, want: &str) -> bool {
    if s.is_ascii() {
        let t = trim_xml(s);
        return t.eq_ignore_ascii_case(want);
    }
    nz(&s.to_uppercase()) == want
}

/// An XPath-like location such as `/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount`.
pub(super) fn location(node: N<'_>) -> String {
    let mut steps = Vec::new();
    for n in node.ancestors() {
        let prefix = match n.ns() {
            Ns::Cac => "cac:",
            Ns::Cbc => "cbc:",
            _ => "",
        };
        let same = |s: &N<'_>| s.local() == n.local() && s.ns() == n.ns();
        let (index, many) = match n.parent_element() {
            Some(p) => {
                let siblings: Vec<N<'_>> = p.children().filter(same).collect();
                (siblings.iter().position(|s| *s == n).unwrap_or(0) + 1, siblings.len() > 1)
            }
            None => (1, false),
        };
        steps.push(if many { format!("{prefix}{}[{index}]", n.local()) } else { format!("{prefix}{}", n.local()) });
    }
    steps.reverse();
    format!("/{}", steps.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_gives_what_the_float_parse_gives() {
        for s in ["0", "-0", "1", "-1.5", "1250", "0.1", "0.3", "123456789012345", "1234567890.12345", "1e3", "x", ""] {
            let general = {
                let t = trim_xml(s);
                let plain = !t.is_empty()
                    && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
                if plain { t.parse().unwrap_or(f64::NAN) } else { f64::NAN }
            };
            let ours: f64 = num(s);
            assert!(ours.to_bits() == general.to_bits() || (ours.is_nan() && general.is_nan()), "{s:?}");
        }
    }

    #[test]
    fn the_decimal_shortcut_gives_what_the_general_cast_gives() {
        for s in [
            "0",
            "00",
            "-0",
            "+0",
            "-0.00",
            "1",
            "-1",
            "+1",
            "1.",
            "1.0",
            "1.50",
            ".5",
            "-.5",
            "0.005",
            " 12.5 ",
            "2500",
            "123456789012345678",
            "-123456789012345678",
            "1234567890123456789",
            "12345678901234567.8",
            "0.123456789012345678",
            "1..2",
            "",
            "-",
            "+",
            ".",
            "1e5",
            "1,5",
            "--1",
            "+-1",
            "١",
        ] {
            let (a, b) = (dec(s), dec_general(trim_xml(s)));
            assert_eq!(a, b, "{s:?}");
            assert_eq!(a.map(|d| d.to_string()), b.map(|d| d.to_string()), "{s:?}");
        }
    }
}
