//! Bundled fonts, text measurement and glyph mapping with font fallback.
//!
//! Noto Sans Regular and Bold (SIL OFL 1.1) cover all Latin scripts including Icelandic
//! and Nordic letters; DejaVu Sans (Bitstream Vera licence) is the fallback for Greek,
//! Cyrillic, Armenian, Georgian, Hebrew, Arabic and many symbols. More fallbacks (a CJK
//! font, say) can be added with [`Fonts::with_fallback`]. A character no font has is
//! drawn as the replacement glyph � with its real text kept for copy and search
//! (`/ActualText`), and reported in `RenderedPdf::missing_chars`: never dropped silently.
//!
//! Glyphs are mapped one char to one glyph through each font's cmap (no shaping), which
//! is right for the Latin invoices we print and about twice as fast as krilla's
//! `draw_text`, which reshapes with rustybuzz on every call (see the PDF spike).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::{FontRef, MetadataProvider, instance::LocationRef, instance::Size};

static NOTO_SANS_REGULAR: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
static NOTO_SANS_BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");
static DEJAVU_SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");

/// One font with its cmap and advances, in em units.
pub(crate) struct Face {
    pub font: Font,
    glyphs: HashMap<char, (u32, f32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("the font could not be read: {0}")]
    Unreadable(String),
}

impl Face {
    fn load(data: Arc<Vec<u8>>) -> Result<Self, FontError> {
        let parsed = FontRef::new(&data).map_err(|e| FontError::Unreadable(e.to_string()))?;
        let metrics = parsed.metrics(Size::unscaled(), LocationRef::default());
        let upem = f32::from(metrics.units_per_em.max(1));
        let advances = parsed.glyph_metrics(Size::unscaled(), LocationRef::default());
        let mut glyphs = HashMap::with_capacity(4096);
        for (codepoint, gid) in parsed.charmap().mappings() {
            if gid.to_u32() == 0 {
                continue;
            }
            if let Some(c) = char::from_u32(codepoint) {
                glyphs.insert(c, (gid.to_u32(), advances.advance_width(gid).unwrap_or(0.0) / upem));
            }
        }
        let font = Font::new(data.into(), 0).ok_or_else(|| FontError::Unreadable("krilla rejected the font".into()))?;
        Ok(Self { font, glyphs })
    }

    fn glyph(&self, c: char) -> Option<(u32, f32)> {
        self.glyphs.get(&c).copied()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The fonts a PDF is drawn with: regular, bold, then fallbacks in order.
pub struct Fonts {
    faces: Vec<Face>,
}

/// A run of glyphs from one face, ready for `Surface::draw_glyphs`.
pub(crate) struct Run {
    pub face: usize,
    pub glyphs: Vec<KrillaGlyph>,
}

/// Text mapped to glyphs: runs whose glyph ranges index into `text`.
pub(crate) struct Shaped {
    pub text: String,
    pub runs: Vec<Run>,
    /// Width in em units.
    pub width: f32,
}

const REPLACEMENT: char = '\u{FFFD}';

impl Fonts {
    /// The fonts bundled in the crate, loaded once per process.
    pub fn bundled() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let load = |bytes: &'static [u8]| Face::load(Arc::new(bytes.to_vec())).expect("bundled font");
            Fonts { faces: vec![load(NOTO_SANS_REGULAR), load(NOTO_SANS_BOLD), load(DEJAVU_SANS)] }
        })
    }

    /// The bundled fonts plus one more fallback font (TrueType/OpenType bytes).
    pub fn with_fallback(font: Vec<u8>) -> Result<Fonts, FontError> {
        let mut faces = Vec::new();
        for bytes in [NOTO_SANS_REGULAR, NOTO_SANS_BOLD, DEJAVU_SANS] {
            faces.push(Face::load(Arc::new(bytes.to_vec()))?);
        }
        faces.push(Face::load(Arc::new(font))?);
        Ok(Fonts { faces })
    }

    pub(crate) fn face(&self, index: usize) -> &Face {
        &self.faces[index]
    }

    /// Whether some font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.faces.iter().any(|f| f.glyph(c).is_some())
    }

    fn lookup(&self, c: char, weight: Weight) -> Option<(usize, u32, f32)> {
        let first = if weight == Weight::Bold { 1 } else { 0 };
        std::iter::once(first)
            .chain(2..self.faces.len())
            .chain(std::iter::once(1 - first))
            .find_map(|i| self.faces[i].glyph(c).map(|(gid, adv)| (i, gid, adv)))
    }

    /// Width of `text` in em units (multiply by the font size).
    pub fn width(&self, text: &str, weight: Weight) -> f32 {
        text.chars().map(|c| self.lookup(clean(c), weight).map_or(0.6, |(_, _, adv)| adv)).sum()
    }

    /// Maps `text` to glyph runs; characters no font has become � (recorded in `missing`).
    pub(crate) fn shape(&self, text: &str, weight: Weight, missing: &mut Vec<char>) -> Shaped {
        let text: String = text.chars().map(clean).collect();
        let mut runs: Vec<Run> = Vec::new();
        let mut width = 0.0;
        for (start, c) in text.char_indices() {
            let range = start..start + c.len_utf8();
            let (face, gid, advance) = match self.lookup(c, weight) {
                Some(found) => found,
                None => {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                    self.lookup(REPLACEMENT, weight).or_else(|| self.lookup('?', weight)).expect("a replacement glyph")
                }
            };
            width += advance;
            let glyph = KrillaGlyph::new(GlyphId::new(gid), advance, 0.0, 0.0, 0.0, range, None);
            match runs.last_mut() {
                Some(run) if run.face == face => run.glyphs.push(glyph),
                _ => runs.push(Run { face, glyphs: vec![glyph] }),
            }
        }
        Shaped { text, runs, width }
    }
}

/// Control characters are printed as spaces.
fn clean(c: char) -> char {
    if c.is_control() { ' ' } else { c }
}

/// Splits `text` into lines no wider than `max_width` (em units × size already applied),
/// breaking at spaces, and inside words only when a word alone is too wide.
pub fn wrap(fonts: &Fonts, text: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut current = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
            if fonts.width(&candidate, weight) * size <= max_width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            if fonts.width(word, weight) * size <= max_width {
                current = word.to_owned();
                continue;
            }
            for c in word.chars() {
                current.push(c);
                if fonts.width(&current, weight) * size > max_width && current.chars().count() > 1 {
                    let last = current.pop().expect("non-empty");
                    lines.push(std::mem::take(&mut current));
                    current.push(last);
                }
            }
        }
        lines.push(current);
    }
    while lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icelandic_and_nordic_letters_are_in_the_main_font() {
        let fonts = Fonts::bundled();
        for c in "þðæöÞÐÆÖåøÅØáéíóúýÁÉÍÓÚÝäüß€".chars() {
            assert!(fonts.faces[0].glyph(c).is_some(), "{c} missing from Noto Sans Regular");
            assert!(fonts.faces[1].glyph(c).is_some(), "{c} missing from Noto Sans Bold");
        }
    }

    #[test]
    fn fallback_covers_what_noto_lacks_and_the_rest_is_reported() {
        let fonts = Fonts::bundled();
        let mut missing = Vec::new();
        // U+2654 (chess king) is not in Noto Sans but is in DejaVu Sans; 東 is in neither.
        assert!(fonts.faces[0].glyph('♔').is_none());
        let shaped = fonts.shape("Þór ♔ 東", Weight::Regular, &mut missing);
        assert_eq!(missing, vec!['東']);
        assert!(shaped.runs.iter().any(|r| r.face == 2), "the fallback font is used");
        assert_eq!(shaped.runs.iter().map(|r| r.glyphs.len()).sum::<usize>(), 7, "no character dropped");
    }

    #[test]
    fn wrapping_respects_the_width() {
        let fonts = Fonts::bundled();
        let lines =
            wrap(fonts, "Ráðgjöf og þjónusta við bókhald og launavinnslu í nóvember", Weight::Regular, 9.0, 100.0);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(fonts.width(line, Weight::Regular) * 9.0 <= 100.0, "{line}");
        }
        let long = wrap(fonts, &"x".repeat(200), Weight::Regular, 9.0, 50.0);
        assert!(long.len() > 5);
    }
}
