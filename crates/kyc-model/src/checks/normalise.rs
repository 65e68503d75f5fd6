//! Normalisation applied before numbers and names are checked or compared.
//!
//! What is normalised, and why:
//! - Full-width ASCII forms (U+FF01..U+FF5E, e.g. `１２３Ｘ`) become their half-width twins and
//!   the ideographic space U+3000 becomes a space: Chinese input methods produce them and
//!   OCR returns them, but they denote the same characters.
//! - Numbers: every whitespace character and `-` is removed (people group digits), and ASCII
//!   letters are upper-cased (`x` as the ID check character is common).
//! - Names: leading and trailing whitespace is trimmed. A name containing Han characters
//!   loses all inner whitespace (`张 三` and `张三` are one name: spaces in Chinese names are
//!   OCR or typing artefacts) and its middle-dot variants (`·`, `•`, `・`, `･`, `．`, `‧`) become
//!   one `·` (minority names such as `阿依古丽·买买提`). A Latin-script name is upper-cased,
//!   `'` removed, and `-`, `,`, `<` and whitespace split it into words whose order is ignored
//!   (documents print surname first or last; an MRZ separates words with `<`).
//! - Names in different scripts (Han vs Latin) are never compared with each other: there is
//!   no transliteration here, so `张三` vs `ZHANG SAN` is neither a match nor a mismatch.

/// Maps full-width ASCII forms and the ideographic space to half-width.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A number as compared and checked: half-width, no whitespace or `-`, ASCII upper case.
pub fn number(raw: &str) -> String {
    raw.chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `c` is a Han character (CJK unified ideographs, extension A, compatibility, and
/// the supplementary-plane extensions).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The script a normalised name is written in; names are only compared within one script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    /// Contains at least one Han character.
    Han,
    /// Anything else (Latin in practice).
    Latin,
}

/// A name reduced to its comparison key (see the module documentation), with its script.
/// `None` when nothing is left (empty or only separators).
pub fn name_key(raw: &str) -> Option<(Script, String)> {
    let half: String = raw.chars().map(half_width).collect();
    if half.chars().any(is_han) {
        let key: String = half
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '•' | '・' | '･' | '．' | '‧' | '.' => '·',
                other => other,
            })
            .collect();
        return if key.is_empty() { None } else { Some((Script::Han, key)) };
    }
    let cleaned: String = half
        .chars()
        .filter(|c| *c != '\'')
        .map(|c| if matches!(c, '-' | ',' | '<') { ' ' } else { c })
        .collect();
    let mut words: Vec<String> = cleaned.split_whitespace().map(str::to_uppercase).collect();
    if words.is_empty() {
        return None;
    }
    words.sort();
    Some((Script::Latin, words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_spacing_and_width() {
        assert_eq!(number(" １１０１ 0119-90x "), "1101011990X");
        assert_eq!(number(""), "");
    }

    #[test]
    fn names_compare_by_key() {
        let k = |s| name_key(s).map(|(_, k)| k);
        assert_eq!(k("张 三"), k("张三"));
        assert_eq!(k("　张三　"), k("张三"));
        assert_eq!(k("阿依古丽•买买提"), k("阿依古丽·买买提"));
        assert_eq!(k("Anna Maria ERIKSSON"), k("ERIKSSON<<ANNA<MARIA"));
        assert_eq!(k("O'Brien-Smith, Jo"), k("OBRIEN SMITH JO"));
        assert_ne!(k("张三"), k("张四"));
        assert_eq!(k("  <<  "), None);
        assert_eq!(name_key("张三").unwrap().0, Script::Han);
        assert_eq!(name_key("ZHANG SAN").unwrap().0, Script::Latin);
    }
}
