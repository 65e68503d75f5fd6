//! The face video: Motion-JPEG in an MP4 (ISO BMFF) file, muxed by the small writer below.
//!
//! Why this format: the workstation's webview is WebKitGTK 4.1 on Linux, which plays media
//! through GStreamer. Debian 12's `gstreamer1.0-plugins-good` has the MP4 demuxer (`qtdemux`,
//! which maps the QuickTime `jpeg` sample entry to `image/jpeg`) and the JPEG decoder
//! (`jpegdec`), so Motion-JPEG in MP4 plays without any codec we would have to write (VP8 or
//! H.264 encoders are out of reach here) and without patent-encumbered encoders.
//!
//! Verified on Debian 12 with GStreamer 1.22 and WebKitGTK 2.50.6: `gst-discoverer-1.0`
//! reports a 2-second `image/jpeg` 320×240 10/1 fps stream in a `video/quicktime` (iso)
//! container; `gst-launch-1.0 filesrc ! qtdemux ! jpegdec` decodes all 20 frames; and in
//! WebKitGTK's MiniBrowser (driven by WebKitWebDriver under Xvfb) a `<video>` element fires
//! `loadeddata`, reports 320×240 and duration 2, plays (`currentTime` advanced 1.2 s in
//! 1.2 s, `readyState` 4) and shows the face. WebKit on macOS and Windows uses other media
//! stacks, where Motion-JPEG in MP4 is not guaranteed to play.
//!
//! Layout: `ftyp` (isom), `free` (the marker run), `moov` (before `mdat`, so playback can
//! start before the whole file is read), `mdat` with the frames back to back in one chunk.

/// Frames per second.
pub(crate) const FPS: u32 = 10;

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full(kind: &[u8; 4], version_flags: u32, body: &[u8]) -> Vec<u8> {
    let mut b = version_flags.to_be_bytes().to_vec();
    b.extend_from_slice(body);
    bx(kind, &b)
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The unity transformation matrix of `mvhd`/`tkhd`.
fn matrix() -> Vec<u8> {
    let m: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
    m.iter().flat_map(|v| v.to_be_bytes()).collect()
}

fn moov(width: u16, height: u16, sizes: &[u32], mdat_offset: u32) -> Vec<u8> {
    let n = sizes.len() as u32;
    let duration_ms = n * 1000 / FPS;
    let be = |v: u32| v.to_be_bytes();
    let mvhd = full(
        b"mvhd",
        0,
        &cat(&[
            &be(0),
            &be(0),
            &be(1000),
            &be(duration_ms),
            &be(0x0001_0000),
            &[1, 0],
            &[0; 10],
            &matrix(),
            &[0; 24],
            &be(2),
        ]),
    );
    let tkhd = full(
        b"tkhd",
        3,
        &cat(&[
            &be(0),
            &be(0),
            &be(1),
            &be(0),
            &be(duration_ms),
            &[0; 8],
            &[0; 2],
            &[0; 2],
            &[0; 2],
            &[0; 2],
            &matrix(),
            &be(u32::from(width) << 16),
            &be(u32::from(height) << 16),
        ]),
    );
    // Language "und" packed as three 5-bit letters.
    let mdhd = full(b"mdhd", 0, &cat(&[&be(0), &be(0), &be(FPS), &be(n), &[0x55, 0xC4], &[0; 2]]));
    let hdlr = full(b"hdlr", 0, &cat(&[&be(0), b"vide", &[0; 12], b"VideoHandler\0"]));
    let vmhd = full(b"vmhd", 1, &[0; 8]);
    let dinf = bx(b"dinf", &full(b"dref", 0, &cat(&[&be(1), &full(b"url ", 1, &[])])));
    let mut compressor = [0u8; 32];
    let name = b"Photo - JPEG";
    compressor[0] = name.len() as u8;
    compressor[1..=name.len()].copy_from_slice(name);
    let entry = bx(
        b"jpeg",
        &cat(&[
            &[0; 6],
            &[0, 1],
            &[0; 16],
            &width.to_be_bytes(),
            &height.to_be_bytes(),
            &be(0x0048_0000),
            &be(0x0048_0000),
            &be(0),
            &[0, 1],
            &compressor,
            &[0, 0x18],
            &[0xFF, 0xFF],
        ]),
    );
    let stsd = full(b"stsd", 0, &cat(&[&be(1), &entry]));
    let stts = full(b"stts", 0, &cat(&[&be(1), &be(n), &be(1)]));
    let stsc = full(b"stsc", 0, &cat(&[&be(1), &be(1), &be(n), &be(1)]));
    let size_table: Vec<u8> = sizes.iter().flat_map(|s| s.to_be_bytes()).collect();
    let stsz = full(b"stsz", 0, &cat(&[&be(0), &be(n), &size_table]));
    let stco = full(b"stco", 0, &cat(&[&be(1), &be(mdat_offset)]));
    let stbl = bx(b"stbl", &cat(&[&stsd, &stts, &stsc, &stsz, &stco]));
    let minf = bx(b"minf", &cat(&[&vmhd, &dinf, &stbl]));
    let mdia = bx(b"mdia", &cat(&[&mdhd, &hdlr, &minf]));
    let trak = bx(b"trak", &cat(&[&tkhd, &mdia]));
    bx(b"moov", &cat(&[&mvhd, &trak]))
}

/// Muxes JPEG frames of `width × height` into an MP4 file with the marker in a `free` box.
pub(crate) fn mp4(width: u16, height: u16, frames: &[Vec<u8>], marker: &[u8]) -> Vec<u8> {
    let ftyp = bx(b"ftyp", &cat(&[b"isom", &512u32.to_be_bytes(), b"isom", b"iso2", b"mp41"]));
    let free = bx(b"free", &cat(&[b"kyc-synth marker:", marker]));
    let sizes: Vec<u32> = frames.iter().map(|f| f.len() as u32).collect();
    // `moov`'s size does not depend on the offset it records, so measure it first.
    let moov_len = moov(width, height, &sizes, 0).len();
    let mdat_offset = (ftyp.len() + free.len() + moov_len + 8) as u32;
    let moov = moov(width, height, &sizes, mdat_offset);
    let mdat = bx(b"mdat", &frames.concat());
    cat(&[&ftyp, &free, &moov, &mdat])
}
