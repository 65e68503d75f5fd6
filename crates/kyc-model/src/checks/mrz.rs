//! Machine-readable zones, ICAO Doc 9303: TD3 (passports, 2 lines of 44) and TD1 (ID-style
//! cards, 3 lines of 30). Check digits use weights 7-3-1 repeating, mod 10, with `0`-`9` worth
//! their value, `A`-`Z` worth 10-35 and the filler `<` worth 0.
//!
//! What the 7-3-1 scheme guarantees: changing one character changes the check digit exactly
//! when the two characters' values differ modulo 10 (every weight is coprime to 10). So every
//! single substitution among digits is caught, but e.g. `0`↔`A`↔`K`↔`U`↔`<` are not; in the
//! date fields such substitutions still fail, because a date must be six digits.

use time::{Date, Month};

use super::messages::keys;
use super::{CheckId, CheckResult, CheckStatus};

/// The layout of a machine-readable zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrzFormat {
    /// Two lines of 44 characters (passport data page).
    Td3,
    /// Three lines of 30 characters (ID-style card).
    Td1,
}

impl MrzFormat {
    /// Stable code, `"td3"` or `"td1"`.
    pub fn code(self) -> &'static str {
        match self {
            MrzFormat::Td3 => "td3",
            MrzFormat::Td1 => "td1",
        }
    }
}

/// A machine-readable zone whose check digits all match and whose dates are valid.
#[derive(Clone, PartialEq, Eq)]
pub struct Mrz {
    /// Layout.
    pub format: MrzFormat,
    /// Document code, fillers removed (`P`, `I`, `ID`, ...).
    pub document_code: String,
    /// Issuing state or organisation (3 letters, fillers removed).
    pub issuing_state: String,
    /// Document number, fillers removed (TD1 long numbers joined from the optional data).
    pub document_number: String,
    /// Primary identifier (surname), `<` as spaces.
    pub surname: String,
    /// Secondary identifier (given names), `<` as spaces.
    pub given_names: String,
    /// Nationality (3 letters, fillers removed).
    pub nationality: String,
    /// Birth date; the century is the latest one that puts it on or before the case date.
    pub birth_date: Date,
    /// `M`, `F` or `<` (unspecified).
    pub sex: char,
    /// Expiry date, in 2000-2099.
    pub expiry_date: Date,
    /// Optional data (personal number), fillers removed.
    pub optional_data: String,
}

impl std::fmt::Debug for Mrz {
    // Personal data: Debug names only the format.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mrz({:?}, ..)", self.format)
    }
}

/// Why an MRZ is invalid: the first rule broken, in the order layout, check digits in field
/// order (document number, birth date, expiry, optional data, composite), then dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    /// Not 2×44 or 3×30 characters from `A-Z0-9<`.
    #[error("the MRZ layout is not TD3 or TD1")]
    Format,
    /// Document number check digit.
    #[error("the MRZ document number check digit does not match")]
    DocumentNumberCheck,
    /// Birth date check digit.
    #[error("the MRZ birth date check digit does not match")]
    BirthDateCheck,
    /// Expiry date check digit.
    #[error("the MRZ expiry date check digit does not match")]
    ExpiryCheck,
    /// Optional data check digit (TD3).
    #[error("the MRZ optional data check digit does not match")]
    OptionalDataCheck,
    /// Composite check digit.
    #[error("the MRZ composite check digit does not match")]
    CompositeCheck,
    /// The birth date is not a valid date.
    #[error("the MRZ birth date is not a valid date")]
    BirthDate,
    /// The expiry date is not a valid date.
    #[error("the MRZ expiry date is not a valid date")]
    Expiry,
}

/// The value of an MRZ character, `None` outside `A-Z0-9<`.
pub fn mrz_char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The 7-3-1 check digit of a field, or `None` if it has a character outside `A-Z0-9<`.
pub fn mrz_check_digit(field: &str) -> Option<char> {
    const W: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, c) in field.bytes().enumerate() {
        sum += mrz_char_value(c)? * W[i % 3];
    }
    Some((b'0' + (sum % 10) as u8) as char)
}

fn digit_matches(field: &str, check: u8) -> bool {
    mrz_check_digit(field) == Some(check as char)
}

fn strip_filler(s: &str) -> String {
    s.trim_end_matches('<').replace('<', " ").trim().to_owned()
}

fn yymmdd(s: &str) -> Option<(i32, Month, u8)> {
    let b = s.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    Some((n(0) as i32, Month::try_from(n(2) as u8).ok()?, n(4) as u8))
}

fn birth_date(s: &str, case_date: Date) -> Option<Date> {
    let (yy, m, d) = yymmdd(s)?;
    let this_century = Date::from_calendar_date(2000 + yy, m, d).ok();
    match this_century {
        Some(date) if date <= case_date => Some(date),
        _ => Date::from_calendar_date(1900 + yy, m, d).ok(),
    }
}

fn expiry_date(s: &str) -> Option<Date> {
    let (yy, m, d) = yymmdd(s)?;
    Date::from_calendar_date(2000 + yy, m, d).ok()
}

fn split_name(field: &str) -> (String, String) {
    match field.find("<<") {
        Some(i) => (strip_filler(&field[..i]), strip_filler(&field[i + 2..])),
        None => (strip_filler(field), String::new()),
    }
}

/// Parses and verifies an MRZ. Lines are trimmed of surrounding whitespace; otherwise the
/// layout must be exact (no lower case: OCR output is expected to be upper case already).
pub fn parse_mrz<S: AsRef<str>>(lines: &[S], case_date: Date) -> Result<Mrz, MrzError> {
    let lines: Vec<&str> = lines.iter().map(|l| l.as_ref().trim()).collect();
    let all_valid = lines.iter().all(|l| l.bytes().all(|c| mrz_char_value(c).is_some()));
    if !all_valid {
        return Err(MrzError::Format);
    }
    // From here on every line is ASCII, so byte ranges are character ranges.
    match lines.as_slice() {
        [l1, l2] if l1.len() == 44 && l2.len() == 44 => parse_td3(l1, l2, case_date),
        [l1, l2, l3] if l1.len() == 30 && l2.len() == 30 && l3.len() == 30 => {
            parse_td1(l1, l2, l3, case_date)
        }
        _ => Err(MrzError::Format),
    }
}

fn parse_td3(l1: &str, l2: &str, case_date: Date) -> Result<Mrz, MrzError> {
    let b2 = l2.as_bytes();
    if !digit_matches(&l2[0..9], b2[9]) {
        return Err(MrzError::DocumentNumberCheck);
    }
    if !digit_matches(&l2[13..19], b2[19]) {
        return Err(MrzError::BirthDateCheck);
    }
    if !digit_matches(&l2[21..27], b2[27]) {
        return Err(MrzError::ExpiryCheck);
    }
    // An all-filler optional data field may carry `<` instead of `0` as its check digit.
    let optional = &l2[28..42];
    let optional_ok =
        digit_matches(optional, b2[42]) || (optional.bytes().all(|c| c == b'<') && b2[42] == b'<');
    if !optional_ok {
        return Err(MrzError::OptionalDataCheck);
    }
    let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
    if !digit_matches(&composite, b2[43]) {
        return Err(MrzError::CompositeCheck);
    }
    let birth = birth_date(&l2[13..19], case_date).ok_or(MrzError::BirthDate)?;
    let expiry = expiry_date(&l2[21..27]).ok_or(MrzError::Expiry)?;
    let (surname, given_names) = split_name(&l1[5..44]);
    Ok(Mrz {
        format: MrzFormat::Td3,
        document_code: strip_filler(&l1[0..2]),
        issuing_state: strip_filler(&l1[2..5]),
        document_number: strip_filler(&l2[0..9]),
        surname,
        given_names,
        nationality: strip_filler(&l2[10..13]),
        birth_date: birth,
        sex: b2[20] as char,
        expiry_date: expiry,
        optional_data: strip_filler(optional),
    })
}

fn parse_td1(l1: &str, l2: &str, l3: &str, case_date: Date) -> Result<Mrz, MrzError> {
    let (b1, b2) = (l1.as_bytes(), l2.as_bytes());
    // A document number longer than 9 characters continues in the optional data, with its
    // check digit as the last character before the first filler; position 15 is then `<`.
    let (document_number, optional1) = if b1[14] == b'<' {
        let tail = &l1[15..30];
        let end = tail.find('<').unwrap_or(tail.len());
        if end == 0 {
            return Err(MrzError::DocumentNumberCheck);
        }
        let number = format!("{}{}", &l1[5..14], &tail[..end - 1]);
        if !digit_matches(&number, tail.as_bytes()[end - 1]) {
            return Err(MrzError::DocumentNumberCheck);
        }
        (number, String::new())
    } else {
        if !digit_matches(&l1[5..14], b1[14]) {
            return Err(MrzError::DocumentNumberCheck);
        }
        (strip_filler(&l1[5..14]), strip_filler(&l1[15..30]))
    };
    if !digit_matches(&l2[0..6], b2[6]) {
        return Err(MrzError::BirthDateCheck);
    }
    if !digit_matches(&l2[8..14], b2[14]) {
        return Err(MrzError::ExpiryCheck);
    }
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    if !digit_matches(&composite, b2[29]) {
        return Err(MrzError::CompositeCheck);
    }
    let birth = birth_date(&l2[0..6], case_date).ok_or(MrzError::BirthDate)?;
    let expiry = expiry_date(&l2[8..14]).ok_or(MrzError::Expiry)?;
    let (surname, given_names) = split_name(l3);
    let optional2 = strip_filler(&l2[18..29]);
    let optional_data = match (optional1.is_empty(), optional2.is_empty()) {
        (false, false) => format!("{optional1} {optional2}"),
        (false, true) => optional1,
        _ => optional2,
    };
    Ok(Mrz {
        format: MrzFormat::Td1,
        document_code: strip_filler(&l1[0..2]),
        issuing_state: strip_filler(&l1[2..5]),
        document_number,
        surname,
        given_names,
        nationality: strip_filler(&l2[15..18]),
        birth_date: birth,
        sex: b2[7] as char,
        expiry_date: expiry,
        optional_data,
    })
}

/// Checks an MRZ; on success the parameters give the format, names and dates.
pub fn check_mrz<S: AsRef<str>>(lines: &[S], case_date: Date) -> CheckResult {
    let fail = |key| CheckResult::new(CheckId::Mrz, CheckStatus::Fail, key);
    match parse_mrz(lines, case_date) {
        Ok(mrz) => CheckResult::new(CheckId::Mrz, CheckStatus::Pass, keys::MRZ_OK)
            .with("format", mrz.format.code())
            .with("surname", mrz.surname)
            .with("given_names", mrz.given_names)
            .with("birth_date", mrz.birth_date.to_string())
            .with("expiry_date", mrz.expiry_date.to_string()),
        Err(MrzError::Format) => fail(keys::MRZ_FORMAT),
        Err(MrzError::DocumentNumberCheck) => fail(keys::MRZ_DOCUMENT_NUMBER_CHECK),
        Err(MrzError::BirthDateCheck) => fail(keys::MRZ_BIRTH_DATE_CHECK),
        Err(MrzError::ExpiryCheck) => fail(keys::MRZ_EXPIRY_CHECK),
        Err(MrzError::OptionalDataCheck) => fail(keys::MRZ_OPTIONAL_DATA_CHECK),
        Err(MrzError::CompositeCheck) => fail(keys::MRZ_COMPOSITE_CHECK),
        Err(MrzError::BirthDate) => fail(keys::MRZ_BIRTH_DATE_INVALID),
        Err(MrzError::Expiry) => fail(keys::MRZ_EXPIRY_INVALID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn icao_specimen_td3() {
        let lines = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let mrz = parse_mrz(&lines, date!(2010 - 01 - 01)).unwrap();
        assert_eq!(mrz.document_number, "L898902C3");
        assert_eq!(mrz.surname, "ERIKSSON");
        assert_eq!(mrz.given_names, "ANNA MARIA");
        assert_eq!(mrz.birth_date, date!(1974 - 08 - 12));
        assert_eq!(mrz.expiry_date, date!(2012 - 04 - 15));
        assert_eq!(mrz.optional_data, "ZE184226B");
        assert_eq!(mrz.sex, 'F');
    }

    #[test]
    fn icao_specimen_td1() {
        let lines = [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let mrz = parse_mrz(&lines, date!(2010 - 01 - 01)).unwrap();
        assert_eq!(mrz.format, MrzFormat::Td1);
        assert_eq!(mrz.document_number, "D23145890");
        assert_eq!(mrz.given_names, "ANNA MARIA");
    }
}
