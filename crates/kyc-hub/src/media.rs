//! Media files on the hub's disk: sealed with the hub key, under random names, in fixed-size
//! chunks so a byte range is served by opening only the chunks it covers.
//!
//! File layout: a 16-byte header (`b"KYCM"`, format 2 as u32 LE, plaintext length as u64 LE),
//! then one sealed record per 64 KiB of plaintext (the last may be shorter). Each chunk's
//! associated data binds the file name, the header (so the length cannot be changed), the
//! chunk index and whether it is the last chunk: chunks cannot be reordered, moved to another
//! file, or dropped from the end.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::crypto::{CryptoError, HubKey, random_hex};

/// Plaintext bytes per chunk.
pub const CHUNK_BYTES: usize = 64 * 1024;
const HEADER_BYTES: usize = 16;
const MAGIC: &[u8; 4] = b"KYCM";
const FORMAT: u32 = 2;
/// Bytes a sealed chunk adds: format byte, nonce, tag.
const CHUNK_OVERHEAD: usize = 1 + 12 + 16;

/// Why a media file could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Filesystem failure.
    #[error("media file io: {0}")]
    Io(#[from] std::io::Error),
    /// The file failed authentication.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The header is not ours or does not match the stored size.
    #[error("media file header is malformed")]
    Header,
    /// The range asked for lies outside the object.
    #[error("range outside the media object")]
    Range,
}

/// The media directory and the key that seals it.
#[derive(Debug)]
pub struct MediaFiles {
    dir: PathBuf,
    key: Arc<HubKey>,
}

fn header(len: u64) -> [u8; HEADER_BYTES] {
    let mut h = [0u8; HEADER_BYTES];
    h[..4].copy_from_slice(MAGIC);
    h[4..8].copy_from_slice(&FORMAT.to_le_bytes());
    h[8..].copy_from_slice(&len.to_le_bytes());
    h
}

fn chunk_aad(name: &str, header: &[u8; HEADER_BYTES], index: u64, last: bool) -> Vec<u8> {
    let mut aad = b"kyc-hub media v2:".to_vec();
    aad.extend_from_slice(name.as_bytes());
    aad.push(0);
    aad.extend_from_slice(header);
    aad.extend_from_slice(&index.to_le_bytes());
    aad.push(u8::from(last));
    aad
}

fn n_chunks(len: u64) -> u64 {
    len.div_ceil(CHUNK_BYTES as u64).max(1)
}

impl MediaFiles {
    /// Opens (creating, mode 0700) `data_dir/media`.
    pub fn open(data_dir: &Path, key: Arc<HubKey>) -> Result<Self, MediaError> {
        let dir = data_dir.join("media");
        match kyc_platform::private_fs::dir_builder().create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Self { dir, key })
    }

    /// Seals and writes bytes under a fresh random name (not derived from any id, so a
    /// directory listing reveals nothing), durably, and returns the name.
    pub fn write(&self, plaintext: &[u8]) -> Result<String, MediaError> {
        let name = random_hex(16);
        let head = header(plaintext.len() as u64);
        let mut file = kyc_platform::private_fs::open_options()
            .write(true)
            .create_new(true)
            .open(self.dir.join(&name))?;
        let mut out = std::io::BufWriter::new(&mut file);
        out.write_all(&head)?;
        let total = n_chunks(plaintext.len() as u64);
        for index in 0..total {
            let start = index as usize * CHUNK_BYTES;
            let end = (start + CHUNK_BYTES).min(plaintext.len());
            let aad = chunk_aad(&name, &head, index, index + 1 == total);
            out.write_all(&self.key.seal_aad(&aad, &plaintext[start..end])?)?;
        }
        out.flush()?;
        drop(out);
        file.sync_all()?;
        Ok(name)
    }

    /// Reads and opens a whole file.
    pub fn read(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, MediaError> {
        let (mut file, head, len) = self.open_file(name)?;
        if len == 0 {
            return Ok(Zeroizing::new(Vec::new()));
        }
        self.read_chunks(&mut file, name, &head, len, 0, len - 1)
    }

    /// Reads and opens bytes `start..=end` of a file, touching only the chunks they lie in.
    pub fn read_range(
        &self,
        name: &str,
        start: u64,
        end: u64,
    ) -> Result<Zeroizing<Vec<u8>>, MediaError> {
        let (mut file, head, len) = self.open_file(name)?;
        if start > end || end >= len {
            return Err(MediaError::Range);
        }
        self.read_chunks(&mut file, name, &head, len, start, end)
    }

    fn open_file(&self, name: &str) -> Result<(File, [u8; HEADER_BYTES], u64), MediaError> {
        let mut file = File::open(self.dir.join(name))?;
        let mut head = [0u8; HEADER_BYTES];
        file.read_exact(&mut head)?;
        if &head[..4] != MAGIC || head[4..8] != FORMAT.to_le_bytes() {
            return Err(MediaError::Header);
        }
        let len = u64::from_le_bytes(head[8..].try_into().map_err(|_| MediaError::Header)?);
        Ok((file, head, len))
    }

    fn read_chunks(
        &self,
        file: &mut File,
        name: &str,
        head: &[u8; HEADER_BYTES],
        len: u64,
        start: u64,
        end: u64,
    ) -> Result<Zeroizing<Vec<u8>>, MediaError> {
        let chunk = CHUNK_BYTES as u64;
        let total = n_chunks(len);
        let (first, last) = (start / chunk, end / chunk);
        let mut out = Zeroizing::new(Vec::with_capacity((end - start + 1) as usize));
        file.seek(SeekFrom::Start(HEADER_BYTES as u64 + first * (chunk + CHUNK_OVERHEAD as u64)))?;
        let mut sealed = Vec::with_capacity(CHUNK_BYTES + CHUNK_OVERHEAD);
        for index in first..=last {
            let plain_len = (len - index * chunk).min(chunk) as usize;
            sealed.resize(plain_len + CHUNK_OVERHEAD, 0);
            file.read_exact(&mut sealed)?;
            let aad = chunk_aad(name, head, index, index + 1 == total);
            let plain = self.key.open_aad(&aad, &sealed)?;
            let from = if index == first { (start - index * chunk) as usize } else { 0 };
            let to = if index == last { (end - index * chunk) as usize + 1 } else { plain.len() };
            out.extend_from_slice(&plain[from..to]);
        }
        Ok(out)
    }

    /// Deletes a file; a missing file is not an error (a purge may be repeated).
    pub fn delete(&self, name: &str) -> Result<(), MediaError> {
        match fs::remove_file(self.dir.join(name)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> (tempfile::TempDir, MediaFiles) {
        let dir = tempfile::tempdir().unwrap();
        let key = Arc::new(HubKey::load_or_create(dir.path()).unwrap());
        let files = MediaFiles::open(dir.path(), key).unwrap();
        (dir, files)
    }

    #[test]
    fn ranges_across_chunk_boundaries_read_back_exactly() {
        let (_dir, files) = files();
        let data: Vec<u8> = (0..(3 * CHUNK_BYTES + 123)).map(|i| (i * 7 % 251) as u8).collect();
        let name = files.write(&data).unwrap();
        assert_eq!(&files.read(&name).unwrap()[..], &data[..]);
        let c = CHUNK_BYTES as u64;
        for (start, end) in
            [(0, 0), (0, c - 1), (c - 1, c), (5, 2 * c + 9), (3 * c, 3 * c + 122), (c, 3 * c + 122)]
        {
            let got = files.read_range(&name, start, end).unwrap();
            assert_eq!(&got[..], &data[start as usize..=end as usize], "{start}-{end}");
        }
        assert!(matches!(files.read_range(&name, 0, 3 * c + 123), Err(MediaError::Range)));
    }

    #[test]
    fn tampering_truncation_and_swapping_are_detected() {
        let (dir, files) = files();
        let data = vec![9u8; 2 * CHUNK_BYTES + 5];
        let a = files.write(&data).unwrap();
        let b = files.write(&data).unwrap();
        let path = |n: &str| dir.path().join("media").join(n);
        // Swapping two files' contents: each now fails under its own name.
        let bytes_a = fs::read(path(&a)).unwrap();
        fs::write(path(&b), &bytes_a).unwrap();
        assert!(matches!(files.read(&b), Err(MediaError::Crypto(_))));
        // Dropping the last chunk and shrinking the declared length.
        let mut cut = bytes_a.clone();
        cut.truncate(HEADER_BYTES + 2 * (CHUNK_BYTES + CHUNK_OVERHEAD));
        cut[8..16].copy_from_slice(&((2 * CHUNK_BYTES) as u64).to_le_bytes());
        fs::write(path(&a), &cut).unwrap();
        assert!(files.read(&a).is_err());
        // A flipped bit in the middle chunk.
        let mut flipped = bytes_a;
        flipped[HEADER_BYTES + CHUNK_BYTES + 100] ^= 1;
        fs::write(path(&a), &flipped).unwrap();
        assert!(files.read_range(&a, 0, 10).is_ok(), "untouched chunks still open");
        assert!(files.read(&a).is_err());
    }
}
