//! Orientation, format by bytes, metadata stripping, watermark and rendition sizes.

use image::{ImageDecoder, ImageFormat, Rgb, RgbImage};
use kyc_media::{
    DISPLAY_MAX_SIDE, Limits, MediaError, MediaFormat, THUMBNAIL_MAX_SIDE, prepare_image, sniff,
};

use crate::{
    decode_rgb, encode, exif, jpeg, jpeg_header_markers, noise_image, watermark, with_app1,
};

const RED: Rgb<u8> = Rgb([230, 20, 20]);
const GREEN: Rgb<u8> = Rgb([20, 200, 20]);
const GREY: Rgb<u8> = Rgb([128, 128, 128]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}
use Corner::*;

/// 96 × 64, grey, with a red block in the stored top-left corner and a green one in the
/// stored top-right corner.
fn marked_image() -> RgbImage {
    RgbImage::from_fn(96, 64, |x, y| match (x, y) {
        (0..32, 0..32) => RED,
        (64.., 0..32) => GREEN,
        _ => GREY,
    })
}

/// The mean colour of the 16 × 16 pixels just inside `corner`, leaving out pixels the
/// watermark covers.
fn corner_colour(image: &RgbImage, coverage: &[bool], corner: Corner) -> [f64; 3] {
    let (w, h) = image.dimensions();
    let (x0, y0) = match corner {
        TopLeft => (8, 8),
        TopRight => (w - 24, 8),
        BottomLeft => (8, h - 24),
        BottomRight => (w - 24, h - 24),
    };
    let mut sum = [0f64; 3];
    let mut n = 0f64;
    for y in y0..y0 + 16 {
        for x in x0..x0 + 16 {
            if coverage[(y * w + x) as usize] {
                continue;
            }
            let pixel = image.get_pixel(x, y);
            for c in 0..3 {
                sum[c] += f64::from(pixel[c]);
            }
            n += 1.0;
        }
    }
    assert!(n > 50.0, "corner {corner:?} is mostly watermark");
    sum.map(|s| s / n)
}

fn is_red(c: [f64; 3]) -> bool {
    c[0] > c[1] + 80.0 && c[0] > c[2] + 80.0
}

fn is_green(c: [f64; 3]) -> bool {
    c[1] > c[0] + 80.0 && c[1] > c[2] + 80.0
}

#[test]
fn exif_orientation_all_eight_cases() {
    // (Exif orientation, width and height swapped, where stored top-left ends up, where stored
    // top-right ends up). `None` means no Exif segment at all.
    let table: &[(Option<u16>, bool, Corner, Corner)] = &[
        (None, false, TopLeft, TopRight),
        (Some(1), false, TopLeft, TopRight),
        (Some(2), false, TopRight, TopLeft),
        (Some(3), false, BottomRight, BottomLeft),
        (Some(4), false, BottomLeft, BottomRight),
        (Some(5), true, TopLeft, BottomLeft),
        (Some(6), true, TopRight, BottomRight),
        (Some(7), true, BottomRight, TopRight),
        (Some(8), true, BottomLeft, TopLeft),
        // Out-of-range values are ignored rather than failing the image.
        (Some(0), false, TopLeft, TopRight),
        (Some(9), false, TopLeft, TopRight),
    ];
    let source = jpeg(&marked_image());
    for &(orientation, swapped, red_at, green_at) in table {
        let input = match orientation {
            Some(value) => with_app1(&source, &exif(value, None)),
            None => source.clone(),
        };
        let renditions = prepare_image(&input, &Limits::default(), &watermark()).unwrap();
        let display = decode_rgb(&renditions.display.bytes);
        let expected = if swapped { (64, 96) } else { (96, 64) };
        assert_eq!(display.dimensions(), expected, "orientation {orientation:?}");
        assert_eq!(
            (renditions.display.width, renditions.display.height),
            expected,
            "reported size, orientation {orientation:?}"
        );
        let coverage = watermark().coverage(expected.0, expected.1);
        for corner in [TopLeft, TopRight, BottomLeft, BottomRight] {
            let colour = corner_colour(&display, &coverage, corner);
            assert_eq!(is_red(colour), corner == red_at, "orientation {orientation:?} {corner:?}");
            assert_eq!(
                is_green(colour),
                corner == green_at,
                "orientation {orientation:?} {corner:?}"
            );
        }
    }
}

#[test]
fn bytes_decide_the_format_not_the_name() {
    // There are no names in the API: a PNG that arrived as "id_front.jpg" is sniffed and
    // decoded as the PNG it is.
    let png = encode(&noise_image(40, 30), ImageFormat::Png);
    assert_eq!(sniff(&png), Ok(MediaFormat::Png));
    let renditions = prepare_image(&png, &Limits::default(), &watermark()).unwrap();
    assert_eq!((renditions.display.width, renditions.display.height), (40, 30));

    let webp = encode(&noise_image(40, 30), ImageFormat::WebP);
    assert_eq!(sniff(&webp), Ok(MediaFormat::Webp));
    assert!(prepare_image(&webp, &Limits::default(), &watermark()).is_ok());
}

#[test]
fn greyscale_jpeg_renders_in_grey() {
    // Greyscale JPEGs take the RGB path (only three-component JPEGs stay in YCbCr).
    let grey = image::GrayImage::from_pixel(64, 48, image::Luma([90]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95).encode_image(&grey).unwrap();
    let renditions = prepare_image(&bytes, &Limits::default(), &watermark()).unwrap();
    let image = decode_rgb(&renditions.display.bytes);
    let coverage = watermark().coverage(64, 48);
    let free = (0..64 * 48).find(|i| !coverage[*i as usize]).unwrap();
    let pixel = image.get_pixel(free % 64, free / 64);
    assert!(pixel.0.iter().all(|c| c.abs_diff(90) <= 3), "{pixel:?}");
}

#[test]
fn text_gif_and_other_formats_are_unsupported() {
    // A text file named "passport.png" and formats the workstation does not take.
    let inputs: [&[u8]; 5] = [
        b"this is a text file named passport.png\n",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00",
        b"%PDF-1.7\n",
        b"II*\x00\x08\x00\x00\x00",
    ];
    for bytes in inputs {
        assert_eq!(sniff(bytes), Err(MediaError::Unsupported));
        assert_eq!(
            prepare_image(bytes, &Limits::default(), &watermark()),
            Err(MediaError::Unsupported)
        );
    }
}

#[test]
fn zero_byte_input_is_empty_everywhere() {
    assert_eq!(sniff(&[]), Err(MediaError::Empty));
    assert_eq!(prepare_image(&[], &Limits::default(), &watermark()), Err(MediaError::Empty));
    assert_eq!(kyc_media::inspect_video(&[], &Limits::default()), Err(MediaError::Empty));
}

#[test]
fn truncated_jpeg_is_corrupt_at_every_cut() {
    let whole = jpeg(&noise_image(64, 48));
    assert!(prepare_image(&whole, &Limits::default(), &watermark()).is_ok());
    for cut in [3, 20, whole.len() / 3, whole.len() / 2, whole.len() - 2] {
        let result = prepare_image(&whole[..cut], &Limits::default(), &watermark());
        assert!(
            matches!(result, Err(MediaError::Corrupt { .. })),
            "cut at {cut} of {}: {result:?}",
            whole.len()
        );
    }
}

#[test]
fn truncated_png_and_webp_are_corrupt() {
    for format in [ImageFormat::Png, ImageFormat::WebP] {
        let whole = encode(&noise_image(64, 48), format);
        let result = prepare_image(&whole[..whole.len() / 2], &Limits::default(), &watermark());
        assert!(matches!(result, Err(MediaError::Corrupt { .. })), "{format:?}: {result:?}");
    }
}

#[test]
fn jpeg_with_a_trailer_after_eoi_is_accepted() {
    // Phones append data after End Of Image (motion photos); the image itself is complete.
    let mut bytes = jpeg(&noise_image(32, 32));
    bytes.extend_from_slice(b"\0\0\0\x18ftypmp42 trailing video");
    assert!(prepare_image(&bytes, &Limits::default(), &watermark()).is_ok());
}

#[test]
fn output_carries_no_exif_or_other_metadata() {
    const MARKER: &str = "KYCMARKER-GPS-31.2304N-121.4737E";
    let input = with_app1(&jpeg(&noise_image(300, 200)), &exif(6, Some(MARKER)));
    // The input really carries the marker and the Exif block.
    assert!(input.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()));

    let renditions = prepare_image(&input, &Limits::default(), &watermark()).unwrap();
    for rendition in [&renditions.display, &renditions.thumbnail] {
        assert_eq!(rendition.content_type, "image/jpeg");
        let bytes = &rendition.bytes;
        assert!(!bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()));
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"));
        // Header segments: JFIF APP0, tables, frame, scan. No APP1..APP15, no comment.
        for marker in jpeg_header_markers(bytes) {
            assert!(
                matches!(marker, 0xE0 | 0xDB | 0xC0 | 0xC4 | 0xDA | 0xDD),
                "unexpected header segment 0x{marker:02X}"
            );
        }
        let mut decoder =
            image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(decoder.exif_metadata().unwrap(), None);
        assert_eq!(decoder.icc_profile().unwrap(), None);
        assert_eq!(decoder.xmp_metadata().unwrap(), None);
    }
}

#[test]
fn png_text_chunks_do_not_reach_the_output() {
    const MARKER: &[u8] = b"KYCMARKER-PNG-TEXT";
    let png = encode(&noise_image(50, 40), ImageFormat::Png);
    // Insert a tEXt chunk after IHDR (8 signature bytes + 25 IHDR bytes).
    let body = [&b"tEXt"[..], b"Comment\0", MARKER].concat();
    let mut chunk = ((body.len() - 4) as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
    let input = [&png[..33], &chunk, &png[33..]].concat();
    assert!(image::load_from_memory(&input).is_ok(), "the test input is a valid PNG");

    let renditions = prepare_image(&input, &Limits::default(), &watermark()).unwrap();
    for bytes in [&renditions.display.bytes, &renditions.thumbnail.bytes] {
        assert!(!bytes.windows(MARKER.len()).any(|w| w == MARKER));
    }
}

/// A flat grey image is its own unwatermarked rendition: resizing and JPEG coding keep it
/// flat, so every difference from grey is the watermark.
fn check_watermark(rendition: &kyc_media::Rendition) {
    let image = decode_rgb(&rendition.bytes);
    let (w, h) = image.dimensions();
    assert_eq!((w, h), (rendition.width, rendition.height));
    let coverage = watermark().coverage(w, h);
    let covered = coverage.iter().filter(|c| **c).count();
    assert!(covered > (w * h / 50) as usize, "watermark covers only {covered} pixels");

    // Within the tiles: covered pixels differ clearly from grey on average.
    let mut diff_covered = 0f64;
    // Outside: a 16 × 16 JPEG block with no covered pixel comes out as flat grey.
    for by in (0..h / 16).map(|b| b * 16) {
        for bx in (0..w / 16).map(|b| b * 16) {
            let block_covered =
                (by..by + 16).any(|y| (bx..bx + 16).any(|x| coverage[(y * w + x) as usize]));
            for y in by..by + 16 {
                for x in bx..bx + 16 {
                    let value = image.get_pixel(x, y)[0];
                    if !block_covered {
                        assert!(value.abs_diff(128) <= 2, "untouched block at {bx},{by}: {value}");
                    }
                }
            }
        }
    }
    for (i, is_covered) in coverage.iter().enumerate() {
        if *is_covered {
            let pixel = image.get_pixel(i as u32 % w, i as u32 / w);
            diff_covered += f64::from(pixel[0].abs_diff(128));
        }
    }
    let mean = diff_covered / covered as f64;
    assert!(mean > 25.0, "watermark pixels differ from grey by only {mean:.1} on average");
}

#[test]
fn watermark_is_drawn_in_its_tiles_and_nowhere_else() {
    // PNG takes the RGB path, JPEG the YCbCr path; both must draw the same watermark.
    let grey = RgbImage::from_pixel(1200, 900, GREY);
    for input in [encode(&grey, ImageFormat::Png), jpeg(&grey)] {
        let renditions = prepare_image(&input, &Limits::default(), &watermark()).unwrap();
        check_watermark(&renditions.display);
        check_watermark(&renditions.thumbnail);
    }
}

#[test]
fn renditions_fit_their_bounds_and_small_images_are_never_upscaled() {
    // (source size, display size, thumbnail size)
    let table = [
        ((3000, 1000), (2560, 853), (320, 107)),
        ((1000, 3000), (853, 2560), (107, 320)),
        ((2560, 40), (2560, 40), (320, 5)),
        ((640, 480), (640, 480), (320, 240)),
        ((200, 100), (200, 100), (200, 100)),
        ((1, 1), (1, 1), (1, 1)),
    ];
    for ((w, h), display, thumbnail) in table {
        let input = encode(&RgbImage::from_pixel(w, h, GREY), ImageFormat::Png);
        let renditions = prepare_image(&input, &Limits::default(), &watermark()).unwrap();
        for (rendition, expected, bound) in [
            (&renditions.display, display, DISPLAY_MAX_SIDE),
            (&renditions.thumbnail, thumbnail, THUMBNAIL_MAX_SIDE),
        ] {
            assert_eq!((rendition.width, rendition.height), expected, "{w}x{h}");
            assert_eq!(decode_rgb(&rendition.bytes).dimensions(), expected, "{w}x{h}");
            assert!(rendition.width.max(rendition.height) <= bound);
        }
    }
}

#[test]
fn transparent_png_is_flattened_onto_white() {
    let clear = image::RgbaImage::from_pixel(64, 64, image::Rgba([0, 0, 0, 0]));
    let mut bytes = Vec::new();
    clear.write_to(&mut std::io::Cursor::new(&mut bytes), ImageFormat::Png).unwrap();
    let renditions = prepare_image(&bytes, &Limits::default(), &watermark()).unwrap();
    let image = decode_rgb(&renditions.display.bytes);
    let coverage = watermark().coverage(64, 64);
    let uncovered = (0..64 * 64).find(|i| !coverage[*i as usize]).unwrap();
    let pixel = image.get_pixel(uncovered % 64, uncovered / 64);
    assert!(pixel.0.iter().all(|c| *c >= 250), "transparent shown as {pixel:?}");
}

#[test]
fn debug_output_of_a_rendition_never_shows_its_bytes() {
    let input = encode(&noise_image(20, 20), ImageFormat::Png);
    let renditions = prepare_image(&input, &Limits::default(), &watermark()).unwrap();
    let debug = format!("{renditions:?}");
    assert!(debug.contains("bytes>"), "{debug}");
    assert!(!debug.contains("255, 216"), "JPEG bytes leaked into Debug: {debug}");
}
