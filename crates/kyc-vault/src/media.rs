//! Media objects as the vault stores them: variants, content types, inputs and metadata.

use std::fmt;
use std::io::Read;

use kyc_model::MediaId;

/// Plaintext bytes per sealed chunk: 64 KiB less 256 bytes. A range read opens only the
/// chunks it overlaps, so memory and work per read are bounded by the range plus at most two
/// chunks, whatever the object's size.
///
/// Why not exactly 64 KiB: each chunk is one row, and a row larger than a page's usable space
/// (65,501 bytes of payload with 64 KiB pages) spills into an overflow page. A sealed 64 KiB
/// chunk (65,564 bytes plus the key columns) would take a leaf-page slot *and* an overflow page
/// that is 12% empty, so the file would grow by ≈ 14% and ingest slow down as much. At
/// 65,280 bytes a sealed chunk with the longest ids (64 characters) still fits in one page:
/// one chunk per page, ≈ 99.6% of each page used, like a plain blob.
pub const CHUNK_LEN: u64 = 64 * 1024 - 256;

/// Which rendition of a media object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// As received from the hub (digest-verified).
    Original,
    /// The display rendition prepared at pull time.
    Display,
    /// A small preview.
    Thumbnail,
}

impl Variant {
    /// Every variant.
    pub const ALL: [Variant; 3] = [Variant::Original, Variant::Display, Variant::Thumbnail];

    /// Stable code, as stored in the plain `variant` column.
    pub fn code(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Display => "display",
            Variant::Thumbnail => "thumbnail",
        }
    }

    /// The variant for a stored code.
    pub fn from_code(code: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The media types the workstation shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// `image/webp`.
    Webp,
    /// `video/mp4`.
    Mp4,
    /// `video/webm`.
    Webm,
}

impl ContentType {
    /// Every content type.
    pub const ALL: [ContentType; 5] = [
        ContentType::Jpeg,
        ContentType::Png,
        ContentType::Webp,
        ContentType::Mp4,
        ContentType::Webm,
    ];

    /// The MIME type, for the `media://` response's `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            ContentType::Jpeg => "image/jpeg",
            ContentType::Png => "image/png",
            ContentType::Webp => "image/webp",
            ContentType::Mp4 => "video/mp4",
            ContentType::Webm => "video/webm",
        }
    }

    /// The content type for a MIME type (as stored in the plain column).
    pub fn from_mime(mime: &str) -> Option<ContentType> {
        ContentType::ALL.into_iter().find(|c| c.mime() == mime)
    }
}

/// Where a media object's bytes come from when it is stored.
pub enum MediaSource {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A reader yielding exactly `len` bytes (a large video streamed from a verified
    /// download), read one chunk at a time.
    Reader {
        /// The bytes.
        reader: Box<dyn Read + Send>,
        /// How many bytes it yields; more or fewer is [`crate::VaultError::MediaLength`].
        len: u64,
    },
}

impl MediaSource {
    pub(crate) fn len(&self) -> u64 {
        match self {
            MediaSource::Bytes(b) => b.len() as u64,
            MediaSource::Reader { len, .. } => *len,
        }
    }
}

impl fmt::Debug for MediaSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Lengths only: the bytes are personal data.
        write!(f, "MediaSource({} bytes)", self.len())
    }
}

/// One media object to store with its case.
#[derive(Debug)]
pub struct MediaInput {
    /// The id the case's documents refer to.
    pub id: MediaId,
    /// Which rendition.
    pub variant: Variant,
    /// Its type.
    pub content_type: ContentType,
    /// Its bytes.
    pub source: MediaSource,
}

impl MediaInput {
    /// A media object from bytes in memory.
    pub fn bytes(id: MediaId, variant: Variant, content_type: ContentType, bytes: Vec<u8>) -> Self {
        MediaInput { id, variant, content_type, source: MediaSource::Bytes(bytes) }
    }
}

/// What a `media://` handler needs before serving bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaInfo {
    /// Length in bytes.
    pub len: u64,
    /// Its type.
    pub content_type: ContentType,
}

/// Number of chunks an object of `len` bytes is sealed in. An empty object still has one
/// (empty) chunk, so that its emptiness is authenticated like any other length.
pub(crate) fn n_chunks(len: u64) -> u64 {
    len.div_ceil(CHUNK_LEN).max(1)
}

/// Plaintext length of chunk `index` of an object of `len` bytes.
pub(crate) fn chunk_len(len: u64, index: u64) -> u64 {
    let n = n_chunks(len);
    if index + 1 < n { CHUNK_LEN } else { len - (n - 1) * CHUNK_LEN }
}

/// The opaque row id of a media object in associated data and errors.
pub(crate) fn media_row(id: &MediaId, variant: Variant) -> String {
    format!("{id}:{variant}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking_of_boundary_lengths() {
        // (len, chunks, last chunk length)
        for (len, n, last) in [
            (0, 1, 0),
            (1, 1, 1),
            (CHUNK_LEN - 1, 1, CHUNK_LEN - 1),
            (CHUNK_LEN, 1, CHUNK_LEN),
            (CHUNK_LEN + 1, 2, 1),
            (3 * CHUNK_LEN, 3, CHUNK_LEN),
        ] {
            assert_eq!(n_chunks(len), n, "{len}");
            assert_eq!(chunk_len(len, n - 1), last, "{len}");
            let total: u64 = (0..n).map(|i| chunk_len(len, i)).sum();
            assert_eq!(total, len);
        }
    }
}
