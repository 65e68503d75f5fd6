//! ISO base media (MP4) structure check: a walk over the boxes that matter (`ftyp`, `moov` →
//! `mvhd`, `trak` → `tkhd`, `mdia` → `hdlr`; `mdat`). Box sizes are checked against their
//! parent before anything is read, every box advances the walk by at least its header, the
//! nesting followed is fixed (so a box "containing itself" is just data), and the total number
//! of boxes looked at is capped. Nothing is allocated in proportion to a declared size.

use super::{VideoInfo, duration_ms};
use crate::{MediaError, MediaFormat};

/// Most boxes examined in one file; real files have a few dozen at the levels walked.
const MAX_BOXES: usize = 10_000;

/// One box: its four-character type and its body (the bytes after the header).
struct Atom<'a> {
    kind: [u8; 4],
    body: &'a [u8],
}

/// Splits box sequences, counting every box against one budget for the whole file.
struct Walker {
    budget: usize,
}

impl Walker {
    /// The boxes that exactly tile `data`. At the top level a size of 0 ("to the end of the
    /// file") is accepted for `mdat`, the one box a recorder may leave open; anywhere else a
    /// size of 0 is an error.
    fn children<'a>(
        &mut self,
        data: &'a [u8],
        top_level: bool,
    ) -> Result<Vec<Atom<'a>>, MediaError> {
        let mut atoms = Vec::new();
        let mut pos = 0usize;
        while pos < data.len() {
            self.budget =
                self.budget.checked_sub(1).ok_or(MediaError::corrupt("too many boxes"))?;
            let rest = &data[pos..];
            if rest.len() < 8 {
                return Err(MediaError::corrupt("truncated box header"));
            }
            let size32 = u32::from_be_bytes(rest[0..4].try_into().expect("four bytes"));
            let kind: [u8; 4] = rest[4..8].try_into().expect("four bytes");
            let (size, header) = match size32 {
                0 if top_level && &kind == b"mdat" => (rest.len() as u64, 8),
                0 => return Err(MediaError::corrupt("zero-sized box")),
                1 => {
                    if rest.len() < 16 {
                        return Err(MediaError::corrupt("truncated box header"));
                    }
                    (u64::from_be_bytes(rest[8..16].try_into().expect("eight bytes")), 16)
                }
                n => (u64::from(n), 8),
            };
            if size < header as u64 {
                return Err(MediaError::corrupt("box smaller than its header"));
            }
            if size > rest.len() as u64 {
                return Err(MediaError::corrupt("box extends past its parent"));
            }
            let size = size as usize;
            atoms.push(Atom { kind, body: &rest[header..size] });
            pos += size;
        }
        Ok(atoms)
    }
}

fn only<'a, 'b>(atoms: &'b [Atom<'a>], kind: &[u8; 4]) -> Result<Option<&'b Atom<'a>>, MediaError> {
    let mut found = atoms.iter().filter(|a| &a.kind == kind);
    let first = found.next();
    if found.next().is_some() {
        return Err(MediaError::corrupt("duplicate box"));
    }
    Ok(first)
}

pub(super) fn inspect(bytes: &[u8]) -> Result<VideoInfo, MediaError> {
    let mut walker = Walker { budget: MAX_BOXES };
    let top = walker.children(bytes, true)?;
    if top.first().map(|a| &a.kind) != Some(b"ftyp") {
        return Err(MediaError::corrupt("ftyp is not the first box"));
    }
    let moov = only(&top, b"moov")?.ok_or(MediaError::corrupt("no moov box"))?;
    if !top.iter().any(|a| &a.kind == b"mdat") {
        return Err(MediaError::corrupt("no mdat box"));
    }

    let movie = walker.children(moov.body, false)?;
    let mvhd = only(&movie, b"mvhd")?.ok_or(MediaError::corrupt("no mvhd box"))?;
    let duration_ms = parse_mvhd(mvhd.body)?;

    let mut video_size = None;
    for trak in movie.iter().filter(|a| &a.kind == b"trak") {
        let track = walker.children(trak.body, false)?;
        let tkhd = only(&track, b"tkhd")?.ok_or(MediaError::corrupt("no tkhd box"))?;
        let Some(mdia) = only(&track, b"mdia")? else {
            return Err(MediaError::corrupt("no mdia box"));
        };
        let media = walker.children(mdia.body, false)?;
        let hdlr = only(&media, b"hdlr")?.ok_or(MediaError::corrupt("no hdlr box"))?;
        if hdlr.body.len() < 12 {
            return Err(MediaError::corrupt("short hdlr box"));
        }
        if &hdlr.body[8..12] == b"vide" && video_size.is_none() {
            video_size = Some(parse_tkhd(tkhd.body)?);
        }
    }
    let (width, height) = video_size.ok_or(MediaError::corrupt("no video track"))?;
    Ok(VideoInfo { format: MediaFormat::Mp4, duration_ms, width, height })
}

fn be_u32(body: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(body[at..at + 4].try_into().expect("length checked by caller"))
}

fn be_u64(body: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(body[at..at + 8].try_into().expect("length checked by caller"))
}

/// Movie duration from `mvhd`; all-ones and zero mean "unknown" (zero is what fragmented files
/// write).
fn parse_mvhd(body: &[u8]) -> Result<Option<u64>, MediaError> {
    let (timescale, duration) = match body.first() {
        Some(0) if body.len() >= 20 => {
            let duration = be_u32(body, 16);
            (be_u32(body, 12), (duration != u32::MAX).then_some(u64::from(duration)))
        }
        Some(1) if body.len() >= 32 => {
            let duration = be_u64(body, 24);
            (be_u32(body, 20), (duration != u64::MAX).then_some(duration))
        }
        Some(0 | 1) => return Err(MediaError::corrupt("short mvhd box")),
        _ => return Err(MediaError::corrupt("unknown mvhd version")),
    };
    Ok(duration.filter(|d| *d > 0).and_then(|d| duration_ms(d, u64::from(timescale))))
}

/// Presentation size from `tkhd` (16.16 fixed point), swapped when the track matrix rotates
/// by a quarter turn, as phones do for portrait recordings.
fn parse_tkhd(body: &[u8]) -> Result<(Option<u32>, Option<u32>), MediaError> {
    let matrix_at = match body.first() {
        Some(0) if body.len() >= 84 => 40,
        Some(1) if body.len() >= 96 => 52,
        Some(0 | 1) => return Err(MediaError::corrupt("short tkhd box")),
        _ => return Err(MediaError::corrupt("unknown tkhd version")),
    };
    let entry = |i: usize| be_u32(body, matrix_at + 4 * i) as i32;
    let quarter_turn = entry(0) == 0 && entry(4) == 0 && entry(1) != 0 && entry(3) != 0;
    let size_at = matrix_at + 36;
    let side = |at: usize| Some(be_u32(body, at) >> 16).filter(|s| *s > 0);
    let (width, height) = (side(size_at), side(size_at + 4));
    Ok(if quarter_turn { (height, width) } else { (width, height) })
}
