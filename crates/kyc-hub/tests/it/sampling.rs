//! QA sampling: a named review list drawn reproducibly (same seed and decisions, same list;
//! another seed, another list), stratified by reviewer and case kind, with its progress.

use std::collections::BTreeMap;

use kyc_model::{Outcome, ReasonCode};
use kyc_proto::{
    DecisionPage, DecisionStatus, SampleIndex, SampleList, SampleRequest, VerdictKind,
    VerdictRequest, routes,
};
use reqwest::Method;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::support::*;

async fn draw(hub: &TestHub, token: &str, request: &SampleRequest) -> SampleList {
    let a = hub.call(Method::POST, routes::SUPERVISOR_SAMPLES, Some(token), Some(request)).await;
    assert_eq!(a.status.as_u16(), 201, "{}", String::from_utf8_lossy(&a.body));
    a.json()
}

fn ids(list: &SampleList) -> Vec<i64> {
    list.members.iter().map(|m| m.decision_id).collect()
}

#[tokio::test]
async fn a_sample_is_a_pure_function_of_window_seed_and_decisions_stratified_by_reviewer_and_kind()
{
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 24, 501).await;
    let reject = || Outcome::Reject { reasons: vec![ReasonCode::DocumentIllegible] };
    for (who, n) in [(REVIEWER_A, 14), (REVIEWER_B, 10)] {
        let token = hub.login(who).await;
        let grant = hub.lease(&token, n).await;
        let items = grant
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| item(&format!("qa-{who}-{i}"), &c.case, reject()))
            .collect();
        let result = hub.decide(&token, items).await;
        assert!(result.results.iter().all(|r| matches!(r.status, DecisionStatus::Accepted { .. })));
    }
    let s = hub.login(SUPERVISOR).await;
    let all: DecisionPage = hub
        .call(
            Method::GET,
            &format!("{}?limit=200", routes::SUPERVISOR_DECISIONS),
            Some(&s),
            None::<&()>,
        )
        .await
        .json();
    assert_eq!(all.total, 24);
    // Four decisions recorded a day earlier fall outside the window.
    let early: Vec<i64> = all.items.iter().map(|d| d.decision_id).take(4).collect();
    for id in &early {
        hub.sql(&format!(
            "UPDATE decisions SET recorded_at = recorded_at - 86400000 WHERE id = {id}"
        ));
    }
    let now = OffsetDateTime::now_utc();
    let request = SampleRequest {
        name: "weekly QA".into(),
        percent: 30,
        from: now - time::Duration::hours(12),
        to: now + time::Duration::hours(1),
        seed: Some("qa-seed-1".into()),
    };
    let first = draw(&hub, &s, &request).await;
    let again = draw(&hub, &s, &request).await;
    assert_ne!(first.summary.sample_id, again.summary.sample_id);
    assert_eq!(ids(&first), ids(&again), "same seed and inputs, same list");
    assert_eq!(first.strata, again.strata);
    let other =
        draw(&hub, &s, &SampleRequest { seed: Some("qa-seed-2".into()), ..request.clone() }).await;
    assert_ne!(ids(&first), ids(&other), "another seed, another list");
    assert_eq!(first.summary.size, other.summary.size, "the same share of each stratum");

    // Redone by hand from the documented rule: strata by (reviewer, kind), keys
    // SHA-256(seed ":" id), the ceil(30 % of n) smallest keys.
    let mut strata: BTreeMap<(String, &str), Vec<i64>> = BTreeMap::new();
    for d in all.items.iter().filter(|d| !early.contains(&d.decision_id)) {
        strata
            .entry((d.reviewer.as_str().to_owned(), d.kind.code()))
            .or_default()
            .push(d.decision_id);
    }
    let mut expected = Vec::new();
    let mut expected_strata = Vec::new();
    for ((reviewer, kind), members) in &strata {
        let mut keyed: Vec<(Vec<u8>, i64)> = members
            .iter()
            .map(|id| (Sha256::digest(format!("qa-seed-1:{id}").as_bytes()).to_vec(), *id))
            .collect();
        keyed.sort();
        let keep = (members.len() * 30).div_ceil(100);
        expected.extend(keyed.iter().take(keep).map(|(_, id)| *id));
        expected_strata.push((
            reviewer.clone(),
            kind.to_string(),
            members.len() as u64,
            keep as u64,
        ));
    }
    expected.sort();
    assert_eq!(ids(&first), expected);
    let got_strata: Vec<_> = first
        .strata
        .iter()
        .map(|s| (s.reviewer.as_str().to_owned(), s.kind.code().to_owned(), s.eligible, s.drawn))
        .collect();
    assert_eq!(got_strata, expected_strata);
    assert!(first.members.iter().all(|m| !early.contains(&m.decision_id)), "the window holds");
    assert_eq!(first.summary.seed, "qa-seed-1");
    assert_eq!(first.summary.name, "weekly QA");

    // Progress: a verdict on a member counts for every list holding it.
    let judged = first.members[0].decision_id;
    let agree = VerdictRequest {
        decision_id: judged,
        verdict: VerdictKind::Agree,
        note: None,
        corrected: None,
    };
    let v = hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&s), Some(&agree)).await;
    assert_eq!(v.status.as_u16(), 200);
    let reread: SampleList = hub
        .call(
            Method::GET,
            &routes::supervisor_sample(&first.summary.sample_id),
            Some(&s),
            None::<&()>,
        )
        .await
        .json();
    assert_eq!((reread.summary.judged, reread.summary.size), (1, first.summary.size));
    assert_eq!(reread.members[0].verdict, Some(VerdictKind::Agree));
    let index: SampleIndex =
        hub.call(Method::GET, routes::SUPERVISOR_SAMPLES, Some(&s), None::<&()>).await.json();
    assert_eq!(index.samples.len(), 3);
    hub.call(Method::GET, &routes::supervisor_sample("s_nothing"), Some(&s), None::<&()>)
        .await
        .expect_error(404, "not_found");

    // A random seed is drawn and kept when none is given; the window must be a window.
    let random = draw(&hub, &s, &SampleRequest { seed: None, ..request.clone() }).await;
    assert_eq!(random.summary.seed.len(), 32);
    let backwards = SampleRequest { from: request.to, to: request.from, ..request.clone() };
    let e = hub
        .call(Method::POST, routes::SUPERVISOR_SAMPLES, Some(&s), Some(&backwards))
        .await
        .error();
    assert_eq!(e.rule.as_deref(), Some("out_of_range"));
    let r = hub.login(REVIEWER_A).await;
    hub.call(Method::POST, routes::SUPERVISOR_SAMPLES, Some(&r), Some(&request))
        .await
        .expect_error(403, "forbidden");

    // Each draw is in the chain; the name (free text) is not in the database in clear.
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let drawn: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit WHERE kind LIKE '%sample_created%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(drawn, 4);
    drop(conn);
    let markers = vec![kyc_scan::Marker::text("sample name", "weekly QA")];
    let report = kyc_scan::scan_dir(hub.dir.path(), &markers).unwrap();
    assert!(report.is_clean(), "{report}");
}
