//! Generated values pass or fail `kyc_model::checks` exactly as the flaw says.

use std::collections::BTreeSet;

use kyc_model::checks::{CheckId, CheckPolicy, CheckStatus, run_checks};
use kyc_synth::generate_payload;

use crate::opts;

#[test]
fn run_checks_fails_exactly_the_checks_the_flaw_breaks() {
    for i in 0..200 {
        let c = generate_payload(i, &opts(200));
        let results = run_checks(&c.case, &CheckPolicy::default());
        let failing: BTreeSet<CheckId> =
            results.iter().filter(|r| r.status == CheckStatus::Fail).map(|r| r.check).collect();
        let expected: BTreeSet<CheckId> = c.expected_failures().into_iter().collect();
        assert_eq!(failing, expected, "case {i} ({:?}, {:?})", c.case.kind, c.flaw);
        assert_eq!(c.flaw.is_some(), !expected.is_empty(), "case {i}");
    }
}

#[test]
fn unflawed_cases_are_checked_not_skipped() {
    // A case without flaw passes because its numbers are valid, not because checks were
    // not applicable: each kind's main number check passes.
    for i in [0, 1, 2, 4, 5, 6, 8] {
        let c = generate_payload(i, &opts(10));
        let results = run_checks(&c.case, &CheckPolicy::default());
        let passed: BTreeSet<CheckId> =
            results.iter().filter(|r| r.status == CheckStatus::Pass).map(|r| r.check).collect();
        let main = match c.case.kind {
            kyc_model::CaseKind::IndividualIdCard => CheckId::IdNumber,
            kyc_model::CaseKind::IndividualBankCard => CheckId::BankCard,
            kyc_model::CaseKind::IndividualOtherDocument => CheckId::NumberConsistency,
            kyc_model::CaseKind::EnterpriseCertificate | kyc_model::CaseKind::EnterpriseAccount => {
                CheckId::Uscc
            }
        };
        assert!(passed.contains(&main), "case {i}: {passed:?}");
        assert!(passed.contains(&CheckId::Consent));
    }
}
