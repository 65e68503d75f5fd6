//! A supervisor's look at a decided case through `Desk`, against a real hub: the evidence is
//! downloaded and rendered into memory only and served through the media answer (unknown →
//! 404, `no-store`), released when the pane closes and when the desk locks; a reveal is
//! recorded on the hub at once with its reason, which supervisors see in the trail; the
//! statistics come from the hub and their CSV export holds figures only.

use std::sync::Arc;

use kyc_app::ErrorCode;
use kyc_app::ipc::{DecisionInput, OutcomeCode, StatsRange};
use kyc_model::Applicant;
use kyc_scan::Marker;

use crate::support::*;

const SUPERVISOR: &str = "supervisor";

fn markers() -> Vec<Marker> {
    synth()
        .iter()
        .flat_map(|c| c.markers())
        .map(|(label, value)| Marker::bytes(label, value))
        .collect()
}

fn applicant_name(case: &kyc_model::Case) -> String {
    match &case.applicant {
        Applicant::Individual { name, .. } => name.clone(),
        Applicant::Enterprise { company_name, .. } => company_name.clone(),
    }
}

fn day(offset_days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(offset_days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_the_evidence_in_memory_reveals_on_the_record_and_exports_figures() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(3).map(|s| s.case.clone()).collect();
    let mut hub = Hub::start(&cases, synth).await;

    // A reviewer decides all three, one with a note.
    let reviewer_dir = tempfile::tempdir().unwrap();
    let reviewer = desk(reviewer_dir.path());
    reviewer.sign_in(login(&hub, REVIEWER)).await.unwrap();
    reviewer.pull(3, Arc::new(|_| {})).await.unwrap();
    for item in reviewer.queue().await.unwrap() {
        let view = reviewer.open_case(&item.case_id).await.unwrap();
        let input = if view.consent_given {
            DecisionInput {
                case_id: item.case_id.clone(),
                outcome: OutcomeCode::Approve,
                reasons: vec![],
                documents: vec![],
                note: Some("checked the portrait twice".into()),
                applicant_text: None,
            }
        } else {
            DecisionInput {
                case_id: item.case_id.clone(),
                outcome: OutcomeCode::Reject,
                reasons: vec!["R01".into()],
                documents: vec![],
                note: Some("checked the portrait twice".into()),
                applicant_text: None,
            }
        };
        reviewer.decide(input).await.unwrap();
    }
    eventually(20, "three decisions pushed", || hub.decisions().len() == 3).await;

    let supervisor_dir = tempfile::tempdir().unwrap();
    let supervisor = desk(supervisor_dir.path());
    supervisor.sign_in(login(&hub, SUPERVISOR)).await.unwrap();
    let me = supervisor.state().session.unwrap().user_id;

    // The case with the most media (a face video among them when there is one).
    let case = cases.iter().max_by_key(|c| c.media_ids().count()).unwrap();
    // The case alone (its trail, for the table) holds no evidence; asked for, it does.
    let plain = supervisor.supervisor_case(case.id.as_str()).await.unwrap();
    assert!(plain.evidence.is_none() && !supervisor.holds_evidence(case.id.as_str()));
    let opened = supervisor.supervisor_open_evidence(case.id.as_str()).await.unwrap();
    assert!(supervisor.holds_evidence(case.id.as_str()));
    let evidence = opened.evidence.as_ref().expect("the payload is there");
    assert_eq!(evidence.watermark, me, "the live watermark names the supervisor");
    let name = applicant_name(case);
    let shown = serde_json::to_string(evidence).unwrap();
    assert!(!shown.contains(&name), "the view is masked as a reviewer's");
    assert!(!evidence.checks.is_empty(), "the checks are explained");
    assert_eq!(
        opened.notes.iter().filter_map(|n| n.note.as_deref()).collect::<Vec<_>>(),
        ["checked the portrait twice"],
        "the reviewer's note is shown with the evidence"
    );

    // Every medium of the view is served from memory, as the vault's answers are.
    let media: Vec<_> = evidence.documents.iter().flat_map(|d| d.media.clone()).collect();
    assert_eq!(media.len(), case.media_ids().count(), "every medium arrived");
    for m in &media {
        for variant in &m.variants {
            let answer = supervisor.media(format!("/{}/{variant}", m.media_id), None).await;
            assert_eq!(answer.status, 200, "{variant}");
            assert_eq!(answer.header("Cache-Control"), Some("no-store"));
            assert!(!answer.body.is_empty());
            if m.content_type == "image/jpeg" {
                assert_eq!(answer.header("Content-Type"), Some("image/jpeg"));
                assert_eq!(&answer.body[..2], &[0xff, 0xd8]);
            }
        }
        if m.variants.contains(&"original".to_owned()) {
            let part = supervisor
                .media(format!("/{}/original", m.media_id), Some("bytes=0-99".into()))
                .await;
            assert_eq!((part.status, part.body.len()), (206, 100), "video seeks");
        }
    }
    for bad in ["/m-unknown/display", "/../vault/display", "/", ""] {
        assert_eq!(supervisor.media(bad.into(), None).await.status, 404, "{bad}");
    }
    let first = &media[0];
    let first_path = format!("/{}/{}", first.media_id, first.variants[0]);

    // After a language change the view is rebuilt from memory, explained in that language.
    supervisor.set_language(kyc_app::ipc::Lang::ZhCn).await.unwrap();
    let zh = supervisor.supervisor_evidence(case.id.as_str()).unwrap();
    assert_eq!(zh.documents, evidence.documents);
    assert_ne!(zh.checks, evidence.checks, "the explanations follow the language");
    supervisor.set_language(kyc_app::ipc::Lang::En).await.unwrap();

    // A reveal: one value, recorded on the hub at once with its reason.
    let reason = "compare the name with the ID card";
    let key = evidence.fields[0].key.clone();
    let value = supervisor.reveal(case.id.as_str(), &key, reason).await.unwrap();
    assert_eq!(value, name);
    assert!(
        hub.audit_kinds(case.id.as_str()).iter().any(|k| k.contains("field_revealed")),
        "the hub recorded the reveal before the value was shown"
    );
    let trail = supervisor.supervisor_trail(case.id.as_str()).unwrap();
    let line = trail.iter().rfind(|l| l.event.as_deref() == Some("field_revealed")).unwrap();
    assert_eq!(
        (line.field.as_deref(), line.reason.as_deref(), line.actor.as_deref()),
        (Some(key.as_str()), Some(reason), Some(me.as_str()))
    );
    assert_eq!(
        supervisor.reveal(case.id.as_str(), "applicant.nothing", reason).await.unwrap_err().code,
        ErrorCode::NotFound
    );

    // Without the hub a reveal is refused: it could not be on the record.
    hub.stop().await;
    let offline = supervisor.reveal(case.id.as_str(), &key, reason).await.unwrap_err();
    assert_eq!(offline.code, ErrorCode::Offline);
    hub.start_again().await;

    // Closing the pane lets go of everything.
    supervisor.supervisor_close_case(case.id.as_str());
    assert!(!supervisor.holds_evidence(case.id.as_str()));
    assert_eq!(
        supervisor.supervisor_evidence(case.id.as_str()).unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(supervisor.media(first_path.clone(), None).await.status, 404);

    // Opened again, the hub's trail names the reveal and its reason (the sealed text is the
    // supervisors' to read); a lock lets go of the evidence too.
    let again = supervisor.supervisor_open_evidence(case.id.as_str()).await.unwrap();
    let line = again.audit.iter().find(|l| l.event.as_deref() == Some("field_revealed")).unwrap();
    assert_eq!((line.field.as_deref(), line.reason.as_deref()), (Some(key.as_str()), Some(reason)));
    assert_eq!(supervisor.media(first_path.clone(), None).await.status, 200);
    // Opening another case replaces the held one.
    let other = cases.iter().find(|c| c.id != case.id).unwrap();
    supervisor.supervisor_case(other.id.as_str()).await.unwrap();
    assert!(!supervisor.holds_evidence(case.id.as_str()));
    assert_eq!(supervisor.media(first_path.clone(), None).await.status, 404);
    supervisor.lock().await.unwrap();
    assert!(!supervisor.holds_evidence(other.id.as_str()));
    supervisor.unlock(kyc_app::Secret::new(hub.password(SUPERVISOR))).await.unwrap();

    // The statistics: the reviewer's three decisions, per day and in total.
    let range = StatsRange { from: day(-6), to: day(0) };
    let stats = supervisor.supervisor_stats(range.clone()).await.unwrap();
    assert_eq!(stats.total.decisions, 3);
    assert_eq!(stats.reviewers.len(), 1);
    assert_eq!(stats.total.per_day.iter().map(|d| d.decisions).sum::<u32>(), 3);
    assert_eq!(stats.total.approved + stats.total.rejected, 3, "the outcome mix adds up");
    assert!(stats.total.median_handling_secs.is_some());
    let backwards = StatsRange { from: day(0), to: day(-1) };
    assert_eq!(supervisor.supervisor_stats(backwards).await.unwrap_err().code, ErrorCode::Invalid);

    // The CSV: figures only, under a name without personal data.
    let exports = tempfile::tempdir().unwrap();
    let export = supervisor.export_stats_csv(range, exports.path().to_owned()).await.unwrap();
    let path = std::path::Path::new(&export.path);
    assert_eq!(path.parent(), Some(exports.path()));
    let file_name = path.file_name().unwrap().to_str().unwrap();
    assert!(file_name.starts_with("kyc-stats-") && file_name.ends_with(".csv"), "{file_name}");
    let csv = std::fs::read_to_string(path).unwrap();
    assert!(csv.starts_with("reviewer,day,metric,value"));
    assert!(export.rows > 0);
    for c in &cases {
        assert!(!csv.contains(c.id.as_str()), "no case ids in the figures");
    }
    assert!(kyc_scan::scan_bytes(csv.as_bytes(), &markers()).is_empty(), "no case content");

    // Nothing of the cases reached the supervisor's data directory.
    supervisor.sign_out(None).await.unwrap();
    let report = kyc_scan::scan_dir(supervisor_dir.path(), &markers()).unwrap();
    assert!(report.is_clean(), "{report}");
}
