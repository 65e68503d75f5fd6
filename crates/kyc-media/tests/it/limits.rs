//! Limits are checked before work: byte size, declared pixels, decoder memory.

use std::time::Instant;

use image::{ImageFormat, RgbImage};
use kyc_media::{Limits, MediaError, inspect_video, prepare_image};

use crate::{encode, jpeg, noise_image, watermark};

/// A valid PNG whose IHDR is rewritten to claim `width` × `height` (CRC fixed up), followed by
/// the small image's real pixel data.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = encode(&RgbImage::new(4, 4), ImageFormat::Png);
    // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// A real decompression bomb: a 1-bit greyscale PNG of `width` × `height` zero pixels, a few
/// kilobytes on disk, gigabytes once decoded to RGB.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row = vec![0u8; width.div_ceil(8) as usize];
    for _ in 0..height {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    writer.finish().unwrap();
    out
}

#[test]
fn png_header_claiming_60000_squared_is_refused_before_decoding() {
    let bytes = png_claiming(60_000, 60_000);
    assert!(bytes.len() < 200);
    let start = Instant::now();
    let result = prepare_image(&bytes, &Limits::default(), &watermark());
    // Informational only: the refusal comes from the header, so it takes microseconds.
    eprintln!("60000x60000 header refused in {:?}", start.elapsed());
    assert_eq!(
        result,
        Err(MediaError::TooManyPixels { width: 60_000, height: 60_000, limit: 100_000_000 })
    );
}

#[test]
fn real_png_bomb_over_the_pixel_limit_is_refused() {
    let bytes = bomb_png(12_000, 10_000);
    assert!(bytes.len() < 1_000_000, "bomb is {} bytes", bytes.len());
    let result = prepare_image(&bytes, &Limits::default(), &watermark());
    assert_eq!(
        result,
        Err(MediaError::TooManyPixels { width: 12_000, height: 10_000, limit: 100_000_000 })
    );
}

#[test]
fn bomb_under_the_pixel_limit_is_stopped_by_the_allocation_limit() {
    let bytes = bomb_png(4000, 3000);
    let limits = Limits { max_alloc: 16 * 1024 * 1024, ..Limits::default() };
    assert_eq!(
        prepare_image(&bytes, &limits, &watermark()),
        Err(MediaError::AllocationLimit { limit: 16 * 1024 * 1024 })
    );
}

#[test]
fn pixel_limit_is_inclusive() {
    let limits = Limits { max_pixels: 100 * 100, ..Limits::default() };
    let table = [((100, 100), true), ((50, 200), true), ((101, 100), false), ((10_001, 1), false)];
    for ((w, h), accepted) in table {
        let input = encode(&RgbImage::new(w, h), ImageFormat::Png);
        let result = prepare_image(&input, &limits, &watermark());
        if accepted {
            assert!(result.is_ok(), "{w}x{h}: {result:?}");
        } else {
            assert_eq!(
                result,
                Err(MediaError::TooManyPixels { width: w, height: h, limit: 10_000 }),
                "{w}x{h}"
            );
        }
    }
}

#[test]
fn jpeg_header_over_the_pixel_limit_is_refused() {
    let limits = Limits { max_pixels: 1000, ..Limits::default() };
    let bytes = jpeg(&noise_image(40, 30));
    assert_eq!(
        prepare_image(&bytes, &limits, &watermark()),
        Err(MediaError::TooManyPixels { width: 40, height: 30, limit: 1000 })
    );
}

#[test]
fn byte_limits_are_checked_first() {
    let image = jpeg(&noise_image(64, 64));
    let size = image.len() as u64;
    let limits = Limits { max_bytes: size - 1, max_video_bytes: 10, ..Limits::default() };
    assert_eq!(
        prepare_image(&image, &limits, &watermark()),
        Err(MediaError::TooLarge { size, limit: size - 1 })
    );
    let at_limit = Limits { max_bytes: size, ..Limits::default() };
    assert!(prepare_image(&image, &at_limit, &watermark()).is_ok());

    // Checked before sniffing: even garbage over the limit is "too large".
    assert_eq!(
        inspect_video(&[0u8; 11], &limits),
        Err(MediaError::TooLarge { size: 11, limit: 10 })
    );
}

#[test]
fn error_messages_carry_no_input_bytes() {
    let marker = "KYCMARKER-ERROR-TEXT";
    let mut bytes = jpeg(&noise_image(16, 16));
    bytes.truncate(bytes.len() / 2);
    bytes.extend_from_slice(marker.as_bytes());
    let error = prepare_image(&bytes, &Limits::default(), &watermark()).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(marker), "{shown}");
}
