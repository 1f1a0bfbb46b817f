//! The small piece of XPath the rules need, over roxmltree: children by prefixed name
//! (`cac:`/`cbc:`), paths, string values, normalize-space, xs:decimal and number() casts,
//! XPath's round() and the EN 16931 "VAT category" predicate. Kept apart so each rule file
//! reads like the official XPath it translates.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::{Finding, Flag};

pub(super) const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub(super) const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

pub(super) type N<'a> = roxmltree::Node<'a, 'a>;

/// The document being checked and what the rules found so far.
pub(super) struct Cx<'a> {
    pub(super) root: N<'a>,
    pub(super) credit: bool,
    pub(super) findings: Vec<Finding>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(root: N<'a>, credit: bool) -> Self {
        Self { root, credit, findings: Vec::new() }
    }

    /// Records a fatal finding at `node`.
    pub(super) fn fail(&mut self, rule: &'static str, node: N<'a>, message: impl Into<String>) {
        self.findings.push(Finding { rule, flag: Flag::Fatal, message: message.into(), location: location(node) });
    }

    /// Records a warning at `node`.
    pub(super) fn warn(&mut self, rule: &'static str, node: N<'a>, message: impl Into<String>) {
        self.findings.push(Finding { rule, flag: Flag::Warning, message: message.into(), location: location(node) });
    }

    /// Records a fatal finding unless `ok`.
    pub(super) fn check(&mut self, ok: bool, rule: &'static str, node: N<'a>, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(rule, node, message());
        }
    }

    /// Every element of the document, in document order (the `//*` of XPath).
    pub(super) fn all(&self) -> impl Iterator<Item = N<'a>> + 'a {
        self.root.descendants().filter(|n| n.is_element())
    }

    /// `//name`: every element with that prefixed name.
    pub(super) fn everywhere(&self, name: &'static str) -> impl Iterator<Item = N<'a>> + 'a {
        self.all().filter(move |n| is(*n, name))
    }
}

fn split(name: &str) -> (&'static str, &str) {
    match name.split_once(':') {
        Some(("cac", local)) => (NS_CAC, local),
        Some(("cbc", local)) => (NS_CBC, local),
        _ => ("", name),
    }
}

/// True if `n` is the element `prefix:local` (`cac:` or `cbc:`).
pub(super) fn is(n: N<'_>, name: &str) -> bool {
    let (ns, local) = split(name);
    n.is_element() && n.tag_name().name() == local && n.tag_name().namespace() == Some(ns)
}

/// The child elements named `name`.
pub(super) fn kids<'a>(n: N<'a>, name: &'a str) -> impl Iterator<Item = N<'a>> + 'a {
    n.children().filter(move |c| is(*c, name))
}

/// The first child element named `name`.
pub(super) fn kid<'a>(n: N<'a>, name: &str) -> Option<N<'a>> {
    n.children().find(|c| is(*c, name))
}

/// Every node reached by a relative path of child steps, such as `cac:Party/cbc:EndpointID`.
pub(super) fn path<'a>(n: N<'a>, steps: &str) -> Vec<N<'a>> {
    let mut current = vec![n];
    for step in steps.split('/') {
        current = current.iter().flat_map(|c| c.children().filter(|k| is(*k, step))).collect();
        if current.is_empty() {
            break;
        }
    }
    current
}

/// `exists(path)`.
pub(super) fn has(n: N<'_>, steps: &str) -> bool {
    !path(n, steps).is_empty()
}

/// The first node on a path.
pub(super) fn first<'a>(n: N<'a>, steps: &str) -> Option<N<'a>> {
    path(n, steps).into_iter().next()
}

/// XPath's string value: the concatenated text of all descendants.
pub(super) fn text<'a>(n: N<'a>) -> Cow<'a, str> {
    let mut texts = n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text());
    match (texts.next(), texts.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(one),
        (Some(a), Some(b)) => {
            let mut s = String::from(a);
            s.push_str(b);
            texts.for_each(|t| s.push_str(t));
            Cow::Owned(s)
        }
    }
}

/// The string value of the first node on a path, or "" (XPath's string() of an empty sequence).
pub(super) fn text_at<'a>(n: N<'a>, steps: &str) -> Cow<'a, str> {
    first(n, steps).map(text).unwrap_or(Cow::Borrowed(""))
}

/// normalize-space().
pub(super) fn nz(s: &str) -> String {
    s.split([' ', '\t', '\r', '\n']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// normalize-space() of the first node on a path.
pub(super) fn nz_at(n: N<'_>, steps: &str) -> String {
    nz(&text_at(n, steps))
}

/// An attribute's value, or "".
pub(super) fn attr<'a>(n: N<'a>, name: &str) -> &'a str {
    n.attribute(name).unwrap_or("")
}

/// The xs:decimal cast: optional sign, digits with an optional point, surrounding whitespace
/// allowed; no exponent. None where XPath would raise a cast error.
pub(super) fn dec(s: &str) -> Option<Decimal> {
    let t = s.trim_matches([' ', '\t', '\r', '\n']);
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

/// xs:decimal of a node's string value.
pub(super) fn dec_of(n: N<'_>) -> Option<Decimal> {
    dec(&text(n))
}

/// xs:decimal of the first node on a path (None if absent or not a number).
pub(super) fn dec_at(n: N<'_>, steps: &str) -> Option<Decimal> {
    first(n, steps).and_then(dec_of)
}

/// number(): the double value, NaN when the text is not a number.
pub(super) fn num(s: &str) -> f64 {
    let t = s.trim_matches([' ', '\t', '\r', '\n']);
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
    text(n).split_once('.').is_none_or(|(_, after)| after.chars().count() <= 2)
}

/// The `[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']` predicate.
pub(super) fn is_vat(category: N<'_>) -> bool {
    kids(category, "cac:TaxScheme").any(|s| kids(s, "cbc:ID").any(|id| nz(&text(id).to_uppercase()) == "VAT"))
}

/// An XPath-like location such as `/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount`.
pub(super) fn location(node: N<'_>) -> String {
    let mut steps = Vec::new();
    let mut current = Some(node);
    while let Some(n) = current.filter(|n| n.is_element()) {
        let prefix = match n.tag_name().namespace() {
            Some(NS_CAC) => "cac:",
            Some(NS_CBC) => "cbc:",
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
