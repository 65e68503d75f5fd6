//! A supervisor's look at a decided case in the real app: two reviewers decide cases (through
//! the hub's API); the supervisor opens one, every image of its evidence renders (fetched from
//! the hub into memory, served through `media://`), reveals a field with a reason and sees the
//! reason in the case's trail, views the statistics (uPlot charts drawn), exports the CSV of
//! the figures — and the app's home (data, webview cache and storage, logs, the export) holds
//! no personal value. Screenshots `sup-evidence-en/zh`, `sup-stats-en/zh`.

use anyhow::{Context, Result, ensure};
use kyc_e2e::privacy::assert_clean;
use kyc_e2e::{App, Hub, Seed, submit_login};
use serde_json::json;

const ROW: &str = "[data-testid=decision-row]";
/// The WebDriver key code of Enter.
const ENTER: &str = "\u{E007}";
const REASON: &str = "compare the name with the ID card";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_the_evidence_reveals_with_a_reason_and_reads_the_statistics()
-> Result<()> {
    let hub = Hub::start(&Seed { cases: 6, rng_seed: 83, without_consent: vec![1, 4] }).await?;
    let first = hub.decide_as("reviewer1", 3).await?;
    let second = hub.decide_as("reviewer2", 3).await?;
    ensure!(first.len() + second.len() == 6, "the reviewers decided six cases");
    let app = App::start().await?;
    let result = look(&app, &hub).await;
    if result.is_err() {
        let _ = app.screenshot("sup-evidence-failure").await;
    }
    app.stop().await?;
    result
}

async fn look(app: &App, hub: &Hub) -> Result<()> {
    submit_login(app, hub, "supervisor").await?;
    app.find("[data-testid=supervisor-desk]").await?;
    app.until(
        "six decisions listed",
        &format!("return document.querySelectorAll('{ROW}').length === 6"),
        vec![],
    )
    .await?;

    // Enter opens the highlighted case (its trail on the right); its evidence on the left.
    app.js("document.querySelector('[data-testid=decisions-table]').focus()", vec![]).await?;
    app.keys(ENTER).await?;
    app.find("[data-testid=audited-case]").await?;
    app.click("[data-testid=show-evidence]").await?;
    let shown = app
        .until(
            "the evidence pane (or an error)",
            "const t = document.querySelector('[data-testid=sup-toast]'); \
             return document.querySelector('[data-testid=sup-evidence]') ? 'shown' : t ? t.textContent : null",
            vec![],
        )
        .await?;
    ensure!(shown == json!("shown"), "the evidence did not open: {shown}");
    let n = app
        .until(
            "every image of the evidence decoded",
            "const imgs = [...document.querySelectorAll('[data-testid=sup-evidence] img')]; \
             return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0) && imgs.length",
            vec![],
        )
        .await?;
    eprintln!("evidence images rendered: {n}");
    app.find("[data-testid=sup-evidence] [data-testid=live-watermark]").await?;

    // Reveal a field with a reason: the value shows, and the trail names the field and why.
    app.click("[data-testid=sup-evidence] [data-testid=field] [data-testid=reveal-button]").await?;
    app.fill("[data-testid=reveal-reason]", REASON).await?;
    app.click("[data-testid=reveal-submit]").await?;
    app.find("[data-testid=revealed-value]").await?;
    app.until(
        "the reveal's reason in the trail",
        "const r = document.querySelector('[data-testid=trail-reason]'); \
         return r && r.textContent.includes(arguments[0])",
        vec![json!(REASON)],
    )
    .await?;
    app.screenshot("sup-evidence-en").await?;
    app.click("#lang-zh-CN").await?;
    app.until("the Chinese evidence", "return document.body.textContent.includes('证据')", vec![])
        .await?;
    app.screenshot("sup-evidence-zh").await?;
    app.click("#lang-en").await?;

    // The reveal is on the hub's record, with its reason, for supervisors.
    let case_id = app
        .js("return document.querySelector('[data-testid=sup-evidence]').dataset.case", vec![])
        .await?;
    let case_id = case_id.as_str().context("the open case's id")?.to_owned();
    let history = hub.case_history(&case_id).await?;
    let recorded = history.audit.iter().any(|r| {
        matches!(
            &r.kind,
            kyc_proto::AuditRecordKind::Client {
                event: kyc_proto::AuditEventKind::FieldRevealed { reason, .. }, ..
            } if reason == REASON
        )
    });
    ensure!(recorded, "the hub recorded the reveal with its reason");

    // Closing the pane releases the evidence: its media are no longer served.
    let src = app
        .js("return document.querySelector('[data-testid=sup-evidence] img').src", vec![])
        .await?;
    app.click("[data-testid=sup-evidence-close]").await?;
    app.gone("[data-testid=sup-evidence]").await?;
    let status = app
        .js_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0], { cache: 'no-store' }).then(r => done(r.status), () => done(-1));",
            vec![src],
        )
        .await?;
    ensure!(status != json!(200), "a closed case's media are gone (got {status})");

    // The statistics: charts drawn by uPlot with the numbers beside them.
    app.js(
        "window.__errs = []; addEventListener('error', e => __errs.push(String(e.message))); \
            addEventListener('unhandledrejection', e => __errs.push(String(e.reason)));",
        vec![],
    )
    .await?;
    app.click("[data-testid=tab-stats]").await?;
    app.until(
        "the figures of six decisions",
        "const t = document.querySelector('[data-testid=stats-tiles]'); return t && t.dataset.decisions === '6'",
        vec![],
    )
    .await?;
    for chart in ["chart-per-day", "chart-handling", "chart-overturn"] {
        let drawn = app
            .until(
                &format!("{chart} drawn"),
                "const c = document.querySelector(`[data-testid=${arguments[0]}] canvas`); \
                 return c && c.width > 0 && c.height > 0 && c.getBoundingClientRect().width > 0",
                vec![json!(chart)],
            )
            .await;
        if let Err(e) = drawn {
            let why = app
                .js("const c = document.querySelector(`[data-testid=${arguments[0]}]`); \
                     return JSON.stringify({ error: c?.dataset.error ?? null, html: c?.outerHTML.slice(0, 300) ?? null, \
                     w: c?.clientWidth, errs: window.__errs, res: performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('uPlot')) })", vec![json!(chart)])
                .await?;
            anyhow::bail!("{e} (chart error: {why})");
        }
    }
    app.find("[data-testid=outcome-mix] rect").await?;
    app.click("[data-testid=stats-last-7]").await?;
    app.until(
        "the last seven days",
        "const t = document.querySelector('[data-testid=stats-tiles]'); return t && t.dataset.decisions === '6'",
        vec![],
    )
    .await?;
    app.screenshot("sup-stats-en").await?;
    app.click("#lang-zh-CN").await?;
    app.until(
        "the Chinese statistics",
        "return document.body.textContent.includes('每日决定数')",
        vec![],
    )
    .await?;
    app.screenshot("sup-stats-zh").await?;
    app.click("#lang-en").await?;

    // Export CSV: figures only, in the download directory, under a name without personal data.
    app.click("[data-testid=stats-export]").await?;
    let path = app
        .until(
            "the export's path",
            "const e = document.querySelector('[data-testid=stats-exported]'); return e && e.dataset.path",
            vec![],
        )
        .await?;
    let path = std::path::PathBuf::from(path.as_str().context("a path")?);
    ensure!(path.starts_with(app.home()), "the export is in the app's home: {}", path.display());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    ensure!(name.starts_with("kyc-stats-") && name.ends_with(".csv"), "{name}");
    let csv = std::fs::read_to_string(&path)?;
    ensure!(csv.starts_with("reviewer,day,metric,value"), "the hub's CSV");
    ensure!(!csv.contains(&case_id), "no case id in the figures");

    // Nothing of any case is left on disk: data, webview cache and storage, logs, the export.
    assert_clean("supervisor evidence and statistics", app.home(), &hub.markers())?;
    Ok(())
}
