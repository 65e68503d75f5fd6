//! Format detection from the bytes alone. A file's name or declared type is attacker-chosen
//! and is never consulted; the magic numbers below are.

use crate::MediaError;
use crate::video::webm;

/// A media format this crate accepts, as decided by [`sniff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaFormat {
    /// JPEG (JFIF or Exif), starts `FF D8 FF`.
    Jpeg,
    /// PNG, starts with the 8-byte PNG signature.
    Png,
    /// WebP, a RIFF container of form type `WEBP`.
    Webp,
    /// An ISO base media file (`ftyp` box) with an MP4 video brand.
    Mp4,
    /// An EBML document whose DocType is `webm`.
    Webm,
}

impl MediaFormat {
    /// The MIME type to serve the original bytes with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
            Self::Webm => "video/webm",
        }
    }

    /// Whether this is a video container (kept as it is) rather than an image (re-rendered).
    pub fn is_video(self) -> bool {
        matches!(self, Self::Mp4 | Self::Webm)
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Brands of ISO base media files that are MP4 video. HEIF/AVIF still images and QuickTime
/// share the `ftyp` box but are not what the viewer plays, so they are refused.
const MP4_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"dash", b"M4V ", b"MSNV", b"mmp4", b"3gp4", b"3gp5", b"3gp6",
    b"3g2a",
];
/// Image brands that also list `isom`-like compatible brands; their major brand decides.
const IMAGE_BRANDS: &[&[u8; 4]] =
    &[b"mif1", b"msf1", b"heic", b"heix", b"hevc", b"hevx", b"avif", b"avis", b"qt  "];

/// Decides the format from the bytes. Anything other than the five supported formats is
/// [`MediaError::Unsupported`]; no bytes at all is [`MediaError::Empty`].
pub fn sniff(bytes: &[u8]) -> Result<MediaFormat, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaFormat::Jpeg);
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return Ok(MediaFormat::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(MediaFormat::Webp);
    }
    if bytes.len() >= 8 && &bytes[4..8] == b"ftyp" {
        return if is_mp4_ftyp(bytes) {
            Ok(MediaFormat::Mp4)
        } else {
            Err(MediaError::Unsupported)
        };
    }
    if bytes.starts_with(&webm::EBML_MAGIC) {
        return match webm::doc_type(bytes) {
            Some(doc_type) if doc_type == b"webm" => Ok(MediaFormat::Webm),
            _ => Err(MediaError::Unsupported),
        };
    }
    Err(MediaError::Unsupported)
}

/// Reads the `ftyp` box (major brand, minor version, compatible brands) within its stated
/// size and the input's length.
fn is_mp4_ftyp(bytes: &[u8]) -> bool {
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    if size < 16 || size > bytes.len() || size > 4096 {
        return false;
    }
    let major: &[u8; 4] = bytes[8..12].try_into().expect("four bytes");
    if IMAGE_BRANDS.contains(&major) {
        return false;
    }
    if MP4_BRANDS.contains(&major) {
        return true;
    }
    bytes[16..size].chunks_exact(4).any(|brand| MP4_BRANDS.iter().any(|known| &known[..] == brand))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut out = (size as u32).to_be_bytes().to_vec();
        out.extend_from_slice(b"ftyp");
        out.extend_from_slice(major);
        out.extend_from_slice(&[0, 0, 0, 0]);
        for brand in compatible {
            out.extend_from_slice(*brand);
        }
        out
    }

    type BrandCase<'a> = (&'a [u8; 4], &'a [&'a [u8; 4]], Result<MediaFormat, MediaError>);

    #[test]
    fn ftyp_brands_decide_between_mp4_and_still_images() {
        let cases: &[BrandCase] = &[
            (b"isom", &[b"isom", b"avc1"], Ok(MediaFormat::Mp4)),
            (b"mp42", &[], Ok(MediaFormat::Mp4)),
            (b"XXXX", &[b"mp41"], Ok(MediaFormat::Mp4)),
            (b"heic", &[b"mif1", b"isom"], Err(MediaError::Unsupported)),
            (b"avif", &[b"mif1", b"miaf"], Err(MediaError::Unsupported)),
            (b"qt  ", &[b"qt  "], Err(MediaError::Unsupported)),
            (b"XXXX", &[b"YYYY"], Err(MediaError::Unsupported)),
        ];
        for (major, compatible, expected) in cases {
            assert_eq!(sniff(&ftyp(major, compatible)), *expected, "{major:?}");
        }
    }

    #[test]
    fn ftyp_with_hostile_size_is_unsupported_not_a_panic() {
        for size in [0u32, 7, 15, 1_000_000, u32::MAX] {
            let mut bytes = ftyp(b"isom", &[]);
            bytes[0..4].copy_from_slice(&size.to_be_bytes());
            assert_eq!(sniff(&bytes), Err(MediaError::Unsupported), "size {size}");
        }
    }

    #[test]
    fn magic_numbers_decide() {
        let cases: &[(&[u8], Result<MediaFormat, MediaError>)] = &[
            (b"", Err(MediaError::Empty)),
            (b"\xFF\xD8\xFF\xE0", Ok(MediaFormat::Jpeg)),
            (b"\xFF\xD8", Err(MediaError::Unsupported)),
            (b"\x89PNG\r\n\x1a\nrest", Ok(MediaFormat::Png)),
            (b"\x89PNG\r\n", Err(MediaError::Unsupported)),
            (b"RIFF\0\0\0\0WEBPVP8 ", Ok(MediaFormat::Webp)),
            (b"RIFF\0\0\0\0WAVEfmt ", Err(MediaError::Unsupported)),
            (b"GIF89a", Err(MediaError::Unsupported)),
            (b"%PDF-1.7", Err(MediaError::Unsupported)),
            (b"\x1A\x45\xDF\xA3", Err(MediaError::Unsupported)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), *expected, "{bytes:?}");
        }
    }
}
