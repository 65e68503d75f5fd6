//! The explanation catalogue: every key a check can return, the parameters its sentence uses,
//! and the sentence in English and Simplified Chinese. Keys are stable (the UI and stored
//! check snapshots refer to them); a retired key keeps its meaning.

use super::{CheckResult, Lang};
use crate::case::{DocumentKind, Subject};

macro_rules! messages {
    ($($konst:ident => $key:literal, [$($param:literal),*], $en:literal, $zh:literal;)*) => {
        /// Explanation keys, as constants so that checks cannot misspell them.
        pub mod keys {
            $(
                #[doc = $en]
                pub const $konst: &str = $key;
            )*
        }

        /// One catalogue entry.
        pub struct Message {
            /// The stable key.
            pub key: &'static str,
            /// Names of the parameters the sentences use.
            pub params: &'static [&'static str],
            /// English sentence with `{param}` placeholders.
            pub en: &'static str,
            /// Simplified Chinese sentence with `{param}` placeholders.
            pub zh: &'static str,
        }

        /// Every message, in catalogue order.
        pub const CATALOGUE: &[Message] = &[
            $(Message { key: $key, params: &[$($param),*], en: $en, zh: $zh },)*
        ];
    };
}

messages! {
    NOT_PROVIDED => "common.not_provided", [],
        "Not provided in this case.",
        "本案件未提供。";
    DOCUMENTS_OK => "documents.ok", [],
        "Every document this kind of case needs is present.",
        "该类案件所需的证件齐全。";
    DOCUMENTS_MISSING => "documents.missing", ["documents"],
        "Missing documents: {documents}.",
        "缺少证件：{documents}。";
    ID_NUMBER_OK => "id_number.ok", ["birth_date", "sex", "region"],
        "The ID number is well-formed and its check character is correct: born {birth_date}, {sex}, region code {region}.",
        "身份证号码格式正确，校验码正确：出生日期 {birth_date}，{sex}，地区代码 {region}。";
    ID_NUMBER_LENGTH => "id_number.length", ["length"],
        "The ID number has {length} characters; it must have 18.",
        "身份证号码为 {length} 位，应为 18 位。";
    ID_NUMBER_CHARACTERS => "id_number.characters", [],
        "The ID number must be 17 digits followed by a digit or X.",
        "身份证号码应为 17 位数字加 1 位数字或 X。";
    ID_NUMBER_CHECK_DIGIT => "id_number.check_digit", [],
        "The ID number's check character does not match its first 17 digits (GB 11643): a character is wrong.",
        "身份证号码的校验码与前 17 位不符（GB 11643），有字符错误。";
    ID_NUMBER_PROVINCE => "id_number.province", ["province"],
        "The ID number starts with {province}, which is not a province-level region code.",
        "身份证号码以 {province} 开头，这不是省级行政区划代码。";
    ID_NUMBER_BIRTH_DATE_INVALID => "id_number.birth_date_invalid", [],
        "The birth date inside the ID number is not a valid date.",
        "身份证号码中的出生日期不是有效日期。";
    ID_NUMBER_BIRTH_DATE_FUTURE => "id_number.birth_date_future", ["birth_date"],
        "The birth date inside the ID number, {birth_date}, is after the case date.",
        "身份证号码中的出生日期 {birth_date} 晚于案件日期。";
    AGE_OK => "age.ok", ["age", "min_age"],
        "The person was {age} years old on the case date (minimum {min_age}).",
        "案件日期时此人 {age} 岁（最低 {min_age} 岁）。";
    AGE_BELOW_MINIMUM => "age.below_minimum", ["age", "min_age"],
        "The person was only {age} years old on the case date; the minimum is {min_age}.",
        "案件日期时此人仅 {age} 岁，未达到最低年龄 {min_age} 岁。";
    AGE_UNKNOWN => "age.unknown", [],
        "The age cannot be worked out because no valid birth date is available.",
        "没有有效的出生日期，无法计算年龄。";
    BANK_CARD_OK => "bank_card.ok", ["length"],
        "The card number has {length} digits and passes the Luhn check.",
        "银行卡号为 {length} 位，通过 Luhn 校验。";
    BANK_CARD_CHARACTERS => "bank_card.characters", [],
        "The card number may only contain digits (spaces are ignored).",
        "银行卡号只能包含数字（空格忽略）。";
    BANK_CARD_LENGTH => "bank_card.length", ["length"],
        "The card number has {length} digits; it must have 12 to 19.",
        "银行卡号为 {length} 位，应为 12 至 19 位。";
    BANK_CARD_LUHN => "bank_card.luhn", [],
        "The card number fails the Luhn check: a digit is wrong.",
        "银行卡号未通过 Luhn 校验，有数字错误。";
    PHONE_OK => "phone.ok", [],
        "The mobile number is a well-formed mainland China number.",
        "手机号码为格式正确的中国大陆号码。";
    PHONE_CHARACTERS => "phone.characters", [],
        "The mobile number may only contain digits, an optional +86 prefix, spaces and dashes.",
        "手机号码只能包含数字、可选的 +86 前缀、空格和连字符。";
    PHONE_LENGTH => "phone.length", ["length"],
        "The mobile number has {length} digits; a mainland mobile number has 11.",
        "手机号码为 {length} 位，中国大陆手机号码应为 11 位。";
    PHONE_PREFIX => "phone.prefix", [],
        "A mainland mobile number starts with 13 to 19.",
        "中国大陆手机号码应以 13 至 19 开头。";
    USCC_OK => "uscc.ok", ["authority", "region"],
        "The unified social credit code is well-formed and its check character is correct: registration authority and type {authority}, region code {region}.",
        "统一社会信用代码格式正确，校验码正确：登记管理部门及机构类别代码 {authority}，行政区划代码 {region}。";
    USCC_LENGTH => "uscc.length", ["length"],
        "The unified social credit code has {length} characters; it must have 18.",
        "统一社会信用代码为 {length} 位，应为 18 位。";
    USCC_CHARACTERS => "uscc.characters", [],
        "The unified social credit code may only contain digits and capital letters other than I, O, S, V and Z.",
        "统一社会信用代码只能包含数字和除 I、O、S、V、Z 以外的大写字母。";
    USCC_CHECK_CHARACTER => "uscc.check_character", [],
        "The unified social credit code's check character does not match (GB 32100): a character is wrong.",
        "统一社会信用代码的校验码不符（GB 32100），有字符错误。";
    USCC_AUTHORITY => "uscc.authority", ["authority"],
        "The registration authority and type code {authority} is not one that GB 32100 defines.",
        "登记管理部门及机构类别代码 {authority} 不在 GB 32100 的定义之中。";
    USCC_REGION => "uscc.region", ["region"],
        "The region code {region} is neither 100000 (central registration) nor under a mainland province.",
        "行政区划代码 {region} 既不是 100000（中央登记），也不属于内地省级行政区。";
    MRZ_OK => "mrz.ok", ["format", "surname", "given_names", "birth_date", "expiry_date"],
        "The machine-readable zone ({format}) is valid, every check digit matches: surname {surname}, given names {given_names}, born {birth_date}, expires {expiry_date}.",
        "机读区（{format}）有效，所有校验位正确：姓 {surname}，名 {given_names}，出生日期 {birth_date}，有效期至 {expiry_date}。";
    MRZ_FORMAT => "mrz.format", [],
        "The machine-readable zone is not two lines of 44 or three lines of 30 characters from A-Z, 0-9 and <.",
        "机读区不是由 A-Z、0-9 和 < 组成的两行 44 位或三行 30 位。";
    MRZ_DOCUMENT_NUMBER_CHECK => "mrz.document_number_check", [],
        "The check digit of the document number in the machine-readable zone does not match.",
        "机读区中证件号码的校验位不符。";
    MRZ_BIRTH_DATE_CHECK => "mrz.birth_date_check", [],
        "The check digit of the birth date in the machine-readable zone does not match.",
        "机读区中出生日期的校验位不符。";
    MRZ_EXPIRY_CHECK => "mrz.expiry_check", [],
        "The check digit of the expiry date in the machine-readable zone does not match.",
        "机读区中有效期的校验位不符。";
    MRZ_OPTIONAL_DATA_CHECK => "mrz.optional_data_check", [],
        "The check digit of the optional data (personal number) in the machine-readable zone does not match.",
        "机读区中可选数据（个人号码）的校验位不符。";
    MRZ_COMPOSITE_CHECK => "mrz.composite_check", [],
        "The composite check digit of the machine-readable zone does not match.",
        "机读区的综合校验位不符。";
    MRZ_BIRTH_DATE_INVALID => "mrz.birth_date_invalid", [],
        "The birth date in the machine-readable zone is not a valid date.",
        "机读区中的出生日期不是有效日期。";
    MRZ_EXPIRY_INVALID => "mrz.expiry_invalid", [],
        "The expiry date in the machine-readable zone is not a valid date.",
        "机读区中的有效期不是有效日期。";
    PERMIT_OK => "permit.ok", ["form"],
        "The permit number has the {form} format.",
        "通行证号码符合{form}格式。";
    PERMIT_FORMAT => "permit.format", [],
        "A Home Visit Permit number is H (Hong Kong) or M (Macao) followed by 8 digits (card) or 10 digits (older booklet).",
        "港澳居民来往内地通行证号码应为 H（香港）或 M（澳门）加 8 位数字（卡式）或 10 位数字（旧本式）。";
    EXPIRY_VALID => "expiry.valid", ["expires_on", "days_left"],
        "Valid until {expires_on}, {days_left} days after the case date.",
        "有效期至 {expires_on}，距案件日期还有 {days_left} 天。";
    EXPIRY_SOON => "expiry.expires_soon", ["expires_on", "days_left"],
        "Expires soon: valid until {expires_on}, only {days_left} days after the case date.",
        "即将过期：有效期至 {expires_on}，距案件日期仅 {days_left} 天。";
    EXPIRY_EXPIRED => "expiry.expired", ["expires_on"],
        "Expired: it was valid until {expires_on}, before the case date.",
        "已过期：有效期至 {expires_on}，早于案件日期。";
    EXPIRY_LONG_TERM => "expiry.long_term", [],
        "Valid long-term (no expiry date).",
        "长期有效（无截止日期）。";
    EXPIRY_NOT_GIVEN => "expiry.not_given", [],
        "No expiry date was read off the document.",
        "未从证件读取到有效期。";
    NAMES_MATCH => "names.match", ["sources"],
        "The name is the same on: {sources}.",
        "以下来源的姓名一致：{sources}。";
    NAMES_MISMATCH => "names.mismatch", ["sources"],
        "The name differs between: {sources}.",
        "以下来源的姓名不一致：{sources}。";
    NAMES_SINGLE => "names.single", [],
        "Fewer than two comparable sources give the name; nothing to compare.",
        "可比较的姓名来源少于两个，无需比较。";
    NUMBERS_MATCH => "numbers.match", ["sources"],
        "The number is the same on: {sources}.",
        "以下来源的号码一致：{sources}。";
    NUMBERS_MISMATCH => "numbers.mismatch", ["sources"],
        "The number differs between: {sources}.",
        "以下来源的号码不一致：{sources}。";
    NUMBERS_SINGLE => "numbers.single", [],
        "Fewer than two sources give the number; nothing to compare.",
        "号码来源少于两个，无需比较。";
    AUTHORISATION_OK => "authorisation.ok", [],
        "Acting by letter of authorisation: the letter is present and names the authorised person.",
        "凭授权书办理：授权书齐全，且载明被授权人。";
    AUTHORISATION_NOT_BY_LETTER => "authorisation.not_by_letter", [],
        "The legal representative applies in person; no letter of authorisation is needed.",
        "由法定代表人本人办理，无需授权书。";
    AUTHORISATION_LETTER_MISSING => "authorisation.letter_missing", [],
        "The application acts by letter of authorisation, but the case has no letter.",
        "申请凭授权书办理，但案件中没有授权书。";
    AUTHORISATION_NO_PERSON => "authorisation.no_person_named", [],
        "The letter of authorisation names no authorised person.",
        "授权书未载明被授权人。";
    AUTHORISATION_PERSON_MISMATCH => "authorisation.person_mismatch", [],
        "The person named in the letter of authorisation is not the authorised person of the application.",
        "授权书载明的被授权人与申请中的被授权人不一致。";
    AUTHORISATION_ID_CARD_MISSING => "authorisation.id_card_missing", [],
        "The authorised person's ID card is not in the case.",
        "案件中没有被授权人的身份证。";
    VERIFICATION_ID_MATCHED => "verification.id_matched", ["authority"],
        "{authority} confirms that the name and ID number belong together.",
        "{authority} 确认姓名与身份证号码一致。";
    VERIFICATION_ID_MISMATCH => "verification.id_mismatch", ["authority"],
        "{authority} reports that the name and ID number do not belong together.",
        "{authority} 报告姓名与身份证号码不一致。";
    VERIFICATION_FACE_PASSED => "verification.face_passed", ["authority", "score", "threshold"],
        "{authority} rates the face similarity {score}, at or above the threshold {threshold}.",
        "{authority} 给出的人脸相似度为 {score}，达到阈值 {threshold}。";
    VERIFICATION_FACE_FAILED => "verification.face_failed", ["authority", "score", "threshold"],
        "{authority} rates the face similarity {score}, below the threshold {threshold}.",
        "{authority} 给出的人脸相似度为 {score}，低于阈值 {threshold}。";
    VERIFICATION_BANK_MATCHED => "verification.bank_matched", ["authority"],
        "{authority} confirms name, ID number, card number and phone number (four elements).",
        "{authority} 确认姓名、身份证号码、银行卡号和手机号码（四要素）一致。";
    VERIFICATION_BANK_MISMATCH => "verification.bank_mismatch", ["authority"],
        "{authority} reports that the four elements (name, ID number, card number, phone number) do not match.",
        "{authority} 报告四要素（姓名、身份证号码、银行卡号、手机号码）不一致。";
    VERIFICATION_ACCOUNT_VERIFIED => "verification.account_verified", ["authority"],
        "{authority} verified the corporate account and its holder's name.",
        "{authority} 已核验对公账户及户名。";
    VERIFICATION_ACCOUNT_FAILED => "verification.account_failed", ["authority"],
        "{authority} could not verify the corporate account or its holder's name differs from the company name.",
        "{authority} 未能核验对公账户，或户名与企业名称不一致。";
    VERIFICATION_MISSING => "verification.missing", ["verification"],
        "No result of the {verification} verification is in the case.",
        "案件中没有{verification}核验结果。";
    CONSENT_OK => "consent.ok", ["version"],
        "The applicant consented to the processing of sensitive personal data (instructions version {version}).",
        "申请人已同意处理敏感个人信息（说明版本 {version}）。";
    CONSENT_MISSING => "consent.missing", [],
        "There is no consent record: the case cannot be approved.",
        "没有用户授权记录，案件不能通过。";
    CONSENT_INSUFFICIENT => "consent.insufficient", [],
        "The consent record does not cover sensitive personal data: the case cannot be approved.",
        "授权记录未涵盖敏感个人信息，案件不能通过。";
}

/// The catalogue entry for a key.
pub fn message(key: &str) -> Option<&'static Message> {
    CATALOGUE.iter().find(|m| m.key == key)
}

/// Parameters whose values are codes (or comma-separated lists of codes) that are shown
/// translated rather than verbatim.
const TRANSLATED_PARAMS: &[&str] =
    &["documents", "sources", "sex", "format", "form", "verification"];

/// The label of a code used in translated parameters and in the subject/document prefix.
/// Unknown codes are shown as they are.
pub fn term(code: &str, lang: Lang) -> &str {
    let (en, zh) = match code {
        "id_card_front" => ("ID card (portrait side)", "身份证人像面"),
        "id_card_back" => ("ID card (emblem side)", "身份证国徽面"),
        "bank_card" => ("bank card", "银行卡"),
        "passport" => ("passport", "护照"),
        "foreign_driving_licence" => ("foreign driving licence", "境外驾驶证"),
        "home_visit_permit" => ("Home Visit Permit", "港澳居民来往内地通行证"),
        "business_licence" => ("business licence", "营业执照"),
        "authorisation_letter" => ("letter of authorisation", "授权书"),
        "face_photo" => ("face photo", "人脸照片"),
        "face_video" => ("face video", "人脸视频"),
        "application" => ("application form", "申请信息"),
        "mrz" => ("machine-readable zone", "机读区"),
        "male" => ("male", "男"),
        "female" => ("female", "女"),
        "td3" => ("passport format TD3", "护照格式 TD3"),
        "td1" => ("card format TD1", "卡式格式 TD1"),
        "card" => ("card (H or M and 8 digits)", "卡式（H 或 M 加 8 位数字）"),
        "booklet" => ("older booklet (H or M and 10 digits)", "旧本式（H 或 M 加 10 位数字）"),
        "id_name_number" => ("ID name-and-number", "身份证姓名与号码"),
        "face_similarity" => ("face similarity", "人脸比对"),
        "bank_four_elements" => ("bank four-element", "银行卡四要素"),
        "corporate_account" => ("corporate account", "对公账户"),
        "applicant" => ("Applicant", "申请人"),
        "legal_representative" => ("Legal representative", "法定代表人"),
        "authorised_person" => ("Authorised person", "被授权人"),
        _ => return code,
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Stable snake_case code of a document kind (as its serde form).
pub fn document_code(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::IdCardFront => "id_card_front",
        DocumentKind::IdCardBack => "id_card_back",
        DocumentKind::BankCard => "bank_card",
        DocumentKind::Passport => "passport",
        DocumentKind::ForeignDrivingLicence => "foreign_driving_licence",
        DocumentKind::HomeVisitPermit => "home_visit_permit",
        DocumentKind::BusinessLicence => "business_licence",
        DocumentKind::AuthorisationLetter => "authorisation_letter",
        DocumentKind::FacePhoto => "face_photo",
        DocumentKind::FaceVideo => "face_video",
    }
}

/// Stable snake_case code of a subject.
pub fn subject_code(subject: Subject) -> &'static str {
    match subject {
        Subject::Applicant => "applicant",
        Subject::LegalRepresentative => "legal_representative",
        Subject::AuthorisedPerson => "authorised_person",
    }
}

/// Renders a result's sentence. A key missing from the catalogue renders as the key itself,
/// so that a newer hub's key still shows something.
pub(super) fn render(result: &CheckResult, lang: Lang) -> String {
    let Some(msg) = message(result.key) else {
        return result.key.to_owned();
    };
    let template = match lang {
        Lang::En => msg.en,
        Lang::Zh => msg.zh,
    };
    let mut out = String::with_capacity(template.len() + 32);
    let mut prefix: Vec<&str> = Vec::new();
    if let Some(subject) = result.subject.filter(|s| *s != Subject::Applicant) {
        prefix.push(term(subject_code(subject), lang));
    }
    if let Some(doc) = result.document {
        prefix.push(term(document_code(doc), lang));
    }
    if !prefix.is_empty() {
        match lang {
            Lang::En => {
                out.push_str(&prefix.join(", "));
                out.push_str(": ");
            }
            Lang::Zh => {
                out.push_str(&prefix.join("，"));
                out.push('：');
            }
        }
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        let value = result.params.get(name).map(String::as_str).unwrap_or("?");
        if TRANSLATED_PARAMS.contains(&name) {
            let sep = match lang {
                Lang::En => ", ",
                Lang::Zh => "、",
            };
            let parts: Vec<&str> =
                value.split(',').filter(|p| !p.is_empty()).map(|p| term(p, lang)).collect();
            out.push_str(&parts.join(sep));
        } else {
            out.push_str(value);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckId, CheckStatus};

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after.find('}').expect("unclosed placeholder");
            out.push(&after[..close]);
            rest = &after[close + 1..];
        }
        out.sort();
        out
    }

    #[test]
    fn every_key_renders_in_both_languages_without_leftover_placeholders() {
        let mut seen = std::collections::HashSet::new();
        for msg in CATALOGUE {
            assert!(seen.insert(msg.key), "duplicate key {}", msg.key);
            let mut declared: Vec<&str> = msg.params.to_vec();
            declared.sort();
            assert_eq!(placeholders(msg.en), declared, "{} (en)", msg.key);
            assert_eq!(placeholders(msg.zh), declared, "{} (zh)", msg.key);
            let mut result = CheckResult::new(CheckId::IdNumber, CheckStatus::Pass, msg.key);
            for p in msg.params {
                result = result.with(p, "v1");
            }
            for lang in [Lang::En, Lang::Zh] {
                let text = result.explain(lang);
                assert!(!text.contains('{') && !text.contains('}'), "{}: {text}", msg.key);
                assert!(!text.contains('?'), "{}: missing param in {text}", msg.key);
                assert!(!text.trim().is_empty());
            }
            assert!(msg.zh.chars().any(crate::checks::normalise::is_han), "{} zh", msg.key);
        }
    }

    #[test]
    fn translated_params_and_prefix_use_the_reader_language() {
        let r = CheckResult::new(CheckId::Documents, CheckStatus::Fail, keys::DOCUMENTS_MISSING)
            .with("documents", "id_card_back,face_video")
            .subject(Subject::LegalRepresentative);
        assert_eq!(
            r.explain(Lang::En),
            "Legal representative: Missing documents: ID card (emblem side), face video."
        );
        assert_eq!(r.explain(Lang::Zh), "法定代表人：缺少证件：身份证国徽面、人脸视频。");
    }
}
