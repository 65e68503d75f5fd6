//! Names and numbers derived from a slot number, so that every generated value is unique.
//!
//! A case with index `i` uses person slots `4i..4i+4` (applicant or legal representative,
//! authorised person, the "other" name of a name-mismatch flaw, spare) and company slot `i`.
//! Each value is a bijective function of its slot (an affine map modulo the number of
//! combinations, with a seed-dependent offset), so two different slots never give the same
//! name or number. The name tables allow 180,000 Chinese names, so uniqueness is guaranteed
//! for up to 45,000 cases; numbers have far more room.

use kyc_model::checks::{id_check_char, luhn_check_digit, uscc_check_char};
use time::{Date, Duration};

/// Common surnames with their pinyin (used when no CJK font is available).
const SURNAMES: &[(&str, &str)] = &[
    ("王", "WANG"),
    ("李", "LI"),
    ("张", "ZHANG"),
    ("刘", "LIU"),
    ("陈", "CHEN"),
    ("杨", "YANG"),
    ("黄", "HUANG"),
    ("赵", "ZHAO"),
    ("吴", "WU"),
    ("周", "ZHOU"),
    ("徐", "XU"),
    ("孙", "SUN"),
    ("马", "MA"),
    ("朱", "ZHU"),
    ("胡", "HU"),
    ("郭", "GUO"),
    ("何", "HE"),
    ("林", "LIN"),
    ("高", "GAO"),
    ("罗", "LUO"),
    ("郑", "ZHENG"),
    ("梁", "LIANG"),
    ("谢", "XIE"),
    ("宋", "SONG"),
    ("唐", "TANG"),
    ("许", "XU"),
    ("韩", "HAN"),
    ("冯", "FENG"),
    ("邓", "DENG"),
    ("曹", "CAO"),
    ("彭", "PENG"),
    ("曾", "ZENG"),
    ("肖", "XIAO"),
    ("田", "TIAN"),
    ("董", "DONG"),
    ("潘", "PAN"),
    ("袁", "YUAN"),
    ("蔡", "CAI"),
    ("蒋", "JIANG"),
    ("余", "YU"),
    ("于", "YU"),
    ("杜", "DU"),
    ("叶", "YE"),
    ("程", "CHENG"),
    ("魏", "WEI"),
    ("苏", "SU"),
    ("吕", "LYU"),
    ("丁", "DING"),
    ("任", "REN"),
    ("卢", "LU"),
];

/// Characters common in given names, with pinyin.
const GIVEN: &[(&str, &str)] = &[
    ("伟", "WEI"),
    ("芳", "FANG"),
    ("娜", "NA"),
    ("敏", "MIN"),
    ("静", "JING"),
    ("丽", "LI"),
    ("强", "QIANG"),
    ("磊", "LEI"),
    ("军", "JUN"),
    ("洋", "YANG"),
    ("勇", "YONG"),
    ("艳", "YAN"),
    ("杰", "JIE"),
    ("涛", "TAO"),
    ("明", "MING"),
    ("超", "CHAO"),
    ("秀", "XIU"),
    ("霞", "XIA"),
    ("平", "PING"),
    ("刚", "GANG"),
    ("桂", "GUI"),
    ("英", "YING"),
    ("华", "HUA"),
    ("玉", "YU"),
    ("兰", "LAN"),
    ("文", "WEN"),
    ("辉", "HUI"),
    ("建", "JIAN"),
    ("国", "GUO"),
    ("梅", "MEI"),
    ("林", "LIN"),
    ("斌", "BIN"),
    ("宇", "YU"),
    ("浩", "HAO"),
    ("凯", "KAI"),
    ("鹏", "PENG"),
    ("晨", "CHEN"),
    ("欣", "XIN"),
    ("怡", "YI"),
    ("佳", "JIA"),
    ("嘉", "JIA"),
    ("子", "ZI"),
    ("轩", "XUAN"),
    ("睿", "RUI"),
    ("博", "BO"),
    ("然", "RAN"),
    ("婷", "TING"),
    ("雪", "XUE"),
    ("琳", "LIN"),
    ("颖", "YING"),
    ("思", "SI"),
    ("雨", "YU"),
    ("泽", "ZE"),
    ("俊", "JUN"),
    ("峰", "FENG"),
    ("志", "ZHI"),
    ("海", "HAI"),
    ("春", "CHUN"),
    ("晓", "XIAO"),
    ("红", "HONG"),
];

/// Syllables for Latin-script surnames (foreign passport holders).
const SYLLABLES: &[&str] = &[
    "KA", "RO", "VEN", "MI", "LA", "TOR", "SEN", "BER", "DA", "NI", "LU", "FER", "GAN", "HOL",
    "IS", "MAR", "NO", "PE", "RIN", "SOL",
];

/// Latin given names.
const LATIN_GIVEN: &[&str] = &[
    "ANNA", "MARIA", "JOHN", "PETER", "SOFIA", "LUCAS", "EMMA", "NOAH", "OLIVIA", "LIAM", "ELENA",
    "DAVID", "CLARA", "HUGO", "IRIS", "JONAS", "KARIN", "LEON", "MILA", "OSCAR", "PAULA", "RAFAEL",
    "SARA", "TOBIAS", "ULLA", "VERA", "WILLEM", "YARA", "ZOE", "ADAM", "BEA", "CARL", "DORA",
    "ERIK", "FREYA", "GUSTAV", "HANNA", "IVAN", "JULIA", "KAI",
];

/// Cities with region codes (GB/T 2260, district level) and pinyin.
const CITIES: &[(&str, &str, &str)] = &[
    ("深圳", "SHENZHEN", "440305"),
    ("上海", "SHANGHAI", "310104"),
    ("北京", "BEIJING", "110105"),
    ("杭州", "HANGZHOU", "330106"),
    ("成都", "CHENGDU", "510107"),
    ("广州", "GUANGZHOU", "440106"),
    ("南京", "NANJING", "320102"),
    ("武汉", "WUHAN", "420106"),
];

/// Industries for company names.
const INDUSTRIES: &[(&str, &str)] = &[
    ("科技", "KEJI"),
    ("贸易", "MAOYI"),
    ("咨询", "ZIXUN"),
    ("物流", "WULIU"),
    ("餐饮", "CANYIN"),
    ("文化", "WENHUA"),
    ("建筑", "JIANZHU"),
    ("医药", "YIYAO"),
];

/// Nationalities for foreign passports.
pub(crate) const NATIONALITIES: &[&str] = &["GBR", "DEU", "FRA", "CAN", "AUS", "SGP", "NZL", "SWE"];

/// A bijection of `0..modulus` (for `slot < modulus`): `(slot·mult + offset) mod modulus`
/// with `mult` coprime to `modulus`.
fn scramble(slot: u64, mult: u64, offset: u64, modulus: u64) -> u64 {
    debug_assert!(gcd(mult, modulus) == 1);
    ((slot % modulus) as u128 * mult as u128 + offset as u128).rem_euclid(modulus as u128) as u64
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A name in Han characters with its pinyin.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ChineseName {
    pub han: String,
    pub pinyin: String,
}

/// The Chinese name of a person slot.
pub(crate) fn chinese_name(slot: u64, seed: u64) -> ChineseName {
    let n = (SURNAMES.len() * GIVEN.len() * GIVEN.len()) as u64;
    let k = scramble(slot, 7919, seed % n, n);
    let g = GIVEN.len() as u64;
    let (s, g1, g2) = ((k / (g * g)) as usize, ((k / g) % g) as usize, (k % g) as usize);
    ChineseName {
        han: format!("{}{}{}", SURNAMES[s].0, GIVEN[g1].0, GIVEN[g2].0),
        pinyin: format!("{} {}{}", SURNAMES[s].1, GIVEN[g1].1, GIVEN[g2].1),
    }
}

/// A Latin-script name: (surname, given name).
pub(crate) fn latin_name(slot: u64, seed: u64) -> (String, String) {
    let s = SYLLABLES.len() as u64;
    let n = s * s * s * LATIN_GIVEN.len() as u64;
    let k = scramble(slot, 7919, seed % n, n);
    let given = LATIN_GIVEN[(k % LATIN_GIVEN.len() as u64) as usize];
    let k = k / LATIN_GIVEN.len() as u64;
    let surname = format!(
        "{}{}{}",
        SYLLABLES[(k / (s * s)) as usize],
        SYLLABLES[((k / s) % s) as usize],
        SYLLABLES[(k % s) as usize]
    );
    (surname, given.to_owned())
}

/// A company: its name (Han and pinyin) and the city's region code.
pub(crate) struct Company {
    pub name: ChineseName,
    pub region: &'static str,
}

/// The company of a company slot.
pub(crate) fn company(slot: u64, seed: u64) -> Company {
    let g = GIVEN.len() as u64;
    let n = CITIES.len() as u64 * g * g * INDUSTRIES.len() as u64;
    let k = scramble(slot, 7919, seed % n, n);
    let ind = &INDUSTRIES[(k % INDUSTRIES.len() as u64) as usize];
    let k = k / INDUSTRIES.len() as u64;
    let (b1, b2) = (&GIVEN[((k / g) % g) as usize], &GIVEN[(k % g) as usize]);
    let city = &CITIES[(k / (g * g)) as usize];
    Company {
        name: ChineseName {
            han: format!("{}市{}{}{}有限公司", city.0, b1.0, b2.0, ind.0),
            pinyin: format!("{} {}{} {} CO LTD", city.1, b1.1, b2.1, ind.1),
        },
        region: city.2,
    }
}

/// A valid mainland ID number for a person slot, born on `birth`. The sequence number and
/// birth date together are injective in the slot (see [`birth_date`]).
pub(crate) fn id_number(slot: u64, birth: Date) -> String {
    let region = CITIES[(slot % CITIES.len() as u64) as usize].2;
    let seq = slot % 1000;
    let body =
        format!("{region}{:04}{:02}{:02}{seq:03}", birth.year(), birth.month() as u8, birth.day());
    let check = id_check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// A birth date for a person slot: adults are born between 1960 and 2000, minors 16 years
/// and up to 300 days before `minor_before`. The day offset is `slot / 1000` (spread by the
/// sequence number `slot % 1000`); for one sequence number, different slots get different
/// days, so (birth date, sequence number) — and hence the ID number — is unique per slot for
/// 14.6 million adult slots and 300,000 minor slots.
pub(crate) fn birth_date(slot: u64, minor_before: Option<Date>) -> Date {
    let spread = (slot / 1000 + (slot % 1000) * 7919) as i64;
    match minor_before {
        Some(d) => d - Duration::days(16 * 365 + spread % 300 + 1),
        None => {
            let base = Date::from_ordinal_date(1960, 1).unwrap_or(Date::MIN);
            base + Duration::days(spread % (40 * 365))
        }
    }
}

/// A 19-digit UnionPay-style debit card number, Luhn-valid.
pub(crate) fn card_number(slot: u64, seed: u64) -> String {
    let body = scramble(slot, 738_219_451, seed, 1_000_000_000_000);
    let payload = format!("622202{body:012}");
    let check = luhn_check_digit(&payload).unwrap_or(0);
    format!("{payload}{check}")
}

/// An 11-digit mainland mobile number.
pub(crate) fn phone_number(slot: u64, seed: u64) -> String {
    const PREFIXES: &[&str] = &["138", "139", "150", "186", "199", "177"];
    let prefix = PREFIXES[(slot % PREFIXES.len() as u64) as usize];
    let body = scramble(slot / PREFIXES.len() as u64, 48_271, seed, 100_000_000);
    format!("{prefix}{body:08}")
}

/// A valid USCC for a company slot: authority 9 (market regulation), type 1 (enterprise),
/// the company's region, an organisation code with its GB 11714 check character, and the
/// GB 32100 check character.
pub(crate) fn uscc(slot: u64, seed: u64, region: &str) -> String {
    let org = format!("{:08}", scramble(slot, 48_271, seed, 100_000_000));
    let weights = [3u32, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = org.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    };
    let body = format!("91{region}{org}{org_check}");
    let check = uscc_check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// A number of `digits` digits with a letter prefix, unique per slot.
pub(crate) fn prefixed_number(prefix: &str, slot: u64, seed: u64, digits: u32) -> String {
    let modulus = 10u64.pow(digits);
    let n = scramble(slot, 48_271, seed, modulus);
    format!("{prefix}{n:0width$}", width = digits as usize)
}

/// The city of a person slot (the one its ID number's region code names): (Han, Latin).
pub(crate) fn city(slot: u64) -> (&'static str, &'static str) {
    let c = &CITIES[(slot % CITIES.len() as u64) as usize];
    (c.0, c.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn slot_maps_are_injective() {
        let mut names = HashSet::new();
        let mut latin = HashSet::new();
        let mut ids = HashSet::new();
        for slot in 0..4000 {
            assert!(names.insert(chinese_name(slot, 7).han));
            assert!(latin.insert(latin_name(slot, 7)));
            assert!(ids.insert(id_number(slot, birth_date(slot, None))));
        }
    }
}
