//! MP4 and WebM containers built here byte by byte: accepted with their duration and
//! dimensions, and hostile structures refused without panicking or looping.

use kyc_media::{
    Limits, MediaError, MediaFormat, VideoCodec, VideoInfo, check_playable, inspect_playable_video,
    inspect_video, plays_in_all_webviews, sniff,
};

// ---- MP4 ------------------------------------------------------------------------------------

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn ftyp() -> Vec<u8> {
    mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41")
}

/// `mvhd` version 0 with a timescale and duration.
fn mvhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut body = vec![0u8; 100];
    body[12..16].copy_from_slice(&timescale.to_be_bytes());
    body[16..20].copy_from_slice(&duration.to_be_bytes());
    mp4_box(b"mvhd", &body)
}

/// `mvhd` version 1 (64-bit times).
fn mvhd_v1(timescale: u32, duration: u64) -> Vec<u8> {
    let mut body = vec![0u8; 112];
    body[0] = 1;
    body[20..24].copy_from_slice(&timescale.to_be_bytes());
    body[24..32].copy_from_slice(&duration.to_be_bytes());
    mp4_box(b"mvhd", &body)
}

/// `tkhd` version 0 with a presentation size and a rotation of 0 or 90 degrees.
fn tkhd(width: u32, height: u32, rotated: bool) -> Vec<u8> {
    let mut body = vec![0u8; 84];
    let one = 0x0001_0000u32;
    let matrix: [u32; 9] = if rotated {
        [0, one, 0, one.wrapping_neg(), 0, 0, 0, 0, 0x4000_0000]
    } else {
        [one, 0, 0, 0, one, 0, 0, 0, 0x4000_0000]
    };
    for (i, value) in matrix.iter().enumerate() {
        body[40 + 4 * i..44 + 4 * i].copy_from_slice(&value.to_be_bytes());
    }
    body[76..80].copy_from_slice(&(width << 16).to_be_bytes());
    body[80..84].copy_from_slice(&(height << 16).to_be_bytes());
    mp4_box(b"tkhd", &body)
}

fn trak(handler: &[u8; 4], width: u32, height: u32, rotated: bool) -> Vec<u8> {
    trak_with(handler, tkhd(width, height, rotated))
}

fn trak_with(handler: &[u8; 4], tkhd: Vec<u8>) -> Vec<u8> {
    trak_full(handler, tkhd, &avc1(100))
}

/// A track whose only sample description is `entry`.
fn trak_full(handler: &[u8; 4], tkhd: Vec<u8>, entry: &[u8]) -> Vec<u8> {
    let hdlr = mp4_box(b"hdlr", &[&[0u8; 8][..], handler, &[0u8; 13]].concat());
    let minf = mp4_box(b"minf", &mp4_box(b"stbl", &stsd(&[entry])));
    let mdia = mp4_box(b"mdia", &[hdlr, minf].concat());
    mp4_box(b"trak", &[tkhd, mdia].concat())
}

fn stsd(entries: &[&[u8]]) -> Vec<u8> {
    let count = (entries.len() as u32).to_be_bytes();
    mp4_box(b"stsd", &[&[0u8; 4][..], &count, &entries.concat()].concat())
}

/// A visual sample entry of type `kind`: the 78 fixed bytes, then `children`.
fn sample_entry(kind: &[u8; 4], children: &[u8]) -> Vec<u8> {
    let mut fixed = vec![0u8; 78];
    fixed[7] = 1; // data reference index
    mp4_box(kind, &[fixed, children.to_vec()].concat())
}

/// An `avc1` entry whose `avcC` states `profile` (no parameter sets: enough for a container
/// check, which never decodes).
fn avc1(profile: u8) -> Vec<u8> {
    sample_entry(b"avc1", &mp4_box(b"avcC", &[1, profile, 0, 30, 0xFF, 0xE0, 0]))
}

/// A video-only MP4 of 2 s at 320×240 whose sample description is `entry`.
fn mp4_with_entry(entry: &[u8]) -> Vec<u8> {
    mp4(&[mvhd(1000, 2000), trak_full(b"vide", tkhd(320, 240, false), entry)].concat())
}

fn mp4(moov_body: &[u8]) -> Vec<u8> {
    [ftyp(), mp4_box(b"moov", moov_body), mp4_box(b"mdat", &[0u8; 64])].concat()
}

fn minimal_mp4() -> Vec<u8> {
    mp4(&[mvhd(1000, 5500), trak(b"soun", 0, 0, false), trak(b"vide", 640, 480, false)].concat())
}

fn check(bytes: &[u8], expected: Result<VideoInfo, MediaError>) {
    assert_eq!(inspect_video(bytes, &Limits::default()), expected);
}

/// What the helpers build: H.264 High in MP4, VP8 in WebM.
fn info(format: MediaFormat, duration_ms: Option<u64>, size: Option<(u32, u32)>) -> VideoInfo {
    let (codec, h264_profile) = match format {
        MediaFormat::Mp4 => (VideoCodec::H264, Some(100)),
        _ => (VideoCodec::Vp8, None),
    };
    VideoInfo {
        format,
        codec,
        h264_profile,
        duration_ms,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }
}

fn corrupt(what: &'static str) -> Result<VideoInfo, MediaError> {
    Err(MediaError::Corrupt { what })
}

#[test]
fn minimal_mp4_reports_duration_and_dimensions() {
    let bytes = minimal_mp4();
    assert_eq!(sniff(&bytes), Ok(MediaFormat::Mp4));
    check(&bytes, Ok(info(MediaFormat::Mp4, Some(5500), Some((640, 480)))));
    assert_eq!(inspect_video(&bytes, &Limits::default()).unwrap().content_type(), "video/mp4");
}

#[test]
fn mp4_variants() {
    let table: &[(&str, Vec<u8>, Result<VideoInfo, MediaError>)] = &[
        (
            "portrait phone video (90 degree matrix)",
            mp4(&[mvhd(600, 1200), trak(b"vide", 1920, 1080, true)].concat()),
            Ok(info(MediaFormat::Mp4, Some(2000), Some((1080, 1920)))),
        ),
        (
            "64-bit mvhd",
            mp4(&[mvhd_v1(90_000, 900_000), trak(b"vide", 320, 240, false)].concat()),
            Ok(info(MediaFormat::Mp4, Some(10_000), Some((320, 240)))),
        ),
        (
            "unknown duration",
            mp4(&[mvhd(1000, u32::MAX), trak(b"vide", 320, 240, false)].concat()),
            Ok(info(MediaFormat::Mp4, None, Some((320, 240)))),
        ),
        (
            "zero timescale",
            mp4(&[mvhd(0, 100), trak(b"vide", 320, 240, false)].concat()),
            Ok(info(MediaFormat::Mp4, None, Some((320, 240)))),
        ),
        (
            "audio only",
            mp4(&[mvhd(1000, 100), trak(b"soun", 0, 0, false)].concat()),
            corrupt("no video track"),
        ),
        ("no mvhd", mp4(&trak(b"vide", 320, 240, false)), corrupt("no mvhd box")),
        (
            "two moov boxes",
            [minimal_mp4(), mp4_box(b"moov", &mvhd(1, 1))].concat(),
            corrupt("duplicate box"),
        ),
        (
            "no mdat",
            [ftyp(), mp4_box(b"moov", &[mvhd(1000, 1), trak(b"vide", 1, 1, false)].concat())]
                .concat(),
            corrupt("no mdat box"),
        ),
        (
            "short tkhd",
            mp4(&[mvhd(1000, 1), trak_with(b"vide", mp4_box(b"tkhd", &[0; 20]))].concat()),
            corrupt("short tkhd box"),
        ),
    ];
    for (name, bytes, expected) in table {
        assert_eq!(inspect_video(bytes, &Limits::default()), *expected, "{name}");
    }
}

#[test]
fn hostile_mp4_box_sizes_are_refused() {
    let valid = minimal_mp4();
    let moov_at = ftyp().len();
    let with_size = |at: usize, size: u32| {
        let mut bytes = valid.clone();
        bytes[at..at + 4].copy_from_slice(&size.to_be_bytes());
        bytes
    };
    // mvhd is the first box inside moov.
    let mvhd_at = moov_at + 8;
    let table: Vec<(&str, Vec<u8>, &'static str)> = vec![
        ("size 0 inside moov", with_size(mvhd_at, 0), "zero-sized box"),
        ("size 0 on a top-level moov", with_size(moov_at, 0), "zero-sized box"),
        ("size smaller than a header", with_size(mvhd_at, 7), "box smaller than its header"),
        (
            "size past the end of the file",
            with_size(moov_at, u32::MAX),
            "box extends past its parent",
        ),
        (
            "child larger than its parent",
            with_size(mvhd_at, 100_000),
            "box extends past its parent",
        ),
        ("truncated in mdat", valid[..valid.len() - 10].to_vec(), "box extends past its parent"),
        ("truncated header", valid[..moov_at + 5].to_vec(), "truncated box header"),
        (
            "64-bit size below 16",
            {
                let mut bytes = with_size(moov_at, 1);
                bytes.splice(moov_at + 8..moov_at + 8, 8u64.to_be_bytes());
                bytes
            },
            "box smaller than its header",
        ),
    ];
    for (name, bytes, what) in table {
        assert_eq!(inspect_video(&bytes, &Limits::default()), corrupt(what), "{name}");
    }
}

#[test]
fn nested_and_repeated_boxes_are_bounded() {
    // A trak nested ten thousand levels deep inside itself: the walk follows only the fixed
    // moov/trak/mdia path, so the outer trak simply has no tkhd.
    let mut nested = trak(b"vide", 1, 1, false);
    for _ in 0..10_000 {
        nested = mp4_box(b"trak", &nested);
    }
    let bytes = mp4(&[mvhd(1000, 1), nested].concat());
    check(&bytes, corrupt("no tkhd box"));

    // Tens of thousands of empty boxes exhaust the box budget instead of the CPU.
    let many: Vec<u8> = (0..20_000).flat_map(|_| mp4_box(b"free", &[])).collect();
    let bytes = mp4(&[mvhd(1000, 1), trak(b"vide", 1, 1, false), many].concat());
    check(&bytes, corrupt("too many boxes"));
}

#[test]
fn heif_and_quicktime_are_not_mp4() {
    for major in [b"heic", b"avif", b"qt  "] {
        let mut bytes = minimal_mp4();
        bytes[8..12].copy_from_slice(major);
        bytes[16..32].copy_from_slice(b"mif1mif1mif1mif1");
        assert_eq!(sniff(&bytes), Err(MediaError::Unsupported));
        check(&bytes, Err(MediaError::Unsupported));
    }
}

#[test]
fn images_are_not_videos() {
    let png = crate::encode(&crate::noise_image(4, 4), image::ImageFormat::Png);
    check(&png, Err(MediaError::NotAVideo { format: MediaFormat::Png }));
    assert_eq!(
        kyc_media::prepare_image(&minimal_mp4(), &Limits::default(), &crate::watermark()),
        Err(MediaError::NotAnImage { format: MediaFormat::Mp4 })
    );
}

/// An `mp4` whose only sample entry is the Motion-JPEG `jpeg` entry the synthetic cases used
/// to carry (a QuickTime "Photo - JPEG" visual sample entry).
fn motion_jpeg_mp4() -> Vec<u8> {
    mp4_with_entry(&sample_entry(b"jpeg", &[]))
}

#[test]
fn mp4_reports_the_codec_of_its_sample_entry() {
    let table: &[(&[u8; 4], VideoCodec)] = &[
        (b"avc3", VideoCodec::H264),
        (b"hvc1", VideoCodec::Hevc),
        (b"hev1", VideoCodec::Hevc),
        (b"vp08", VideoCodec::Vp8),
        (b"vp09", VideoCodec::Vp9),
        (b"av01", VideoCodec::Av1),
        (b"jpeg", VideoCodec::MotionJpeg),
        (b"mjpa", VideoCodec::MotionJpeg),
        (b"encv", VideoCodec::Unknown),
        (b"mp4v", VideoCodec::Unknown),
    ];
    for (kind, codec) in table {
        let entry = if *kind == b"avc3" {
            sample_entry(b"avc3", &mp4_box(b"avcC", &[1, 77, 0, 30, 0xFF, 0xE0, 0]))
        } else {
            sample_entry(kind, &[])
        };
        let got = inspect_video(&mp4_with_entry(&entry), &Limits::default()).unwrap();
        assert_eq!(got.codec, *codec, "{}", String::from_utf8_lossy(*kind));
        assert_eq!(got.h264_profile, (*codec == VideoCodec::H264).then_some(77));
        assert_eq!((got.width, got.height, got.duration_ms), (Some(320), Some(240), Some(2000)));
    }
}

#[test]
fn mp4_sample_descriptions_that_cannot_be_read_are_corrupt() {
    let no_stsd = {
        let hdlr = mp4_box(b"hdlr", &[&[0u8; 8][..], b"vide", &[0u8; 13]].concat());
        let minf = mp4_box(b"minf", &mp4_box(b"stbl", &mp4_box(b"stts", &[0; 8])));
        let trak = mp4_box(
            b"trak",
            &[tkhd(320, 240, false), mp4_box(b"mdia", &[hdlr, minf].concat())].concat(),
        );
        mp4(&[mvhd(1000, 1), trak].concat())
    };
    let table: Vec<(&str, Vec<u8>, &'static str)> = vec![
        ("no stsd", no_stsd, "no stsd box"),
        (
            "stsd without entries",
            mp4(&[mvhd(1000, 1), trak_stsd(stsd(&[]))].concat()),
            "empty stsd box",
        ),
        ("avc1 without avcC", mp4_with_entry(&sample_entry(b"avc1", &[])), "no avcC box"),
        (
            "avc1 cut inside the visual sample entry",
            mp4_with_entry(&mp4_box(b"avc1", &[0; 40])),
            "short sample entry",
        ),
        (
            "avcC of another version",
            mp4_with_entry(&sample_entry(b"avc1", &mp4_box(b"avcC", &[2, 66, 0, 30]))),
            "bad avcC box",
        ),
        (
            "avcC too short",
            mp4_with_entry(&sample_entry(b"avc1", &mp4_box(b"avcC", &[1, 66]))),
            "bad avcC box",
        ),
    ];
    for (name, bytes, what) in table {
        assert_eq!(inspect_video(&bytes, &Limits::default()), corrupt(what), "{name}");
    }
}

/// A video track with the given `stsd` box.
fn trak_stsd(stsd: Vec<u8>) -> Vec<u8> {
    let hdlr = mp4_box(b"hdlr", &[&[0u8; 8][..], b"vide", &[0u8; 13]].concat());
    let minf = mp4_box(b"minf", &mp4_box(b"stbl", &stsd));
    mp4_box(b"trak", &[tkhd(320, 240, false), mp4_box(b"mdia", &[hdlr, minf].concat())].concat())
}

#[test]
fn synthetic_h264_face_video_is_inspected_and_plays_everywhere() {
    let opts = kyc_synth::SynthOptions {
        n_cases: 1,
        rng_seed: 7,
        today: time::macros::date!(2026 - 11 - 27),
    };
    // Case 0 is an ID-card case, which has a face video.
    let case = kyc_synth::generate_one(0, &opts);
    let video = case.media.iter().find(|m| m.content_type == "video/mp4").expect("a face video");
    let expected = VideoInfo {
        format: MediaFormat::Mp4,
        codec: VideoCodec::H264,
        h264_profile: Some(66),
        duration_ms: Some(2000),
        width: Some(320),
        height: Some(240),
    };
    assert_eq!(inspect_video(&video.bytes, &Limits::default()), Ok(expected));
    assert_eq!(inspect_playable_video(&video.bytes, &Limits::default()), Ok(expected));
}

#[test]
fn motion_jpeg_mp4_is_inspected_but_refused_by_the_playback_rule() {
    let bytes = motion_jpeg_mp4();
    let info = inspect_video(&bytes, &Limits::default()).unwrap();
    assert_eq!(info.codec, VideoCodec::MotionJpeg);
    let refused = Err(MediaError::UnsupportedCodec {
        format: MediaFormat::Mp4,
        codec: VideoCodec::MotionJpeg,
    });
    assert_eq!(check_playable(&info), refused);
    assert_eq!(inspect_playable_video(&bytes, &Limits::default()), refused.map(|()| info));
    let message = inspect_playable_video(&bytes, &Limits::default()).unwrap_err().to_string();
    assert_eq!(message, "Motion-JPEG video in video/mp4 does not play in every webview");
}

#[test]
fn only_h264_mp4_and_vp8_vp9_webm_play_in_all_webviews() {
    use MediaFormat::{Mp4, Webm};
    use VideoCodec::*;
    let playable = [(Mp4, H264), (Webm, Vp8), (Webm, Vp9)];
    for format in [Mp4, Webm] {
        for codec in [H264, Hevc, Vp8, Vp9, Av1, MotionJpeg, Unknown] {
            assert_eq!(
                plays_in_all_webviews(format, codec),
                playable.contains(&(format, codec)),
                "{codec:?} in {format:?}"
            );
        }
    }
    // Images are never videos that play.
    assert!(!plays_in_all_webviews(MediaFormat::Jpeg, H264));
}

#[test]
fn h264_profiles_beyond_8_bit_high_are_refused() {
    for (profile, plays) in
        [(66, true), (77, true), (100, true), (88, false), (110, false), (122, false), (244, false)]
    {
        let bytes = mp4_with_entry(&avc1(profile));
        let info = inspect_video(&bytes, &Limits::default()).unwrap();
        assert_eq!(info.h264_profile, Some(profile));
        assert_eq!(check_playable(&info).is_ok(), plays, "profile_idc {profile}");
        if !plays {
            assert_eq!(
                inspect_playable_video(&bytes, &Limits::default()),
                Err(MediaError::UnsupportedCodec {
                    format: MediaFormat::Mp4,
                    codec: VideoCodec::H264
                })
            );
        }
    }
}

#[test]
fn a_damaged_file_is_corrupt_before_its_codec_is_judged() {
    let bytes = motion_jpeg_mp4();
    assert_eq!(
        inspect_playable_video(&bytes[..bytes.len() - 10], &Limits::default()),
        corrupt("box extends past its parent")
    );
}

// ---- WebM -----------------------------------------------------------------------------------

/// An EBML element with an 8-byte size field (valid, and easy to patch).
fn el(id: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.push(0x01);
    out.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

/// An element whose size is "unknown" (all ones).
fn el_unknown(id: &[u8], body: &[u8]) -> Vec<u8> {
    [id, &[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], body].concat()
}

fn ebml_header(doc_type: &str) -> Vec<u8> {
    el(
        &[0x1A, 0x45, 0xDF, 0xA3],
        &[el(&[0x42, 0x86], &[1]), el(&[0x42, 0x82], doc_type.as_bytes())].concat(),
    )
}

fn info_element(duration: Option<f64>) -> Vec<u8> {
    let mut body = el(&[0x2A, 0xD7, 0xB1], &1_000_000u32.to_be_bytes());
    if let Some(d) = duration {
        body.extend(el(&[0x44, 0x89], &d.to_be_bytes()));
    }
    el(&[0x15, 0x49, 0xA9, 0x66], &body)
}

fn track_entry(track_type: u8, size: Option<(u16, u16)>) -> Vec<u8> {
    track_entry_with_codec(track_type, size, b"V_VP8")
}

fn track_entry_with_codec(track_type: u8, size: Option<(u16, u16)>, codec_id: &[u8]) -> Vec<u8> {
    let mut body = [el(&[0xD7], &[1]), el(&[0x83], &[track_type]), el(&[0x86], codec_id)].concat();
    if let Some((w, h)) = size {
        body.extend(el(
            &[0xE0],
            &[el(&[0xB0], &w.to_be_bytes()), el(&[0xBA], &h.to_be_bytes())].concat(),
        ));
    }
    el(&[0xAE], &body)
}

fn tracks(entries: &[Vec<u8>]) -> Vec<u8> {
    el(&[0x16, 0x54, 0xAE, 0x6B], &entries.concat())
}

fn cluster() -> Vec<u8> {
    el_unknown(&[0x1F, 0x43, 0xB6, 0x75], &el(&[0xE7], &[0]))
}

fn webm(segment_body: &[u8]) -> Vec<u8> {
    [ebml_header("webm"), el(&[0x18, 0x53, 0x80, 0x67], segment_body)].concat()
}

fn minimal_webm_segment() -> Vec<u8> {
    [
        info_element(Some(5500.0)),
        tracks(&[track_entry(2, None), track_entry(1, Some((640, 480)))]),
        cluster(),
    ]
    .concat()
}

#[test]
fn minimal_webm_reports_duration_and_dimensions() {
    let bytes = webm(&minimal_webm_segment());
    assert_eq!(sniff(&bytes), Ok(MediaFormat::Webm));
    check(&bytes, Ok(info(MediaFormat::Webm, Some(5500), Some((640, 480)))));
}

#[test]
fn webm_variants() {
    let video = track_entry(1, Some((320, 240)));
    let table: Vec<(&str, Vec<u8>, Result<VideoInfo, MediaError>)> = vec![
        (
            "live recording: unknown segment size, no duration",
            [
                ebml_header("webm"),
                el_unknown(
                    &[0x18, 0x53, 0x80, 0x67],
                    &[info_element(None), tracks(std::slice::from_ref(&video)), cluster()].concat(),
                ),
            ]
            .concat(),
            Ok(info(MediaFormat::Webm, None, Some((320, 240)))),
        ),
        (
            "no Tracks",
            webm(&[info_element(Some(1.0)), cluster()].concat()),
            corrupt("no Tracks element"),
        ),
        (
            "audio only",
            webm(&[info_element(Some(1.0)), tracks(&[track_entry(2, None)])].concat()),
            corrupt("no video track"),
        ),
        (
            "video track without a size",
            webm(&tracks(&[track_entry(1, None)])),
            Ok(info(MediaFormat::Webm, None, None)),
        ),
        (
            "Info of unknown size",
            webm(
                &[el_unknown(&[0x15, 0x49, 0xA9, 0x66], &[]), tracks(std::slice::from_ref(&video))]
                    .concat(),
            ),
            corrupt("unknown size on a non-streaming element"),
        ),
        (
            "NaN duration",
            webm(&[info_element(Some(f64::NAN)), tracks(std::slice::from_ref(&video))].concat()),
            Ok(info(MediaFormat::Webm, None, Some((320, 240)))),
        ),
        ("no Segment", ebml_header("webm"), corrupt("no Segment element")),
    ];
    for (name, bytes, expected) in table {
        assert_eq!(inspect_video(&bytes, &Limits::default()), expected, "{name}");
    }
}

#[test]
fn matroska_is_not_webm() {
    let bytes =
        [ebml_header("matroska"), el(&[0x18, 0x53, 0x80, 0x67], &minimal_webm_segment())].concat();
    assert_eq!(sniff(&bytes), Err(MediaError::Unsupported));
    check(&bytes, Err(MediaError::Unsupported));
}

#[test]
fn hostile_webm_sizes_are_refused() {
    let valid = webm(&minimal_webm_segment());
    let header_len = ebml_header("webm").len();
    // Segment size field starts after the 4-byte id; Info's after Segment's 12-byte header.
    let mut segment_too_big = valid.clone();
    segment_too_big[header_len + 5..header_len + 12]
        .copy_from_slice(&[0, 0, 0, 0, 0xFF, 0xFF, 0xFF]);
    let mut info_too_big = valid.clone();
    let info_at = header_len + 12;
    info_too_big[info_at + 5..info_at + 12].copy_from_slice(&[0, 0, 0, 0, 0, 0xFF, 0xFF]);
    let mut zero_id = valid.clone();
    zero_id[info_at] = 0x00;
    let table = [
        ("segment larger than the file", segment_too_big, "element extends past its parent"),
        ("child larger than its parent", info_too_big, "element extends past its parent"),
        ("invalid element id", zero_id, "bad element id"),
        ("truncated", valid[..valid.len() - 20].to_vec(), "element extends past its parent"),
    ];
    for (name, bytes, what) in table {
        assert_eq!(inspect_video(&bytes, &Limits::default()), corrupt(what), "{name}");
    }
}

#[test]
fn many_webm_elements_exhaust_the_budget() {
    let voids: Vec<u8> = (0..150_000).flat_map(|_| [0xEC, 0x80]).collect();
    let bytes = webm(&[voids, minimal_webm_segment()].concat());
    check(&bytes, corrupt("too many elements"));
}

#[test]
fn webm_reports_the_codec_id_and_the_rule_accepts_only_vp8_and_vp9() {
    let table: &[(&[u8], VideoCodec, bool)] = &[
        (b"V_VP8", VideoCodec::Vp8, true),
        (b"V_VP9", VideoCodec::Vp9, true),
        (b"V_AV1", VideoCodec::Av1, false),
        (b"V_MPEG4/ISO/AVC", VideoCodec::H264, false),
        (b"V_MPEGH/ISO/HEVC", VideoCodec::Hevc, false),
        (b"V_MJPEG", VideoCodec::MotionJpeg, false),
        (b"V_THEORA", VideoCodec::Unknown, false),
    ];
    for (codec_id, codec, plays) in table {
        let bytes = webm(&tracks(&[track_entry_with_codec(1, Some((640, 480)), codec_id)]));
        let info = inspect_video(&bytes, &Limits::default()).unwrap();
        assert_eq!(info.codec, *codec, "{}", String::from_utf8_lossy(codec_id));
        assert_eq!(info.h264_profile, None);
        let expected = if *plays {
            Ok(info)
        } else {
            Err(MediaError::UnsupportedCodec { format: MediaFormat::Webm, codec: *codec })
        };
        assert_eq!(inspect_playable_video(&bytes, &Limits::default()), expected);
    }
}
