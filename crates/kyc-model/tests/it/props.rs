//! Property tests: totality on arbitrary input, and detection of single substitutions
//! wherever the check algorithm guarantees it.
//!
//! What is asserted, precisely:
//! - ID number (MOD 11-2) and USCC (MOD 31): replacing any one character of a valid value by
//!   any other character of the code's alphabet (digits and `X`; the 31-character USCC
//!   alphabet) fails the check, as does replacing it by any character outside the alphabet
//!   that does not normalise to the original (full-width twins and lower case do).
//! - Card number (Luhn): replacing any one digit by another digit fails.
//! - MRZ (7-3-1): replacing one character of a check-digit-protected field (document number,
//!   birth date, expiry, optional data) by a character whose value differs modulo 10 fails;
//!   replacing a check digit by any other character fails. Replacements with the same value
//!   modulo 10 (`0`/`A`/`K`/`U`/`<`, ...) leave that field's check digit unchanged — the
//!   algorithm cannot see them — and the test asserts exactly that, so the limitation is
//!   documented by a test rather than hidden.

use kyc_model::checks::{
    CheckPolicy, CheckStatus, USCC_ALPHABET, check_bank_card, check_expiry, check_id_number,
    check_mrz, check_permit_number, check_phone, check_uscc, mrz_char_value, mrz_check_digit,
    parse_mrz, run_checks,
};
use proptest::prelude::*;
use time::macros::date;

use crate::valid;

/// A protected MRZ field: line, character range, check digit position.
type Field = (usize, std::ops::Range<usize>, usize);

const DATE: time::Date = date!(2026 - 06 - 15);

fn substitute(s: &str, pos: usize, c: char) -> String {
    s.chars().enumerate().map(|(i, o)| if i == pos { c } else { o }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>(), lines in proptest::collection::vec(any::<String>(), 0..4)) {
        let _ = check_id_number(&s, DATE);
        let _ = check_bank_card(&s);
        let _ = check_phone(&s);
        let _ = check_uscc(&s);
        let _ = check_permit_number(&s);
        let _ = check_mrz(&lines, DATE);
        let _ = check_mrz(&[s.clone(), s.clone()], DATE);
        let _ = kyc_model::checks::check_age(&s, DATE, 18);
    }

    #[test]
    fn near_valid_strings_never_panic(s in "[0-9A-Z<xX１ ]{0,50}", t in "[0-9A-Z<]{28,46}") {
        let _ = check_id_number(&s, DATE);
        let _ = check_uscc(&s);
        let _ = check_mrz(&[t.clone(), t.clone()], DATE);
        let _ = check_mrz(&[t.clone(), t.clone(), t], DATE);
    }

    #[test]
    fn huge_and_extreme_dates_never_panic(n in 0usize..200_000, days in -4_000_000i32..4_000_000) {
        let big = "9".repeat(n);
        let _ = check_id_number(&big, DATE);
        let _ = check_bank_card(&big);
        let d = time::Date::from_julian_day(days).unwrap_or(DATE);
        let _ = check_expiry(Some(d), false, DATE, u16::MAX);
        let _ = check_expiry(Some(DATE), false, d, u16::MAX);
        let id = valid::id_number("110101", "20000101", "123");
        let _ = kyc_model::checks::check_age(&id, d, u8::MAX);
    }

    #[test]
    fn every_single_substitution_of_an_id_number_is_caught(
        region in prop::sample::select(vec!["110105", "310101", "440305", "650102", "820000"]),
        y in 1920u32..2008, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000,
    ) {
        let id = valid::id_number(region, &format!("{y:04}{m:02}{d:02}"), &format!("{seq:03}"));
        prop_assert_eq!(check_id_number(&id, DATE).status, CheckStatus::Pass);
        for pos in 0..18 {
            let orig = id.as_bytes()[pos] as char;
            for c in "0123456789X?Y一".chars().filter(|&c| c != orig) {
                let bad = substitute(&id, pos, c);
                prop_assert_eq!(check_id_number(&bad, DATE).status, CheckStatus::Fail, "pos {} -> {}", pos, c);
            }
        }
    }

    #[test]
    fn every_single_substitution_of_a_uscc_is_caught(body in "[0-9A-HJ-NPQRTUWXY]{9}") {
        let code = valid::uscc(&format!("91440300{body}"));
        prop_assert_eq!(check_uscc(&code).status, CheckStatus::Pass);
        for pos in 0..18 {
            let orig = code.as_bytes()[pos];
            for &c in USCC_ALPHABET.iter().chain(b"IOSVZ-!").filter(|&&c| c != orig) {
                let bad = substitute(&code, pos, c as char);
                prop_assert_eq!(check_uscc(&bad).status, CheckStatus::Fail, "pos {} -> {}", pos, c as char);
            }
        }
    }

    #[test]
    fn every_single_digit_substitution_of_a_card_number_is_caught(payload in "[0-9]{11,18}") {
        let card = valid::card(&payload);
        prop_assert_eq!(check_bank_card(&card).status, CheckStatus::Pass);
        for pos in 0..card.len() {
            let orig = card.as_bytes()[pos];
            for c in (b'0'..=b'9').filter(|&c| c != orig) {
                let bad = substitute(&card, pos, c as char);
                prop_assert_eq!(check_bank_card(&bad).status, CheckStatus::Fail);
            }
        }
    }

    #[test]
    fn mrz_substitutions_are_caught_exactly_when_7_3_1_can_see_them(
        number in "[A-Z0-9]{9}", birth_yy in 30u32..99, expiry_yy in 27u32..40,
        optional in "[A-Z0-9]{0,14}", td1 in any::<bool>(),
    ) {
        let birth = format!("{birth_yy:02}0715");
        let expiry = format!("{expiry_yy:02}1231");
        // (line, field range, check digit position) for each protected field.
        let (lines, fields): (Vec<String>, Vec<Field>) = if td1 {
            (valid::td1("DOE<<JANE", &number, &birth, 'F', &expiry).to_vec(),
             vec![(0, 5..14, 14), (1, 0..6, 6), (1, 8..14, 14)])
        } else {
            (valid::td3("DOE<<JANE", &number, &birth, 'F', &expiry, &optional).to_vec(),
             vec![(1, 0..9, 9), (1, 13..19, 19), (1, 21..27, 27), (1, 28..42, 42)])
        };
        prop_assert!(parse_mrz(&lines, DATE).is_ok());
        let composite_pos = if td1 { (1, 29) } else { (1, 43) };
        let alphabet: Vec<char> = ('0'..='9').chain('A'..='Z').chain(['<']).collect();
        for (line, range, check_pos) in fields {
            for pos in range.clone() {
                let orig = lines[line].as_bytes()[pos];
                for &c in alphabet.iter().filter(|&&c| c as u8 != orig) {
                    let mut bad = lines.clone();
                    bad[line] = substitute(&bad[line], pos, c);
                    let visible = mrz_char_value(c as u8).unwrap() % 10 != mrz_char_value(orig).unwrap() % 10;
                    if visible {
                        prop_assert_eq!(check_mrz(&bad, DATE).status, CheckStatus::Fail);
                    } else {
                        prop_assert_eq!(
                            mrz_check_digit(&bad[line][range.clone()]),
                            mrz_check_digit(&lines[line][range.clone()])
                        );
                    }
                }
            }
            for (l, p) in [(line, check_pos), composite_pos] {
                let orig = lines[l].as_bytes()[p];
                for &c in alphabet.iter().filter(|&&c| c as u8 != orig) {
                    let mut bad = lines.clone();
                    bad[l] = substitute(&bad[l], p, c);
                    // The one tolerated form: `<` for `0` after an all-filler optional field.
                    let tolerated = !td1 && p == 42 && c == '<' && optional.is_empty();
                    if !tolerated {
                        prop_assert_eq!(check_mrz(&bad, DATE).status, CheckStatus::Fail, "{}:{} -> {}", l, p, c);
                    }
                }
            }
        }
    }
}

#[test]
fn mrz_date_fields_reject_invisible_substitutions_by_format() {
    // `0` and `A` have the same value modulo 10: the check digit cannot tell them apart, but a
    // date must be digits.
    let lines = valid::td3("DOE<<JANE", "E12345678", "900101", 'F', "301231", "");
    let mut bad = lines.to_vec();
    bad[1] = substitute(&bad[1], 13 + 2, 'A');
    assert_eq!(check_mrz(&bad, DATE).key, "mrz.birth_date_invalid");
}

#[test]
fn run_checks_on_a_default_policy_is_total_for_empty_cases() {
    let case = crate::cases::empty_case(kyc_model::CaseKind::EnterpriseCertificate);
    assert!(!run_checks(&case, &CheckPolicy::default()).is_empty());
}

fn arb_date() -> impl Strategy<Value = time::Date> {
    (-200_000i32..200_000).prop_map(|d| time::Date::from_julian_day(2_460_000 + d).unwrap_or(DATE))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// `run_checks` is total over cases whose every field is arbitrary text, dates are far
    /// apart, and documents are of any kind and subject; every result renders in both
    /// languages.
    #[test]
    fn run_checks_never_panics_on_arbitrary_cases(
        kind in 0usize..5,
        texts in proptest::collection::vec(proptest::option::of(".{0,40}"), 12),
        mrz in proptest::option::of(proptest::collection::vec("[A-Z0-9<]{0,46}|.{0,10}", 0..4)),
        docs in proptest::collection::vec((0usize..10, 0usize..3, proptest::option::of(arb_date())), 0..6),
        submitted in arb_date(),
        consent in proptest::option::of(any::<bool>()),
    ) {
        use kyc_model::{Applicant, CaseKind, DocumentKind as K, Subject as S};
        let t = |i: usize| texts[i].clone();
        let mut case = crate::cases::empty_case(CaseKind::ALL[kind]);
        case.submitted_on = submitted;
        case.applicant = if kind < 3 {
            Applicant::Individual {
                name: t(0).unwrap_or_default(),
                id_number: t(1),
                bank_card_number: t(2),
                phone: t(3),
                document_number: t(4),
            }
        } else {
            Applicant::Enterprise {
                company_name: t(0).unwrap_or_default(),
                uscc: t(1),
                legal_representative_name: t(2),
                legal_representative_id_number: t(3),
                authorised_person_name: t(4),
                authorised_person_id_number: t(5),
                account_number: t(6),
                bank_name: t(7),
            }
        };
        let kinds = [K::IdCardFront, K::IdCardBack, K::BankCard, K::Passport, K::ForeignDrivingLicence,
            K::HomeVisitPermit, K::BusinessLicence, K::AuthorisationLetter, K::FacePhoto, K::FaceVideo];
        let subjects = [S::Applicant, S::LegalRepresentative, S::AuthorisedPerson];
        for (i, (k, s, expires)) in docs.into_iter().enumerate() {
            case.documents.push(kyc_model::Document {
                kind: kinds[k],
                subject: subjects[s],
                fields: kyc_model::DocumentFields {
                    name: t(8 + i % 4),
                    number: t((9 + i) % 12),
                    expires_on: expires,
                    mrz: mrz.clone(),
                    legal_representative: t(10),
                    authorised_person: t(11),
                },
                media: vec![],
            });
        }
        case.consent = consent.map(|sensitive_data| kyc_model::Consent {
            instructions_version: t(7).unwrap_or_default(),
            accepted_at: time::macros::datetime!(2026-01-01 0:00 UTC),
            sensitive_data,
        });
        for r in run_checks(&case, &CheckPolicy::default()) {
            prop_assert!(kyc_model::checks::message(r.key).is_some());
            let _ = r.explain(kyc_model::checks::Lang::En);
            let _ = r.explain(kyc_model::checks::Lang::Zh);
        }
    }
}
