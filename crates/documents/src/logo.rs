//! The seller's logo: accepted only as a PNG or JPEG that decodes in full, within a
//! size and pixel limit. The decoder is the one the PDF draws with, so a logo that is
//! accepted here is one the PDF can show. The document model holds a [`Logo`]; the PDF
//! renderer decodes it again with [`decode_logo`]; neither imports the other for it.

use std::sync::Arc;

use krilla::image::Image;

/// A company logo, checked to be a PNG or JPEG the PDF writer can embed.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    bytes: std::sync::Arc<Vec<u8>>,
    format: LogoFormat,
    width: u32,
    height: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
}

/// Largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// Largest width or height of a logo, in pixels (a small file can decode to a huge image).
pub const MAX_LOGO_SIDE: u32 = 4000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("the logo is larger than 1 MB; please upload a smaller PNG or JPEG")]
    TooLarge,
    #[error("the logo is wider or taller than 4000 pixels; please upload a smaller image")]
    TooManyPixels,
    #[error("the logo must be a PNG or JPEG image")]
    NotPngOrJpeg,
    #[error("the logo could not be read as an image: {0}")]
    Unreadable(String),
}

impl Logo {
    /// Accepts PNG or JPEG bytes up to [`MAX_LOGO_BYTES`] that decode as an image.
    pub fn new(bytes: Vec<u8>) -> Result<Self, LogoError> {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(LogoError::TooLarge);
        }
        let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            LogoFormat::Png
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            LogoFormat::Jpeg
        } else {
            return Err(LogoError::NotPngOrJpeg);
        };
        let bytes = std::sync::Arc::new(bytes);
        let image = decode_logo(bytes.clone(), format).map_err(LogoError::Unreadable)?;
        let (width, height) = image.size();
        if width == 0 || height == 0 {
            return Err(LogoError::Unreadable("the image is empty".into()));
        }
        if width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE {
            return Err(LogoError::TooManyPixels);
        }
        Ok(Self { bytes, format, width, height })
    }

    pub fn bytes(&self) -> &std::sync::Arc<Vec<u8>> {
        &self.bytes
    }

    pub fn format(&self) -> LogoFormat {
        self.format
    }

    /// Pixel size (width, height).
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({:?}, {}x{}, {} bytes)", self.format, self.width, self.height, self.bytes.len())
    }
}

/// The logo as an image the PDF writer can place.
pub(crate) fn decode_logo(bytes: Arc<Vec<u8>>, format: LogoFormat) -> Result<Image, String> {
    match format {
        LogoFormat::Png => Image::from_png(bytes.into(), false),
        LogoFormat::Jpeg => Image::from_jpeg(bytes.into(), false),
    }
}
