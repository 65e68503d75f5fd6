//! Bank card numbers (Luhn), mainland mobile numbers and Home Visit Permit numbers.

use serde::{Deserialize, Serialize};

use super::messages::keys;
use super::normalise;
use super::{CheckId, CheckResult, CheckStatus};

/// The Luhn check digit to append to `payload`, or `None` if it is empty or not all ASCII
/// digits.
pub fn luhn_check_digit(payload: &str) -> Option<u8> {
    if payload.is_empty() || !payload.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The digit next to the check digit is doubled, then every second one going left.
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

/// Whether `digits` (ASCII digits, at least two) passes the Luhn check.
pub fn luhn_valid(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    luhn_check_digit(&digits[..b.len() - 1]) == Some(b[b.len() - 1] - b'0')
}

/// Checks a bank card number: after removing spaces and dashes (and mapping full-width
/// digits), only digits, 12 to 19 of them, passing Luhn.
pub fn check_bank_card(raw: &str) -> CheckResult {
    let fail = |key| CheckResult::new(CheckId::BankCard, CheckStatus::Fail, key);
    let s = normalise::number(raw);
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return fail(keys::BANK_CARD_CHARACTERS);
    }
    let n = s.len();
    if !(12..=19).contains(&n) {
        return fail(keys::BANK_CARD_LENGTH).with("length", n.to_string());
    }
    if !luhn_valid(&s) {
        return fail(keys::BANK_CARD_LUHN);
    }
    CheckResult::new(CheckId::BankCard, CheckStatus::Pass, keys::BANK_CARD_OK)
        .with("length", n.to_string())
}

/// Why a phone number is not a mainland mobile number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhoneError {
    Characters,
    Length(usize),
    Prefix,
}

/// The 11-digit national form of a mainland mobile number, tolerating a `+86`, `0086` or
/// `86` country prefix, spaces, dashes and parentheses around the prefix; `None` if it is
/// not one.
pub fn parse_phone(raw: &str) -> Option<String> {
    parse_phone_inner(raw).ok()
}

fn parse_phone_inner(raw: &str) -> Result<String, PhoneError> {
    let s: String = normalise::number(raw).chars().filter(|c| !matches!(c, '(' | ')')).collect();
    let digits = s.strip_prefix('+').unwrap_or(&s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PhoneError::Characters);
    }
    // `+` is only allowed in front of a country code.
    if s.starts_with('+') && !digits.starts_with("86") {
        return Err(PhoneError::Characters);
    }
    let national = if digits.len() == 13 && digits.starts_with("86") {
        &digits[2..]
    } else if digits.len() == 15 && digits.starts_with("0086") {
        &digits[4..]
    } else if s.starts_with('+') {
        &digits[2..]
    } else {
        digits
    };
    if national.len() != 11 {
        return Err(PhoneError::Length(national.len()));
    }
    let b = national.as_bytes();
    if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
        return Err(PhoneError::Prefix);
    }
    Ok(national.to_owned())
}

/// Checks a mainland mobile number: 11 digits starting with `13` to `19`, with an optional
/// `+86`/`0086`/`86` prefix and spaces or dashes anywhere.
pub fn check_phone(raw: &str) -> CheckResult {
    let fail = |key| CheckResult::new(CheckId::Phone, CheckStatus::Fail, key);
    match parse_phone_inner(raw) {
        Ok(_) => CheckResult::new(CheckId::Phone, CheckStatus::Pass, keys::PHONE_OK),
        Err(PhoneError::Characters) => fail(keys::PHONE_CHARACTERS),
        Err(PhoneError::Length(n)) => fail(keys::PHONE_LENGTH).with("length", n.to_string()),
        Err(PhoneError::Prefix) => fail(keys::PHONE_PREFIX),
    }
}

/// The two accepted forms of a Home Visit Permit number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitForm {
    /// The card issued since 2012: `H` (Hong Kong) or `M` (Macao) and 8 digits — 9 characters.
    Card,
    /// The older booklet: `H` or `M` and 10 digits (8-digit personal number plus a 2-digit
    /// issue count) — 11 characters. Booklets are expired by now; the number format is still
    /// accepted so that the expiry check, not the format check, tells the reviewer.
    Booklet,
}

impl PermitForm {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PermitForm::Card => "card",
            PermitForm::Booklet => "booklet",
        }
    }
}

/// The form of a Home Visit Permit number (after [`normalise::number`]: case, width and
/// spaces do not matter), or `None` when it has neither accepted form.
pub fn parse_permit_number(raw: &str) -> Option<PermitForm> {
    let s = normalise::number(raw);
    let rest = s.strip_prefix('H').or_else(|| s.strip_prefix('M'))?;
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match rest.len() {
        8 => Some(PermitForm::Card),
        10 => Some(PermitForm::Booklet),
        _ => None,
    }
}

/// Checks a Home Visit Permit number's format (see [`PermitForm`]).
pub fn check_permit_number(raw: &str) -> CheckResult {
    match parse_permit_number(raw) {
        Some(form) => CheckResult::new(CheckId::PermitNumber, CheckStatus::Pass, keys::PERMIT_OK)
            .with("form", form.code()),
        None => CheckResult::new(CheckId::PermitNumber, CheckStatus::Fail, keys::PERMIT_FORMAT),
    }
}
