//! WebM (EBML) structure check: the EBML header with DocType `webm`, then the `Segment` with
//! its `Info` (duration) and `Tracks` (the first video track's `CodecID` and pixel size). Element sizes are
//! checked against their parent; only `Segment` and `Cluster` may have an unknown size; the
//! walk stops at the first cluster of unknown size (media data follows) and counts every
//! element against a fixed budget.

use super::{VideoCodec, VideoInfo, duration_ms};
use crate::{MediaError, MediaFormat};

/// The first four bytes of every EBML document (the EBML header element id).
pub(crate) const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const CLUSTER: u32 = 0x1F43_B675;

/// Track type of video tracks.
const TRACK_TYPE_VIDEO: u64 = 1;
/// Most elements examined in one file.
const MAX_ELEMENTS: usize = 100_000;
/// Largest EBML header accepted; real ones are about 40 bytes.
const MAX_HEADER: u64 = 4096;

struct Element<'a> {
    id: u32,
    body: &'a [u8],
    /// The size field was "unknown": the element runs to the end of its parent.
    unknown_size: bool,
}

/// A decoded variable-length integer: (value, byte length, all value bits set).
type Vint = (u64, usize, bool);

/// A video track's codec, and its width and height, each when stated.
type VideoTrack = (VideoCodec, Option<u32>, Option<u32>);

/// A variable-length integer: (value without the length marker, byte length, all value bits
/// set). Ids keep their marker, sizes do not.
fn read_vint(data: &[u8], max_len: u32) -> Option<Vint> {
    let first = *data.first()?;
    let len = first.leading_zeros() + 1;
    if len > max_len || data.len() < len as usize {
        return None;
    }
    let mut value = u64::from(first) & (0xFF >> len);
    for byte in &data[1..len as usize] {
        value = (value << 8) | u64::from(*byte);
    }
    let all_ones = value == (1u64 << (7 * len)) - 1;
    Some((value, len as usize, all_ones))
}

fn read_id(data: &[u8]) -> Option<(u32, usize)> {
    let (_, len, _) = read_vint(data, 4)?;
    let id = data[..len].iter().fold(0u32, |id, byte| (id << 8) | u32::from(*byte));
    Some((id, len))
}

struct Walker {
    budget: usize,
}

impl Walker {
    /// The elements in `data`, in order. An element of unknown size runs to the end of `data`
    /// and ends the list.
    fn children<'a>(&mut self, data: &'a [u8]) -> Result<Vec<Element<'a>>, MediaError> {
        let mut elements = Vec::new();
        let mut pos = 0usize;
        while pos < data.len() {
            self.budget =
                self.budget.checked_sub(1).ok_or(MediaError::corrupt("too many elements"))?;
            let (id, id_len) =
                read_id(&data[pos..]).ok_or(MediaError::corrupt("bad element id"))?;
            let (size, size_len, unknown_size) = read_vint(&data[pos + id_len..], 8)
                .ok_or(MediaError::corrupt("bad element size"))?;
            let body_start = pos + id_len + size_len;
            let rest = data.len() - body_start;
            if unknown_size {
                if id != SEGMENT && id != CLUSTER {
                    return Err(MediaError::corrupt("unknown size on a non-streaming element"));
                }
                elements.push(Element { id, body: &data[body_start..], unknown_size });
                break;
            }
            if size > rest as u64 {
                return Err(MediaError::corrupt("element extends past its parent"));
            }
            let body_end = body_start + size as usize;
            elements.push(Element { id, body: &data[body_start..body_end], unknown_size });
            pos = body_end;
        }
        Ok(elements)
    }
}

/// The header's DocType (`webm`, `matroska`, ...), or `None` when the bytes do not start with
/// a well-formed EBML header. Used by sniffing, so it reads only the header.
pub(crate) fn doc_type(bytes: &[u8]) -> Option<&[u8]> {
    let (id, id_len) = read_id(bytes)?;
    let (size, size_len, unknown) = read_vint(&bytes[id_len..], 8)?;
    let start = id_len + size_len;
    if id != EBML || unknown || size > MAX_HEADER || size > (bytes.len() - start) as u64 {
        return None;
    }
    let header = &bytes[start..start + size as usize];
    let mut walker = Walker { budget: 64 };
    let children = walker.children(header).ok()?;
    let doc_type = children.iter().find(|e| e.id == DOC_TYPE)?.body;
    // EBML strings may be padded with zero bytes.
    let end = doc_type.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    Some(&doc_type[..end])
}

fn uint(body: &[u8]) -> Result<u64, MediaError> {
    if body.len() > 8 {
        return Err(MediaError::corrupt("integer longer than 8 bytes"));
    }
    Ok(body.iter().fold(0u64, |value, byte| (value << 8) | u64::from(*byte)))
}

fn float(body: &[u8]) -> Result<f64, MediaError> {
    match body.len() {
        0 => Ok(0.0),
        4 => Ok(f64::from(f32::from_be_bytes(body.try_into().expect("four bytes")))),
        8 => Ok(f64::from_be_bytes(body.try_into().expect("eight bytes"))),
        _ => Err(MediaError::corrupt("float of invalid length")),
    }
}

pub(super) fn inspect(bytes: &[u8]) -> Result<VideoInfo, MediaError> {
    let mut walker = Walker { budget: MAX_ELEMENTS };
    let top = walker.children(bytes)?;
    let mut top = top.iter();
    match top.next() {
        Some(header) if header.id == EBML && doc_type(bytes) == Some(b"webm") => {}
        _ => return Err(MediaError::corrupt("no EBML header")),
    }
    let segment = top.find(|e| e.id == SEGMENT).ok_or(MediaError::corrupt("no Segment element"))?;

    let mut duration = None;
    let mut video = None;
    let mut seen_tracks = false;
    for element in walker.children(segment.body)? {
        match element.id {
            INFO => duration = parse_info(&mut walker, element.body)?,
            TRACKS => {
                seen_tracks = true;
                video = video.or(parse_tracks(&mut walker, element.body)?);
            }
            // Media data follows; the header elements the viewer needs come before it.
            CLUSTER if element.unknown_size => break,
            _ => {}
        }
    }
    if !seen_tracks {
        return Err(MediaError::corrupt("no Tracks element"));
    }
    let (codec, width, height) = video.ok_or(MediaError::corrupt("no video track"))?;
    Ok(VideoInfo {
        format: MediaFormat::Webm,
        codec,
        h264_profile: None,
        duration_ms: duration,
        width,
        height,
    })
}

/// Duration in milliseconds: `Duration` (a float, in `TimecodeScale` nanoseconds).
fn parse_info(walker: &mut Walker, body: &[u8]) -> Result<Option<u64>, MediaError> {
    let mut scale_ns = 1_000_000u64;
    let mut ticks = None;
    for element in walker.children(body)? {
        match element.id {
            TIMECODE_SCALE => scale_ns = uint(element.body)?,
            DURATION => ticks = Some(float(element.body)?),
            _ => {}
        }
    }
    let Some(ticks) = ticks.filter(|t| t.is_finite() && *t > 0.0 && *t < 1e18) else {
        return Ok(None);
    };
    // Milliseconds = ticks × scale_ns / 10^6; done in floating point because ticks is one.
    let ms = ticks * scale_ns as f64 / 1e6;
    Ok((ms.is_finite() && ms < 1e15).then(|| duration_ms(ms.round() as u64, 1000)).flatten())
}

/// The codec named by a track's `CodecID` (an ASCII string such as `V_VP9`).
fn codec(codec_id: Option<&[u8]>) -> VideoCodec {
    match codec_id {
        Some(b"V_VP8") => VideoCodec::Vp8,
        Some(b"V_VP9") => VideoCodec::Vp9,
        Some(b"V_AV1") => VideoCodec::Av1,
        Some(b"V_MPEG4/ISO/AVC") => VideoCodec::H264,
        Some(b"V_MPEGH/ISO/HEVC") => VideoCodec::Hevc,
        Some(b"V_MJPEG") => VideoCodec::MotionJpeg,
        _ => VideoCodec::Unknown,
    }
}

/// The codec and pixel size of the first video track, if any.
fn parse_tracks(walker: &mut Walker, body: &[u8]) -> Result<Option<VideoTrack>, MediaError> {
    for entry in walker.children(body)?.iter().filter(|e| e.id == TRACK_ENTRY) {
        let fields = walker.children(entry.body)?;
        let track_type = match fields.iter().find(|e| e.id == TRACK_TYPE) {
            Some(e) => uint(e.body)?,
            None => continue,
        };
        if track_type != TRACK_TYPE_VIDEO {
            continue;
        }
        let (mut width, mut height) = (None, None);
        if let Some(video) = fields.iter().find(|e| e.id == VIDEO) {
            for field in walker.children(video.body)? {
                let value = || -> Result<Option<u32>, MediaError> {
                    Ok(u32::try_from(uint(field.body)?).ok().filter(|v| *v > 0))
                };
                match field.id {
                    PIXEL_WIDTH => width = value()?,
                    PIXEL_HEIGHT => height = value()?,
                    _ => {}
                }
            }
        }
        let codec_id = fields.iter().find(|e| e.id == CODEC_ID).map(|e| e.body);
        return Ok(Some((codec(codec_id), width, height)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vints_decode_with_and_without_marker() {
        let cases: &[(&[u8], Option<Vint>)] = &[
            (&[0x81], Some((1, 1, false))),
            (&[0xFF], Some((0x7F, 1, true))),
            (&[0x40, 0x02], Some((2, 2, false))),
            (&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Some(((1 << 56) - 1, 8, true))),
            (&[0x00, 0x81], None),
            (&[0x40], None),
            (&[], None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(read_vint(bytes, 8), *expected, "{bytes:02x?}");
        }
        assert_eq!(read_id(&[0x1A, 0x45, 0xDF, 0xA3]), Some((EBML, 4)));
        assert_eq!(read_id(&[0x08, 0, 0, 0, 0]), None, "ids are at most 4 bytes");
    }
}
