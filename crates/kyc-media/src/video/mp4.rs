//! ISO base media (MP4) structure check: a walk over the boxes that matter (`ftyp`, `moov` →
//! `mvhd`, `trak` → `tkhd`, `mdia` → `hdlr`, `minf` → `stbl` → `stsd` of the video track;
//! `mdat`). Box sizes are checked against their
//! parent before anything is read, every box advances the walk by at least its header, the
//! nesting followed is fixed (so a box "containing itself" is just data), and the total number
//! of boxes looked at is capped. Nothing is allocated in proportion to a declared size.

use super::{VideoCodec, VideoInfo, duration_ms};
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

    let mut video = None;
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
        if &hdlr.body[8..12] == b"vide" && video.is_none() {
            let size = parse_tkhd(tkhd.body)?;
            let codec = sample_entry_codec(&mut walker, &media)?;
            video = Some((size, codec));
        }
    }
    let ((width, height), (codec, h264_profile)) =
        video.ok_or(MediaError::corrupt("no video track"))?;
    Ok(VideoInfo { format: MediaFormat::Mp4, codec, h264_profile, duration_ms, width, height })
}

/// Bytes of a `VisualSampleEntry` before its child boxes (reserved fields, data reference
/// index, size, resolution, frame count, compressor name, depth).
const VISUAL_SAMPLE_ENTRY_LEN: usize = 78;

/// The codec of a video track's first sample description (`mdia` → `minf` → `stbl` →
/// `stsd`), and for H.264 the `profile_idc` of its `avcC` box.
fn sample_entry_codec(
    walker: &mut Walker,
    media: &[Atom<'_>],
) -> Result<(VideoCodec, Option<u8>), MediaError> {
    let minf = only(media, b"minf")?.ok_or(MediaError::corrupt("no minf box"))?;
    let stbl = walker.children(minf.body, false)?;
    let stbl = only(&stbl, b"stbl")?.ok_or(MediaError::corrupt("no stbl box"))?;
    let tables = walker.children(stbl.body, false)?;
    let stsd = only(&tables, b"stsd")?.ok_or(MediaError::corrupt("no stsd box"))?;
    // Full box header (version, flags) and entry count, then the entries as boxes.
    if stsd.body.len() < 8 || be_u32(stsd.body, 4) == 0 {
        return Err(MediaError::corrupt("empty stsd box"));
    }
    let entries = walker.children(&stsd.body[8..], false)?;
    let entry = entries.first().ok_or(MediaError::corrupt("empty stsd box"))?;
    let codec = match &entry.kind {
        b"avc1" | b"avc3" => VideoCodec::H264,
        b"hvc1" | b"hev1" => VideoCodec::Hevc,
        b"vp08" => VideoCodec::Vp8,
        b"vp09" => VideoCodec::Vp9,
        b"av01" => VideoCodec::Av1,
        b"jpeg" | b"mjpa" | b"mjpb" => VideoCodec::MotionJpeg,
        _ => VideoCodec::Unknown,
    };
    if codec != VideoCodec::H264 {
        return Ok((codec, None));
    }
    let children = entry
        .body
        .get(VISUAL_SAMPLE_ENTRY_LEN..)
        .ok_or(MediaError::corrupt("short sample entry"))?;
    let children = walker.children(children, false)?;
    let avcc = only(&children, b"avcC")?.ok_or(MediaError::corrupt("no avcC box"))?;
    // configurationVersion (always 1), AVCProfileIndication, profile_compatibility, level.
    match avcc.body {
        [1, profile, _, _, ..] => Ok((codec, Some(*profile))),
        _ => Err(MediaError::corrupt("bad avcC box")),
    }
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
