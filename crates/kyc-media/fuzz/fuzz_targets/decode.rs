//! Feeds arbitrary bytes to every entry point of kyc-media: sniffing, the image pipeline
//! (header checks, decode, orientation, resize, watermark, encode) and the video container
//! walk. Any panic, hang or out-of-memory is a bug.

#![no_main]

use std::sync::LazyLock;

use kyc_media::{Limits, Watermark, inspect_video, prepare_image, sniff};
use libfuzzer_sys::fuzz_target;

static WATERMARK: LazyLock<Watermark> = LazyLock::new(|| Watermark {
    reviewer: kyc_model::UserId::parse("u_fuzz").expect("valid id"),
    case_ref: "c-fuzz".to_owned(),
    at: time::OffsetDateTime::UNIX_EPOCH,
});

/// Smaller than the defaults so that each input stays fast; the checks are the same code.
const LIMITS: Limits = Limits {
    max_bytes: 1 << 20,
    max_pixels: 4 << 20,
    max_video_bytes: 1 << 20,
    max_alloc: 64 << 20,
};

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);
    let _ = prepare_image(data, &LIMITS, &WATERMARK);
    let _ = inspect_video(data, &LIMITS);
});
