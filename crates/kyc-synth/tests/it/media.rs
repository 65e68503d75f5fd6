//! Media: images decode at the intended sizes; the face video is a well-formed MP4 whose
//! samples are JPEG frames.

use kyc_model::DocumentKind;

use crate::sample;

#[test]
fn images_decode_with_the_declared_type() {
    let mut big = 0;
    for c in sample() {
        for (doc, m) in c.case.documents.iter().zip(&c.media) {
            if doc.kind == DocumentKind::FaceVideo {
                assert_eq!(m.content_type, "video/mp4");
                continue;
            }
            let format = match m.content_type {
                "image/jpeg" => image::ImageFormat::Jpeg,
                "image/png" => image::ImageFormat::Png,
                other => panic!("unexpected content type {other}"),
            };
            assert_eq!(image::guess_format(&m.bytes).unwrap(), format);
            let img = image::load_from_memory_with_format(&m.bytes, format).expect("decodes");
            assert!(img.width() >= 320 && img.height() >= 240);
            if img.width() * img.height() >= 12_000_000 {
                big += 1;
            }
            // Not a blank canvas: a drawn document has many distinct colours.
            let rgb = img.to_rgb8();
            let distinct: std::collections::HashSet<_> =
                rgb.pixels().step_by(97).map(|p| p.0).collect();
            assert!(distinct.len() > 20, "{:?} looks blank", doc.kind);
        }
    }
    assert!(big >= 1, "a 4000×3000 image exercises the media pipeline");
}

struct Box<'a> {
    kind: [u8; 4],
    body: &'a [u8],
    offset: usize,
}

/// Walks the boxes in `data` (which starts at `base` in the file), checking every size.
fn boxes(data: &[u8], base: usize) -> Vec<Box<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        assert!(pos + 8 <= data.len(), "truncated box header");
        let size = u32::from_be_bytes(data[pos..pos + 4].try_into().unwrap()) as usize;
        assert!(size >= 8 && pos + size <= data.len(), "box size out of bounds");
        let kind: [u8; 4] = data[pos + 4..pos + 8].try_into().unwrap();
        out.push(Box { kind, body: &data[pos + 8..pos + size], offset: base + pos + 8 });
        pos += size;
    }
    out
}

fn child<'a>(parent: &[Box<'a>], kind: &[u8; 4]) -> &'a [u8] {
    let found: Vec<_> = parent.iter().filter(|b| &b.kind == kind).collect();
    assert_eq!(found.len(), 1, "exactly one {}", String::from_utf8_lossy(kind));
    found[0].body
}

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

#[test]
fn face_video_is_a_motion_jpeg_mp4() {
    let mut videos = 0;
    for c in sample() {
        for m in c.media.iter().filter(|m| m.content_type == "video/mp4") {
            videos += 1;
            let file = &m.bytes;
            let top = boxes(file, 0);
            assert_eq!(&top[0].kind, b"ftyp");
            assert_eq!(&top[0].body[..4], b"isom");
            let moov = boxes(child(&top, b"moov"), 0);
            let mvhd = child(&moov, b"mvhd");
            let (timescale, duration) = (be32(mvhd, 12), be32(mvhd, 16));
            assert_eq!(duration * 1000 / timescale, 2000, "two seconds");
            let trak = boxes(child(&moov, b"trak"), 0);
            let tkhd = child(&trak, b"tkhd");
            assert_eq!((be32(tkhd, 76) >> 16, be32(tkhd, 80) >> 16), (320, 240));
            let mdia = boxes(child(&trak, b"mdia"), 0);
            assert_eq!(&child(&mdia, b"hdlr")[8..12], b"vide");
            let minf = boxes(child(&mdia, b"minf"), 0);
            let stbl = boxes(child(&minf, b"stbl"), 0);
            let stsd = child(&stbl, b"stsd");
            assert_eq!(be32(stsd, 4), 1);
            assert_eq!(&stsd[12..16], b"jpeg", "Motion-JPEG sample entry");
            let stsz = child(&stbl, b"stsz");
            let n = be32(stsz, 8);
            assert_eq!(n, 20, "10 fps for 2 s");
            let sizes: Vec<usize> = (0..n).map(|i| be32(stsz, 12 + 4 * i)).collect();
            let stco = child(&stbl, b"stco");
            assert_eq!(be32(stco, 4), 1);
            let mdat = top.iter().find(|b| &b.kind == b"mdat").expect("mdat");
            let mut at = be32(stco, 8);
            assert_eq!(at, mdat.offset, "chunk offset points at the mdat payload");
            assert_eq!(sizes.iter().sum::<usize>(), mdat.body.len());
            for (i, size) in sizes.iter().enumerate() {
                let frame = &file[at..at + size];
                assert_eq!(&frame[..2], &[0xFF, 0xD8], "frame {i} is a JPEG");
                if i == 0 || i == n - 1 {
                    let img = image::load_from_memory_with_format(frame, image::ImageFormat::Jpeg)
                        .unwrap();
                    assert_eq!((img.width(), img.height()), (320, 240));
                }
                at += size;
            }
        }
    }
    assert!(videos >= 2);
}
