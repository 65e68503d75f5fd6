//! Determinism and coverage.

use std::collections::{BTreeSet, HashMap};

use kyc_model::{CaseKind, DocumentKind, Subject};
use kyc_synth::{Flaw, SynthOptions, generate, generate_one, generate_payload};

use crate::{opts, sample};

#[test]
fn same_seed_same_cases_and_case_i_does_not_depend_on_n_cases() {
    let all = sample();
    for i in [0u64, 2, 8] {
        let again = generate_one(i, &opts(1));
        assert_eq!(again.case, all[i as usize].case);
        assert_eq!(again.media, all[i as usize].media, "media bytes of case {i}");
        assert_eq!(again.markers(), all[i as usize].markers());
    }
    let short = generate(&opts(2));
    assert_eq!(short[1].case, all[1].case);
    for i in 0..10u64 {
        let payload = generate_payload(i, &opts(1));
        assert_eq!(payload.case, all[i as usize].case, "payload-only generation changes nothing");
        assert!(payload.media.iter().all(|m| m.bytes.is_empty()));
    }
}

#[test]
fn another_seed_gives_other_values() {
    let a = generate_payload(0, &opts(1));
    let b = generate_payload(0, &SynthOptions { rng_seed: 43, ..opts(1) });
    assert_ne!(a.case.applicant, b.case.applicant);
    assert_ne!(a.case.id, b.case.id);
}

#[test]
fn kinds_round_robin_with_the_documents_each_kind_needs() {
    use DocumentKind as K;
    let cases: Vec<_> = (0..60).map(|i| generate_payload(i, &opts(60))).collect();
    let mut doc_kinds = BTreeSet::new();
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(c.case.kind, CaseKind::ALL[i % 5]);
        let has = |k: K, s: Subject| c.case.documents.iter().any(|d| d.kind == k && d.subject == s);
        match c.case.kind {
            CaseKind::IndividualIdCard => {
                assert!(
                    has(K::IdCardFront, Subject::Applicant)
                        && has(K::IdCardBack, Subject::Applicant)
                );
                assert!(has(K::FaceVideo, Subject::Applicant));
            }
            CaseKind::IndividualBankCard => {
                assert!(
                    has(K::BankCard, Subject::Applicant) && has(K::FacePhoto, Subject::Applicant)
                );
            }
            CaseKind::IndividualOtherDocument => {
                let n = [K::Passport, K::HomeVisitPermit, K::ForeignDrivingLicence]
                    .iter()
                    .filter(|k| has(**k, Subject::Applicant))
                    .count();
                assert_eq!(n, 1);
            }
            CaseKind::EnterpriseCertificate => {
                assert!(has(K::BusinessLicence, Subject::Applicant));
                let by_letter = has(K::AuthorisationLetter, Subject::Applicant);
                if by_letter {
                    assert!(has(K::IdCardFront, Subject::AuthorisedPerson));
                } else {
                    assert!(has(K::IdCardFront, Subject::LegalRepresentative));
                }
            }
            CaseKind::EnterpriseAccount => assert!(!c.case.verifications.is_empty()),
        }
        for d in &c.case.documents {
            doc_kinds.insert(d.kind);
            assert_eq!(d.media.len(), 1);
        }
        // Every document's media is in the case's media list, in document order.
        let ids: Vec<_> = c.case.media_ids().cloned().collect();
        let media_ids: Vec<_> = c.media.iter().map(|m| m.id.clone()).collect();
        assert_eq!(ids, media_ids);
    }
    assert_eq!(doc_kinds.len(), 10, "every document kind appears: {doc_kinds:?}");
}

#[test]
fn about_a_quarter_is_flawed_and_every_flaw_occurs() {
    let n = 200;
    let mut counts: HashMap<Option<Flaw>, usize> = HashMap::new();
    for i in 0..n {
        let c = generate_payload(i, &opts(n as usize));
        *counts.entry(c.flaw).or_default() += 1;
        assert_eq!(c.case.consent.is_none(), c.flaw == Some(Flaw::MissingConsent));
    }
    assert_eq!(counts[&None], 150);
    for f in [
        Flaw::BadCheckDigit,
        Flaw::ExpiredDocument,
        Flaw::NameMismatch,
        Flaw::Minor,
        Flaw::BadMrz,
        Flaw::MissingConsent,
    ] {
        assert!(counts.get(&Some(f)).copied().unwrap_or(0) >= 2, "{f:?} occurs");
    }
}
