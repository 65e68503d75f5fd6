//! Media validation on the hub, with the workstation's own checks (`kyc-media`): sniffed format
//! against the declared content type, full decode of images under the limits (a decompression
//! bomb or garbage declared `image/jpeg` is refused), container check of videos. Intake runs
//! it on every upload, and a workstation's media-problem report is confirmed only when it
//! fails on the stored bytes, so a case every workstation would refuse never circulates.
//!
//! The result is a rule code (`media_corrupt`, ...): it names the rule, never a byte of the
//! input.

use kyc_media::{Limits, MediaError};
use kyc_proto::MediaManifest;

use crate::crypto::sha256_hex;
use crate::media::MediaFiles;

/// A media rule an object breaks, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaRule {
    /// No bytes.
    Empty,
    /// None of the supported formats.
    UnsupportedFormat,
    /// The bytes are another format than the declared content type.
    TypeMismatch,
    /// Over the size limit.
    TooLarge,
    /// The image declares more pixels than allowed (a decompression bomb).
    TooManyPixels,
    /// Decoding would need more memory than allowed.
    AllocationLimit,
    /// Truncated or malformed.
    Corrupt,
    /// A video codec that does not play in every webview the workstation runs on.
    UnsupportedCodec,
    /// The stored bytes no longer match the digest recorded at intake.
    DigestMismatch,
    /// The stored file cannot be read or fails authentication.
    Unreadable,
}

impl MediaRule {
    /// Stable code, as sent in error messages and stored with needs-attention cases.
    pub fn code(self) -> &'static str {
        match self {
            MediaRule::Empty => "media_empty",
            MediaRule::UnsupportedFormat => "media_unsupported_format",
            MediaRule::TypeMismatch => "media_type_mismatch",
            MediaRule::TooLarge => "media_too_large",
            MediaRule::TooManyPixels => "media_too_many_pixels",
            MediaRule::AllocationLimit => "media_allocation_limit",
            MediaRule::Corrupt => "media_corrupt",
            MediaRule::UnsupportedCodec => "media_unsupported_codec",
            MediaRule::DigestMismatch => "media_digest_mismatch",
            MediaRule::Unreadable => "media_unreadable",
        }
    }
}

impl std::fmt::Display for MediaRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

fn rule_of(e: &MediaError) -> MediaRule {
    match e {
        MediaError::Empty => MediaRule::Empty,
        MediaError::Unsupported => MediaRule::UnsupportedFormat,
        MediaError::NotAnImage { .. } | MediaError::NotAVideo { .. } => MediaRule::TypeMismatch,
        MediaError::TooLarge { .. } => MediaRule::TooLarge,
        MediaError::TooManyPixels { .. } => MediaRule::TooManyPixels,
        MediaError::AllocationLimit { .. } => MediaRule::AllocationLimit,
        // `Encode` is never produced by validation; counted as corrupt rather than passed.
        MediaError::Corrupt { .. } | MediaError::Encode => MediaRule::Corrupt,
        MediaError::UnsupportedCodec { .. } => MediaRule::UnsupportedCodec,
    }
}

/// The limits the hub validates with: the workstation's defaults, so that what intake accepts
/// every workstation can show.
pub fn limits() -> Limits {
    Limits::default()
}

/// Checks one object as a workstation's pull will: the sniffed format must be the declared
/// content type, an image must decode completely within `limits`, a video must pass the
/// container check and be in a codec every webview plays (`kyc_media::check_playable`). CPU-bound (a full decode): call it on the blocking pool.
pub fn check_media(content_type: &str, bytes: &[u8], limits: &Limits) -> Result<(), MediaRule> {
    let format = kyc_media::sniff(bytes).map_err(|e| rule_of(&e))?;
    if format.content_type() != content_type {
        return Err(MediaRule::TypeMismatch);
    }
    if format.is_video() {
        kyc_media::inspect_playable_video(bytes, limits).map(|_| ()).map_err(|e| rule_of(&e))
    } else {
        kyc_media::validate_image(bytes, limits).map(|_| ()).map_err(|e| rule_of(&e))
    }
}

/// Re-checks a stored object against its manifest: readable and authentic, the digest and size
/// recorded at intake, then [`check_media`]. `None` when it is fine.
pub fn recheck_stored(
    files: &MediaFiles,
    file_name: &str,
    manifest: &MediaManifest,
    limits: &Limits,
) -> Option<MediaRule> {
    let bytes = match files.read(file_name) {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(media = %manifest.id, error = %e, "stored media unreadable");
            return Some(MediaRule::Unreadable);
        }
    };
    if bytes.len() as u64 != manifest.size || sha256_hex(&bytes) != manifest.sha256 {
        return Some(MediaRule::DigestMismatch);
    }
    check_media(&manifest.content_type, &bytes, limits).err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_limits_are_the_wire_contracts() {
        let limits = limits();
        assert_eq!(limits.max_bytes, kyc_proto::limits::MAX_IMAGE_BYTES);
        assert_eq!(limits.max_pixels, kyc_proto::limits::MAX_IMAGE_PIXELS);
        assert_eq!(limits.max_video_bytes, kyc_proto::limits::MAX_VIDEO_BYTES);
    }

    #[test]
    fn garbage_and_mislabelled_bytes_break_named_rules() {
        let limits = limits();
        let jpeg = crate::demo::demo_jpeg(b"unit test run");
        assert_eq!(check_media("image/jpeg", &jpeg, &limits), Ok(()));
        let table: &[(&str, &[u8], MediaRule)] = &[
            ("image/jpeg", b"", MediaRule::Empty),
            ("image/jpeg", b"definitely not an image", MediaRule::UnsupportedFormat),
            ("image/jpeg", b"\xFF\xD8\xFF\xE0garbage after a JPEG signature", MediaRule::Corrupt),
            ("image/png", &jpeg, MediaRule::TypeMismatch),
            ("video/mp4", &jpeg, MediaRule::TypeMismatch),
        ];
        for (content_type, bytes, rule) in table {
            assert_eq!(check_media(content_type, bytes, &limits), Err(*rule), "{rule}");
        }
    }
}
