//! Media size limits: one set for the whole product. The hub refuses media over them at intake
//! and the workstation refuses them again at pull (it builds its `kyc_media::Limits` from these),
//! so a case the hub accepts is never one every workstation rejects.
//!
//! Why these values: identity photos from phones are 2–12 MB and face videos a few seconds
//! long (typically under 20 MB); the limits leave room above that without letting one case tie
//! up hundreds of megabytes of memory on the hub and on every laptop that pulls it.

/// Largest image object (JPEG, PNG, WebP), in bytes: 16 MiB.
pub const MAX_IMAGE_BYTES: u64 = 16 * 1024 * 1024;

/// Largest video object (MP4, WebM), in bytes: 48 MiB.
pub const MAX_VIDEO_BYTES: u64 = 48 * 1024 * 1024;

/// Most pixels (width × height) an image may declare: 100 megapixels. Checked on the header,
/// before decoding, so a decompression bomb is refused without allocating its pixels.
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// Default largest intake body, in bytes: 96 MiB. Media travel as base64 (4 bytes per 3), so
/// one case carries up to about 72 MiB of media: a video at its limit and an image at its
/// limit always fit, with room for more ordinary-sized images. Hub operators may lower it.
pub const MAX_INTAKE_BODY_BYTES: usize = 96 * 1024 * 1024;

/// Default largest body of every other endpoint, in bytes: 1 MiB.
pub const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;

/// Length of the standard base64 (padded) text of `bytes` bytes.
pub const fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3) * 4
}

/// The limit of one media object of this content type (`None` for a type the hub refuses).
pub fn max_media_bytes(content_type: &str) -> Option<u64> {
    match content_type {
        "image/jpeg" | "image/png" | "image/webp" => Some(MAX_IMAGE_BYTES),
        "video/mp4" | "video/webm" => Some(MAX_VIDEO_BYTES),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_video_and_image_fit_one_intake_body() {
        let media = base64_len(MAX_VIDEO_BYTES) + base64_len(MAX_IMAGE_BYTES);
        // Room for the case's JSON and the object envelopes.
        assert!(media + 64 * 1024 <= MAX_INTAKE_BODY_BYTES as u64);
    }

    #[test]
    fn every_allowed_content_type_has_a_limit() {
        for ct in crate::ALLOWED_CONTENT_TYPES {
            assert!(max_media_bytes(ct).is_some(), "{ct}");
        }
        assert_eq!(max_media_bytes("image/gif"), None);
    }
}
