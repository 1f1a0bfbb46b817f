//! The invoice PDF: PDF/A-3b with the CII XML embedded as `factur-x.xml` (Factur-X /
//! ZUGFeRD, EN 16931 profile), drawn in-process with krilla.
//!
//! krilla writes the PDF/A-3b file (its validator refuses anything PDF/A forbids, adds
//! the sRGB output intent with its bundled ICC profile, and writes the `/AF` entry and
//! `/AFRelationship /Alternative` for the attachment); `facturx` then adds the Factur-X
//! XMP extension schema that krilla 0.8 cannot write yet. Layout is in `layout`, fonts
//! and fallback in `fonts`, the EPC QR code in `qr`; a customer's account statement,
//! drawn the same way, in `statement`.
//!
//! `krilla::Document` is `!Send`: in an async server call [`render_pdf`] inside
//! `spawn_blocking`. The result is plain bytes.

mod facturx;
pub mod fonts;
pub mod layout;
pub mod qr;
pub mod statement;

use krilla::Document;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;

use crate::cii::cii_xml;
use crate::labels;
use crate::logo::decode_logo;
use crate::model::{DocumentType, InvoiceDocument};
pub use fonts::Fonts;
use layout::{Align, Op, PAGE_HEIGHT, PAGE_WIDTH};

/// The attachment name Factur-X and ZUGFeRD readers look for.
pub const FACTURX_FILENAME: &str = "factur-x.xml";

/// A rendered PDF and anything the reader should know about it.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters no bundled or added font has; drawn as �, their text kept for search.
    pub missing_chars: Vec<char>,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the PDF writer refused the document: {0}")]
    Krilla(String),
    #[error("the Factur-X metadata could not be added: {0}")]
    FacturX(String),
}

/// Renders the document with the bundled fonts.
pub fn render_pdf(doc: &InvoiceDocument) -> Result<RenderedPdf, PdfError> {
    render_pdf_with(doc, Fonts::bundled())
}

/// A preview of a draft: the document as it would be issued, marked DRAFT (DRÖG) on
/// every page and without its e-invoice attachment.
pub fn render_draft_pdf(doc: &InvoiceDocument) -> Result<RenderedPdf, PdfError> {
    let fonts = Fonts::bundled();
    let mut layout = layout::layout(doc, fonts);
    layout::watermark(&mut layout, labels::labels(doc.language).draft);
    render_layout(doc, fonts, layout, false)
}

/// A readable copy of an invoice someone else issued (a received bill): drawn like our
/// own, without a watermark and without an e-invoice attached, since the original the
/// supplier sent is the document and this is only its picture.
pub fn render_copy_pdf(doc: &InvoiceDocument) -> Result<RenderedPdf, PdfError> {
    let fonts = Fonts::bundled();
    let layout = layout::layout(doc, fonts);
    render_layout(doc, fonts, layout, false)
}

/// Renders the document with `fonts` (the bundled ones plus extra fallbacks).
pub fn render_pdf_with(doc: &InvoiceDocument, fonts: &Fonts) -> Result<RenderedPdf, PdfError> {
    let layout = layout::layout(doc, fonts);
    render_layout(doc, fonts, layout, !doc.kind.is_quote())
}

fn render_layout(
    doc: &InvoiceDocument,
    fonts: &Fonts,
    layout: layout::Layout,
    e_invoice: bool,
) -> Result<RenderedPdf, PdfError> {
    let l = labels::labels(doc.language);
    let title = match doc.kind {
        DocumentType::Invoice => l.invoice,
        DocumentType::CreditNote { .. } => l.credit_note,
        DocumentType::Quote => l.quote,
    };
    let info = PdfInfo {
        title: format!("{title} {}", doc.number),
        author: doc.seller.name.clone(),
        language: doc.language,
        created: doc.issue_date,
    };
    // A quote is an offer, not an invoice, and a draft is not issued: neither carries
    // the Factur-X e-invoice.
    let attachment = e_invoice.then(|| cii_xml(doc));
    write_pdf(&info, fonts, &layout, doc.logo.as_ref(), attachment)
}

/// A customer's account statement (PDF/A-3b, no attachment).
pub fn render_statement_pdf(statement: &statement::Statement) -> Result<RenderedPdf, PdfError> {
    let fonts = Fonts::bundled();
    let layout = statement::statement_layout(statement, fonts);
    let info = PdfInfo {
        title: statement::statement_title(statement),
        author: statement.seller.name.clone(),
        language: statement.language,
        created: statement.date,
    };
    write_pdf(&info, fonts, &layout, statement.logo.as_ref(), None)
}

/// What the PDF's metadata says about it.
struct PdfInfo {
    title: String,
    author: String,
    language: crate::model::Language,
    created: time::Date,
}

/// Writes laid-out pages as PDF/A-3b; with `facturx_xml`, embedded as the Factur-X
/// attachment with its XMP extension schema.
fn write_pdf(
    info: &PdfInfo,
    fonts: &Fonts,
    layout: &layout::Layout,
    logo: Option<&crate::logo::Logo>,
    facturx_xml: Option<String>,
) -> Result<RenderedPdf, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| PdfError::Krilla(format!("{e:?}")))?;
    let settings = krilla::SerializeSettings { configuration, enable_tagging: false, ..Default::default() };
    let mut pdf = Document::new_with(settings);
    let created = DateTime::new(info.created.year() as u16)
        .month(info.created.month() as u8)
        .day(info.created.day())
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    pdf.set_metadata(
        Metadata::new()
            .title(info.title.clone())
            .authors(vec![info.author.clone()])
            .creator("FastFaktura".into())
            .producer("FastFaktura (krilla)".into())
            .language(info.language.code().into())
            .creation_date(created),
    );
    let e_invoice = facturx_xml.is_some();
    if let Some(xml) = facturx_xml {
        pdf.embed_file(EmbeddedFile {
            path: FACTURX_FILENAME.into(),
            mime_type: MimeType::new("text/xml"),
            description: Some("Factur-X invoice (EN 16931)".into()),
            association_kind: AssociationKind::Alternative,
            data: xml.into_bytes().into(),
            modification_date: Some(created),
            compress: Some(true),
            location: None,
        })
        .ok_or_else(|| PdfError::Krilla("duplicate attachment".into()))?;
    }

    let logo = match logo {
        Some(logo) => Some(decode_logo(logo.bytes().clone(), logo.format()).map_err(PdfError::Krilla)?),
        None => None,
    };
    let mut missing = Vec::new();
    let page_settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid page size");
    for ops in &layout.pages {
        let mut page = pdf.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        draw(&mut surface, ops, fonts, logo.as_ref(), &mut missing);
        surface.finish();
        page.finish();
    }
    let bytes = pdf.finish().map_err(|e| PdfError::Krilla(format!("{e:?}")))?;
    let bytes = if e_invoice { facturx::add_facturx_xmp(&bytes).map_err(PdfError::FacturX)? } else { bytes };
    Ok(RenderedPdf { bytes, pages: layout.pages.len(), missing_chars: missing })
}

fn fill(color: layout::Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn draw(surface: &mut Surface, ops: &[Op], fonts: &Fonts, logo: Option<&Image>, missing: &mut Vec<char>) {
    for op in ops {
        match op {
            Op::Text { x, y, text, size, weight, align, color } => {
                let shaped = fonts.shape(text, *weight, missing);
                let mut cursor = match align {
                    Align::Left => *x,
                    Align::Right => x - shaped.width * size,
                };
                surface.set_fill(Some(fill(*color)));
                for run in &shaped.runs {
                    let face = fonts.face(run.face);
                    surface.draw_glyphs(
                        Point::from_xy(cursor, *y),
                        &run.glyphs,
                        face.font.clone(),
                        &shaped.text,
                        *size,
                        false,
                    );
                    cursor += run.glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size;
                }
            }
            Op::Rect { x, y, w, h, color } => {
                let mut path = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    path.push_rect(rect);
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_path(&path);
                }
            }
            Op::Logo { x, y, w, h } => {
                if let (Some(image), Some(size)) = (logo, Size::from_wh(*w, *h)) {
                    surface.push_transform(&Transform::from_translate(*x, *y));
                    surface.draw_image(image.clone(), size);
                    surface.pop();
                }
            }
            Op::Qr { x, y, size, width, modules } => {
                let module = size / *width as f32;
                let mut path = PathBuilder::new();
                for row in 0..*width {
                    let mut col = 0;
                    while col < *width {
                        if !modules[row * width + col] {
                            col += 1;
                            continue;
                        }
                        let start = col;
                        while col < *width && modules[row * width + col] {
                            col += 1;
                        }
                        // A hair of overlap so viewers show no seams between modules.
                        let rect = Rect::from_xywh(
                            x + start as f32 * module,
                            y + row as f32 * module,
                            (col - start) as f32 * module,
                            module + 0.05,
                        );
                        if let Some(rect) = rect {
                            path.push_rect(rect);
                        }
                    }
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(Some(fill((0, 0, 0))));
                    surface.draw_path(&path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn renders_a_pdf_a3_with_the_attachment() {
        let pdf = render_pdf(&fixtures::sample()).unwrap();
        assert!(pdf.bytes.starts_with(b"%PDF-1.7"));
        assert_eq!(pdf.pages, 1);
        assert!(pdf.missing_chars.is_empty());
        let text = String::from_utf8_lossy(&pdf.bytes);
        assert!(text.contains("factur-x.xml"));
        assert!(text.contains("/AFRelationship /Alternative") || text.contains("/AFRelationship/Alternative"));
        assert!(text.contains("fx:ConformanceLevel"));
    }

    #[test]
    fn characters_outside_the_fonts_are_reported_not_dropped() {
        let mut data = fixtures::sample_data();
        data.buyer.name = "東京商事 (Tokyo Shoji)".into();
        let pdf = render_pdf(&InvoiceDocument::new(data).unwrap()).unwrap();
        assert_eq!(pdf.missing_chars, vec!['東', '京', '商', '事']);
    }
}
