//! Every encoding is found when planted and nothing is found when it is absent.

use std::fs;

use kyc_scan::{Encoding, Marker, Scanner, encodings, scan_dir};

fn markers() -> Vec<Marker> {
    vec![
        Marker::text("name", "王秀英 Wang Xiuying"),
        Marker::text("id number", "110101199003078515"),
        Marker::bytes(
            "image run",
            (0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect::<Vec<_>>(),
        ),
    ]
}

/// Plants `form` in the middle of filler of the given length.
fn planted(filler_len: usize, form: &[u8]) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..filler_len).map(|i| b"qjxkvzw"[i % 7]).collect();
    bytes.extend_from_slice(form);
    bytes.extend(std::iter::repeat_n(b'.', 33));
    bytes
}

#[test]
fn every_encoding_is_found_when_planted_in_a_file() {
    let markers = markers();
    let scanner = Scanner::new(&markers);
    for marker in &markers {
        for (encoding, form) in encodings(&marker.value) {
            let dir = tempfile::tempdir().unwrap();
            let sub = dir.path().join("a/b");
            fs::create_dir_all(&sub).unwrap();
            fs::write(sub.join("f.bin"), planted(1001, &form)).unwrap();
            let report = scanner.scan_dir(dir.path()).unwrap();
            assert_eq!(report.files.len(), 1);
            assert!(
                report.hits.iter().any(|h| h.marker_label == marker.label
                    && h.encoding == encoding
                    && h.offset == 1001),
                "{} as {encoding} not found: {report}",
                marker.label
            );
        }
    }
}

#[test]
fn base64_is_found_at_every_alignment_of_a_real_encoding() {
    // Encode the value inside a longer stream at offsets 0, 1 and 2 (mod 3), as a JSON or
    // log writer would, and check the scanner finds it each time.
    let marker = Marker::text("phone", "13800138000");
    for prefix_len in 0..6 {
        let mut stream = vec![b'x'; prefix_len];
        stream.extend_from_slice(&marker.value);
        stream.extend_from_slice(b"tail");
        let text = base64_for_test(&stream);
        let hits = Scanner::new(std::slice::from_ref(&marker)).scan_bytes(&text);
        assert!(
            hits.iter().any(|h| matches!(h.encoding, Encoding::Base64 { .. })),
            "prefix {prefix_len}"
        );
    }
}

/// Standard base64 with padding, as an app writing it would (the base64 crate).
fn base64_for_test(bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes).into_bytes()
}

#[test]
fn nothing_is_found_when_markers_are_absent() {
    let dir = tempfile::tempdir().unwrap();
    // Near misses: the ID number with one digit changed, the name without its last letter,
    // and noise.
    let near = "110101199003078516 王秀英 Wang Xiuyin";
    fs::write(dir.path().join("near.txt"), near).unwrap();
    let noise: Vec<u8> =
        (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    fs::write(dir.path().join("noise.bin"), &noise).unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let report = scan_dir(dir.path(), &markers()).unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.files.len(), 2);
    assert_eq!(report.bytes_scanned, (noise.len() + near.len()) as u64);
}

#[test]
fn a_missing_directory_scans_clean_with_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let report = scan_dir(&dir.path().join("gone"), &markers()).unwrap();
    assert!(report.files.is_empty() && report.is_clean());
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "110101199003078515").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    let report = scan_dir(dir.path(), &markers()).unwrap();
    assert!(report.is_clean() && report.files.is_empty());
    assert_eq!(report.skipped.len(), 1);
}

#[test]
fn the_report_never_prints_marker_values() {
    let dir = tempfile::tempdir().unwrap();
    let markers = markers();
    fs::write(dir.path().join("leak.txt"), "id 110101199003078515 name 王秀英 Wang Xiuying")
        .unwrap();
    let report = scan_dir(dir.path(), &markers).unwrap();
    assert_eq!(report.hits.len(), 2, "{report}");
    let printed = format!("{report}\n{report:?}");
    assert!(Scanner::new(&markers).scan_bytes(printed.as_bytes()).is_empty(), "{printed}");
}
