//! Statistics against figures worked out by hand on a fixed data set, and their CSV export.

use kyc_model::{Outcome, ReasonCode};
use kyc_proto::{
    DayCount, DecisionStatus, Figures, FourEyesRule, OutcomeCode, Policy, StatsResponse,
    VerdictKind, VerdictRequest, routes,
};
use reqwest::Method;

use crate::support::*;

/// 2026-01-01T01:00:00Z in milliseconds; the data set's three days follow.
const DAY1: i64 = 1_767_229_200_000;
const DAY: i64 = 86_400_000;

fn days(counts: &[(&str, u64)]) -> Vec<DayCount> {
    counts
        .iter()
        .map(|(day, decisions)| DayCount { day: (*day).into(), decisions: *decisions })
        .collect()
}

#[tokio::test]
async fn statistics_match_hand_computed_figures_and_export_as_csv() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let policy = Policy {
        four_eyes_rules: vec![FourEyesRule {
            kind: None,
            outcome: OutcomeCode::Reject,
            reasons: vec![ReasonCode::AuthorityMismatch],
        }],
        ..kyc_hub::store::default_policy()
    };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    let cases = hub.intake_many(&admin, 6, 601).await;
    let reject = |r| Outcome::Reject { reasons: vec![r] };
    // (reviewer, outcome, handling ms, recorded at)
    let plan = [
        (REVIEWER_A, Outcome::Approve, Some(10_000), DAY1),
        (REVIEWER_A, Outcome::Approve, Some(20_000), DAY1 + 60_000),
        (REVIEWER_A, reject(ReasonCode::FaceMismatch), Some(40_000), DAY1 + DAY),
        (REVIEWER_A, Outcome::Escalate, None, DAY1 + DAY + 60_000),
        (REVIEWER_B, reject(ReasonCode::AuthorityMismatch), Some(30_000), DAY1 + 120_000),
        (REVIEWER_B, Outcome::Approve, Some(60_000), DAY1 + 2 * DAY),
    ];
    let mut ids = Vec::new();
    for who in [REVIEWER_A, REVIEWER_B] {
        let token = hub.login(who).await;
        let mine: Vec<_> = plan.iter().filter(|p| p.0 == who).collect();
        let grant = hub.lease(&token, mine.len() as u32).await;
        let items = grant
            .cases
            .iter()
            .zip(&mine)
            .enumerate()
            .map(|(i, (c, p))| item(&format!("st-{who}-{i}"), &c.case, p.1.clone()))
            .collect();
        for r in hub.decide(&token, items).await.results {
            let DecisionStatus::Accepted { decision_id, .. } = r.status else {
                panic!("{:?}", r.status)
            };
            ids.push(decision_id);
        }
    }
    for (id, (_, _, handling, at)) in ids.iter().zip(&plan) {
        let handling = handling.map_or("NULL".to_owned(), |h: i64| h.to_string());
        hub.sql(&format!(
            "UPDATE decisions SET handling_ms = {handling}, recorded_at = {at} WHERE id = {id}"
        ));
    }
    let s = hub.login(SUPERVISOR).await;
    let verdict = |decision_id, verdict| {
        let note = (verdict == VerdictKind::Overturn).then(|| "wrong".to_owned());
        VerdictRequest { decision_id, verdict, note, corrected: None }
    };
    for (id, kind) in [
        (ids[0], VerdictKind::Agree),
        (ids[1], VerdictKind::Overturn),
        (ids[5], VerdictKind::Agree),
    ] {
        let a = hub
            .call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&s), Some(&verdict(id, kind)))
            .await;
        assert_eq!(a.status.as_u16(), 200, "{}", String::from_utf8_lossy(&a.body));
    }

    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    let stats: StatsResponse =
        hub.call(Method::GET, routes::SUPERVISOR_STATS, Some(&s), None::<&()>).await.json();
    // Handling times 10, 20, 30, 40, 60 s: median 30, p90 by nearest rank the 5th, 60.
    let total = Figures {
        decisions: 6,
        approved: 3,
        rejected: 2,
        resubmission_requested: 0,
        escalated: 1,
        median_handling_secs: Some(30.0),
        p90_handling_secs: Some(60.0),
        verdicts: 3,
        overturned: 1,
        overturn_rate: Some(1.0 / 3.0),
        awaiting_confirmation: 1,
        per_day: days(&[("2026-01-01", 3), ("2026-01-02", 2), ("2026-01-03", 1)]),
    };
    assert_eq!(stats.total, total);
    let a = hub.login(REVIEWER_A).await;
    let me = |token: &str| {
        let (hub, token) = (&hub, token.to_owned());
        async move {
            hub.call(Method::GET, routes::ME, Some(&token), None::<&()>)
                .await
                .json::<kyc_proto::Me>()
                .user
        }
    };
    let (a_id, b_id) = (me(&a).await, me(&hub.login(REVIEWER_B).await).await);
    let of = |id: &kyc_model::UserId| {
        stats.reviewers.iter().find(|r| &r.reviewer == id).unwrap().figures.clone()
    };
    // A: 10, 20, 40 s → median 20, p90 the 3rd of 3, 40; the escalation has no active time.
    assert_eq!(
        of(&a_id),
        Figures {
            decisions: 4,
            approved: 2,
            rejected: 1,
            resubmission_requested: 0,
            escalated: 1,
            median_handling_secs: Some(20.0),
            p90_handling_secs: Some(40.0),
            verdicts: 2,
            overturned: 1,
            overturn_rate: Some(0.5),
            awaiting_confirmation: 0,
            per_day: days(&[("2026-01-01", 2), ("2026-01-02", 2)]),
        }
    );
    // B: 30, 60 s → median 45, p90 the 2nd of 2, 60; the authority rejection waits.
    assert_eq!(
        of(&b_id),
        Figures {
            decisions: 2,
            approved: 1,
            rejected: 1,
            resubmission_requested: 0,
            escalated: 0,
            median_handling_secs: Some(45.0),
            p90_handling_secs: Some(60.0),
            verdicts: 1,
            overturned: 0,
            overturn_rate: Some(0.0),
            awaiting_confirmation: 1,
            per_day: days(&[("2026-01-01", 1), ("2026-01-03", 1)]),
        }
    );
    assert_eq!(stats.four_eyes_backlog, 1);
    assert!(stats.oldest_wait_secs.unwrap() >= before - (DAY1 + 120_000) / 1000);

    // A range: from the second day on.
    let path = format!("{}?from=2026-01-02T00:00:00Z", routes::SUPERVISOR_STATS);
    let later: StatsResponse = hub.call(Method::GET, &path, Some(&s), None::<&()>).await.json();
    assert_eq!((later.total.decisions, later.total.escalated, later.reviewers.len()), (3, 1, 2));
    assert_eq!(later.four_eyes_backlog, 1, "the backlog is now's, whatever the range");

    // The CSV holds the same figures, and nothing of the cases.
    let csv = hub.call(Method::GET, routes::SUPERVISOR_STATS_CSV, Some(&s), None::<&()>).await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let text = String::from_utf8(csv.body).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "reviewer,day,metric,value");
    for line in [
        "total,,decisions,6".to_owned(),
        "total,2026-01-01,decisions,3".to_owned(),
        "total,,overturn_rate,0.3333333333333333".to_owned(),
        "total,,four_eyes_backlog,1".to_owned(),
        format!("{a_id},,median_handling_secs,20"),
        format!("{b_id},2026-01-03,decisions,1"),
        format!("{a_id},,escalated,1"),
    ] {
        assert!(lines.contains(&line.as_str()), "{line} missing from\n{text}");
    }
    for c in &cases {
        assert!(!text.contains(c.case.id.as_str()));
    }
    hub.call(Method::GET, routes::SUPERVISOR_STATS_CSV, Some(&a), None::<&()>)
        .await
        .expect_error(403, "forbidden");
}
