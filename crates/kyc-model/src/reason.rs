//! The catalogue of reasons a reviewer gives for rejecting a case or asking for resubmission.
//! Codes are stable: they are stored in decisions and reported on, so a code is never renamed
//! or reused; a retired reason keeps its code.

use serde::{Deserialize, Serialize};

macro_rules! reason_codes {
    ($($variant:ident => $code:literal, $en:literal, $zh:literal;)*) => {
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
        }
    };
}

reason_codes! {
    DocumentIllegible => "R01", "Document image illegible or incomplete", "证件图片模糊或不完整";
    DocumentExpired => "R02", "Document expired", "证件已过期";
    IdNumberInvalid => "R03", "ID number invalid", "身份证号码无效";
    NameMismatch => "R04", "Name differs between documents", "证件之间姓名不一致";
    NumberMismatch => "R05", "Number differs between documents", "证件之间号码不一致";
    FaceMismatch => "R06", "Face does not match the document portrait", "人脸与证件照不符";
    LivenessFailed => "R07", "Face video fails liveness", "人脸视频活体检测不通过";
    Underage => "R08", "Applicant below the minimum age", "申请人未达到最低年龄";
    AuthorityMismatch => "R09", "Verification authority reports a mismatch", "第三方核验结果不一致";
    BankVerificationFailed => "R10", "Bank four-element verification failed", "银行卡四要素核验未通过";
    PhoneInvalid => "R11", "Phone number invalid", "手机号码无效";
    MrzInvalid => "R12", "Passport machine-readable zone invalid", "护照机读区校验失败";
    UsccInvalid => "R13", "Unified social credit code invalid", "统一社会信用代码无效";
    AuthorisationMissing => "R14", "Letter of authorisation missing or invalid", "授权书缺失或无效";
    LegalRepresentativeMismatch => "R15", "Legal representative differs from the licence", "法定代表人与营业执照不一致";
    AccountVerificationFailed => "R16", "Corporate account verification failed", "对公账户核验未通过";
    SuspectedForgery => "R17", "Suspected forged or altered document", "疑似伪造或篡改证件";
    ConsentMissing => "R18", "Consent record missing", "缺少用户授权记录";
    Other => "R99", "Other (see note)", "其他（见备注）";
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
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
        }
        assert_eq!(ReasonCode::from_code("R00"), None);
    }
}
