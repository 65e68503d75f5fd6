//! Media: images decode at the intended sizes; the face video is a well-formed H.264 MP4 that
//! GStreamer (WebKitGTK's media stack) decodes.

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

/// The face videos of the sample, with the index of their case.
fn face_videos() -> Vec<(usize, &'static [u8])> {
    let videos: Vec<_> = sample()
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.media.iter().filter(|m| m.content_type == "video/mp4").map(move |m| (i, &m.bytes[..]))
        })
        .collect();
    assert!(videos.len() >= 2, "the sample has face videos");
    videos
}

fn be16(b: &[u8], at: usize) -> usize {
    u16::from_be_bytes(b[at..at + 2].try_into().unwrap()) as usize
}

/// The entries of a `(count, value)` run table (`stts`) expanded, or of a plain table.
fn table(body: &[u8], width: usize) -> Vec<usize> {
    let n = be32(body, 4);
    (0..n).map(|i| be32(body, 8 + width * i)).collect()
}

#[test]
fn face_video_is_an_h264_mp4_with_correct_sample_tables() {
    for (_, file) in face_videos() {
        let top = boxes(file, 0);
        assert_eq!(&top[0].kind, b"ftyp");
        assert_eq!(&top[0].body[..4], b"isom");
        assert!(top[0].body[8..].chunks(4).any(|b| b == b"avc1"), "avc1 compatible brand");
        let kinds: Vec<_> = top.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [*b"ftyp", *b"free", *b"moov", *b"mdat"], "moov before mdat");
        let moov = boxes(child(&top, b"moov"), 0);
        let mvhd = child(&moov, b"mvhd");
        let (timescale, duration) = (be32(mvhd, 12), be32(mvhd, 16));
        assert_eq!(duration * 1000 / timescale, 2000, "two seconds");
        let trak = boxes(child(&moov, b"trak"), 0);
        let tkhd = child(&trak, b"tkhd");
        assert_eq!((be32(tkhd, 76) >> 16, be32(tkhd, 80) >> 16), (320, 240));
        let mdia = boxes(child(&trak, b"mdia"), 0);
        assert_eq!(&child(&mdia, b"hdlr")[8..12], b"vide");
        let mdhd = child(&mdia, b"mdhd");
        let (media_timescale, media_duration) = (be32(mdhd, 12), be32(mdhd, 16));
        assert_eq!(media_duration, 2 * media_timescale, "media duration is two seconds too");
        let minf = boxes(child(&mdia, b"minf"), 0);
        let stbl = boxes(child(&minf, b"stbl"), 0);

        // Sample description: avc1 with an avcC holding exactly the encoder's SPS and PPS.
        let stsd = child(&stbl, b"stsd");
        assert_eq!(be32(stsd, 4), 1);
        let entry = &boxes(&stsd[8..], 0)[0];
        assert_eq!(&entry.kind, b"avc1", "H.264 sample entry");
        assert_eq!((be16(entry.body, 24), be16(entry.body, 26)), (320, 240));
        let avcc = child(&boxes(&entry.body[78..], 0), b"avcC");
        assert_eq!(avcc[0], 1, "configurationVersion");
        assert_eq!(avcc[1], 66, "Baseline profile");
        assert_ne!(avcc[2] & 0x40, 0, "constraint_set1: Constrained Baseline");
        assert_eq!(avcc[4] & 3, 3, "4-byte NAL lengths");
        assert_eq!(avcc[5] & 0x1F, 1, "one SPS");
        let sps_len = be16(avcc, 6);
        let sps = &avcc[8..8 + sps_len];
        assert_eq!(sps[0] & 0x1F, 7, "an SPS");
        assert_eq!(&sps[1..4], &avcc[1..4], "profile, flags and level agree with the SPS");
        let pps_at = 8 + sps_len;
        assert_eq!(avcc[pps_at], 1, "one PPS");
        let pps_len = be16(avcc, pps_at + 1);
        assert_eq!(avcc[pps_at + 3] & 0x1F, 8, "a PPS");
        assert_eq!(pps_at + 3 + pps_len, avcc.len(), "nothing after the PPS");

        // Timing: 20 samples of 1/10 s each.
        let stts = child(&stbl, b"stts");
        let runs = be32(stts, 4);
        let mut deltas = Vec::new();
        for r in 0..runs {
            let (count, delta) = (be32(stts, 8 + 8 * r), be32(stts, 12 + 8 * r));
            deltas.extend(std::iter::repeat_n(delta, count));
        }
        assert_eq!(deltas, vec![media_timescale / 10; 20], "10 fps for 2 s");

        // Sizes and the one chunk tile the mdat payload exactly.
        let stsz = child(&stbl, b"stsz");
        assert_eq!(be32(stsz, 4), 0, "per-sample sizes");
        let sizes: Vec<usize> = (0..be32(stsz, 8)).map(|i| be32(stsz, 12 + 4 * i)).collect();
        assert_eq!(sizes.len(), 20);
        assert_eq!(table(child(&stbl, b"stsc"), 12), [1], "one chunk");
        assert_eq!(be32(child(&stbl, b"stsc"), 12), 20, "holding every sample");
        let stco = table(child(&stbl, b"stco"), 4);
        let mdat = top.iter().find(|b| &b.kind == b"mdat").expect("mdat");
        assert_eq!(stco, [mdat.offset], "chunk offset points at the mdat payload");
        assert_eq!(sizes.iter().sum::<usize>(), mdat.body.len());

        // Sync samples: exactly the samples that start with an IDR slice, one a second.
        let sync = table(child(&stbl, b"stss"), 4);
        assert_eq!(sync, [1, 11], "an IDR frame every second");
        let mut at = stco[0];
        for (i, size) in sizes.iter().enumerate() {
            let sample = &file[at..at + size];
            let mut nal_types = Vec::new();
            let mut pos = 0;
            while pos < sample.len() {
                let len = be32(sample, pos);
                assert!(len > 0 && pos + 4 + len <= sample.len(), "sample {i}: NAL length");
                nal_types.push(sample[pos + 4] & 0x1F);
                pos += 4 + len;
            }
            assert!(!nal_types.contains(&7) && !nal_types.contains(&8), "parameter sets in avcC");
            let expected = if sync.contains(&(i + 1)) { 5 } else { 1 };
            assert_eq!(nal_types, [expected], "sample {i}: one slice, IDR only when sync");
            at += size;
        }
        assert!(file.len() < 100_000, "a small video: {} bytes", file.len());
    }
}

#[test]
fn face_video_bytes_depend_only_on_the_seed() {
    // `sample()` was generated on worker threads; this regenerates on the test's thread.
    for (i, file) in face_videos() {
        let again = kyc_synth::generate_one(i as u64, &crate::opts(1));
        let video = again.media.iter().find(|m| m.content_type == "video/mp4").unwrap();
        assert!(video.bytes == file, "case {i}: the same seed gives the same video bytes");
    }
}

/// Decodes an MP4 file with GStreamer's automatic decoder selection (`decodebin`, as WebKitGTK
/// lets GStreamer choose) into raw RGB frames. Fails with instructions when GStreamer or an
/// H.264 decoder (`avdec_h264` from `gstreamer1.0-libav`, or Fedora's `openh264dec`) is
/// missing: WebKitGTK could not play the face videos either. Playing them in the real webview
/// is the end-to-end suite's part.
pub fn decode_with_gstreamer(file: &[u8], dir: &std::path::Path) -> Vec<u8> {
    let setup = "run `cargo xtask setup` (installs gstreamer1.0-libav and gstreamer1.0-tools)";
    let has_element =
        |name: &str| match std::process::Command::new("gst-inspect-1.0").arg(name).output() {
            Ok(out) => out.status.success(),
            Err(e) => panic!("gst-inspect-1.0 not found ({e}): {setup}"),
        };
    assert!(
        has_element("avdec_h264") || has_element("openh264dec"),
        "GStreamer has no H.264 decoder (avdec_h264), so WebKitGTK cannot play face videos: {setup}"
    );
    let input = dir.join("face.mp4");
    let output = dir.join("face.rgb");
    std::fs::write(&input, file).unwrap();
    let status = std::process::Command::new("gst-launch-1.0")
        .arg("-q")
        .arg("filesrc")
        .arg(format!("location={}", input.display()))
        .args(["!", "decodebin", "!", "videoconvert", "!", "video/x-raw,format=RGB", "!"])
        .arg("filesink")
        .arg(format!("location={}", output.display()))
        .status()
        .expect("gst-launch-1.0 runs");
    assert!(status.success(), "GStreamer failed to decode the face video");
    std::fs::read(&output).unwrap()
}

#[test]
fn face_video_decodes_in_gstreamer_as_webkitgtk_plays_it() {
    let (_, file) = face_videos()[0];
    let dir = tempfile::tempdir().unwrap();
    let rgb = decode_with_gstreamer(file, dir.path());
    let frame_len = 320 * 240 * 3;
    assert_eq!(rgb.len(), 20 * frame_len, "all 20 frames decode at 320×240");
    let frames: Vec<&[u8]> = rgb.chunks(frame_len).collect();
    for (i, frame) in frames.iter().enumerate() {
        let distinct: std::collections::HashSet<_> = frame.chunks(3).step_by(37).collect();
        assert!(distinct.len() > 20, "frame {i} shows a drawn face, not a blank picture");
    }
    // The head moves and blinks: frames differ, and by more than coding noise.
    let diff = |a: &[u8], b: &[u8]| a.iter().zip(b).filter(|(x, y)| x.abs_diff(**y) > 40).count();
    assert!(diff(frames[0], frames[8]) > 500, "the blink frame differs from the first");
    assert!(diff(frames[0], frames[1]) < diff(frames[0], frames[5]), "motion is gradual");
}
