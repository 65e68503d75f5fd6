//! The supervisor's queues in the real app. Reviewers' decisions reach the hub under a policy
//! where rejections wait for four-eyes, an overturn records the supervisor's corrected outcome,
//! and new cases get a blind double review; one reviewer escalates a case and the two reviewers
//! disagree on a double review. The supervisor filters the table by reviewer, confirms a
//! four-eyes case, overturns an approval with a correction, decides the escalation, resolves
//! the disagreement, draws a QA sample and sees its progress move, and copies the audit head.
//! Screenshots of each in both languages; nothing of a case is left on disk.

use anyhow::{Result, ensure};
use kyc_e2e::privacy::assert_clean;
use kyc_e2e::{App, Hub, Seed, submit_login};
use kyc_model::{CaseKind, Outcome, ReasonCode};
use kyc_proto::supervisor::DecisionSource;
use kyc_proto::{FourEyesRule, OutcomeCode, OverturnAction, OverturnRule};
use serde_json::json;

const ROW: &str = "[data-testid=decision-row]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_works_the_queues_corrects_and_samples() -> Result<()> {
    let mut hub = Hub::start(&Seed { cases: 6, rng_seed: 91, without_consent: vec![1, 4] }).await?;
    hub.set_policy(|p| {
        p.four_eyes_rules =
            vec![FourEyesRule { kind: None, outcome: OutcomeCode::Reject, reasons: vec![] }];
        p.overturn_actions = CaseKind::ALL
            .into_iter()
            .map(|kind| OverturnRule { kind, action: OverturnAction::Correct })
            .collect();
        p.double_review_percent = 100;
    })
    .await?;
    // Reviewer 1 escalates its first case and decides two more; reviewer 2 decides three.
    let reject = || Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] };
    let by_consent = |leased: &kyc_proto::LeasedCase| {
        if leased.case.consent.is_some() { Outcome::Approve } else { reject() }
    };
    let first = hub
        .decide_with("reviewer1", 3, |i, c| if i == 0 { Outcome::Escalate } else { by_consent(c) })
        .await?;
    let second = hub.decide_with("reviewer2", 3, |_, c| by_consent(c)).await?;
    ensure!(first.len() == 3 && second.len() == 3, "six ordinary cases decided");
    // A new case, marked for double review: the two reviewers disagree.
    let double = hub.add_cases(1, 92)?;
    let slot1 = hub.decide_with("reviewer1", 1, |_, _| reject()).await?;
    let slot2 = hub
        .decide_with("reviewer2", 1, |_, c| Outcome::RequestResubmission {
            documents: vec![c.case.documents[0].kind],
            reasons: vec![ReasonCode::DocumentIllegible],
        })
        .await?;
    ensure!(slot1 == double && slot2 == double, "each reviewer took one slot: {slot1:?} {slot2:?}");

    let app = App::start().await?;
    let result = supervise(&app, &hub).await;
    if result.is_err() {
        let _ = app.screenshot("supervisor-queues-failure").await;
    }
    app.stop().await?;
    result
}

/// Sets a `<select>` as a person picking an option does (Svelte listens to `change`).
async fn choose(app: &App, css: &str, value: &str) -> Result<()> {
    app.js(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![css.into(), value.into()],
    )
    .await?;
    Ok(())
}

/// Waits for the toast to say `text`, then dismisses it.
async fn toast(app: &App, what: &str, text: &str) -> Result<()> {
    app.until(
        what,
        "const t = document.querySelector('[data-testid=sup-toast]'); \
         return t && t.textContent.includes(arguments[0])",
        vec![json!(text)],
    )
    .await?;
    app.click("[data-testid=sup-toast] button").await?;
    Ok(())
}

/// Takes the screenshot in English, then in Chinese (waiting for `zh`), and back.
async fn both_languages(app: &App, name: &str, zh: &str) -> Result<()> {
    app.screenshot(&format!("{name}-en")).await?;
    app.click("#lang-zh-CN").await?;
    app.until(
        "the Chinese screen",
        "return document.body.textContent.includes(arguments[0])",
        vec![json!(zh)],
    )
    .await?;
    app.screenshot(&format!("{name}-zh")).await?;
    app.click("#lang-en").await?;
    app.until(
        "the English screen",
        "return document.body.textContent.includes('Decisions')",
        vec![],
    )
    .await?;
    Ok(())
}

/// Picks an outcome in the supervisor's outcome editor and, for a rejection, a reason.
async fn pick_reject(app: &App) -> Result<()> {
    app.click("[data-testid=sup-outcome-reject]").await?;
    app.click("[data-testid=sup-reason][data-code=R01]").await?;
    Ok(())
}

/// How many members of the open sample have a verdict, as the page shows it.
async fn sample_judged(app: &App) -> Result<f64> {
    let v = app
        .js(
            "return Number(document.querySelector('[data-testid=sample-detail]').dataset.judged)",
            vec![],
        )
        .await?;
    Ok(v.as_f64().unwrap_or(-1.0))
}

async fn supervise(app: &App, hub: &Hub) -> Result<()> {
    submit_login(app, hub, "supervisor").await?;
    app.find("[data-testid=supervisor-desk]").await?;
    app.until(
        "the decisions listed",
        &format!("return document.querySelectorAll('{ROW}').length >= 6"),
        vec![],
    )
    .await?;

    // Filter by reviewer: reviewer 2's three decisions only (and the slot of the dispute).
    let reviewer2 = hub.user_id("reviewer2")?;
    choose(app, "[data-testid=filter-reviewer]", &reviewer2).await?;
    app.until(
        "only reviewer 2's rows",
        &format!(
            "const rows = [...document.querySelectorAll('{ROW}')]; \
             return rows.length >= 3 && rows.every(r => r.dataset.reviewer === arguments[0])"
        ),
        vec![json!(reviewer2)],
    )
    .await?;
    choose(app, "[data-testid=filter-reviewer]", "").await?;

    // Four-eyes: the waiting rejections come first; confirm one.
    app.click("[data-testid=filter-waiting]").await?;
    app.until(
        "the waiting rejections",
        &format!(
            "const rows = [...document.querySelectorAll('{ROW}')]; \
             return rows.length > 0 && rows.every(r => r.dataset.outcome === 'reject')"
        ),
        vec![],
    )
    .await?;
    let waiting = app.find_all(ROW).await?.len();
    app.js("document.querySelector('[data-testid=decisions-table]').focus()", vec![]).await?;
    app.keys("\u{E007}").await?;
    app.find("[data-testid=audited-case]").await?;
    app.until(
        "the four-eyes confirmation offered",
        "const b = document.querySelector('[data-testid=verdict-agree]'); \
         return b && b.textContent.includes('Confirm')",
        vec![],
    )
    .await?;
    app.click("[data-testid=verdict-agree]").await?;
    toast(app, "the confirmation", "agreed").await?;
    app.until(
        "one fewer waiting",
        &format!("return document.querySelectorAll('{ROW}').length === arguments[0]"),
        vec![json!(waiting - 1)],
    )
    .await?;
    app.click("[data-testid=filter-waiting]").await?;

    // Overturn an approval: this kind's policy wants the corrected outcome.
    choose(app, "[data-testid=filter-outcome]", "approve").await?;
    app.until(
        "approvals only",
        &format!(
            "const rows = [...document.querySelectorAll('{ROW}')]; \
             return rows.length > 0 && rows.every(r => r.dataset.outcome === 'approve')"
        ),
        vec![],
    )
    .await?;
    app.js("document.querySelector('[data-testid=decisions-table]').focus()", vec![]).await?;
    app.keys("\u{E007}").await?;
    app.click("[data-testid=verdict-overturn]").await?;
    app.find("[data-testid=overturn-correct]").await?;
    pick_reject(app).await?;
    app.fill("[data-testid=overturn-note]", "the portrait does not match the document").await?;
    both_languages(app, "sup-overturn", "更正").await?;
    app.click("[data-testid=overturn-send]").await?;
    toast(app, "the correction", "corrected outcome stands").await?;
    app.find("[data-testid=superseded]").await?;
    app.find("[data-testid=supersedes]").await?;
    choose(app, "[data-testid=filter-outcome]", "").await?;

    // The escalation: open it, decide it once; the queue empties.
    app.click("[data-testid=tab-escalations]").await?;
    app.find("[data-testid=escalation-row]").await?;
    ensure!(app.find_all("[data-testid=escalation-row]").await?.len() == 1);
    app.click("[data-testid=escalation-open]").await?;
    app.find("[data-testid=escalation-form]").await?;
    pick_reject(app).await?;
    both_languages(app, "sup-escalations", "上报").await?;
    app.click("[data-testid=escalation-send]").await?;
    toast(app, "the escalation decided", "escalated case is closed").await?;
    app.find("[data-testid=no-escalations]").await?;

    // The dispute: both decisions side by side; resolved once.
    app.click("[data-testid=tab-disputes]").await?;
    app.find("[data-testid=dispute-row]").await?;
    app.click("[data-testid=dispute-open]").await?;
    app.until(
        "both slots side by side",
        "const s = [...document.querySelectorAll('[data-testid=dispute-side]')].map(e => e.dataset.outcome); \
         return s.length === 2 && s[0] === 'reject' && s[1] === 'request_resubmission'",
        vec![],
    )
    .await?;
    pick_reject(app).await?;
    both_languages(app, "sup-disputes", "分歧").await?;
    app.click("[data-testid=dispute-send]").await?;
    toast(app, "the dispute resolved", "settles the double review").await?;
    app.find("[data-testid=no-disputes]").await?;

    // A QA sample of the last hour, everything, with a stated seed; a verdict moves it on.
    app.click("[data-testid=tab-samples]").await?;
    app.find("[data-testid=no-samples]").await?;
    app.fill("[data-testid=sample-name]", "QA e2e").await?;
    app.fill("[data-testid=sample-seed]", "e2e-seed").await?;
    app.js(
        "const set = (css, v) => { const e = document.querySelector(css); e.value = v; \
           e.dispatchEvent(new Event('input', { bubbles: true })); }; \
         const p = (n) => String(n).padStart(2, '0'); \
         const local = (d) => `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`; \
         set('[data-testid=sample-from]', local(new Date(Date.now() - 3600e3))); \
         set('[data-testid=sample-to]', local(new Date(Date.now() + 3600e3))); \
         set('[data-testid=sample-percent]', '100');",
        vec![],
    )
    .await?;
    app.click("[data-testid=sample-create]").await?;
    let size = app
        .until(
            "the sample drawn",
            "const d = document.querySelector('[data-testid=sample-detail]'); \
             return d && Number(d.dataset.size)",
            vec![],
        )
        .await?;
    ensure!(size.as_f64() >= Some(8.0), "every reviewer decision of the hour: {size}");
    app.wait_text("[data-testid=sample-seed-shown]", "e2e-seed").await?;
    let ready = app
        .js("return !document.querySelector('[data-testid=sample-create]').disabled", vec![])
        .await?;
    ensure!(ready == json!(true), "another sample can be drawn");
    let before = sample_judged(app).await?;
    ensure!(before >= 2.0, "the confirmation and the overturn count already: {before}");
    // Open a member that has no verdict yet and whose case is decided, and agree with it.
    let member = app
        .js(
            "const m = [...document.querySelectorAll('[data-testid=sample-member][data-verdict=none]')]; \
             return m.length ? m[0].dataset.decision : null",
            vec![],
        )
        .await?;
    let decision = member
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no member left to judge"))?;
    app.click(&format!(
        "[data-testid=sample-member][data-decision='{decision}'] [data-testid=sample-member-open]"
    ))
    .await?;
    app.click(&format!(
        "[data-testid=case-decision][data-decision='{decision}'] [data-testid=verdict-agree]"
    ))
    .await?;
    toast(app, "the sample member judged", "agreed").await?;
    app.until(
        "the sample's progress moved",
        "const d = document.querySelector('[data-testid=sample-detail]'); \
         return d && Number(d.dataset.judged) === arguments[0]",
        vec![json!(before + 1.0)],
    )
    .await?;
    both_languages(app, "sup-samples", "质检抽样").await?;

    // The audit head, remembered after a check, is there to copy and select.
    app.click("[data-testid=verify-audit]").await?;
    app.find("[data-testid=audit-head-text]").await?;
    let head = app.text("[data-testid=audit-head-text]").await?;
    ensure!(
        head.split_once(':')
            .is_some_and(|(seq, hash)| seq.parse::<u64>().is_ok() && hash.len() == 64),
        "{head}"
    );
    app.click("[data-testid=audit-head-copy]").await?;
    app.find("[data-testid=audit-head-copied]").await?;

    // The hub recorded one decision per queue entry, the correction superseding.
    let decisions = hub.decisions().await?;
    let count = |s: DecisionSource| decisions.iter().filter(|d| d.source == s).count();
    ensure!(count(DecisionSource::Escalation) == 1, "one escalation decision");
    ensure!(count(DecisionSource::Dispute) == 1, "one dispute resolution");
    ensure!(count(DecisionSource::Correction) == 1, "one correction");
    let correction = decisions.iter().find(|d| d.source == DecisionSource::Correction).unwrap();
    let original = decisions.iter().find(|d| Some(d.decision_id) == correction.supersedes).unwrap();
    ensure!(original.superseded_by == Some(correction.decision_id));
    ensure!(matches!(correction.decision.outcome, Outcome::Reject { .. }));

    assert_clean("supervisor queues session", app.home(), &hub.markers())?;
    Ok(())
}
