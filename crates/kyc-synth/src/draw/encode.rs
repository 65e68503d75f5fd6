//! Encoding with an embedded marker run: a JPEG COM segment, a private PNG chunk. The marker
//! is stored raw so that a privacy scan for its bytes finds the file (and anything that
//! copies the file verbatim).

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use super::canvas::Canvas;

/// Prefix of the marker payload, so a human looking at a hex dump knows what it is.
const TAG: &[u8] = b"kyc-synth marker:";

/// JPEG quality of generated images.
pub(crate) const JPEG_QUALITY: u8 = 85;

/// Encodes as baseline JPEG and inserts a COM segment with the marker after the JFIF APP0
/// segment (or after SOI when there is none).
pub(crate) fn jpeg(canvas: &Canvas, marker: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // jpeg-encoder rather than image's encoder: about twice as fast (it matters in debug
    // builds, where generic encoder code runs unoptimised in this crate).
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    let (w, h) = (canvas.width.min(65_535) as u16, canvas.height.min(65_535) as u16);
    encoder
        .encode(&canvas.pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .expect("encoding an in-memory RGB buffer of matching size cannot fail");
    let mut at = 2;
    if out.len() > 6 && out[2] == 0xFF && out[3] == 0xE0 {
        at = 4 + usize::from(u16::from_be_bytes([out[4], out[5]]));
    }
    let payload_len = TAG.len() + marker.len() + 2;
    let mut seg = vec![0xFF, 0xFE];
    seg.extend_from_slice(&(payload_len as u16).to_be_bytes());
    seg.extend_from_slice(TAG);
    seg.extend_from_slice(marker);
    out.splice(at..at, seg);
    out
}

/// Encodes as PNG and inserts a private ancillary chunk `kyMk` with the marker after IHDR.
pub(crate) fn png(canvas: &Canvas, marker: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(&canvas.pixels, canvas.width, canvas.height, image::ExtendedColorType::Rgb8)
        .expect("encoding an in-memory RGB buffer of matching size cannot fail");
    // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
    let at = 8 + 25;
    let mut data = TAG.to_vec();
    data.extend_from_slice(marker);
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"kyMk");
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&crc32fast::hash(&chunk[4..]).to_be_bytes());
    out.splice(at..at, chunk);
    out
}
