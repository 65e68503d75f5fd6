//! The benchmark's media set, shared by the vault bench and the SQLCipher peer (included with
//! `#[path]`) so both measure exactly the same bytes.

/// Sizes of the blobs: about 200 MB from 300 KB to 5 MB, deterministic.
pub fn sizes() -> Vec<usize> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut sizes = Vec::new();
    let mut total = 0;
    while total < 200_000_000 {
        state = xorshift(state);
        let size = 300_000 + (state % 4_700_001) as usize;
        sizes.push(size);
        total += size;
    }
    sizes
}

fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Incompressible pseudo-random bytes for blob `index` (like JPEG or video data).
pub fn blob(index: usize, len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64 ^ ((index as u64 + 1) * 0x9e37_79b9);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = xorshift(state);
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Blobs per transaction (one case with its images).
pub const BLOBS_PER_CASE: usize = 3;
