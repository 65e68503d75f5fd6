//! Poison cases: media are validated at intake with the workstation's checks, and a case whose
//! stored media the hub itself finds unusable leaves the queue for an administrator — only
//! when the hub's own check confirms a workstation's report.

use kyc_hub::demo::{demo_jpeg, demo_mp4};
use kyc_hub::ops;
use kyc_model::{CaseId, CaseState, Outcome};
use kyc_proto::{
    AuditRecordKind, ConflictReason, DecisionStatus, ErrorCode, MediaProblemCode,
    MediaProblemOutcome, MediaProblemReport, MediaProblemResponse, NeedsAttentionList, routes,
};
use reqwest::{Method, StatusCode};

use crate::support::*;

/// The index of the first image and the first video among a demo case's media.
pub(crate) fn first_of(case: &kyc_hub::demo::DemoCase, prefix: &str) -> usize {
    case.media.iter().position(|(_, ct, _)| ct.starts_with(prefix)).unwrap()
}

#[tokio::test]
async fn intake_refuses_a_decompression_bomb_and_garbage_media_with_a_rule_code() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let mut jpeg_garbage = demo_jpeg(b"marker");
    jpeg_garbage.truncate(jpeg_garbage.len() / 2);
    let mut mp4_garbage = demo_mp4(b"marker");
    mp4_garbage.truncate(40);
    let table: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        ("bomb", "image/png", kyc_hub::demo::bomb_png(), "media_too_many_pixels"),
        (
            "garbage as jpeg",
            "image/jpeg",
            b"these bytes are no image at all".to_vec(),
            "media_unsupported_format",
        ),
        ("truncated jpeg", "image/jpeg", jpeg_garbage, "media_corrupt"),
        ("png declared jpeg", "image/jpeg", kyc_hub::demo::bomb_png(), "media_type_mismatch"),
        ("jpeg declared video", "video/mp4", demo_jpeg(b"marker"), "media_type_mismatch"),
        ("truncated mp4", "video/mp4", mp4_garbage, "media_corrupt"),
    ];
    // Case kind 0 (ID card) has two images then a face video.
    for (i, (what, content_type, bytes, rule)) in table.into_iter().enumerate() {
        let mut case = make_cases(1, 300 + i as u64).remove(0);
        let at = if content_type.starts_with("video/") {
            first_of(&case, "video/")
        } else {
            first_of(&case, "image/")
        };
        case.media[at].1 = content_type.to_owned();
        case.media[at].2 = zeroize::Zeroizing::new(bytes);
        let media_id = case.media[at].0.clone();
        let answer = hub.intake(&admin, &case).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{what}");
        let err = answer.error();
        assert_eq!(err.code, ErrorCode::Invalid, "{what}");
        assert!(err.message.contains(rule), "{what}: {}", err.message);
        assert!(err.message.contains(media_id.as_str()), "{what}: names the media id");
        assert!(!hub_has_case(&hub, &case.case.id), "{what}: nothing stored");
    }
    let files = std::fs::read_dir(hub.dir.path().join("media")).unwrap().count();
    assert_eq!(files, 0, "refused intakes leave no media files");
    // Real media pass the same checks.
    let good = make_cases(1, 399).remove(0);
    assert_eq!(hub.intake(&admin, &good).await.status, StatusCode::CREATED);
}

fn hub_has_case(hub: &TestHub, id: &CaseId) -> bool {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    conn.query_row("SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)", [id.as_str()], |r| r.get(0))
        .unwrap()
}

/// Stores a case with the given image bytes straight through the store, past intake's checks
/// (as media stored before intake validated them, or damaged on disk, would be).
pub(crate) fn plant_past_intake(
    hub: &TestHub,
    seed: u64,
    bytes: Vec<u8>,
) -> kyc_hub::demo::DemoCase {
    let mut case = make_cases(1, seed).remove(0);
    let at = first_of(&case, "image/");
    case.media[at].2 = zeroize::Zeroizing::new(bytes);
    let (store, files) = ops::open_data_dir(hub.dir.path()).unwrap();
    let admin = store.user_by_name(ADMIN).unwrap().unwrap();
    ops::store_case(
        store.as_ref(),
        &files,
        &case.case,
        case.media.clone(),
        &admin.id,
        kyc_hub::time_util::now_ms(),
    )
    .unwrap();
    case
}

async fn report(hub: &TestHub, token: &str, case: &CaseId, body: &MediaProblemReport) -> Answer {
    hub.call(Method::POST, &routes::case_media_problem(case), Some(token), Some(body)).await
}

#[tokio::test]
async fn a_case_whose_stored_media_fail_is_confirmed_once_and_never_leased_again() {
    let hub = TestHub::start().await;
    let planted = plant_past_intake(&hub, 310, b"\xFF\xD8\xFF\xE0 garbage declared jpeg".to_vec());
    let bad_media = planted.media[first_of(&planted, "image/")].0.clone();
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let admin = hub.login(ADMIN).await;

    let grant = hub.lease(&a, 10).await;
    assert_eq!(grant.cases.len(), 1, "leased once");
    let body =
        MediaProblemReport { media_id: bad_media.clone(), reason: MediaProblemCode::Corrupt };
    // Only the lease holder may report.
    report(&hub, &b, &planted.case.id, &body).await.expect_error(403, "forbidden");
    let answer = report(&hub, &a, &planted.case.id, &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let resp: MediaProblemResponse = answer.json();
    assert_eq!(resp.outcome, MediaProblemOutcome::Confirmed);
    assert_eq!(resp.case_state, CaseState::NeedsAttention);
    assert_eq!(resp.rule.as_deref(), Some("media_corrupt"));

    // Out of the queue for everyone, for good.
    assert!(hub.lease(&a, 10).await.cases.is_empty());
    assert!(hub.lease(&b, 10).await.cases.is_empty());
    // The former holder can neither decide nor report again.
    let result = hub.decide(&a, vec![item("poison-1", &planted.case, Outcome::Approve)]).await;
    assert_eq!(
        result.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::NeedsAttention }
    );
    report(&hub, &a, &planted.case.id, &body).await.expect_error(403, "forbidden");

    // The administrator sees it with the hub's finding; no other role does.
    let list: NeedsAttentionList = hub
        .call(Method::GET, routes::ADMIN_NEEDS_ATTENTION, Some(&admin), None::<&()>)
        .await
        .json();
    assert_eq!(list.cases.len(), 1);
    let entry = &list.cases[0];
    assert_eq!(entry.case_id, planted.case.id);
    assert_eq!(entry.media_id, bad_media);
    assert_eq!(entry.reported, MediaProblemCode::Corrupt);
    assert_eq!(entry.rule, "media_corrupt");
    hub.call(Method::GET, routes::ADMIN_NEEDS_ATTENTION, Some(&a), None::<&()>)
        .await
        .expect_error(403, "forbidden");

    // Audited, in the chain, which still verifies.
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM audit WHERE case_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([planted.case.id.as_str()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let confirmed: Vec<AuditRecordKind> = kinds
        .iter()
        .filter_map(|k| serde_json::from_str(k).ok())
        .filter(|k| matches!(k, AuditRecordKind::MediaProblemConfirmed { .. }))
        .collect();
    assert_eq!(
        confirmed,
        [AuditRecordKind::MediaProblemConfirmed {
            media_id: bad_media.clone(),
            reported: MediaProblemCode::Corrupt,
            rule: "media_corrupt".into(),
        }]
    );
    let verify: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&admin), None::<&()>).await.json();
    assert!(verify.intact);
}

#[tokio::test]
async fn a_false_media_problem_report_changes_nothing() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 1, 320).await;
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 1).await;
    let leased = &grant.cases[0];
    let media = leased.media[0].id.clone();
    for reason in [MediaProblemCode::TooManyPixels, MediaProblemCode::DigestMismatch] {
        let body = MediaProblemReport { media_id: media.clone(), reason };
        let resp: MediaProblemResponse = report(&hub, &a, &leased.case.id, &body).await.json();
        assert_eq!(resp.outcome, MediaProblemOutcome::Refuted, "{reason:?}");
        assert_eq!(resp.case_state, CaseState::Leased);
        assert_eq!(resp.rule, None);
    }
    // A media id of another case, and an unknown one, are not found in this case.
    let other = make_cases(1, 321).remove(0);
    let body = MediaProblemReport {
        media_id: other.media[0].0.clone(),
        reason: MediaProblemCode::Corrupt,
    };
    report(&hub, &a, &leased.case.id, &body).await.expect_error(404, "not_found");

    // Still the reviewer's: media download and a decision work as before.
    let download = hub.call(Method::GET, &routes::media(&media), Some(&a), None::<&()>).await;
    assert_eq!(download.status, StatusCode::OK);
    let list: NeedsAttentionList = hub
        .call(Method::GET, routes::ADMIN_NEEDS_ATTENTION, Some(&admin), None::<&()>)
        .await
        .json();
    assert!(list.cases.is_empty());
    let result =
        hub.decide(&a, vec![item("false-report-1", &cases[0].case, Outcome::Approve)]).await;
    assert!(matches!(result.results[0].status, DecisionStatus::Accepted { .. }));
}
