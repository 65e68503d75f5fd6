//! Mainland resident ID number, GB 11643-1999: 6-digit region code, 8-digit birth date,
//! 3-digit sequence (odd for men, even for women), and a check character computed with
//! ISO 7064 MOD 11-2 over the first 17 digits (`X` stands for 10).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::messages::keys;
use super::normalise;
use super::{CheckId, CheckResult, CheckStatus};

/// Province-level region codes (GB/T 2260): the 31 mainland provinces, autonomous regions and
/// municipalities, plus 71 (Taiwan), 81 (Hong Kong), 82 (Macao) — and 83, which residence
/// permits for Taiwan residents use in place of 71.
pub const PROVINCE_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// Earliest birth year accepted: older dates are typing errors, not people.
const MIN_BIRTH_YEAR: i32 = 1900;

/// Weights 2^(17-i) mod 11 of ISO 7064 MOD 11-2 for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Sex encoded in an ID number (the parity of the sequence number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd sequence number.
    Male,
    /// Even sequence number.
    Female,
}

impl Sex {
    /// Stable code, `"male"` or `"female"`.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// A parsed, structurally valid ID number.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber {
    /// The 18 characters after normalisation (half-width, no spaces, upper-case `X`).
    pub normalised: String,
    /// The 6-digit region code.
    pub region_code: String,
    /// The birth date.
    pub birth_date: Date,
    /// The sex.
    pub sex: Sex,
}

impl std::fmt::Debug for IdNumber {
    // The number is personal data: Debug output names only the structure.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdNumber(..)")
    }
}

/// Why a string is not a valid ID number. Names the rule, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not 18 characters after normalisation; carries the count.
    #[error("an ID number has 18 characters, not {0}")]
    Length(usize),
    /// Not 17 digits followed by a digit or X.
    #[error("an ID number is 17 digits and a digit or X")]
    Characters,
    /// The check character does not match.
    #[error("the ID number's check character does not match")]
    CheckDigit,
    /// The first two digits are not a province-level code; carries them.
    #[error("the ID number does not start with a province-level code")]
    Province(u8),
    /// Digits 7 to 14 are not a date from 1900 on.
    #[error("the birth date in the ID number is not valid")]
    BirthDate,
}

/// The check character for the first 17 digits, or `None` if `first17` is not 17 ASCII digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(b"10X98765432"[(sum % 11) as usize] as char)
}

/// Parses an ID number after normalisation (see [`normalise::number`]). Rules are tried in
/// the order length, characters, check character, province, birth date.
pub fn parse_id_number(raw: &str) -> Result<IdNumber, IdNumberError> {
    let s = normalise::number(raw);
    let n_chars = s.chars().count();
    if n_chars != 18 {
        return Err(IdNumberError::Length(n_chars));
    }
    let b = s.as_bytes();
    // 18 chars in 18 bytes means all ASCII, so byte slicing below is safe.
    if b.len() != 18
        || !b[..17].iter().all(u8::is_ascii_digit)
        || !(b[17].is_ascii_digit() || b[17] == b'X')
    {
        return Err(IdNumberError::Characters);
    }
    if id_check_char(&s[..17]) != Some(b[17] as char) {
        return Err(IdNumberError::CheckDigit);
    }
    let province = (b[0] - b'0') * 10 + (b[1] - b'0');
    if !PROVINCE_CODES.contains(&province) {
        return Err(IdNumberError::Province(province));
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let year = num(6..10) as i32;
    let birth_date = Month::try_from(num(10..12) as u8)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, num(12..14) as u8).ok())
        .filter(|_| year >= MIN_BIRTH_YEAR)
        .ok_or(IdNumberError::BirthDate)?;
    let sex = if (b[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female };
    Ok(IdNumber { region_code: s[..6].to_owned(), normalised: s, birth_date, sex })
}

/// Full years of age on `on` for someone born on `birth`; `None` if `on` is before `birth`.
/// A person born on 29 February turns a year older on 1 March in common years.
pub fn age_on(birth: Date, on: Date) -> Option<u32> {
    if on < birth {
        return None;
    }
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Checks an ID number's structure, check character, province and birth date (not after
/// `case_date`). On success the parameters give the birth date, sex and region code.
pub fn check_id_number(raw: &str, case_date: Date) -> CheckResult {
    let fail = |key| CheckResult::new(CheckId::IdNumber, CheckStatus::Fail, key);
    match parse_id_number(raw) {
        Err(IdNumberError::Length(n)) => fail(keys::ID_NUMBER_LENGTH).with("length", n.to_string()),
        Err(IdNumberError::Characters) => fail(keys::ID_NUMBER_CHARACTERS),
        Err(IdNumberError::CheckDigit) => fail(keys::ID_NUMBER_CHECK_DIGIT),
        Err(IdNumberError::Province(p)) => {
            fail(keys::ID_NUMBER_PROVINCE).with("province", format!("{p:02}"))
        }
        Err(IdNumberError::BirthDate) => fail(keys::ID_NUMBER_BIRTH_DATE_INVALID),
        Ok(id) if id.birth_date > case_date => {
            fail(keys::ID_NUMBER_BIRTH_DATE_FUTURE).with("birth_date", id.birth_date.to_string())
        }
        Ok(id) => CheckResult::new(CheckId::IdNumber, CheckStatus::Pass, keys::ID_NUMBER_OK)
            .with("birth_date", id.birth_date.to_string())
            .with("sex", id.sex.code())
            .with("region", id.region_code),
    }
}

/// Checks the age encoded in an ID number against `min_age`; not applicable when the number
/// gives no valid birth date.
pub fn check_age(raw_id: &str, case_date: Date, min_age: u8) -> CheckResult {
    match parse_id_number(raw_id) {
        Ok(id) => check_age_from_birth_date(id.birth_date, case_date, min_age),
        Err(_) => CheckResult::new(CheckId::Age, CheckStatus::NotApplicable, keys::AGE_UNKNOWN),
    }
}

/// Checks an age given by a birth date (for example from an MRZ) against `min_age`.
pub fn check_age_from_birth_date(birth: Date, case_date: Date, min_age: u8) -> CheckResult {
    let Some(age) = age_on(birth, case_date) else {
        return CheckResult::new(CheckId::Age, CheckStatus::NotApplicable, keys::AGE_UNKNOWN);
    };
    let (status, key) = if age >= u32::from(min_age) {
        (CheckStatus::Pass, keys::AGE_OK)
    } else {
        (CheckStatus::Fail, keys::AGE_BELOW_MINIMUM)
    };
    CheckResult::new(CheckId::Age, status, key)
        .with("age", age.to_string())
        .with("min_age", min_age.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn check_char_of_the_standard_example() {
        // GB 11643-1999 appendix example: 11010519491231002X.
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(id_check_char("1101051949123100"), None);
        assert_eq!(id_check_char("1101051949123100a"), None);
    }

    #[test]
    fn age_counts_full_years_and_leap_days() {
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2018 - 02 - 28)), Some(17));
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2018 - 03 - 01)), Some(18));
        assert_eq!(age_on(date!(2000 - 05 - 10), date!(2018 - 05 - 10)), Some(18));
        assert_eq!(age_on(date!(2000 - 05 - 10), date!(2000 - 05 - 09)), None);
    }
}
