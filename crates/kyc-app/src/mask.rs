//! Masking: the case view crosses IPC with every personal value masked (`张*`,
//! `1101**********002X`, `138****5678`); the full value leaves Rust only through
//! [`crate::Desk::reveal`], one field at a time, audited.
//!
//! This module turns a decrypted [`Case`] into the [`CaseView`] the webview sees, and looks up
//! the one value a `reveal` key names. Check explanations are rendered from
//! [`kyc_model::checks::run_checks`] with their personal parameters (birth dates, sex, region
//! codes, names read from an MRZ) masked the same way.

use kyc_model::checks::{self, CheckPolicy, CheckResult, CheckStatus};
use kyc_model::{Applicant, Case, Document, DocumentKind};

use crate::ipc::{
    CaseKindCode, CaseView, CheckSeverity, CheckView, DocumentView, FieldView, Lang, MediaRole,
    MediaView, QueueState,
};

/// How a value is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskKind {
    /// A person's or company's name: first character kept (`张*`, `Z*** ***`).
    Name,
    /// ID numbers and credit codes: first 4 and last 4 kept (`1101**********002X`).
    IdNumber,
    /// Mobile numbers: first 3 and last 4 kept (`138****5678`).
    Phone,
    /// Bank card and account numbers: first 4 and last 4 kept.
    Card,
    /// Other document numbers: first 2 and last 2 kept.
    DocumentNumber,
    /// Machine-readable zone lines: fillers kept, every other character masked.
    Mrz,
    /// Not masked (bank names, expiry dates): shown as is.
    Plain,
}

fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() <= head + tail {
        // Too short to keep both ends without showing nearly everything.
        return chars.iter().enumerate().map(|(i, c)| if i == 0 { *c } else { '*' }).collect();
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= chars.len() - tail { *c } else { '*' })
        .collect()
}

/// Masks `value` as `kind` says.
pub fn mask(value: &str, kind: MaskKind) -> String {
    match kind {
        MaskKind::Name => {
            let mut out = String::new();
            for (i, c) in value.trim().chars().enumerate() {
                out.push(if i == 0 || c.is_whitespace() { c } else { '*' });
            }
            out
        }
        MaskKind::IdNumber | MaskKind::Card => keep_ends(value, 4, 4),
        MaskKind::Phone => keep_ends(value, 3, 4),
        MaskKind::DocumentNumber => keep_ends(value, 2, 2),
        MaskKind::Mrz => value.chars().map(|c| if c == '<' { c } else { '*' }).collect(),
        MaskKind::Plain => value.to_owned(),
    }
}

/// One personal value of a case with its reveal key.
struct Field {
    key: String,
    label: &'static str,
    kind: MaskKind,
    value: String,
}

fn push(
    out: &mut Vec<Field>,
    key: String,
    label: &'static str,
    kind: MaskKind,
    v: &Option<String>,
) {
    if let Some(value) = v.as_deref().filter(|v| !v.trim().is_empty()) {
        out.push(Field { key, label, kind, value: value.to_owned() });
    }
}

fn applicant_fields(applicant: &Applicant) -> Vec<Field> {
    use MaskKind as K;
    let mut out = Vec::new();
    let k = |name: &str| format!("applicant.{name}");
    match applicant {
        Applicant::Individual { name, id_number, bank_card_number, phone, document_number } => {
            push(&mut out, k("name"), "field.name", K::Name, &Some(name.clone()));
            push(&mut out, k("id_number"), "field.id_number", K::IdNumber, id_number);
            push(
                &mut out,
                k("bank_card_number"),
                "field.bank_card_number",
                K::Card,
                bank_card_number,
            );
            push(&mut out, k("phone"), "field.phone", K::Phone, phone);
            push(
                &mut out,
                k("document_number"),
                "field.document_number",
                K::DocumentNumber,
                document_number,
            );
        }
        Applicant::Enterprise {
            company_name,
            uscc,
            legal_representative_name,
            legal_representative_id_number,
            authorised_person_name,
            authorised_person_id_number,
            account_number,
            bank_name,
        } => {
            push(
                &mut out,
                k("company_name"),
                "field.company_name",
                K::Name,
                &Some(company_name.clone()),
            );
            push(&mut out, k("uscc"), "field.uscc", K::IdNumber, uscc);
            push(
                &mut out,
                k("legal_representative_name"),
                "field.legal_representative_name",
                K::Name,
                legal_representative_name,
            );
            push(
                &mut out,
                k("legal_representative_id_number"),
                "field.legal_representative_id_number",
                K::IdNumber,
                legal_representative_id_number,
            );
            push(
                &mut out,
                k("authorised_person_name"),
                "field.authorised_person_name",
                K::Name,
                authorised_person_name,
            );
            push(
                &mut out,
                k("authorised_person_id_number"),
                "field.authorised_person_id_number",
                K::IdNumber,
                authorised_person_id_number,
            );
            push(&mut out, k("account_number"), "field.account_number", K::Card, account_number);
            push(&mut out, k("bank_name"), "field.bank_name", K::Plain, bank_name);
        }
    }
    out
}

fn number_kind(doc: DocumentKind) -> MaskKind {
    match doc {
        DocumentKind::IdCardFront | DocumentKind::IdCardBack | DocumentKind::BusinessLicence => {
            MaskKind::IdNumber
        }
        DocumentKind::BankCard => MaskKind::Card,
        _ => MaskKind::DocumentNumber,
    }
}

fn document_fields(index: usize, doc: &Document) -> Vec<Field> {
    use MaskKind as K;
    let mut out = Vec::new();
    let f = &doc.fields;
    let k = |name: &str| format!("doc.{index}.{name}");
    push(&mut out, k("name"), "field.name", K::Name, &f.name);
    push(&mut out, k("number"), "field.number", number_kind(doc.kind), &f.number);
    let expires = f.expires_on.map(|d| d.to_string());
    push(&mut out, k("expires_on"), "field.expires_on", K::Plain, &expires);
    if let Some(lines) = &f.mrz {
        for (i, line) in lines.iter().enumerate() {
            push(&mut out, k(&format!("mrz.{i}")), "field.mrz", K::Mrz, &Some(line.clone()));
        }
    }
    push(
        &mut out,
        k("legal_representative"),
        "field.legal_representative_name",
        K::Name,
        &f.legal_representative,
    );
    push(
        &mut out,
        k("authorised_person"),
        "field.authorised_person_name",
        K::Name,
        &f.authorised_person,
    );
    out
}

fn view(field: &Field) -> FieldView {
    let masked = mask(&field.value, field.kind);
    FieldView {
        key: field.key.clone(),
        label: field.label.to_owned(),
        revealable: masked != field.value,
        masked,
    }
}

/// Check parameters that carry personal data, with how to mask them. Everything else a check
/// reports (lengths, codes of rules, authority names, scores, source names) is not personal.
fn param_mask(name: &str) -> Option<fn(&str) -> String> {
    match name {
        "birth_date" => {
            Some(|v| v.chars().map(|c| if c.is_ascii_digit() { '*' } else { c }).collect())
        }
        "sex" => Some(|_| "*".to_owned()),
        "region" | "province" => Some(|v| keep_ends(v, 2, 0)),
        "surname" | "given_names" => Some(|v| mask(v, MaskKind::Name)),
        _ => None,
    }
}

fn model_lang(lang: Lang) -> checks::Lang {
    match lang {
        Lang::En => checks::Lang::En,
        Lang::ZhCn => checks::Lang::Zh,
    }
}

fn severity(result: &CheckResult) -> CheckSeverity {
    match result.status {
        CheckStatus::Fail => CheckSeverity::Fail,
        CheckStatus::Pass if result.key == checks::keys::EXPIRY_SOON => CheckSeverity::Warn,
        CheckStatus::Pass => CheckSeverity::Pass,
        CheckStatus::NotApplicable => CheckSeverity::NotApplicable,
    }
}

/// The checks of a case in display order (failures, warnings, passes, not applicable), so
/// that `check.<index>` keys mean the same in the view and in `reveal`.
fn ordered_checks(case: &Case) -> Vec<CheckResult> {
    let mut results = checks::run_checks(case, &CheckPolicy::default());
    results.sort_by_key(|r| match severity(r) {
        CheckSeverity::Fail => 0,
        CheckSeverity::Warn => 1,
        CheckSeverity::Pass => 2,
        CheckSeverity::NotApplicable => 3,
    });
    results
}

fn check_view(index: usize, result: &CheckResult, lang: Lang) -> CheckView {
    let mut masked = result.clone();
    let mut hid = false;
    for (name, value) in masked.params.iter_mut() {
        if let Some(f) = param_mask(name) {
            let m = f(value);
            hid |= m != *value;
            *value = m;
        }
    }
    CheckView {
        check: result.check.code().to_owned(),
        key: result.key.to_owned(),
        severity: severity(result),
        explanation: masked.explain(model_lang(lang)),
        reveal_key: hid.then(|| format!("check.{index}")),
    }
}

fn kind_code(kind: kyc_model::CaseKind) -> CaseKindCode {
    use kyc_model::CaseKind as K;
    match kind {
        K::IndividualIdCard => CaseKindCode::IndividualIdCard,
        K::IndividualBankCard => CaseKindCode::IndividualBankCard,
        K::IndividualOtherDocument => CaseKindCode::IndividualOtherDocument,
        K::EnterpriseCertificate => CaseKindCode::EnterpriseCertificate,
        K::EnterpriseAccount => CaseKindCode::EnterpriseAccount,
    }
}

/// The IPC code of a case kind.
pub fn case_kind_code(kind: kyc_model::CaseKind) -> CaseKindCode {
    kind_code(kind)
}

/// The snake_case code of a serde enum value (document kinds, subjects, priorities).
pub(crate) fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// What the vault holds for a media object, to describe it in the view.
pub struct StoredMedia {
    /// The MIME type of the variant to show.
    pub content_type: String,
    /// The variants present.
    pub variants: Vec<String>,
}

/// Builds the masked case view. `media` describes each media object as stored.
pub fn case_view(
    case: &Case,
    state: QueueState,
    lease_expires_at: i64,
    lang: Lang,
    watermark: String,
    media: impl Fn(&kyc_model::MediaId) -> Option<StoredMedia>,
) -> CaseView {
    let documents = case
        .documents
        .iter()
        .enumerate()
        .map(|(i, doc)| DocumentView {
            index: i as u32,
            kind: code_of(&doc.kind),
            subject: code_of(&doc.subject),
            fields: document_fields(i, doc).iter().map(view).collect(),
            media: doc
                .media
                .iter()
                .filter_map(|id| {
                    let stored = media(id)?;
                    let role = match doc.kind {
                        DocumentKind::FaceVideo => MediaRole::Video,
                        DocumentKind::FacePhoto => MediaRole::Face,
                        _ => MediaRole::Image,
                    };
                    Some(MediaView {
                        media_id: id.to_string(),
                        content_type: stored.content_type,
                        variants: stored.variants,
                        role,
                    })
                })
                .collect(),
        })
        .collect();
    let checks =
        ordered_checks(case).iter().enumerate().map(|(i, r)| check_view(i, r, lang)).collect();
    let mut resubmittable: Vec<String> = case.documents.iter().map(|d| code_of(&d.kind)).collect();
    resubmittable.dedup();
    CaseView {
        case_id: case.id.to_string(),
        kind: kind_code(case.kind),
        priority: code_of(&case.priority),
        state,
        lease_expires_at,
        fields: applicant_fields(&case.applicant).iter().map(view).collect(),
        documents,
        checks,
        consent_given: case.consent.as_ref().is_some_and(|c| c.permits_approval()),
        resubmittable,
        decision: None,
        watermark,
    }
}

/// The full value behind a reveal key (`applicant.<field>`, `doc.<i>.<field>`,
/// `check.<i>`), or `None` for a key the case does not have.
pub fn reveal_value(case: &Case, key: &str, lang: Lang) -> Option<String> {
    if let Some(index) = key.strip_prefix("check.") {
        let index: usize = index.parse().ok()?;
        return ordered_checks(case).get(index).map(|r| r.explain(model_lang(lang)));
    }
    let mut fields = applicant_fields(&case.applicant);
    for (i, doc) in case.documents.iter().enumerate() {
        fields.extend(document_fields(i, doc));
    }
    fields.into_iter().find(|f| f.key == key).map(|f| f.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_match_the_issue_examples() {
        assert_eq!(mask("张三", MaskKind::Name), "张*");
        assert_eq!(mask("欧阳娜娜", MaskKind::Name), "欧***");
        assert_eq!(mask("ZHANG SAN", MaskKind::Name), "Z**** ***");
        assert_eq!(mask("11010519491231002X", MaskKind::IdNumber), "1101**********002X");
        assert_eq!(mask("13812345678", MaskKind::Phone), "138****5678");
        assert_eq!(mask("6222 0212 3456 7890 123", MaskKind::Card), "6222***********0123");
        assert_eq!(mask("E12345678", MaskKind::DocumentNumber), "E1*****78");
        assert_eq!(mask("P<CHNZHANG<<SAN<<<", MaskKind::Mrz), "*<********<<***<<<");
        // Too short to keep both ends: only the first character shows.
        assert_eq!(mask("1234", MaskKind::Phone), "1***");
    }

    #[test]
    fn masked_values_never_contain_the_hidden_middle() {
        for (value, kind) in [
            ("11010519491231002X", MaskKind::IdNumber),
            ("13812345678", MaskKind::Phone),
            ("6222021234567890123", MaskKind::Card),
        ] {
            let m = mask(value, kind);
            assert_eq!(m.chars().count(), value.chars().count());
            assert!(!m.contains(&value[4..value.len() - 4]), "{kind:?}");
        }
    }
}
