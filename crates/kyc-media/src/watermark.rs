//! The reviewer watermark: the reviewer's id, a short case reference and the time, drawn as
//! light text with a dark shadow, semi-transparent, repeated in staggered rows over the whole
//! image, so that any photo or crop of the screen names who looked at the case and when.

use kyc_model::UserId;
use time::{OffsetDateTime, UtcOffset};

use crate::glyphs::{GLYPH_HEIGHT, GLYPH_WIDTH, glyph, is_drawable};

/// Longest case reference drawn; longer references are cut so a row stays readable.
const MAX_CASE_REF_CHARS: usize = 24;
/// Opacity of the light text, out of 256 (about 45 %): the document stays readable beneath.
const TEXT_ALPHA: u32 = 115;
/// Opacity of the dark shadow, out of 256 (about 40 %): keeps the text visible on white.
const SHADOW_ALPHA: u32 = 102;

/// What each watermarked rendition carries, and what the UI overlays on video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// The reviewer who pulled the case (an opaque id, never a name).
    pub reviewer: UserId,
    /// A short opaque case reference. Characters outside `A-Z a-z 0-9 - _ : . / +` are shown
    /// as `?` and only the first 24 characters are drawn.
    pub case_ref: String,
    /// When the rendition was made; shown in UTC to the minute.
    pub at: OffsetDateTime,
}

/// Marks in the coverage mask.
const SHADOW: u8 = 1;
const TEXT: u8 = 2;

impl Watermark {
    /// The watermark text, for example `u_abc123 c-42 2026-11-27 12:45Z`. The renditions draw
    /// exactly this text; the UI overlays the same text on video.
    pub fn text(&self) -> String {
        let at = self.at.to_offset(UtcOffset::UTC);
        let case_ref: String = self
            .case_ref
            .chars()
            .take(MAX_CASE_REF_CHARS)
            .map(|c| if is_drawable(c) && c != ' ' { c } else { '?' })
            .collect();
        format!(
            "{} {} {:04}-{:02}-{:02} {:02}:{:02}Z",
            self.reviewer,
            case_ref,
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute()
        )
    }

    /// Which pixels of a `width` × `height` image the watermark changes (row-major). Every
    /// other pixel is left exactly as it was; tests and audits use this to check a rendition.
    pub fn coverage(&self, width: u32, height: u32) -> Vec<bool> {
        self.mask(width, height).into_iter().map(|m| m != 0).collect()
    }

    /// Draws the watermark onto packed 3-channel pixels, RGB or (JFIF, full-range) YCbCr.
    /// Blending towards white or black in RGB is blending Y towards 255 or 0 and Cb, Cr
    /// towards 128, since the conversion between the two is affine.
    pub(crate) fn draw(&self, pixels: &mut [u8], width: u32, height: u32, ycbcr: bool) {
        let w = width as usize;
        if w == 0 {
            return;
        }
        let mask = self.mask(width, height);
        // Blends as lookup tables: one load per channel instead of a multiply.
        let blend = |alpha: u32, target: u32| -> [u8; 256] {
            std::array::from_fn(|v| ((v as u32 * (256 - alpha) + target * alpha) >> 8) as u8)
        };
        let chroma_target = if ycbcr { 128 } else { 0 };
        let text_luma = blend(TEXT_ALPHA, 255);
        let shadow_luma = blend(SHADOW_ALPHA, 0);
        let (text_chroma, shadow_chroma) = if ycbcr {
            (blend(TEXT_ALPHA, chroma_target), blend(SHADOW_ALPHA, chroma_target))
        } else {
            (text_luma, shadow_luma)
        };
        let text = [&text_luma, &text_chroma, &text_chroma];
        let shadow = [&shadow_luma, &shadow_chroma, &shadow_chroma];
        for (row, row_mask) in pixels.chunks_exact_mut(w * 3).zip(mask.chunks_exact(w)) {
            // Most rows lie between lines of text; the all-zero test is vectorised.
            if row_mask.iter().all(|m| *m == 0) {
                continue;
            }
            for (pixel, mark) in row.chunks_exact_mut(3).zip(row_mask) {
                let tables = match *mark {
                    TEXT => &text,
                    SHADOW => &shadow,
                    _ => continue,
                };
                for (channel, table) in pixel.iter_mut().zip(tables) {
                    *channel = table[usize::from(*channel)];
                }
            }
        }
    }

    /// The mask of shadow and text pixels. Layout depends only on the text and the image size.
    fn mask(&self, width: u32, height: u32) -> Vec<u8> {
        let (w, h) = (width as usize, height as usize);
        let mut mask = vec![0u8; w * h];
        if w == 0 || h == 0 {
            return mask;
        }
        let bitmaps: Vec<[u8; 7]> = self.text().chars().map(glyph).collect();
        let layout = Layout::for_size(width, height, bitmaps.len());
        // Shadows first, text second, so text wins where a shadow would overlap it.
        for (mark, shift) in [(SHADOW, layout.shadow_offset), (TEXT, 0)] {
            for (x0, y0) in layout.placements(width, height) {
                for (i, bitmap) in bitmaps.iter().enumerate() {
                    let gx = x0 + (i as i64) * layout.advance + shift;
                    for (row, bits) in bitmap.iter().enumerate() {
                        for col in 0..GLYPH_WIDTH {
                            if bits & (1 << (GLYPH_WIDTH - 1 - col)) == 0 {
                                continue;
                            }
                            let px = gx + i64::from(col) * layout.scale;
                            let py = y0 + shift + (row as i64) * layout.scale;
                            fill(&mut mask, w, h, px, py, layout.scale, mark);
                        }
                    }
                }
            }
        }
        mask
    }
}

/// Fills a `size` × `size` block at (`x`, `y`), clipped to the image.
fn fill(mask: &mut [u8], w: usize, h: usize, x: i64, y: i64, size: i64, mark: u8) {
    let x_start = x.clamp(0, w as i64) as usize;
    let x_end = (x + size).clamp(0, w as i64) as usize;
    let y_start = y.clamp(0, h as i64) as usize;
    let y_end = (y + size).clamp(0, h as i64) as usize;
    for row in y_start..y_end {
        mask[row * w + x_start..row * w + x_end].fill(mark);
    }
}

/// Sizes and spacing of the tiled text for one image size.
struct Layout {
    /// Pixels per glyph dot: grows with the image so the text stays readable at any size.
    scale: i64,
    /// Horizontal distance between characters.
    advance: i64,
    /// Shadow displacement down and right.
    shadow_offset: i64,
    /// Horizontal distance between repeats of the text in one row.
    period: i64,
    /// Vertical distance between rows.
    row_pitch: i64,
}

impl Layout {
    fn for_size(width: u32, height: u32, n_chars: usize) -> Self {
        let scale = i64::from((width.min(height) / 480).max(1));
        let advance = i64::from(GLYPH_WIDTH + 1) * scale;
        let line_height = i64::from(GLYPH_HEIGHT) * scale;
        Layout {
            scale,
            advance,
            shadow_offset: (scale / 2).max(1),
            period: (n_chars as i64 + 4) * advance,
            row_pitch: line_height * 5,
        }
    }

    /// Top-left corners of every copy of the text. Each row is shifted by a third of a period
    /// against the previous one, so the copies run diagonally across the image.
    fn placements(&self, width: u32, height: u32) -> impl Iterator<Item = (i64, i64)> + '_ {
        let (width, height) = (i64::from(width), i64::from(height));
        let first_row = (self.row_pitch - i64::from(GLYPH_HEIGHT) * self.scale) / 2;
        (0..)
            .map(move |k| (k, first_row + k * self.row_pitch))
            .take_while(move |(_, y)| *y < height)
            .flat_map(move |(k, y)| {
                let shift = (k * self.period / 3) % self.period;
                (0..)
                    .map(move |j| shift - self.period + j * self.period)
                    .take_while(move |x| *x < width)
                    .map(move |x| (x, y))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn watermark(case_ref: &str) -> Watermark {
        Watermark {
            reviewer: UserId::parse("u_Rev1ewer").unwrap(),
            case_ref: case_ref.to_owned(),
            at: datetime!(2026-11-27 20:45:59 +08:00),
        }
    }

    #[test]
    fn text_names_reviewer_case_and_utc_minute() {
        assert_eq!(watermark("c-42").text(), "u_Rev1ewer c-42 2026-11-27 12:45Z");
    }

    #[test]
    fn case_ref_is_cut_and_undrawable_characters_replaced() {
        assert_eq!(watermark("a b\u{4e2d}").text(), "u_Rev1ewer a?b? 2026-11-27 12:45Z");
        let long = "x".repeat(100);
        assert!(watermark(&long).text().contains(&format!(" {} ", "x".repeat(24))));
    }

    #[test]
    fn text_covers_every_region_of_the_image() {
        // Every 200 × 200 region of a display-sized image carries part of the watermark, so a
        // crop cannot remove it.
        let (w, h) = (2560u32, 1920u32);
        let coverage = watermark("c-42").coverage(w, h);
        for by in (0..h).step_by(200).filter(|y| y + 200 <= h) {
            for bx in (0..w).step_by(200).filter(|x| x + 200 <= w) {
                let hit =
                    (by..by + 200).any(|y| (bx..bx + 200).any(|x| coverage[(y * w + x) as usize]));
                assert!(hit, "region at {bx},{by} has no watermark");
            }
        }
        let share = coverage.iter().filter(|c| **c).count() as f64 / coverage.len() as f64;
        assert!((0.03..0.35).contains(&share), "covers {share:.3} of the image");
    }

    #[test]
    fn drawing_changes_exactly_the_covered_pixels_on_any_background() {
        let (w, h) = (333u32, 211u32);
        let mark = watermark("c-42");
        let coverage = mark.coverage(w, h);
        for background in [0u8, 128, 255] {
            let mut rgb = vec![background; (w * h * 3) as usize];
            mark.draw(&mut rgb, w, h, false);
            for (i, covered) in coverage.iter().enumerate() {
                let changed = rgb[i * 3] != background;
                // On black the shadow cannot darken and on white the text cannot lighten, so
                // "changed" is only required where a change is possible.
                if !covered {
                    assert!(!changed, "pixel {i} changed outside the watermark");
                } else if background == 128 {
                    assert!(changed, "covered pixel {i} unchanged on grey");
                }
            }
        }
    }

    #[test]
    fn drawing_in_ycbcr_matches_drawing_in_rgb() {
        // The same grey in both spaces: RGB (v, v, v) is YCbCr (v, 128, 128).
        let (w, h) = (200u32, 120u32);
        let mark = watermark("c-42");
        for v in [0u8, 77, 128, 200, 255] {
            let mut rgb = vec![v; (w * h * 3) as usize];
            let mut ycc: Vec<u8> = (0..w * h).flat_map(|_| [v, 128, 128]).collect();
            mark.draw(&mut rgb, w, h, false);
            mark.draw(&mut ycc, w, h, true);
            for (p, q) in rgb.chunks_exact(3).zip(ycc.chunks_exact(3)) {
                assert_eq!(p[0], q[0]);
                assert_eq!((q[1], q[2]), (128, 128), "grey stays neutral");
            }
        }
    }

    #[test]
    fn zero_sized_images_are_fine() {
        assert!(watermark("c").coverage(0, 10).is_empty());
        assert!(watermark("c").coverage(10, 0).is_empty());
    }
}
