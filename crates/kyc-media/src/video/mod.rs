//! Video containers: validated with a bounded structural walk, reported, and kept as they are.
//! The original stream is what the vault stores and serves in byte ranges; nothing is
//! transcoded, so nothing here allocates in proportion to the declared sizes inside the file.
//!
//! The codec is read from the container (the MP4 sample entry, the WebM `CodecID`), never by
//! decoding: [`plays_in_all_webviews`] is the rule the hub's intake applies, so that every
//! accepted video plays in the workstation's webview on Linux, Windows and macOS.

mod mp4;
pub(crate) mod webm;

use crate::{Limits, MediaError, MediaFormat, sniff};

/// The video codec a container declares for its first video track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoCodec {
    /// H.264 / AVC (MP4 sample entry `avc1` or `avc3`, WebM `V_MPEG4/ISO/AVC`).
    H264,
    /// H.265 / HEVC (`hvc1`, `hev1`, `V_MPEGH/ISO/HEVC`).
    Hevc,
    /// VP8 (`vp08`, `V_VP8`).
    Vp8,
    /// VP9 (`vp09`, `V_VP9`).
    Vp9,
    /// AV1 (`av01`, `V_AV1`).
    Av1,
    /// Motion-JPEG: every frame a JPEG (`jpeg`, `mjpa`, `mjpb`, `V_MJPEG`).
    MotionJpeg,
    /// Anything else, including encrypted sample entries (`encv`) and a missing `CodecID`.
    Unknown,
}

impl VideoCodec {
    /// A short name for messages and logs (not personal data).
    pub fn name(self) -> &'static str {
        match self {
            Self::H264 => "H.264",
            Self::Hevc => "HEVC",
            Self::Vp8 => "VP8",
            Self::Vp9 => "VP9",
            Self::Av1 => "AV1",
            Self::MotionJpeg => "Motion-JPEG",
            Self::Unknown => "unknown",
        }
    }
}

/// H.264 `profile_idc` values every webview decodes: Baseline (66, including Constrained
/// Baseline), Main (77) and High (100), all 8-bit 4:2:0. High 10, 4:2:2 and 4:4:4 (110, 122,
/// 244) and Extended (88) do not play in Chromium (WebView2) or WebKit on macOS.
const PLAYABLE_H264_PROFILES: [u8; 3] = [66, 77, 100];

/// Whether a video of this container and codec plays in all three webviews the workstation
/// runs in — WebKitGTK (GStreamer with the `gst-libav` and good plugins), WebView2 (Chromium)
/// and WKWebView (macOS 11.3 or later, where WebKit plays WebM) — by `<video>` from a blob or
/// a custom scheme: H.264 in MP4, VP8 or VP9 in WebM. Nothing else does everywhere: HEVC
/// needs hardware and a paid Windows extension under WebView2, AV1 needs an AV1 hardware
/// decoder under WKWebView, Motion-JPEG does not play in WebView2, and an MP4 with VP9 or a
/// WebM with H.264 is not what every demuxer expects. ARCHITECTURE.md has the whole table.
pub fn plays_in_all_webviews(format: MediaFormat, codec: VideoCodec) -> bool {
    matches!(
        (format, codec),
        (MediaFormat::Mp4, VideoCodec::H264)
            | (MediaFormat::Webm, VideoCodec::Vp8 | VideoCodec::Vp9)
    )
}

/// Refuses a video that would not play in every webview (see [`plays_in_all_webviews`]), and
/// an H.264 video whose profile is not one every webview decodes (8-bit Baseline, Main or
/// High), with [`MediaError::UnsupportedCodec`].
pub fn check_playable(info: &VideoInfo) -> Result<(), MediaError> {
    let refused = MediaError::UnsupportedCodec { format: info.format, codec: info.codec };
    if !plays_in_all_webviews(info.format, info.codec) {
        return Err(refused);
    }
    if info.codec == VideoCodec::H264
        && !info.h264_profile.is_some_and(|p| PLAYABLE_H264_PROFILES.contains(&p))
    {
        return Err(refused);
    }
    Ok(())
}

/// [`inspect_video`], then [`check_playable`]: the one call for intake, which must refuse a
/// video no reviewer could watch. Structural errors come first (a damaged file is
/// [`MediaError::Corrupt`], whatever its codec).
pub fn inspect_playable_video(bytes: &[u8], limits: &Limits) -> Result<VideoInfo, MediaError> {
    let info = inspect_video(bytes, limits)?;
    check_playable(&info)?;
    Ok(info)
}

/// What the container says about a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoInfo {
    /// [`MediaFormat::Mp4`] or [`MediaFormat::Webm`].
    pub format: MediaFormat,
    /// The codec of the first video track, from its sample entry (MP4) or `CodecID` (WebM).
    pub codec: VideoCodec,
    /// For H.264 in MP4, the `profile_idc` from the `avcC` configuration (66 Baseline, 77
    /// Main, 100 High, ...); `None` otherwise.
    pub h264_profile: Option<u8>,
    /// Duration in milliseconds, when the container states it (live-recorded WebM often
    /// does not).
    pub duration_ms: Option<u64>,
    /// Display width of the first video track in pixels, when stated (for MP4 after the
    /// track's rotation matrix, so portrait phone videos report portrait dimensions).
    pub width: Option<u32>,
    /// Display height of the first video track in pixels, when stated.
    pub height: Option<u32>,
}

impl VideoInfo {
    /// The MIME type to serve the original bytes with.
    pub fn content_type(&self) -> &'static str {
        self.format.content_type()
    }
}

/// Validates a video container and reports its codec, duration and dimensions.
///
/// Refuses files over `limits.max_video_bytes`, anything that is not MP4 or WebM, and any
/// container whose structure is inconsistent (sizes past the end, zero-sized boxes, missing
/// `moov` / `mdat` or EBML `Segment` / `Tracks`, no video track, an MP4 video track without a
/// sample description, H.264 without its `avcC` configuration). It does not judge the codec:
/// see [`check_playable`]. The walk is bounded in depth and element count and never reads
/// past the input.
pub fn inspect_video(bytes: &[u8], limits: &Limits) -> Result<VideoInfo, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let size = bytes.len() as u64;
    if size > limits.max_video_bytes {
        return Err(MediaError::TooLarge { size, limit: limits.max_video_bytes });
    }
    match sniff(bytes)? {
        MediaFormat::Mp4 => mp4::inspect(bytes),
        MediaFormat::Webm => webm::inspect(bytes),
        format @ (MediaFormat::Jpeg | MediaFormat::Png | MediaFormat::Webp) => {
            Err(MediaError::NotAVideo { format })
        }
    }
}

/// Converts a duration in `units` per second to milliseconds; `None` when unknown or absurd.
fn duration_ms(duration: u64, units_per_second: u64) -> Option<u64> {
    if units_per_second == 0 {
        return None;
    }
    let ms = u128::from(duration) * 1000 / u128::from(units_per_second);
    u64::try_from(ms).ok()
}
