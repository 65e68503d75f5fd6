//! Builders of valid values, computing check characters from the algorithms.

use kyc_model::checks::{id_check_char, luhn_check_digit, mrz_check_digit, uscc_check_char};

/// A valid ID number for region, birth date (YYYYMMDD) and 3-digit sequence.
pub fn id_number(region: &str, birth: &str, seq: &str) -> String {
    let body = format!("{region}{birth}{seq}");
    let check = id_check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

/// A valid USCC for the first 17 characters.
pub fn uscc(first17: &str) -> String {
    format!("{first17}{}", uscc_check_char(first17).expect("17 alphabet characters"))
}

/// A valid card number for a payload.
pub fn card(payload: &str) -> String {
    format!("{payload}{}", luhn_check_digit(payload).expect("digits"))
}

/// A field followed by its check digit.
pub fn with_check(field: &str) -> String {
    format!("{field}{}", mrz_check_digit(field).expect("MRZ alphabet"))
}

fn pad(s: &str, n: usize) -> String {
    format!("{s:<<n$}")
}

/// TD3 lines from fields (document number ≤ 9, dates YYMMDD, optional ≤ 14).
pub fn td3(
    name: &str,
    number: &str,
    birth: &str,
    sex: char,
    expiry: &str,
    optional: &str,
) -> [String; 2] {
    let l1 = pad(&format!("P<UTO{name}"), 44);
    let head = format!(
        "{}UTO{}{sex}{}",
        with_check(&pad(number, 9)),
        with_check(birth),
        with_check(expiry)
    );
    let opt = with_check(&pad(optional, 14));
    let composite_input = format!("{}{}{}{opt}", &head[0..10], &head[13..20], &head[21..28]);
    let l2 = format!("{head}{opt}{}", mrz_check_digit(&composite_input).unwrap());
    [l1, l2]
}

/// TD1 lines from fields (document number ≤ 9).
pub fn td1(name: &str, number: &str, birth: &str, sex: char, expiry: &str) -> [String; 3] {
    let l1 = format!("I<UTO{}{}", with_check(&pad(number, 9)), pad("", 15));
    let mut l2 = format!("{}{sex}{}UTO{}", with_check(birth), with_check(expiry), pad("", 11));
    let composite_input = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    l2.push(mrz_check_digit(&composite_input).unwrap());
    [l1, l2, pad(name, 30)]
}
