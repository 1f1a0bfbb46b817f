//! Checking an uploaded logo before it is stored: it must really be a PNG or JPEG that
//! decodes completely, small enough for every invoice PDF to carry it.
//!
//! The header alone is not enough: a truncated or corrupt file with a valid header
//! would be accepted here and then break every PDF of the business. So the image is
//! decoded in full, with the same decoders the PDF renderer uses, after its declared
//! size has been checked (a 1 KiB file may claim 60000 x 60000 pixels).

use std::io::Cursor;

/// Largest accepted file.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// Largest accepted width or height in pixels; a logo is printed a few centimetres wide.
pub const MAX_LOGO_PIXELS: u32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLogo {
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("Choose an image file to upload.")]
    Empty,
    #[error("The logo can be at most 512 KiB; this file is {0} KiB.")]
    TooLarge(usize),
    #[error("The logo must be a PNG or JPEG image.")]
    NotPngOrJpeg,
    #[error("The logo can be at most 2000 x 2000 pixels; this one is {0} x {1}.")]
    TooManyPixels(u32, u32),
    #[error("This {0} file is damaged or incomplete and cannot be shown; please export it again.")]
    Corrupt(&'static str),
}

/// Checks an uploaded file; the bytes are stored unchanged when it passes.
pub fn check_logo(bytes: &[u8]) -> Result<CheckedLogo, LogoError> {
    if bytes.is_empty() {
        return Err(LogoError::Empty);
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoError::TooLarge(bytes.len().div_ceil(1024)));
    }
    let content_type = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => "image/png",
        Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
        _ => return Err(LogoError::NotPngOrJpeg),
    };
    let kind = if content_type == "image/png" { "PNG" } else { "JPEG" };
    let size = imagesize::blob_size(bytes).map_err(|_| LogoError::Corrupt(kind))?;
    let (width, height) = (size.width as u32, size.height as u32);
    if width == 0 || height == 0 {
        return Err(LogoError::Corrupt(kind));
    }
    if width > MAX_LOGO_PIXELS || height > MAX_LOGO_PIXELS {
        return Err(LogoError::TooManyPixels(width, height));
    }
    let decoded = if content_type == "image/png" { decode_png(bytes) } else { decode_jpeg(bytes) };
    match decoded {
        Some((w, h)) if w == width && h == height => Ok(CheckedLogo { content_type, width, height }),
        _ => Err(LogoError::Corrupt(kind)),
    }
}

fn decode_png(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().ok()?;
    let mut pixels = vec![0; reader.output_buffer_size()?];
    let frame = reader.next_frame(&mut pixels).ok()?;
    // The image data must end properly (IEND), not just hold one frame.
    reader.finish().ok()?;
    Some((frame.width, frame.height))
}

fn decode_jpeg(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut decoder = zune_jpeg::JpegDecoder::new(Cursor::new(bytes));
    decoder.decode().ok()?;
    let (w, h) = decoder.dimensions()?;
    Some((w as u32, h as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid RGB PNG of the given size, made by the png encoder.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&vec![200; (width * height * 3) as usize]).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_valid_png_passes_with_its_size() {
        let logo = check_logo(&png(3, 2)).unwrap();
        assert_eq!(logo, CheckedLogo { content_type: "image/png", width: 3, height: 2 });
    }

    #[test]
    fn a_truncated_png_is_refused_as_damaged() {
        let bytes = png(40, 40);
        assert_eq!(check_logo(&bytes[..bytes.len() - 20]), Err(LogoError::Corrupt("PNG")));
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(check_logo(b""), Err(LogoError::Empty));
        assert_eq!(check_logo(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), Err(LogoError::NotPngOrJpeg));
        assert_eq!(check_logo(b"GIF89a\x01\x00\x01\x00"), Err(LogoError::NotPngOrJpeg));
        assert_eq!(check_logo(&vec![0xFF; MAX_LOGO_BYTES + 1]), Err(LogoError::TooLarge(513)));
    }

    #[test]
    fn a_huge_declared_size_is_refused_before_decoding() {
        let mut bytes = png(1, 1);
        // IHDR width and height live at bytes 16..24; the CRC no longer matches either.
        bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        assert_eq!(check_logo(&bytes), Err(LogoError::TooManyPixels(60_000, 1)));
    }

    #[test]
    fn a_valid_jpeg_passes_and_a_cut_one_does_not() {
        let bytes = include_bytes!("../tests/fixtures/logo.jpg");
        assert_eq!(check_logo(bytes).unwrap(), CheckedLogo { content_type: "image/jpeg", width: 120, height: 40 });
        assert_eq!(check_logo(&bytes[..bytes.len() / 2]), Err(LogoError::Corrupt("JPEG")));
    }

    #[test]
    fn a_damaged_jpeg_is_refused() {
        // SOI, an APP0 header, then garbage instead of frame and scan data.
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        bytes.extend_from_slice(&[0x12; 64]);
        assert!(matches!(check_logo(&bytes), Err(LogoError::Corrupt("JPEG"))));
    }
}
