//! The reader's memory of names (`read.rs`): a name read before, element or attribute, is
//! found again by its first sixteen bytes instead of being read byte by byte. A document
//! names the same few dozen elements thousands of times, and checking each as an XML name,
//! finding its colon and looking its id up cost more than the rest of a tag.

use super::super::super::names;
use super::super::Ns;
use super::{END, NAME_BYTE, Reader};

pub(super) const SEEN_SLOTS: usize = 64;

/// A name read before (element or attribute), found again without reading it byte by byte:
/// a document names the same few dozen elements thousands of times, and checking a name as
/// an XML name, finding its colon and looking its id up cost more than the rest of a tag.
#[derive(Clone, Copy)]
pub(super) struct Seen<'a> {
    /// Its first sixteen bytes as words (`head`); 0 for an empty slot.
    pub(super) head: (u64, u64),
    pub(super) name: &'a str,
    pub(super) colon: Option<usize>,
    /// The local name's id (`names::id`).
    pub(super) id: u16,
    /// The namespace of its prefix, valid while `Reader::scope_gen` equals `generation`.
    pub(super) ns: Ns,
    pub(super) generation: u32,
}

/// What `Reader::seen_name` found of an element's name: its slot in `seen` and what the
/// slot said (copied: the tag's attribute names may take the slot before the element is
/// stored).
#[derive(Clone, Copy)]
pub(super) struct Found {
    pub(super) slot: usize,
    pub(super) id: u16,
    pub(super) ns: Ns,
    pub(super) generation: u32,
}

pub(super) const EMPTY_SEEN: Seen<'static> =
    Seen { head: (0, 0), name: "", colon: None, id: 0, ns: Ns::None, generation: u32::MAX };

/// The first sixteen bytes at `at` as two little-endian words, cut after the first `>`,
/// `/`, `=` or space (the bytes that end most names) and with where that byte is (16 when
/// there is none in them); None when fewer than sixteen bytes are left. Found by comparing
/// eight bytes at a time (a carry can only mark bytes after the first match, so the first
/// marked byte is exact).
#[inline]
fn head(b: &[u8], at: usize) -> Option<((u64, u64), usize)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word =
        |at: usize| b.get(at..at + 8).map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]));
    let stop = |w: u64| {
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let hits = zero(w ^ (u64::from(b'>') * ONES))
            | zero(w ^ (u64::from(b'/') * ONES))
            | zero(w ^ (u64::from(b'=') * ONES))
            | zero(w ^ (u64::from(b' ') * ONES));
        hits.trailing_zeros() as usize / 8
    };
    let keep = |w: u64, n: usize| if n >= 8 { w } else { w & ((1u64 << (8 * n)) - 1) };
    let (w0, w1) = (word(at)?, word(at + 8)?);
    let s0 = stop(w0);
    if s0 < 8 {
        return Some(((keep(w0, s0), 0), s0));
    }
    let s1 = stop(w1);
    Some(((w0, keep(w1, s1)), 8 + s1))
}

#[inline]
fn seen_slot(h: (u64, u64)) -> usize {
    ((h.0 ^ h.1.rotate_left(31)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % SEEN_SLOTS
}

impl<'a> Reader<'a> {
    /// `name` by way of `seen`: a name read before is confirmed by its words (and, beyond
    /// sixteen bytes, by comparing the rest) and the byte after it; any other is read by
    /// `name` and remembered. Returns the name, its colon, and its slot and entry in `seen`.
    #[inline(always)]
    pub(super) fn seen_name(&mut self) -> Result<(&'a str, Option<usize>, Option<Found>), String> {
        let from = self.p;
        let Some((h, stop)) = head(self.b, from) else {
            let (name, colon) = self.name()?;
            return Ok((name, colon, None));
        };
        let slot = seen_slot(h);
        let s = &self.seen[slot];
        let n = s.name.len();
        let hit = n > 0
            && s.head == h
            && if n <= 16 {
                stop == n
            } else {
                stop == 16
                    && self.b.get(from + 16..from + n).is_some_and(|rest| same_bytes(rest, &s.name.as_bytes()[16..]))
                    && self.b.get(from + n).is_some_and(|c| NAME_BYTE[*c as usize] == END)
            };
        if !hit {
            return self.learn_name(slot, h);
        }
        self.p = from + n;
        Ok((s.name, s.colon, Some(Found { slot, id: s.id, ns: s.ns, generation: s.generation })))
    }

    /// `seen_name` for a name not in `seen`: read by `name` and remembered in the slot.
    #[cold]
    #[inline(never)]
    fn learn_name(&mut self, slot: usize, h: (u64, u64)) -> Result<(&'a str, Option<usize>, Option<Found>), String> {
        let (name, colon) = self.name()?;
        let local = colon.map_or(name, |c| &name[c + 1..]);
        let id = names::id(local);
        self.seen[slot] = Seen { head: h, name, colon, id, ns: Ns::None, generation: u32::MAX };
        Ok((name, colon, Some(Found { slot, id, ns: Ns::None, generation: u32::MAX })))
    }
}

/// Byte equality of two slices of the same length by word loads (the first and last eight
/// bytes, and the words between), not a call to memcmp: an end tag's name against its start
/// tag's, for every element.
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8).map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
    };
    if n < 8 {
        let half = |s: &[u8], at: usize| s.get(at..at + 4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        return if n >= 4 { half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4) } else { a == b };
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}
