//! Supervisor mode in the real app: a reviewer's decisions (pushed through the hub's API) are
//! listed and filtered, a case's trail opened from the keyboard (J / K, Enter), one decision agreed with, one overturned back
//! to the queue, and the audit chain checked twice — the second check against the head the
//! first one remembered. Screenshots in both languages; nothing of a case is left on disk.

use anyhow::{Result, ensure};
use kyc_e2e::privacy::assert_clean;
use kyc_e2e::{App, Hub, Seed, submit_login};
use serde_json::json;

const ROW: &str = "[data-testid=decision-row]";
/// The WebDriver key code of Enter.
const ENTER: &str = "\u{E007}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_filters_opens_judges_and_verifies_the_chain() -> Result<()> {
    let hub = Hub::start(&Seed { cases: 6, rng_seed: 77, without_consent: vec![0, 1] }).await?;
    let decided = hub.decide_as("reviewer1", 4).await?;
    ensure!(decided.len() == 4, "the reviewer decided four cases");
    let app = App::start().await?;
    let result = supervise(&app, &hub).await;
    if result.is_err() {
        let _ = app.screenshot("supervisor-failure").await;
    }
    app.stop().await?;
    result
}

async fn rows(app: &App) -> Result<usize> {
    Ok(app.find_all(ROW).await?.len())
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

async fn supervise(app: &App, hub: &Hub) -> Result<()> {
    submit_login(app, hub, "supervisor").await?;
    app.find("[data-testid=supervisor-desk]").await?;
    app.until(
        "four decisions listed",
        &format!("return document.querySelectorAll('{ROW}').length === 4"),
        vec![],
    )
    .await?;

    // The hub filters: the cases without consent were rejected.
    choose(app, "[data-testid=filter-outcome]", "reject").await?;
    app.until(
        "two rejections",
        &format!("return document.querySelectorAll('{ROW}').length === 2"),
        vec![],
    )
    .await?;
    choose(app, "[data-testid=filter-outcome]", "").await?;
    app.until(
        "all four again",
        &format!("return document.querySelectorAll('{ROW}').length === 4"),
        vec![],
    )
    .await?;
    ensure!(rows(app).await? == 4);

    // J moves the highlight, Enter opens the case's trail (the reviewer's decision, recorded).
    app.js("document.querySelector('[data-testid=decisions-table]').focus()", vec![]).await?;
    app.keys("j").await?;
    app.until(
        "the second row highlighted",
        &format!(
            "return document.querySelectorAll('{ROW}')[1].getAttribute('aria-selected') === 'true'"
        ),
        vec![],
    )
    .await?;
    app.keys("k").await?;
    app.keys(ENTER).await?;
    app.find("[data-testid=audited-case]").await?;
    app.find("[data-testid=audit-trail] li[data-what=decision_recorded]").await?;
    app.screenshot("supervisor-case-en").await?;

    // Agree with the first decision.
    app.click("[data-testid=verdict-agree]").await?;
    app.until(
        "the agreed verdict in the table",
        &format!("return document.querySelector('{ROW}:nth-child(1) [data-testid=row-verdict]').textContent.includes('Agreed')"),
        vec![],
    )
    .await?;

    // Overturn the second: a note is required, then the case goes back to the queue.
    app.js("document.querySelector('[data-testid=decisions-table]').focus()", vec![]).await?;
    app.keys("j").await?;
    app.keys(ENTER).await?;
    app.until(
        "the second case open",
        "const c = document.querySelector('[data-testid=audited-case]'); \
         const r = document.querySelectorAll(arguments[0])[1]; \
         return c && r && c.dataset.case === r.dataset.case",
        vec![json!(ROW)],
    )
    .await?;
    app.click("[data-testid=verdict-overturn]").await?;
    let send_disabled = app
        .js("return document.querySelector('[data-testid=overturn-send]').disabled", vec![])
        .await?;
    ensure!(send_disabled == json!(true), "no overturn without a note");
    app.fill("[data-testid=overturn-note]", "the portrait matches the document").await?;
    app.click("[data-testid=overturn-send]").await?;
    app.until(
        "the requeue notice",
        "const t = document.querySelector('[data-testid=sup-toast]'); return t && t.textContent.includes('queue')",
        vec![],
    )
    .await?;
    // The requeued case is the reviewers' again and its pane closes; clicking on before the
    // layout settles could land where the button was (a failed CI run).
    app.gone("[data-testid=audited-case]").await?;

    // The audit chain, twice: the second check extends the head the first remembered.
    app.click("[data-testid=verify-audit]").await?;
    app.until(
        "a first, intact check",
        "const r = document.querySelector('[data-testid=audit-result]'); \
         return r && r.dataset.intact === 'true' && r.dataset.against === 'none'",
        vec![],
    )
    .await?;
    app.click("[data-testid=verify-audit]").await?;
    app.until(
        "the second check extends the first",
        "const r = document.querySelector('[data-testid=audit-result]'); \
         return r && r.dataset.intact === 'true' && r.dataset.against === 'extends'",
        vec![],
    )
    .await?;
    app.screenshot("supervisor-en").await?;
    app.click("#lang-zh-CN").await?;
    app.until("the Chinese table", "return document.body.textContent.includes('审计链')", vec![])
        .await?;
    app.screenshot("supervisor-zh").await?;
    app.click("#lang-en").await?;

    // The hub recorded exactly those verdicts.
    let decisions = hub.decisions().await?;
    let verdicts: Vec<_> =
        decisions.iter().filter_map(|d| d.verdict.as_ref()).map(|v| v.verdict.code()).collect();
    ensure!(
        verdicts.len() == 2 && verdicts.contains(&"agree") && verdicts.contains(&"overturn"),
        "{verdicts:?}"
    );

    // Supervisor mode keeps nothing of a case on this machine.
    assert_clean("supervisor session", app.home(), &hub.markers())?;
    Ok(())
}
