//! The catalogue of reasons a reviewer gives for rejecting a case or asking for resubmission.
//! Codes are stable: they are stored in decisions and reported on, so a code is never renamed
//! or reused; a retired reason keeps its code.

use serde::{Deserialize, Serialize};

macro_rules! reason_codes {
    ($($variant:ident => $code:literal, $en:literal, $zh:literal, $finality:ident,
        $app_en:literal, $app_zh:literal;)*) => {
        /// Why a case was rejected or sent back.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ReasonCode {
            $(
                #[doc = $en]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        // By hand: the derive does not see `serde(rename)` through the macro's fragments.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for ReasonCode {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),*]))
                    .description(Some("a reason code of the catalogue (R01 ... R99)"))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for ReasonCode {}

        impl ReasonCode {
            /// Every reason, in catalogue order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant),*];

            /// The stable code, as stored and sent on the wire.
            pub fn code(self) -> &'static str {
                match self { $(ReasonCode::$variant => $code),* }
            }

            /// The reason for a stable code.
            pub fn from_code(code: &str) -> Option<ReasonCode> {
                match code { $($code => Some(ReasonCode::$variant),)* _ => None }
            }

            /// English label.
            pub fn label_en(self) -> &'static str {
                match self { $(ReasonCode::$variant => $en),* }
            }

            /// Simplified Chinese label.
            pub fn label_zh(self) -> &'static str {
                match self { $(ReasonCode::$variant => $zh),* }
            }

            /// Whether an applicant rejected for this reason may apply again.
            pub fn finality(self) -> Finality {
                match self { $(ReasonCode::$variant => Finality::$finality),* }
            }

            /// What the applicant is told, in English: addressed to them, naming no internal
            /// check, no value and no person.
            pub fn applicant_text_en(self) -> &'static str {
                match self { $(ReasonCode::$variant => $app_en),* }
            }

            /// What the applicant is told, in Simplified Chinese.
            pub fn applicant_text_zh(self) -> &'static str {
                match self { $(ReasonCode::$variant => $app_zh),* }
            }
        }
    };
}

/// Whether a rejection for a reason ends the applicant's attempts, as Sumsub's rejection
/// labels are `FINAL` or `RETRY`: a retry reason is one the applicant can fix (a clearer
/// photo, a valid document), a final one is not (forgery, age).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Finality {
    /// The applicant may try again.
    Retry,
    /// The rejection stands: trying again will not change it.
    Final,
}

reason_codes! {
    DocumentIllegible => "R01", "Document image illegible or incomplete", "证件图片模糊或不完整", Retry,
        "A photo of your document is unclear or incomplete. Please take a sharp photo showing the whole document.",
        "您提交的证件照片模糊或不完整，请重新拍摄清晰、完整的证件照片。";
    DocumentExpired => "R02", "Document expired", "证件已过期", Retry,
        "Your document has expired. Please submit a document that is currently valid.",
        "您的证件已过期，请提交在有效期内的证件。";
    IdNumberInvalid => "R03", "ID number invalid", "身份证号码无效", Retry,
        "The ID number could not be confirmed. Please check it and submit your document again.",
        "身份证号码无法核实，请核对后重新提交证件。";
    NameMismatch => "R04", "Name differs between documents", "证件之间姓名不一致", Retry,
        "The name is not the same on all of your documents. Please submit documents that match.",
        "您各证件上的姓名不一致，请提交信息一致的证件。";
    NumberMismatch => "R05", "Number differs between documents", "证件之间号码不一致", Retry,
        "A document number is not the same on all of your documents. Please submit documents that match.",
        "您各证件上的号码不一致，请提交信息一致的证件。";
    FaceMismatch => "R06", "Face does not match the document portrait", "人脸与证件照不符", Final,
        "We could not match your face to the photo on your document.",
        "您的人脸与证件照片无法匹配。";
    LivenessFailed => "R07", "Face video fails liveness", "人脸视频活体检测不通过", Retry,
        "Your face video could not be verified. Please record it again in good light, facing the camera.",
        "您的人脸视频未能通过验证，请在光线充足处正对镜头重新录制。";
    Underage => "R08", "Applicant below the minimum age", "申请人未达到最低年龄", Final,
        "You do not meet the minimum age for this service.",
        "您未达到本服务要求的最低年龄。";
    AuthorityMismatch => "R09", "Verification authority reports a mismatch", "第三方核验结果不一致", Final,
        "Your details could not be confirmed with the issuing authority.",
        "您的信息未能通过权威机构核验。";
    BankVerificationFailed => "R10", "Bank four-element verification failed", "银行卡四要素核验未通过", Retry,
        "Your bank card details could not be confirmed. Please check them or use another card in your name.",
        "您的银行卡信息未能核验通过，请核对信息或使用本人名下的其他银行卡。";
    PhoneInvalid => "R11", "Phone number invalid", "手机号码无效", Retry,
        "Your phone number could not be confirmed. Please give a number registered in your name.",
        "您的手机号码无法核实，请提供本人实名登记的手机号码。";
    MrzInvalid => "R12", "Passport machine-readable zone invalid", "护照机读区校验失败", Retry,
        "The lines at the bottom of your passport page could not be read. Please take a photo showing them clearly.",
        "您护照资料页底部的机读码无法识别，请重新拍摄清晰的照片。";
    UsccInvalid => "R13", "Unified social credit code invalid", "统一社会信用代码无效", Retry,
        "The unified social credit code could not be confirmed. Please check the business licence and submit it again.",
        "统一社会信用代码无法核实，请核对营业执照后重新提交。";
    AuthorisationMissing => "R14", "Letter of authorisation missing or invalid", "授权书缺失或无效", Retry,
        "The letter of authorisation is missing or not valid. Please submit a signed and stamped letter.",
        "授权书缺失或无效，请提交经签字盖章的授权书。";
    LegalRepresentativeMismatch => "R15", "Legal representative differs from the licence", "法定代表人与营业执照不一致", Retry,
        "The legal representative does not match the business licence. Please submit the current representative's documents.",
        "法定代表人与营业执照不一致，请提交现任法定代表人的证件。";
    AccountVerificationFailed => "R16", "Corporate account verification failed", "对公账户核验未通过", Retry,
        "The corporate account could not be verified. Please check the account details and try again.",
        "对公账户核验未通过，请核对账户信息后重试。";
    SuspectedForgery => "R17", "Suspected forged or altered document", "疑似伪造或篡改证件", Final,
        "Your application could not be accepted.",
        "您的申请未能通过。";
    ConsentMissing => "R18", "Consent record missing", "缺少用户授权记录", Retry,
        "We need your consent to verify your identity. Please give it and submit your application again.",
        "我们需要您授权后才能核验身份，请完成授权后重新提交申请。";
    Other => "R99", "Other (see note)", "其他（见备注）", Retry,
        "Your application needs attention.",
        "您的申请需要补充处理。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &r in ReasonCode::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert_eq!(ReasonCode::from_code(r.code()), Some(r));
            assert!(!r.label_en().is_empty() && !r.label_zh().is_empty());
            assert!(!r.applicant_text_en().is_empty() && !r.applicant_text_zh().is_empty());
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
        }
        assert_eq!(ReasonCode::from_code("R00"), None);
    }

    #[test]
    fn forgery_and_age_are_final_and_fixable_reasons_retry() {
        assert_eq!(ReasonCode::SuspectedForgery.finality(), Finality::Final);
        assert_eq!(ReasonCode::Underage.finality(), Finality::Final);
        assert_eq!(ReasonCode::DocumentIllegible.finality(), Finality::Retry);
        // A forgery suspicion is never spelled out to the applicant.
        assert!(!ReasonCode::SuspectedForgery.applicant_text_en().contains("forg"));
        assert!(!ReasonCode::SuspectedForgery.applicant_text_zh().contains("伪造"));
    }
}
