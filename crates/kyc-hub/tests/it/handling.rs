//! Handling time has one definition: the workstation's active time, clamped by the hub to the
//! interval between its lease grant and its receipt of the decision. A client clock skewed by
//! hours changes nothing.

use kyc_model::Outcome;
use kyc_proto::{DecisionPage, DecisionStatus, StatsResponse, routes};
use reqwest::Method;
use time::{Duration, OffsetDateTime};

use crate::support::*;

/// An inclusive range of whole seconds.
type Seconds = (i64, i64);

#[tokio::test]
async fn handling_time_is_active_time_clamped_by_the_hubs_clock_whatever_the_client_clock() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 5, 330).await;
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 5).await;
    assert_eq!(grant.cases.len(), 5);
    // The leases were granted ten minutes ago, by the hub's clock.
    let ten_minutes_ago = OffsetDateTime::now_utc().unix_timestamp() * 1000 - 600_000;
    hub.sql(&format!("UPDATE cases SET lease_granted_at = {ten_minutes_ago}"));

    let now = OffsetDateTime::now_utc();
    // (client clock offset, active time sent, range of handling seconds the hub records)
    let table: [(Duration, Option<u64>, Option<Seconds>); 5] = [
        (Duration::hours(-6), Some(90_000), Some((90, 90))),
        (Duration::hours(6), Some(90_000), Some((90, 90))),
        (Duration::hours(30), Some(5 * 3_600_000), Some((600, 601))),
        (Duration::ZERO, None, None),
        (Duration::hours(-30), Some(30_000), Some((30, 30))),
    ];
    let items = grant
        .cases
        .iter()
        .zip(&table)
        .enumerate()
        .map(|(i, (leased, (skew, active, _)))| {
            let mut it = item(&format!("handling-{i}"), &leased.case, Outcome::Approve);
            it.decision.decided_at = now + *skew;
            it.decision.active_ms = *active;
            it
        })
        .collect();
    let result = hub.decide(&a, items).await;
    for r in &result.results {
        assert!(matches!(r.status, DecisionStatus::Accepted { .. }), "{:?}", r.status);
    }

    let s = hub.login(SUPERVISOR).await;
    let page: DecisionPage =
        hub.call(Method::GET, routes::SUPERVISOR_DECISIONS, Some(&s), None::<&()>).await.json();
    for (leased, (_, _, expected)) in grant.cases.iter().zip(&table) {
        let record = page.items.iter().find(|d| d.case_id == leased.case.id).unwrap();
        match expected {
            None => assert_eq!(record.handling_secs, None),
            Some((lo, hi)) => {
                let got = record.handling_secs.unwrap();
                assert!((*lo..=*hi).contains(&got), "{got} not in {lo}..={hi}");
            }
        }
    }
    let stats: StatsResponse =
        hub.call(Method::GET, routes::SUPERVISOR_STATS, Some(&s), None::<&()>).await.json();
    let reviewer = &stats.reviewers[0];
    // Over 30, 90, 90 and about 600 seconds; the decision without active time is not counted.
    assert_eq!(reviewer.figures.median_handling_secs, Some(90.0));
    let p90 = reviewer.figures.p90_handling_secs.unwrap();
    assert!((600.0..602.0).contains(&p90), "{p90}");
}
