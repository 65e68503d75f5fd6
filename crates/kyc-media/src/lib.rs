//! The media pipeline of KYC Desk: turns the bytes a hub sends into what the viewer shows.
//!
//! - [`sniff`] decides the format from the bytes alone (JPEG, PNG, WebP, MP4, WebM); names and
//!   declared content types are never consulted.
//! - [`prepare_image`] checks [`Limits`] before any work, decodes with capped allocations,
//!   applies the EXIF orientation, and produces two watermarked JPEG [`Renditions`] (display
//!   and thumbnail) that carry no metadata. It runs once per image at pull time, on a
//!   blocking pool, so opening a case only decrypts and serves the result.
//! - [`inspect_video`] validates an MP4 or WebM container with a bounded walk and reports its
//!   codec, duration and dimensions; the original stream is kept as it is (no transcoding).
//!   [`inspect_playable_video`] also refuses codecs that do not play in every webview
//!   ([`plays_in_all_webviews`]: H.264 in MP4, VP8 or VP9 in WebM) — the intake rule.
//! - [`Watermark::text`] is the text drawn on every rendition and overlaid by the UI on video.
//!
//! No error, log line or panic message carries image bytes or any other personal data.

#![warn(missing_docs)]
#![deny(unsafe_code)]

mod error;
mod glyphs;
mod jpeg;
mod rendition;
mod sniff;
mod video;
mod watermark;

pub use error::MediaError;
pub use rendition::{
    DISPLAY_MAX_SIDE, Rendition, Renditions, THUMBNAIL_MAX_SIDE, fit_within, prepare_image,
    validate_image,
};
pub use sniff::{MediaFormat, sniff};
pub use video::{
    VideoCodec, VideoInfo, check_playable, inspect_playable_video, inspect_video,
    plays_in_all_webviews,
};
pub use watermark::Watermark;

/// Resource limits checked before any expensive work. A hostile file is refused on its
/// declared size and dimensions, before the decoder allocates anything large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest image file accepted, in bytes.
    pub max_bytes: u64,
    /// Largest number of pixels (width × height) an image may declare.
    pub max_pixels: u64,
    /// Largest video file accepted, in bytes.
    pub max_video_bytes: u64,
    /// Largest buffer the image decoder may allocate, in bytes.
    pub max_alloc: u64,
}

impl Default for Limits {
    /// The product's media limits, the same as `kyc_proto::limits` (the hub's test
    /// `media_limits_are_the_wire_contracts` keeps them equal): 16 MiB images, 100 megapixels,
    /// 48 MiB videos, and 512 MiB of decoder memory (a 100 MP image decoded as RGBA needs
    /// 400 MB).
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_pixels: 100_000_000,
            max_video_bytes: 48 * 1024 * 1024,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}
