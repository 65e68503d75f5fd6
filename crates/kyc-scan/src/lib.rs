//! The privacy scanner. Tests plant unique marker values (names, ID numbers, phone numbers,
//! card numbers, random byte runs in images) in the data they feed the app, then scan every
//! byte of every file the app wrote for every marker in every encoding an app plausibly writes
//! bytes in: raw (UTF-8), UTF-16LE, hex (both cases) and base64 (standard and URL-safe, at all
//! three alignments). A correct app produces zero hits.
//!
//! Reports name markers by their label, never by value, so a report can be printed in CI logs
//! without leaking the very data the scan looks for.

#![warn(missing_docs)]
#![deny(unsafe_code)]

use std::fmt;
use std::fs;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use base64::Engine;
use base64::engine::GeneralPurpose;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// Shortest encoded form searched for. Shorter patterns (from tiny markers) would match random
/// ciphertext by chance and make the scan flaky, so they are skipped; markers should be at least
/// 8 bytes long so every encoding is searched.
pub const MIN_PATTERN_LEN: usize = 6;

/// A value that must never appear on disk. `label` says what it is ("applicant name of case
/// 3"); only the label is ever printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Marker {
    /// What the marker is, printed in reports. Must not contain the value.
    pub label: String,
    /// The secret bytes (for text: its UTF-8 encoding).
    pub value: Vec<u8>,
}

impl Marker {
    /// A marker for a text value.
    pub fn text(label: impl Into<String>, value: &str) -> Marker {
        Marker { label: label.into(), value: value.as_bytes().to_vec() }
    }

    /// A marker for a byte run (for example random bytes planted in an image).
    pub fn bytes(label: impl Into<String>, value: impl Into<Vec<u8>>) -> Marker {
        Marker { label: label.into(), value: value.into() }
    }
}

impl fmt::Debug for Marker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The value is deliberately absent: markers end up in assertion messages.
        write!(f, "Marker({:?}, {} bytes)", self.label, self.value.len())
    }
}

/// How a marker was written where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The bytes themselves (UTF-8 for text).
    Raw,
    /// Text re-encoded as UTF-16 little-endian (Windows APIs, some serializers). For values
    /// that are not valid UTF-8 each byte is widened to a 16-bit unit.
    Utf16Le,
    /// Lowercase hexadecimal.
    HexLower,
    /// Uppercase hexadecimal.
    HexUpper,
    /// Standard base64 (`+/`), with the value starting at byte offset `shift` (0, 1 or 2)
    /// modulo 3 in the encoded stream.
    Base64 {
        /// Offset of the value's first byte modulo 3 within the encoded stream.
        shift: u8,
    },
    /// URL-safe base64 (`-_`), same alignments as [`Encoding::Base64`].
    Base64Url {
        /// Offset of the value's first byte modulo 3 within the encoded stream.
        shift: u8,
    },
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Encoding::Raw => f.write_str("raw"),
            Encoding::Utf16Le => f.write_str("utf-16le"),
            Encoding::HexLower => f.write_str("hex"),
            Encoding::HexUpper => f.write_str("HEX"),
            Encoding::Base64 { shift } => write!(f, "base64+{shift}"),
            Encoding::Base64Url { shift } => write!(f, "base64url+{shift}"),
        }
    }
}

/// The base64 characters that depend only on `value`, when it starts at offset `shift` mod 3.
///
/// Base64 maps 3 bytes to 4 characters, so how a value is encoded depends on where it sits in
/// the surrounding stream: at offset 0 mod 3 its first byte starts a fresh character; at
/// offsets 1 and 2 its first bits share a character with the preceding (unknown) byte. The same
/// holds at the end. So for each of the 3 alignments we encode the value behind `shift` filler
/// bytes and keep only the characters whose 6 bits all come from the value: that "stable
/// middle" appears verbatim in any base64 text containing the value at that alignment, whatever
/// surrounds it. Searching all three middles finds the value wherever it is.
fn base64_stable_middle(value: &[u8], shift: usize, engine: &GeneralPurpose) -> Vec<u8> {
    let mut padded = vec![0u8; shift];
    padded.extend_from_slice(value);
    // Without padding, the last character may hold only some bits of data; it is cut below.
    let encoded = engine.encode(&padded).into_bytes();
    // Character i covers bits [6i, 6i + 6) of the stream; the value occupies bits
    // [8 * shift, 8 * (shift + len)).
    let first = (8 * shift).div_ceil(6);
    let end = (8 * (shift + value.len())) / 6;
    if first >= end { Vec::new() } else { encoded[first..end].to_vec() }
}

fn utf16le(value: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(value) {
        Ok(text) => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Err(_) => value.iter().flat_map(|&b| [b, 0]).collect(),
    }
}

/// Every encoded form of `value` the scanner searches for. Forms shorter than
/// [`MIN_PATTERN_LEN`] are left out (see there).
pub fn encodings(value: &[u8]) -> Vec<(Encoding, Vec<u8>)> {
    let mut forms = vec![
        (Encoding::Raw, value.to_vec()),
        (Encoding::Utf16Le, utf16le(value)),
        (Encoding::HexLower, hex::encode(value).into_bytes()),
        (Encoding::HexUpper, hex::encode_upper(value).into_bytes()),
    ];
    for shift in 0..3u8 {
        let s = usize::from(shift);
        forms.push((Encoding::Base64 { shift }, base64_stable_middle(value, s, &STANDARD_NO_PAD)));
        forms.push((
            Encoding::Base64Url { shift },
            base64_stable_middle(value, s, &URL_SAFE_NO_PAD),
        ));
    }
    // Hex of digits-only text in lowercase equals uppercase, and base64 and base64url agree when
    // no '+' or '/' occurs: drop duplicates so each hit is reported once.
    let mut unique: Vec<(Encoding, Vec<u8>)> = Vec::with_capacity(forms.len());
    for (encoding, bytes) in forms {
        if bytes.len() >= MIN_PATTERN_LEN && !unique.iter().any(|(_, b)| *b == bytes) {
            unique.push((encoding, bytes));
        }
    }
    unique
}

/// One occurrence of a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The file it was found in (for [`Scanner::scan_bytes`]: empty).
    pub path: PathBuf,
    /// The marker's label.
    pub marker_label: String,
    /// How it was encoded.
    pub encoding: Encoding,
    /// Byte offset of the encoded form in the file.
    pub offset: u64,
}

/// What a scan looked at and found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Every regular file scanned, in walk order. Symlinks are listed in `skipped`.
    pub files: Vec<PathBuf>,
    /// Entries that are not regular files or directories (symlinks, sockets, ...), not
    /// followed and not scanned.
    pub skipped: Vec<PathBuf>,
    /// Total bytes read.
    pub bytes_scanned: u64,
    /// Every marker occurrence found.
    pub hits: Vec<Hit>,
}

impl ScanReport {
    /// Whether no marker was found.
    pub fn is_clean(&self) -> bool {
        self.hits.is_empty()
    }
}

impl fmt::Display for ScanReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scanned {} files ({} bytes), {} skipped, {} hits",
            self.files.len(),
            self.bytes_scanned,
            self.skipped.len(),
            self.hits.len()
        )?;
        // Labels, encodings, paths and offsets only: never the marker values.
        for hit in &self.hits {
            writeln!(
                f,
                "  {} as {} in {} at offset {}",
                hit.marker_label,
                hit.encoding,
                hit.path.display(),
                hit.offset
            )?;
        }
        Ok(())
    }
}

/// A compiled set of markers, reusable across many scans.
pub struct Scanner {
    automaton: AhoCorasick,
    /// For each pattern of the automaton: (marker index, encoding).
    patterns: Vec<(usize, Encoding)>,
    labels: Vec<String>,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scanner({} markers, {} patterns)", self.labels.len(), self.patterns.len())
    }
}

impl Scanner {
    /// Compiles every encoding of every marker into one multi-pattern automaton, so each file
    /// is read once whatever the number of markers.
    pub fn new(markers: &[Marker]) -> Scanner {
        let mut patterns = Vec::new();
        let mut bytes = Vec::new();
        for (idx, marker) in markers.iter().enumerate() {
            for (encoding, form) in encodings(&marker.value) {
                patterns.push((idx, encoding));
                bytes.push(form);
            }
        }
        // Standard (non-leftmost) semantics are what stream search needs, and they report a
        // match whenever any pattern occurs: an occurrence hidden by an overlapping one can
        // only be missed if another hit is reported, so "zero hits" is exact.
        let automaton = AhoCorasick::new(&bytes).expect("marker patterns fit the automaton");
        Scanner { automaton, patterns, labels: markers.iter().map(|m| m.label.clone()).collect() }
    }

    fn hit(&self, path: &Path, m: &aho_corasick::Match) -> Hit {
        let (marker_idx, encoding) = self.patterns[m.pattern().as_usize()];
        Hit {
            path: path.to_owned(),
            marker_label: self.labels[marker_idx].clone(),
            encoding,
            offset: m.start() as u64,
        }
    }

    /// Finds every marker in a byte buffer (an error message, a log line, a response body).
    pub fn scan_bytes(&self, haystack: &[u8]) -> Vec<Hit> {
        self.automaton.find_iter(haystack).map(|m| self.hit(Path::new(""), &m)).collect()
    }

    /// Scans one file, streaming it so a gigabyte file needs no gigabyte of memory.
    pub fn scan_file(&self, path: &Path) -> io::Result<(u64, Vec<Hit>)> {
        let file = fs::File::open(path)?;
        let len = file.metadata()?.len();
        let reader = BufReader::with_capacity(1 << 20, file);
        let mut hits = Vec::new();
        for m in self.automaton.stream_find_iter(reader) {
            hits.push(self.hit(path, &m?));
        }
        Ok((len, hits))
    }

    /// Scans every regular file under `dir`, recursively, without following symlinks. A
    /// missing `dir` is an empty, clean report (a wiped data directory may be gone entirely).
    pub fn scan_dir(&self, dir: &Path) -> io::Result<ScanReport> {
        let mut report = ScanReport::default();
        match fs::symlink_metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(report),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        let mut pending = vec![dir.to_owned()];
        while let Some(path) = pending.pop() {
            let meta = fs::symlink_metadata(&path)?;
            let kind = meta.file_type();
            if kind.is_dir() {
                let mut children = fs::read_dir(&path)?
                    .map(|e| e.map(|e| e.path()))
                    .collect::<io::Result<Vec<_>>>()?;
                // Reverse-sorted onto a stack: files come out in name order.
                children.sort();
                pending.extend(children.into_iter().rev());
            } else if kind.is_file() {
                let (len, hits) = self.scan_file(&path)?;
                report.bytes_scanned += len;
                report.hits.extend(hits);
                report.files.push(path);
            } else {
                report.skipped.push(path);
            }
        }
        Ok(report)
    }
}

/// Scans every file under `dir` for every marker in every encoding. See [`Scanner::scan_dir`].
pub fn scan_dir(dir: &Path, markers: &[Marker]) -> io::Result<ScanReport> {
    Scanner::new(markers).scan_dir(dir)
}

/// Finds every marker in a byte buffer. See [`Scanner::scan_bytes`].
pub fn scan_bytes(haystack: &[u8], markers: &[Marker]) -> Vec<Hit> {
    Scanner::new(markers).scan_bytes(haystack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_middle_occurs_in_every_embedding_at_its_alignment() {
        let value = b"Zhang San 110101199003078515";
        for shift in 0..3 {
            let middle = base64_stable_middle(value, shift, &STANDARD_NO_PAD);
            assert!(middle.len() >= value.len() * 4 / 3 - 2);
            for filler in [0u8, 0x55, 0xff] {
                let mut stream = vec![filler; shift + 3 * 7];
                stream.extend_from_slice(value);
                stream.extend_from_slice(&[filler; 5]);
                let encoded = base64::engine::general_purpose::STANDARD.encode(&stream);
                let encoded = encoded.as_bytes();
                assert!(
                    encoded.windows(middle.len()).any(|w| w == middle),
                    "shift {shift} filler {filler}"
                );
            }
        }
    }

    #[test]
    fn marker_debug_hides_the_value() {
        let m = Marker::text("name of case 1", "Li Secretname");
        assert!(!format!("{m:?}").contains("Secretname"));
    }
}
