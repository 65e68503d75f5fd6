//! The face video: H.264 in an MP4 (ISO BMFF) file, as real face-verification videos are.
//! Frames are encoded with OpenH264 (Cisco's encoder, built from source by the `openh264`
//! crate; we only ever *encode* our own drawn frames with it — decoding what others send stays
//! in pure Rust elsewhere) and muxed by the small writer below.
//!
//! Why H.264 Constrained Baseline in MP4: it is the one codec and container every webview the
//! workstation runs in plays — WebKitGTK through GStreamer (`qtdemux` from the good plugins,
//! `avdec_h264` from `gstreamer1.0-libav`, which `cargo xtask setup` installs), WebView2 and
//! WKWebView (see `kyc_media::plays_in_all_webviews`). Baseline has no B-frames, so
//! presentation order is decoding order and the file needs no `ctts`.
//!
//! Determinism: the encoder runs single-threaded with fixed settings, no rate control, frame
//! skipping and scene-change detection off, and is fed integer-converted YUV, so the same
//! frames give the same bytes. OpenH264 is built without assembly where `nasm` is absent (as here); its
//! assembly kernels are meant to be bit-exact with the C code but that is not verified here.
//!
//! Layout: `ftyp` (isom, avc1), `free` (the marker run), `moov` (before `mdat`, so playback
//! can start before the whole file is read), `mdat` with the samples back to back in one
//! chunk. Each sample is one access unit with 4-byte NAL lengths; the SPS and PPS live only in
//! the `avcC` box of the `avc1` sample entry; every IDR frame is listed in `stss`.

use openh264::OpenH264API;
use openh264::Timestamp;
use openh264::encoder::{
    Complexity, Encoder, EncoderConfig, FrameRate, IntraFramePeriod, Level, Profile,
    RateControlMode, UsageType, VuiConfig,
};
use openh264::formats::YUVBuffer;

/// Frames per second.
const FPS: u32 = 10;
/// Ticks per second of the track's media time; each frame lasts `TIMESCALE / FPS` ticks.
const TIMESCALE: u32 = 1000;
/// One IDR (sync) frame a second, so scrubbing and seeking land near any time.
const IDR_PERIOD: u32 = FPS;

/// NAL unit types (H.264 Table 7-1) the muxer treats specially.
const NAL_IDR_SLICE: u8 = 5;
const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;

/// A tiny real H.264 MP4 (16 × 16, two grey frames) with `marker` in its `free` box: for
/// tests and demo data that need a video every webview plays, at almost no encoding cost.
/// The marker starts at [`SMALL_MP4_MARKER_OFFSET`].
pub fn small_h264_mp4(marker: &[u8]) -> Vec<u8> {
    let mut video = H264Mp4::new(16, 16);
    for shade in [96u8, 160] {
        video.push_frame(&[shade; 16 * 16 * 3]);
    }
    video.finish(marker)
}

/// Where the marker given to [`small_h264_mp4`] (or to any file this module writes) starts:
/// after the 32-byte `ftyp`, the `free` box header and its 17-byte label.
pub const SMALL_MP4_MARKER_OFFSET: usize = 32 + 8 + FREE_LABEL.len();

/// The label before the marker in the `free` box.
const FREE_LABEL: &[u8] = b"kyc-synth marker:";

/// Encodes RGB frames of one size to H.264 and muxes them into an MP4 file.
pub(crate) struct H264Mp4 {
    encoder: Encoder,
    width: u16,
    height: u16,
    frames_in: u64,
    sps: Option<Vec<u8>>,
    pps: Option<Vec<u8>>,
    /// The samples back to back, each NAL unit prefixed with its 4-byte length.
    mdat: Vec<u8>,
    sizes: Vec<u32>,
    /// Duration of each sample in `TIMESCALE` ticks.
    durations: Vec<u32>,
    /// 1-based numbers of the samples that start with an IDR slice.
    sync: Vec<u32>,
}

impl H264Mp4 {
    /// An encoder for `width × height` frames (both even: 4:2:0 chroma halves them).
    pub(crate) fn new(width: u16, height: u16) -> Self {
        assert!(width.is_multiple_of(2) && height.is_multiple_of(2), "4:2:0 needs even dimensions");
        let config = EncoderConfig::new()
            .usage_type(UsageType::CameraVideoRealTime)
            .profile(Profile::Baseline)
            .level(Level::Level_3_0)
            // No rate control: a constant quantiser, so the bytes depend on the frames alone
            // (and a drawn face stays clean at about 6 KB a second).
            .rate_control_mode(RateControlMode::Off)
            .max_frame_rate(FrameRate::from_hz(FPS as f32))
            .skip_frames(false)
            .scene_change_detect(false)
            .intra_frame_period(IntraFramePeriod::from_num_frames(IDR_PERIOD))
            .complexity(Complexity::Low)
            .num_threads(1)
            .vui(VuiConfig::bt601());
        let encoder = Encoder::with_api_config(OpenH264API::from_source(), config)
            .expect("the bundled OpenH264 encoder accepts fixed, valid settings");
        H264Mp4 {
            encoder,
            width,
            height,
            frames_in: 0,
            sps: None,
            pps: None,
            mdat: Vec::new(),
            sizes: Vec::new(),
            durations: Vec::new(),
            sync: Vec::new(),
        }
    }

    /// Encodes one frame of packed RGB pixels (`width × height × 3` bytes).
    pub(crate) fn push_frame(&mut self, rgb: &[u8]) {
        let (w, h) = (usize::from(self.width), usize::from(self.height));
        let yuv = YUVBuffer::from_vec(rgb_to_i420(rgb, w, h), w, h);
        let at = Timestamp::from_millis(self.frames_in * 1000 / u64::from(FPS));
        self.frames_in += 1;
        let stream = self
            .encoder
            .encode_at(&yuv, at)
            .expect("encoding an in-memory frame of the configured size cannot fail");
        let mut sample = Vec::new();
        let mut idr = false;
        for layer in (0..stream.num_layers()).filter_map(|i| stream.layer(i)) {
            for nal in (0..layer.nal_count()).filter_map(|i| layer.nal_unit(i)) {
                let nal = strip_start_code(nal);
                let Some(header) = nal.first() else { continue };
                match header & 0x1F {
                    NAL_SPS => keep_parameter_set(&mut self.sps, nal),
                    NAL_PPS => keep_parameter_set(&mut self.pps, nal),
                    kind => {
                        idr |= kind == NAL_IDR_SLICE;
                        sample.extend_from_slice(&(nal.len() as u32).to_be_bytes());
                        sample.extend_from_slice(nal);
                    }
                }
            }
        }
        let frame_ticks = TIMESCALE / FPS;
        if sample.is_empty() {
            // A skipped frame (skipping is off, but the format allows it): the previous
            // picture stays on screen for longer.
            if let Some(last) = self.durations.last_mut() {
                *last += frame_ticks;
            }
            return;
        }
        self.mdat.extend_from_slice(&sample);
        self.sizes.push(sample.len() as u32);
        self.durations.push(frame_ticks);
        if idr {
            self.sync.push(self.sizes.len() as u32);
        }
    }

    /// The MP4 file, with `marker` in a `free` box so privacy scans find the file.
    pub(crate) fn finish(self, marker: &[u8]) -> Vec<u8> {
        let sps = self.sps.as_deref().expect("the first encoded frame carries the SPS");
        let pps = self.pps.as_deref().expect("the first encoded frame carries the PPS");
        assert_eq!(self.sync.first(), Some(&1), "the first sample is an IDR frame");
        let ftyp = bx(
            b"ftyp",
            &cat(&[b"isom", &512u32.to_be_bytes(), b"isom", b"iso2", b"avc1", b"mp41"]),
        );
        let free = bx(b"free", &cat(&[FREE_LABEL, marker]));
        // `moov`'s size does not depend on the offset it records, so measure it first.
        let moov_len = self.moov(sps, pps, 0).len();
        let mdat_offset = (ftyp.len() + free.len() + moov_len + 8) as u32;
        let moov = self.moov(sps, pps, mdat_offset);
        let mdat = bx(b"mdat", &self.mdat);
        cat(&[&ftyp, &free, &moov, &mdat])
    }

    fn moov(&self, sps: &[u8], pps: &[u8], mdat_offset: u32) -> Vec<u8> {
        let (width, height) = (self.width, self.height);
        let n = self.sizes.len() as u32;
        let ticks: u32 = self.durations.iter().sum();
        let duration_ms = ticks * 1000 / TIMESCALE;
        let be = |v: u32| v.to_be_bytes();
        let mvhd = full(
            b"mvhd",
            0,
            &cat(&[
                &be(0),
                &be(0),
                &be(1000),
                &be(duration_ms),
                &be(0x0001_0000),
                &[1, 0],
                &[0; 10],
                &matrix(),
                &[0; 24],
                &be(2),
            ]),
        );
        // Flags 3: track enabled and in the movie.
        let tkhd = full(
            b"tkhd",
            3,
            &cat(&[
                &be(0),
                &be(0),
                &be(1),
                &be(0),
                &be(duration_ms),
                &[0; 8],
                &[0; 2],
                &[0; 2],
                &[0; 2],
                &[0; 2],
                &matrix(),
                &be(u32::from(width) << 16),
                &be(u32::from(height) << 16),
            ]),
        );
        // Language "und" packed as three 5-bit letters.
        let mdhd = full(
            b"mdhd",
            0,
            &cat(&[&be(0), &be(0), &be(TIMESCALE), &be(ticks), &[0x55, 0xC4], &[0; 2]]),
        );
        let hdlr = full(b"hdlr", 0, &cat(&[&be(0), b"vide", &[0; 12], b"VideoHandler\0"]));
        let vmhd = full(b"vmhd", 1, &[0; 8]);
        let dinf = bx(b"dinf", &full(b"dref", 0, &cat(&[&be(1), &full(b"url ", 1, &[])])));
        let stsd = full(b"stsd", 0, &cat(&[&be(1), &avc1(width, height, sps, pps)]));
        let stts = full(b"stts", 0, &run_lengths(&self.durations));
        let stss_table: Vec<u8> = self.sync.iter().flat_map(|s| s.to_be_bytes()).collect();
        let stss = full(b"stss", 0, &cat(&[&be(self.sync.len() as u32), &stss_table]));
        let stsc = full(b"stsc", 0, &cat(&[&be(1), &be(1), &be(n), &be(1)]));
        let size_table: Vec<u8> = self.sizes.iter().flat_map(|s| s.to_be_bytes()).collect();
        let stsz = full(b"stsz", 0, &cat(&[&be(0), &be(n), &size_table]));
        let stco = full(b"stco", 0, &cat(&[&be(1), &be(mdat_offset)]));
        let stbl = bx(b"stbl", &cat(&[&stsd, &stts, &stss, &stsc, &stsz, &stco]));
        let minf = bx(b"minf", &cat(&[&vmhd, &dinf, &stbl]));
        let mdia = bx(b"mdia", &cat(&[&mdhd, &hdlr, &minf]));
        let trak = bx(b"trak", &cat(&[&tkhd, &mdia]));
        bx(b"moov", &cat(&[&mvhd, &trak]))
    }
}

/// Converts packed RGB to planar I420 with the integer BT.601 limited-range matrix (what the
/// SPS's colour description says), chroma from the average of each 2×2 block.
fn rgb_to_i420(rgb: &[u8], width: usize, height: usize) -> Vec<u8> {
    assert_eq!(rgb.len(), width * height * 3, "frame size matches the video size");
    let (cw, ch) = (width / 2, height / 2);
    let mut out = vec![0u8; width * height + 2 * cw * ch];
    let (luma, chroma) = out.split_at_mut(width * height);
    let (u_plane, v_plane) = chroma.split_at_mut(cw * ch);
    for (y, row) in luma.chunks_exact_mut(width).enumerate() {
        for (x, out) in row.iter_mut().enumerate() {
            let p = &rgb[(y * width + x) * 3..][..3];
            let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
            *out = (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16) as u8;
        }
    }
    for cy in 0..ch {
        for cx in 0..cw {
            let mut sum = [0i32; 3];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = &rgb[((2 * cy + dy) * width + 2 * cx + dx) * 3..][..3];
                for c in 0..3 {
                    sum[c] += i32::from(p[c]);
                }
            }
            let [r, g, b] = sum.map(|s| (s + 2) / 4);
            u_plane[cy * cw + cx] = (((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128) as u8;
            v_plane[cy * cw + cx] = (((112 * r - 94 * g - 18 * b + 128) >> 8) + 128) as u8;
        }
    }
    out
}

/// A NAL unit without its Annex B start code (`00 00 01` or `00 00 00 01`).
fn strip_start_code(nal: &[u8]) -> &[u8] {
    nal.strip_prefix(&[0, 0, 0, 1]).or_else(|| nal.strip_prefix(&[0, 0, 1])).unwrap_or(nal)
}

/// Records the first SPS or PPS; the encoder repeats it before every IDR frame, unchanged
/// (constant parameter set ids), so the one copy in `avcC` serves the whole stream.
fn keep_parameter_set(slot: &mut Option<Vec<u8>>, nal: &[u8]) {
    match slot {
        Some(kept) => assert_eq!(kept.as_slice(), nal, "parameter sets do not change"),
        None => *slot = Some(nal.to_vec()),
    }
}

/// The `avc1` sample entry: a visual sample entry followed by the `avcC` decoder
/// configuration (ISO/IEC 14496-15 §5.3.3) built from the SPS and PPS.
fn avc1(width: u16, height: u16, sps: &[u8], pps: &[u8]) -> Vec<u8> {
    let mut compressor = [0u8; 32];
    let name = b"OpenH264";
    compressor[0] = name.len() as u8;
    compressor[1..=name.len()].copy_from_slice(name);
    // Version 1, then profile, compatibility flags and level as the SPS states them; 4-byte
    // NAL lengths; one SPS; one PPS. Baseline needs none of the High-profile extension fields.
    let avcc = bx(
        b"avcC",
        &cat(&[
            &[1, sps[1], sps[2], sps[3], 0xFC | 3, 0xE0 | 1],
            &(sps.len() as u16).to_be_bytes(),
            sps,
            &[1],
            &(pps.len() as u16).to_be_bytes(),
            pps,
        ]),
    );
    bx(
        b"avc1",
        &cat(&[
            &[0; 6],
            &[0, 1],
            &[0; 16],
            &width.to_be_bytes(),
            &height.to_be_bytes(),
            &0x0048_0000u32.to_be_bytes(),
            &0x0048_0000u32.to_be_bytes(),
            &[0; 4],
            &[0, 1],
            &compressor,
            &[0, 0x18],
            &[0xFF, 0xFF],
            &avcc,
        ]),
    )
}

/// The `stts` body: sample durations as (count, delta) runs.
fn run_lengths(durations: &[u32]) -> Vec<u8> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &d in durations {
        match runs.last_mut() {
            Some((count, delta)) if *delta == d => *count += 1,
            _ => runs.push((1, d)),
        }
    }
    let mut body = (runs.len() as u32).to_be_bytes().to_vec();
    for (count, delta) in runs {
        body.extend_from_slice(&count.to_be_bytes());
        body.extend_from_slice(&delta.to_be_bytes());
    }
    body
}

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full(kind: &[u8; 4], version_flags: u32, body: &[u8]) -> Vec<u8> {
    let mut b = version_flags.to_be_bytes().to_vec();
    b.extend_from_slice(body);
    bx(kind, &b)
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The unity transformation matrix of `mvhd`/`tkhd`.
fn matrix() -> Vec<u8> {
    let m: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
    m.iter().flat_map(|v| v.to_be_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stts_runs_merge_equal_durations() {
        let body = run_lengths(&[100, 100, 100, 200, 100]);
        let words: Vec<u32> =
            body.chunks(4).map(|c| u32::from_be_bytes(c.try_into().unwrap())).collect();
        assert_eq!(words, [3, 3, 100, 1, 200, 1, 100]);
    }

    #[test]
    fn rgb_to_i420_maps_black_white_and_red_to_bt601_limited_range() {
        let mut rgb = Vec::new();
        for px in [[0, 0, 0], [255, 255, 255], [255, 0, 0], [255, 0, 0]] {
            rgb.extend_from_slice(&px);
        }
        // 2×2: black, white on the top row; red, red below.
        let yuv = rgb_to_i420(&rgb, 2, 2);
        assert_eq!(&yuv[..4], &[16, 235, 82, 82]);
        // Chroma of the block's average colour (≈ 128, 64, 64).
        assert_eq!(yuv.len(), 6);
        assert!(yuv[5] > 150, "red-heavy block has high V");
    }

    #[test]
    fn start_codes_are_stripped() {
        assert_eq!(strip_start_code(&[0, 0, 0, 1, 0x67, 1]), &[0x67, 1]);
        assert_eq!(strip_start_code(&[0, 0, 1, 0x68]), &[0x68]);
        assert_eq!(strip_start_code(&[0x65, 0]), &[0x65, 0]);
    }
}
