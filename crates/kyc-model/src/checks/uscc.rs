//! Unified social credit code, GB 32100-2015: registration authority code (1), organisation
//! type code (1), region code (6), organisation code (9), check character (1), over a
//! 31-character alphabet (digits and capitals without I, O, S, V, Z). The check character is
//! `31 - (Σ value·3^i mod 31) mod 31`, so every single substitution changes it.
//!
//! The region code is the GB/T 2260 code of the registration authority's administrative
//! division: a mainland province, prefecture or county, or `100000` — the People's Republic as
//! a whole — for organisations registered with a central authority (ministries, national
//! social organisations, central state enterprises).

use super::id_number::PROVINCE_CODES;
use super::messages::keys;
use super::normalise;
use super::{CheckId, CheckResult, CheckStatus};

/// The code alphabet in value order (value = index).
pub const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights 3^i mod 31 for the first 17 characters.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Registration authority code followed by the organisation types GB 32100 defines for it.
const AUTHORITY_TYPES: &[(u8, &[u8])] = &[
    (b'1', b"1239"),  // institutional establishment: organs, public institutions, ...
    (b'2', b"19"),    // foreign affairs
    (b'3', b"12345"), // justice administration: law firms, notaries, ...
    (b'4', b"19"),    // culture
    (b'5', b"1239"),  // civil affairs: social organisations, foundations, ...
    (b'6', b"129"),   // tourism
    (b'7', b"129"),   // religious affairs
    (b'8', b"19"),    // trade unions
    (b'9', b"123"),   // market regulation: enterprises, individual businesses, co-operatives
    (b'A', b"19"),    // central military commission establishment office
    (b'N', b"1239"),  // agriculture: rural collective economic organisations
    (b'Y', b"1"),     // others
];

/// Region code of organisations registered with a central (national) authority.
const NATIONAL_REGION: &str = "100000";

/// Whether a GB 32100 region code can be a registration authority's: `100000`, or a code under
/// one of the 31 mainland provinces. Taiwan, Hong Kong and Macao (71, 81, 82) and the
/// residence-permit code 83 are GB/T 2260 codes too, but no mainland registration authority
/// sits there, so no code issued under GB 32100 carries them; any other `10xxxx` is not a
/// division.
fn valid_region(region: &str) -> bool {
    if region == NATIONAL_REGION {
        return true;
    }
    if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let province = region[..2].parse::<u8>().unwrap_or(0);
    province < 70 && PROVINCE_CODES.contains(&province)
}

fn value(c: u8) -> Option<u32> {
    USCC_ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters, or `None` if they are not 17 characters
/// of the alphabet.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in b.iter().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    Some(USCC_ALPHABET[((31 - sum % 31) % 31) as usize] as char)
}

/// Checks a USCC (after [`normalise::number`]): length, alphabet, check character, then the
/// plausibility of the authority/type code and of the region code's province.
pub fn check_uscc(raw: &str) -> CheckResult {
    let fail = |key| CheckResult::new(CheckId::Uscc, CheckStatus::Fail, key);
    let s = normalise::number(raw);
    let n = s.chars().count();
    if n != 18 {
        return fail(keys::USCC_LENGTH).with("length", n.to_string());
    }
    let b = s.as_bytes();
    if b.len() != 18 || !b.iter().all(|&c| value(c).is_some()) {
        return fail(keys::USCC_CHARACTERS);
    }
    if uscc_check_char(&s[..17]) != Some(b[17] as char) {
        return fail(keys::USCC_CHECK_CHARACTER);
    }
    let authority = &s[..2];
    let known = AUTHORITY_TYPES.iter().any(|(a, types)| *a == b[0] && types.contains(&b[1]));
    if !known {
        return fail(keys::USCC_AUTHORITY).with("authority", authority);
    }
    let region = &s[2..8];
    if !valid_region(region) {
        return fail(keys::USCC_REGION).with("region", region);
    }
    CheckResult::new(CheckId::Uscc, CheckStatus::Pass, keys::USCC_OK)
        .with("authority", authority)
        .with("region", region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }
}
