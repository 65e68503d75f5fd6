//! Integration tests of kyc-media through its public API. Every input is generated here (with
//! `image`, `png` and hand-built container bytes); nothing binary is committed.

mod images;
mod limits;
mod properties;
mod video;

use std::io::Cursor;

use image::{ImageFormat, RgbImage};
use kyc_media::Watermark;

/// The watermark every test uses.
pub fn watermark() -> Watermark {
    Watermark {
        reviewer: kyc_model::UserId::parse("u_reviewer7").unwrap(),
        case_ref: "c-42".to_owned(),
        at: time::macros::datetime!(2026-11-27 12:45 UTC),
    }
}

/// Encodes with `image` in the given format.
pub fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A JPEG of `image` (quality 95, from `image`'s encoder).
pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95).encode_image(image).unwrap();
    out
}

/// Deterministic noise, so JPEGs have real entropy-coded data.
pub fn noise_image(width: u32, height: u32) -> RgbImage {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    RgbImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [r, g, b, ..] = state.to_le_bytes();
        image::Rgb([r, g, b])
    })
}

/// Inserts an APP1 segment right after SOI.
pub fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An Exif APP1 payload (big-endian TIFF) with an Orientation entry and, optionally, an
/// ImageDescription string.
pub fn exif(orientation: u16, description: Option<&str>) -> Vec<u8> {
    let n_entries: u16 = if description.is_some() { 2 } else { 1 };
    let data_offset = 8 + 2 + 12 * u32::from(n_entries) + 4;
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&n_entries.to_be_bytes());
    if let Some(text) = description {
        // ImageDescription (0x010E), ASCII, NUL-terminated, stored after the IFD.
        tiff.extend_from_slice(&[0x01, 0x0E, 0x00, 0x02]);
        tiff.extend_from_slice(&(text.len() as u32 + 1).to_be_bytes());
        tiff.extend_from_slice(&data_offset.to_be_bytes());
    }
    // Orientation (0x0112), SHORT, count 1, value in the first two bytes.
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    if let Some(text) = description {
        tiff.extend_from_slice(text.as_bytes());
        tiff.push(0);
    }
    [&b"Exif\0\0"[..], &tiff].concat()
}

/// Decodes a rendition's bytes back to RGB.
pub fn decode_rgb(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).unwrap().into_rgb8()
}

/// The markers of a JPEG's header segments, from SOI up to and including SOS.
pub fn jpeg_header_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    let mut markers = Vec::new();
    let mut pos = 2;
    loop {
        assert_eq!(bytes[pos], 0xFF, "marker expected at {pos}");
        let marker = bytes[pos + 1];
        markers.push(marker);
        if marker == 0xDA {
            return markers;
        }
        let length = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        pos += 2 + length;
    }
}
