//! Arbitrary and mutated bytes never panic any entry point.

use image::ImageFormat;
use kyc_media::{Limits, inspect_video, prepare_image, sniff};
use proptest::prelude::*;

use crate::{encode, exif, jpeg, noise_image, watermark, with_app1};

fn run_all(bytes: &[u8]) {
    // Small limits keep each case fast even when a mutation claims a large image.
    let limits = Limits { max_pixels: 1 << 20, max_alloc: 16 << 20, ..Limits::default() };
    let _ = sniff(bytes);
    let _ = prepare_image(bytes, &limits, &watermark());
    let _ = inspect_video(bytes, &limits);
}

fn seeds() -> Vec<Vec<u8>> {
    let small = noise_image(24, 16);
    vec![
        with_app1(&jpeg(&small), &exif(6, Some("seed"))),
        encode(&small, ImageFormat::Png),
        encode(&small, ImageFormat::WebP),
        b"\0\0\0\x18ftypisom\0\0\0\0isommp41\0\0\0\x10moov\0\0\0\x08mvhd".to_vec(),
        b"\x1A\x45\xDF\xA3\x84\x42\x82\x81w\x18\x53\x80\x67\xFF".to_vec(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run_all(&bytes);
    }

    #[test]
    fn random_bytes_after_a_magic_number_never_panic(
        magic in 0usize..5,
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let prefixes: [&[u8]; 5] = [
            b"\xFF\xD8\xFF",
            b"\x89PNG\r\n\x1a\n",
            b"RIFF\0\0\0\0WEBPVP8 ",
            b"\0\0\0\x10ftypisom\0\0\0\0",
            b"\x1A\x45\xDF\xA3",
        ];
        run_all(&[prefixes[magic], &tail].concat());
    }

    #[test]
    fn mutated_valid_files_never_panic(
        seed in 0usize..5,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = seeds().swap_remove(seed);
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        run_all(&bytes);
        let keep = cut.index(bytes.len() + 1);
        run_all(&bytes[..keep]);
    }
}
