//! What the watermark draws each character with: the shared 5×7 table of `kyc-glyphs`, and `?`
//! for any character the table lacks (so an unexpected character is visibly "not drawn").

pub(crate) use kyc_glyphs::{HEIGHT as GLYPH_HEIGHT, WIDTH as GLYPH_WIDTH};

/// The bitmap for `c`; characters outside the table are drawn as `?`.
pub(crate) fn glyph(c: char) -> kyc_glyphs::Bitmap {
    kyc_glyphs::glyph(c).unwrap_or(kyc_glyphs::QUESTION_MARK)
}

/// Whether `c` has its own glyph (rather than being drawn as `?`).
pub(crate) fn is_drawable(c: char) -> bool {
    kyc_glyphs::glyph(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_outside_the_table_draw_as_question_mark() {
        for c in ['é', '\u{4e2d}', '#', '\n', '\0'] {
            assert!(!is_drawable(c));
            assert_eq!(glyph(c), glyph('?'));
        }
    }
}
