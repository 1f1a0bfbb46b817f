//! An invoice line's children and grandchildren, gathered once for all the line rules.
//!
//! Why: the rules of one invoice line (BR-21..28, BR-CO-04, BR-DEC-23, UBL-SR-34..52,
//! PEPPOL-EN16931-R100..R121, the VAT breakdown sums) ask some thirty questions about the
//! same line's children (`first`, `has`, `count`, `any` of a path such as
//! `cac:Price/cbc:PriceAmount`), and each, asked of the line, walks its children again: a
//! third of the rules' cost on a 300-line invoice. Here the line's children and the children
//! of its item, price, order line reference and document references are read once (in
//! `Cx::new`), and each question is a table lookup. The rules read as before, one place per
//! official rule: `line.first(p!("cac:Price/cbc:PriceAmount"))` for
//! `first(n, p!("cac:Price/cbc:PriceAmount"))`, with the same answer. (A generic cache
//! consulted by every child lookup was tried earlier and cost more than it saved; this one
//! is asked only by the line rules, for the paths they use.)
//!
//! What is kept per path is its first node in document order and how many nodes it has; a
//! question that needs more (`any` over several nodes, a path of three steps whose first two
//! exist) is walked from the line as before, so every answer is the general one.

use super::dom::{ChildrenWith, N, Steps, any, count, first};
use super::names::{NO_KEY, Path};

/// The paths gathered, a step's parent before the step. A path of two steps has its first
/// step in the table too.
const PATHS: [Path; 19] = [
    p!("cbc:ID"),
    p!("cbc:Note"),
    p!("cbc:InvoicedQuantity"),
    p!("cbc:CreditedQuantity"),
    p!("cbc:LineExtensionAmount"),
    p!("cac:InvoicePeriod"),
    p!("cac:OrderLineReference"),
    p!("cac:OrderLineReference/cbc:LineID"),
    p!("cac:DocumentReference"),
    p!("cac:DocumentReference/cbc:DocumentTypeCode"),
    p!("cac:AllowanceCharge"),
    p!("cac:Item"),
    p!("cac:Item/cbc:Name"),
    p!("cac:Item/cbc:Description"),
    p!("cac:Item/cac:ClassifiedTaxCategory"),
    p!("cac:Price"),
    p!("cac:Price/cbc:PriceAmount"),
    p!("cac:Price/cbc:BaseQuantity"),
    p!("cac:Price/cac:AllowanceCharge"),
];

/// A key's place in `PATHS` as a one-step path, or `NONE` (keys are below 1024: name ids
/// below 128, shifted by three).
const FIRST_STEP: [u8; 1024] = {
    let mut t = [NONE; 1024];
    let mut i = 0;
    while i < PATHS.len() {
        let keys = PATHS[i].keys_const();
        if keys[1] == NO_KEY {
            t[keys[0] as usize] = i as u8;
        }
        i += 1;
    }
    t
};

/// The two-step paths as (place of the first step, key of the second, place).
const SECOND_STEP: [(u8, u16, u8); 8] = {
    let mut t = [(NONE, NO_KEY, NONE); 8];
    let (mut i, mut n) = (0, 0);
    while i < PATHS.len() {
        let keys = PATHS[i].keys_const();
        if keys[1] != NO_KEY {
            assert!(keys[2] == NO_KEY, "a line path of more than two steps");
            let parent = FIRST_STEP[keys[0] as usize];
            assert!(parent != NONE, "a two-step line path without its first step");
            t[n] = (parent, keys[1], i as u8);
            n += 1;
        }
        i += 1;
    }
    assert!(n == 8, "SECOND_STEP's size");
    t
};

/// The two-step paths by the place of their first step and the name id of their second
/// (`SECOND_STEP` as a table: one load per question, not a search).
const BELOW: [[u8; 128]; PATHS.len()] = {
    let mut t = [[NONE; 128]; PATHS.len()];
    let mut i = 0;
    while i < SECOND_STEP.len() {
        let (parent, key, at) = SECOND_STEP[i];
        t[parent as usize][(key >> 3) as usize % 128] = at;
        i += 1;
    }
    t
};

/// Each path's last key (to confirm the namespace of a `BELOW` hit).
const LAST_KEY: [u16; PATHS.len()] = {
    let mut t = [NO_KEY; PATHS.len()];
    let mut i = 0;
    while i < PATHS.len() {
        let keys = PATHS[i].keys_const();
        t[i] = if keys[1] == NO_KEY { keys[0] } else { keys[1] };
        i += 1;
    }
    t
};

/// The place of the two-step path `at`/`key`, if gathered.
#[inline]
fn below(at: usize, key: u16) -> Option<usize> {
    let slot = *BELOW.get(at)?.get((key >> 3) as usize % 128)? as usize;
    (slot != NONE as usize && LAST_KEY[slot] == key).then_some(slot)
}

/// Whether a one-step path has two-step paths below it (its nodes' children are read).
const PARENT: [bool; PATHS.len()] = {
    let mut t = [false; PATHS.len()];
    let mut i = 0;
    while i < SECOND_STEP.len() {
        t[SECOND_STEP[i].0 as usize] = true;
        i += 1;
    }
    t
};

const NONE: u8 = u8::MAX;

/// One line's gathered children (see the module comment).
#[derive(Clone, Copy)]
pub(super) struct Line<'a> {
    node: N<'a>,
    /// Per place in `PATHS`: the first node (an element index) and how many.
    first: [u32; PATHS.len()],
    count: [u32; PATHS.len()],
}

/// What the record says of a path.
enum Known {
    /// Its place in `PATHS`.
    At(usize),
    /// No node: a step on the way has none.
    Empty,
    /// Not gathered: ask the line.
    Ask,
}

impl<'a> Line<'a> {
    /// Reads the line's children, and the children of those with paths below them.
    pub(super) fn gather(node: N<'a>) -> Self {
        let mut line = Line { node, first: [u32::MAX; PATHS.len()], count: [0; PATHS.len()] };
        for child in node.children() {
            let Some(&at) = FIRST_STEP.get(child.key() as usize).filter(|at| **at != NONE) else { continue };
            line.note(at, child);
            if !PARENT[at as usize] {
                continue;
            }
            for grandchild in child.children() {
                if let Some(slot) = below(at as usize, grandchild.key()) {
                    line.note(slot as u8, grandchild);
                }
            }
        }
        line
    }

    fn note(&mut self, at: u8, n: N<'a>) {
        let at = at as usize;
        if self.count[at] == 0 {
            self.first[at] = n.index();
        }
        self.count[at] += 1;
    }

    /// The line itself.
    pub(super) fn node(&self) -> N<'a> {
        self.node
    }

    #[inline]
    fn known(&self, p: Path) -> Known {
        let keys = p.keys();
        let Some(&at) = keys.first().and_then(|k| FIRST_STEP.get(*k as usize)).filter(|at| **at != NONE) else {
            return Known::Ask;
        };
        let at = at as usize;
        if self.count[at] == 0 {
            return Known::Empty;
        }
        let Some(&key) = keys.get(1) else { return Known::At(at) };
        let Some(slot) = below(at, key) else { return Known::Ask };
        match keys.len() {
            _ if self.count[slot] == 0 => Known::Empty,
            2 => Known::At(slot),
            _ => Known::Ask,
        }
    }

    /// `first(line, steps)`.
    #[inline]
    pub(super) fn first(&self, steps: impl Steps) -> Option<N<'a>> {
        let p = steps.steps();
        match self.known(p) {
            Known::At(at) => Some(self.node.at_index(self.first[at])),
            Known::Empty => None,
            Known::Ask => first(self.node, p),
        }
    }

    /// `has(line, steps)`.
    #[inline]
    pub(super) fn has(&self, steps: impl Steps) -> bool {
        self.first(steps).is_some()
    }

    /// `count(line, steps)`.
    #[inline]
    pub(super) fn count(&self, steps: impl Steps) -> usize {
        let p = steps.steps();
        match self.known(p) {
            Known::At(at) => self.count[at] as usize,
            Known::Empty => 0,
            Known::Ask => count(self.node, p),
        }
    }

    /// `any(line, steps, test)`: with one node, the test of it; with more, walked.
    #[inline]
    pub(super) fn any(&self, steps: impl Steps, mut test: impl FnMut(N<'a>) -> bool) -> bool {
        let p = steps.steps();
        match self.known(p) {
            Known::At(at) if self.count[at] == 1 => test(self.node.at_index(self.first[at])),
            Known::Empty => false,
            _ => any(self.node, p, test),
        }
    }

    /// `kids(line, name)`.
    #[inline]
    pub(super) fn kids(&self, name: impl Steps) -> ChildrenWith<'a> {
        let key = name.steps().key();
        match self.known(name.steps()) {
            Known::Empty => self.node.children_with(NO_KEY),
            _ => self.node.children_with(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::dom::{any, count, first, kids};
    use super::super::xml::parse;
    use super::*;

    /// Every question the record answers gets the answer the line itself gives, on lines
    /// with repeated, missing, foreign-namespace and nested children.
    #[test]
    fn the_record_answers_as_the_line_does() {
        let xml = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:x="urn:x">
<cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:Note>a</cbc:Note><x:Note/><cbc:Note>b</cbc:Note>
 <cac:Item><cbc:Name>n</cbc:Name><cbc:Description>d</cbc:Description></cac:Item>
 <cac:Item><x:Name/><cbc:Name>m</cbc:Name><cac:ClassifiedTaxCategory/></cac:Item>
 <cac:Price><cbc:BaseQuantity>1</cbc:BaseQuantity></cac:Price>
 <cac:Price><cbc:PriceAmount>-1</cbc:PriceAmount><cac:AllowanceCharge><cbc:Amount>1</cbc:Amount></cac:AllowanceCharge>
  <cbc:PriceAmount>2</cbc:PriceAmount></cac:Price>
 <cac:DocumentReference><cbc:ID>x</cbc:ID></cac:DocumentReference></cac:InvoiceLine>
<cac:InvoiceLine><cbc:InvoicedQuantity>1</cbc:InvoicedQuantity><cac:Price/><cac:Item><cac:ClassifiedTaxCategory/></cac:Item></cac:InvoiceLine>
<cac:InvoiceLine/></Invoice>"#;
        let doc = parse(xml).expect("parses");
        let extra = [
            p!("cac:Price/cac:AllowanceCharge/cbc:Amount"),
            p!("cac:Price/cac:AllowanceCharge/cbc:BaseAmount"),
            p!("cac:Item/cbc:ID"),
            p!("cbc:PriceAmount"),
            p!("cac:Delivery"),
        ];
        let mut lines = 0;
        for n in doc.all().filter(|n| n.local() == "InvoiceLine") {
            lines += 1;
            let line = Line::gather(n);
            for p in PATHS.iter().chain(&extra) {
                assert_eq!(line.first(*p), first(n, *p), "{p}");
                assert_eq!(line.count(*p), count(n, *p), "{p}");
                let positive = |x: N<'_>| x.string_value().starts_with(|c: char| c.is_ascii_digit());
                assert_eq!(line.any(*p, positive), any(n, *p, positive), "{p}");
                if p.keys().len() == 1 {
                    assert_eq!(line.kids(*p).collect::<Vec<_>>(), kids(n, *p).collect::<Vec<_>>(), "{p}");
                }
            }
        }
        assert_eq!(lines, 3);
    }
}
