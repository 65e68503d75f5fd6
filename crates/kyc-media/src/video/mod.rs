//! Video containers: validated with a bounded structural walk, reported, and kept as they are.
//! The original stream is what the vault stores and serves in byte ranges; nothing is
//! transcoded, so nothing here allocates in proportion to the declared sizes inside the file.

mod mp4;
pub(crate) mod webm;

use crate::{Limits, MediaError, MediaFormat, sniff};

/// What the container says about a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoInfo {
    /// [`MediaFormat::Mp4`] or [`MediaFormat::Webm`].
    pub format: MediaFormat,
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

/// Validates a video container and reports its duration and dimensions.
///
/// Refuses files over `limits.max_video_bytes`, anything that is not MP4 or WebM, and any
/// container whose structure is inconsistent (sizes past the end, zero-sized boxes, missing
/// `moov` / `mdat` or EBML `Segment` / `Tracks`, no video track). The walk is bounded in depth
/// and element count and never reads past the input.
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
