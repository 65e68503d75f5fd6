//! The one error type of the crate. Variants are what a caller acts on: show "unsupported file",
//! "file too large", or "file damaged", and never retry a corrupt file. No variant carries any
//! byte of the input; sizes and dimensions are not personal data.

use crate::{MediaFormat, VideoCodec};

/// Why media could not be prepared or inspected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The input has no bytes (a failed download, an empty upload).
    #[error("media is empty")]
    Empty,
    /// The bytes are not one of the supported formats (JPEG, PNG, WebP, MP4, WebM).
    #[error("unsupported media format")]
    Unsupported,
    /// The bytes are a video where an image was expected.
    #[error("expected an image, got a {format:?} video")]
    NotAnImage {
        /// What the bytes are.
        format: MediaFormat,
    },
    /// The bytes are an image where a video was expected.
    #[error("expected a video, got a {format:?} image")]
    NotAVideo {
        /// What the bytes are.
        format: MediaFormat,
    },
    /// The file is larger than the byte limit; nothing was decoded.
    #[error("media is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Size of the input.
        size: u64,
        /// The limit it exceeds.
        limit: u64,
    },
    /// The image declares more pixels than the limit; nothing was allocated for them.
    #[error("image declares {width}x{height} pixels, over the limit of {limit}")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The pixel limit it exceeds.
        limit: u64,
    },
    /// Decoding would allocate more memory than the allocation limit allows.
    #[error("decoding needs more than the allocation limit of {limit} bytes")]
    AllocationLimit {
        /// The allocation limit.
        limit: u64,
    },
    /// The bytes claim a supported format but are truncated or malformed. `what` names the
    /// structural problem in our own words and never quotes the input.
    #[error("media is truncated or corrupt ({what})")]
    Corrupt {
        /// A fixed description of what was wrong.
        what: &'static str,
    },
    /// The video is well-formed but its codec, in this container, does not play in every
    /// webview the workstation runs in (see [`crate::plays_in_all_webviews`]): refused at
    /// intake so that no reviewer gets a video they cannot watch.
    #[error("{} video in {} does not play in every webview", codec.name(), format.content_type())]
    UnsupportedCodec {
        /// The container.
        format: MediaFormat,
        /// The codec of its first video track.
        codec: VideoCodec,
    },
    /// Encoding a rendition failed (an internal error, not the input's fault).
    #[error("encoding a rendition failed")]
    Encode,
}

impl MediaError {
    pub(crate) const fn corrupt(what: &'static str) -> Self {
        Self::Corrupt { what }
    }
}
