//! Data-driven tables of valid and invalid values per check.

use kyc_model::checks::{
    CheckId, CheckResult, CheckStatus, Lang, check_age, check_bank_card, check_expiry,
    check_id_number, check_mrz, check_permit_number, check_phone, check_uscc, message,
};
use time::Date;
use time::macros::date;

use crate::valid;

const CASE_DATE: Date = date!(2026 - 06 - 15);

/// Asserts status and key, and that the key is in the catalogue and renders in both languages.
fn check(result: CheckResult, status: CheckStatus, key: &str, input: &str) {
    assert_eq!((result.status, result.key), (status, key), "input {input:?}");
    assert!(message(result.key).is_some(), "key {} not in catalogue", result.key);
    for lang in [Lang::En, Lang::Zh] {
        let text = result.explain(lang);
        assert!(!text.contains('{') && !text.contains('?'), "{text}");
    }
}

#[test]
fn id_numbers() {
    let valid = valid::id_number("110105", "19491231", "002");
    assert_eq!(valid, "11010519491231002X", "GB 11643 appendix example");
    let minor = valid::id_number("440305", "20100101", "123");
    let future = valid::id_number("440305", "20300101", "123");
    let bad_province = valid::id_number("990305", "19800101", "123");
    let bad_date = valid::id_number("440305", "19800231", "123");
    let too_old = valid::id_number("440305", "18990101", "123");
    let mut wrong_check = valid.clone();
    wrong_check.replace_range(17.., "1");
    let table: &[(&str, CheckStatus, &str)] = &[
        (&valid, CheckStatus::Pass, "id_number.ok"),
        ("11010519491231002x", CheckStatus::Pass, "id_number.ok"),
        ("１１０１０５１９４９１２３１００２Ｘ", CheckStatus::Pass, "id_number.ok"),
        (" 110105 19491231 002X ", CheckStatus::Pass, "id_number.ok"),
        (&minor, CheckStatus::Pass, "id_number.ok"),
        (&wrong_check, CheckStatus::Fail, "id_number.check_digit"),
        ("", CheckStatus::Fail, "id_number.length"),
        ("11010519491231002", CheckStatus::Fail, "id_number.length"),
        ("11010519491231002X1", CheckStatus::Fail, "id_number.length"),
        ("11010519491231002Y", CheckStatus::Fail, "id_number.characters"),
        ("X10105194912310021", CheckStatus::Fail, "id_number.characters"),
        ("一一〇一〇五一九四九一二三一〇〇二X", CheckStatus::Fail, "id_number.characters"),
        (&bad_province, CheckStatus::Fail, "id_number.province"),
        (&bad_date, CheckStatus::Fail, "id_number.birth_date_invalid"),
        (&too_old, CheckStatus::Fail, "id_number.birth_date_invalid"),
        (&future, CheckStatus::Fail, "id_number.birth_date_future"),
    ];
    for (input, status, key) in table {
        check(check_id_number(input, CASE_DATE), *status, key, input);
    }
    let ok = check_id_number(&valid, CASE_DATE);
    assert_eq!(ok.params["birth_date"], "1949-12-31");
    assert_eq!(ok.params["sex"], "female");
    assert_eq!(ok.params["region"], "110105");
    assert_eq!(
        ok.explain(Lang::Zh),
        "身份证号码格式正确，校验码正确：出生日期 1949-12-31，女，地区代码 110105。"
    );
}

#[test]
fn ages_against_the_policy_minimum() {
    let table: &[(&str, u8, CheckStatus, &str, &str)] = &[
        ("20080615", 18, CheckStatus::Pass, "age.ok", "18"),
        ("20080616", 18, CheckStatus::Fail, "age.below_minimum", "17"),
        ("20080616", 16, CheckStatus::Pass, "age.ok", "17"),
        ("19491231", 18, CheckStatus::Pass, "age.ok", "76"),
    ];
    for (birth, min, status, key, age) in table {
        let id = valid::id_number("310101", birth, "011");
        let r = check_age(&id, CASE_DATE, *min);
        check(r.clone(), *status, key, birth);
        assert_eq!(r.params["age"], *age);
        assert_eq!(r.check, CheckId::Age);
    }
    check(check_age("bogus", CASE_DATE, 18), CheckStatus::NotApplicable, "age.unknown", "bogus");
}

#[test]
fn bank_cards() {
    let c16 = valid::card("622202100000000001");
    let table: &[(&str, CheckStatus, &str)] = &[
        ("4111 1111 1111 1111", CheckStatus::Pass, "bank_card.ok"),
        ("4111-1111-1111-1111", CheckStatus::Pass, "bank_card.ok"),
        ("79927398713", CheckStatus::Fail, "bank_card.length"),
        (&c16, CheckStatus::Pass, "bank_card.ok"),
        ("4111 1111 1111 1112", CheckStatus::Fail, "bank_card.luhn"),
        ("4111 1111 1111 111A", CheckStatus::Fail, "bank_card.characters"),
        ("", CheckStatus::Fail, "bank_card.characters"),
        ("41111111111111111111", CheckStatus::Fail, "bank_card.length"),
        ("４１１１１１１１１１１１１１１１", CheckStatus::Pass, "bank_card.ok"),
        ("٤١١١١١١١١١١١١١١١", CheckStatus::Fail, "bank_card.characters"),
    ];
    for (input, status, key) in table {
        check(check_bank_card(input), *status, key, input);
    }
}

#[test]
fn phones() {
    let table: &[(&str, CheckStatus, &str)] = &[
        ("13812345678", CheckStatus::Pass, "phone.ok"),
        ("+86 138 1234 5678", CheckStatus::Pass, "phone.ok"),
        ("86-199-1234-5678", CheckStatus::Pass, "phone.ok"),
        ("0086 15012345678", CheckStatus::Pass, "phone.ok"),
        ("+86 (138) 1234-5678", CheckStatus::Pass, "phone.ok"),
        ("12812345678", CheckStatus::Fail, "phone.prefix"),
        ("23812345678", CheckStatus::Fail, "phone.prefix"),
        ("1381234567", CheckStatus::Fail, "phone.length"),
        ("+1 138 1234 5678", CheckStatus::Fail, "phone.characters"),
        ("138I2345678", CheckStatus::Fail, "phone.characters"),
        ("", CheckStatus::Fail, "phone.characters"),
        ("+", CheckStatus::Fail, "phone.characters"),
        ("+86", CheckStatus::Fail, "phone.length"),
    ];
    for (input, status, key) in table {
        check(check_phone(input), *status, key, input);
    }
}

#[test]
fn usccs() {
    let enterprise = valid::uscc("91110108MA01AB2C3");
    let social = valid::uscc("51440300MJL123456");
    let bad_authority = valid::uscc("94110108MA01AB2C3");
    let bad_region = valid::uscc("91990108MA01AB2C3");
    // Registered with central authorities: region 100000, the country as a whole.
    let central_organ = valid::uscc("11100000000013127");
    let national_society = valid::uscc("51100000500000478");
    let central_enterprise = valid::uscc("91100000100001234");
    // Under the country code only 100000 itself is a division.
    let not_a_division = valid::uscc("91100100MA01AB2C3");
    // GB/T 2260 codes where no mainland registration authority sits.
    let hong_kong = valid::uscc("91810000MA01AB2C3");
    let taiwan = valid::uscc("91710000MA01AB2C3");
    let permit_code = valid::uscc("91830000MA01AB2C3");
    // Province level (xx0000) and prefecture level (xxyy00) authorities.
    let provincial = valid::uscc("91440000MA01AB2C3");
    let prefectural = valid::uscc("91650100MA01AB2C3");
    let mut wrong = enterprise.clone();
    let last = if enterprise.ends_with('0') { "1" } else { "0" };
    wrong.replace_range(17.., last);
    let table: &[(&str, CheckStatus, &str)] = &[
        (&enterprise, CheckStatus::Pass, "uscc.ok"),
        (&enterprise.to_lowercase(), CheckStatus::Pass, "uscc.ok"),
        (&social, CheckStatus::Pass, "uscc.ok"),
        // A published code (a Shenzhen enterprise's, as printed on its licence).
        ("9144030071526726XG", CheckStatus::Pass, "uscc.ok"),
        (&wrong, CheckStatus::Fail, "uscc.check_character"),
        (&bad_authority, CheckStatus::Fail, "uscc.authority"),
        (&bad_region, CheckStatus::Fail, "uscc.region"),
        (&central_organ, CheckStatus::Pass, "uscc.ok"),
        (&national_society, CheckStatus::Pass, "uscc.ok"),
        (&central_enterprise, CheckStatus::Pass, "uscc.ok"),
        (&not_a_division, CheckStatus::Fail, "uscc.region"),
        (&hong_kong, CheckStatus::Fail, "uscc.region"),
        (&taiwan, CheckStatus::Fail, "uscc.region"),
        (&permit_code, CheckStatus::Fail, "uscc.region"),
        (&provincial, CheckStatus::Pass, "uscc.ok"),
        (&prefectural, CheckStatus::Pass, "uscc.ok"),
        (&valid::uscc("91000000MA01AB2C3"), CheckStatus::Fail, "uscc.region"),
        ("91110108MA01AB2C", CheckStatus::Fail, "uscc.length"),
        ("91110108MA01AB2CI0", CheckStatus::Fail, "uscc.characters"),
        ("91110108MA01AB2C3统", CheckStatus::Fail, "uscc.characters"),
    ];
    for (input, status, key) in table {
        check(check_uscc(input), *status, key, input);
    }
}

#[test]
fn permits() {
    let table: &[(&str, CheckStatus, &str, &str)] = &[
        ("H12345678", CheckStatus::Pass, "permit.ok", "card"),
        ("M87654321", CheckStatus::Pass, "permit.ok", "card"),
        ("h 1234 5678", CheckStatus::Pass, "permit.ok", "card"),
        ("H1234567801", CheckStatus::Pass, "permit.ok", "booklet"),
        ("T12345678", CheckStatus::Fail, "permit.format", ""),
        ("H1234567", CheckStatus::Fail, "permit.format", ""),
        ("H123456789", CheckStatus::Fail, "permit.format", ""),
        ("12345678", CheckStatus::Fail, "permit.format", ""),
        ("H1234567A", CheckStatus::Fail, "permit.format", ""),
        ("", CheckStatus::Fail, "permit.format", ""),
    ];
    for (input, status, key, form) in table {
        let r = check_permit_number(input);
        check(r.clone(), *status, key, input);
        assert_eq!(r.params.get("form").map(String::as_str).unwrap_or(""), *form);
    }
}

#[test]
fn expiry() {
    let table: &[(Option<Date>, bool, CheckStatus, &str)] = &[
        (Some(date!(2030 - 01 - 01)), false, CheckStatus::Pass, "expiry.valid"),
        (Some(date!(2026 - 07 - 15)), false, CheckStatus::Pass, "expiry.expires_soon"),
        (Some(date!(2026 - 07 - 16)), false, CheckStatus::Pass, "expiry.valid"),
        (Some(CASE_DATE), false, CheckStatus::Pass, "expiry.expires_soon"),
        (Some(date!(2026 - 06 - 14)), false, CheckStatus::Fail, "expiry.expired"),
        (None, true, CheckStatus::Pass, "expiry.long_term"),
        (None, false, CheckStatus::NotApplicable, "expiry.not_given"),
    ];
    for (expires, long_term, status, key) in table {
        check(
            check_expiry(*expires, *long_term, CASE_DATE, 30),
            *status,
            key,
            &format!("{expires:?}"),
        );
    }
}

#[test]
fn mrzs() {
    let specimen = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    let r = check_mrz(&specimen, CASE_DATE);
    check(r.clone(), CheckStatus::Pass, "mrz.ok", "specimen");
    assert_eq!(r.params["surname"], "ERIKSSON");
    assert_eq!(r.params["birth_date"], "1974-08-12");
    let built = valid::td3("ZHANG<<SAN", "E12345678", "900101", 'M', "300101", "");
    check(check_mrz(&built, CASE_DATE), CheckStatus::Pass, "mrz.ok", "built td3");
    let td1 = valid::td1("ERIKSSON<<ANNA<MARIA", "D23145890", "740812", 'F', "120415");
    assert_eq!(td1[0], "I<UTOD231458907<<<<<<<<<<<<<<<", "matches the ICAO TD1 specimen");
    assert_eq!(td1[1], "7408122F1204159UTO<<<<<<<<<<<6");
    check(check_mrz(&td1, CASE_DATE), CheckStatus::Pass, "mrz.ok", "td1");

    let edit = |line: usize, pos: usize, c: char| {
        let mut lines: Vec<String> = specimen.iter().map(|s| s.to_string()).collect();
        lines[line].replace_range(pos..pos + 1, &c.to_string());
        lines
    };
    let bad_date = valid::td3("X<<Y", "E12345678", "901301", 'M', "300101", "");
    let bad_expiry = valid::td3("X<<Y", "E12345678", "900101", 'M', "301301", "");
    let table: Vec<(Vec<String>, &str)> = vec![
        (edit(1, 9, '7'), "mrz.document_number_check"),
        (edit(1, 19, '3'), "mrz.birth_date_check"),
        (edit(1, 27, '8'), "mrz.expiry_check"),
        (edit(1, 42, '2'), "mrz.optional_data_check"),
        (edit(1, 43, '1'), "mrz.composite_check"),
        (edit(1, 3, 'x'), "mrz.format"),
        (edit(0, 10, 'a'), "mrz.format"),
        (specimen[..1].iter().map(|s| s.to_string()).collect(), "mrz.format"),
        (bad_date.to_vec(), "mrz.birth_date_invalid"),
        (bad_expiry.to_vec(), "mrz.expiry_invalid"),
        (vec![], "mrz.format"),
    ];
    for (lines, key) in table {
        check(check_mrz(&lines, CASE_DATE), CheckStatus::Fail, key, &lines.join("/"));
    }
    // An all-filler optional data field may carry `<` as its check digit.
    let mut filler = valid::td3("X<<Y", "E12345678", "900101", 'M', "300101", "");
    assert_eq!(&filler[1][42..43], "0");
    filler[1].replace_range(42..43, "<");
    check(check_mrz(&filler, CASE_DATE), CheckStatus::Pass, "mrz.ok", "filler check digit");
}
