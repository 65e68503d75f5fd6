//! Document images drawn by our own code: cards, pages, letters and faces, with text from a
//! system font or the built-in block font, encoded as JPEG (quality 85) or PNG with the
//! image's marker run embedded in the file.

pub(crate) mod canvas;
pub(crate) mod docs;
pub(crate) mod encode;
pub(crate) mod text;
