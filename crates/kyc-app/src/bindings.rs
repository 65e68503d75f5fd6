//! The TypeScript declarations of every IPC type, generated from the Rust types with `ts-rs`.
//!
//! The UI imports them from `ui/src/lib/ipc/bindings.ts`. That file is committed so the UI
//! builds without Rust; `cargo xtask bindings` rewrites it, and the test below fails when it
//! is stale.

use ts_rs::{Config, TS};

use crate::error::{AppError, ErrorCode};
use crate::ipc::*;

/// Path of the committed bindings, relative to this crate's directory.
pub const BINDINGS_PATH: &str = "../../ui/src/lib/ipc/bindings.ts";

/// The whole bindings file.
pub fn typescript() -> String {
    // Defaults, not the environment: the file must not depend on who generates it.
    let cfg = Config::new();
    let decls = [
        ErrorCode::decl(&cfg),
        AppError::decl(&cfg),
        Platform::decl(&cfg),
        DemoAccount::decl(&cfg),
        AppInfo::decl(&cfg),
        LoginRequest::decl(&cfg),
        Role::decl(&cfg),
        Session::decl(&cfg),
        Phase::decl(&cfg),
        LockReason::decl(&cfg),
        LockWatch::decl(&cfg),
        SignedOutReason::decl(&cfg),
        PushState::decl(&cfg),
        OfflineWipeNotice::decl(&cfg),
        Lang::decl(&cfg),
        DeskState::decl(&cfg),
        DeskEvent::decl(&cfg),
        PullProgress::decl(&cfg),
        PullFailed::decl(&cfg),
        PullSummary::decl(&cfg),
        QueueState::decl(&cfg),
        CaseKindCode::decl(&cfg),
        QueueItem::decl(&cfg),
        FieldView::decl(&cfg),
        MediaRole::decl(&cfg),
        MediaView::decl(&cfg),
        DocumentView::decl(&cfg),
        CheckSeverity::decl(&cfg),
        CheckView::decl(&cfg),
        DecisionView::decl(&cfg),
        CaseView::decl(&cfg),
        OutcomeCode::decl(&cfg),
        DecisionInput::decl(&cfg),
        ReasonOption::decl(&cfg),
        SignOutReport::decl(&cfg),
        SupportBundleReport::decl(&cfg),
        DecisionFilter::decl(&cfg),
        DecisionRow::decl(&cfg),
        DecisionsPage::decl(&cfg),
        AuditLine::decl(&cfg),
        AuditedCase::decl(&cfg),
        VerdictInput::decl(&cfg),
        VerdictResult::decl(&cfg),
        AuditCheck::decl(&cfg),
        // supervisor queues and QA samples
        CorrectionInput::decl(&cfg),
        EscalationRow::decl(&cfg),
        SlotRow::decl(&cfg),
        DisputeRow::decl(&cfg),
        QueueDecided::decl(&cfg),
        SampleInput::decl(&cfg),
        SampleRow::decl(&cfg),
        SampleStratumRow::decl(&cfg),
        SampleMemberRow::decl(&cfg),
        SampleDetail::decl(&cfg),
        // administrator mode
        AccountRole::decl(&cfg),
        AccountRow::decl(&cfg),
        NewAccount::decl(&cfg),
        OneTimePassword::decl(&cfg),
        FourEyesRuleForm::decl(&cfg),
        OverturnForm::decl(&cfg),
        PolicyForm::decl(&cfg),
        PolicyFieldBounds::decl(&cfg),
        AdminPolicy::decl(&cfg),
        PolicyFieldError::decl(&cfg),
        PolicySave::decl(&cfg),
        AttentionRow::decl(&cfg),
        AttentionChoice::decl(&cfg),
        AttentionDone::decl(&cfg),
        PolicyChangeLine::decl(&cfg),
        AdminEventLine::decl(&cfg),
        // Supervisor mode: evidence notes, statistics.
        DecisionNote::decl(&cfg),
        StatsRange::decl(&cfg),
        DayFigure::decl(&cfg),
        StatsFigures::decl(&cfg),
        ReviewerFigures::decl(&cfg),
        PairFigures::decl(&cfg),
        StatsView::decl(&cfg),
        CsvExport::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust IPC types in crates/kyc-app by `cargo xtask bindings`.\n\
         // Do not edit by hand: a test fails when this file is stale.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn committed_bindings_are_fresh() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(super::BINDINGS_PATH);
        let expected = super::typescript();
        if std::env::var_os("KYC_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is stale: run `cargo xtask bindings` and commit the result",
            path.display()
        );
    }
}
