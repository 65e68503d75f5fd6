//! The whole reviewer path in the real app, against a real seeded hub: sign in, pull every
//! kind of case, view every image and the face video, zoom and rotate, reveal a field, decide
//! by keyboard with every outcome, lock and unlock, work offline and push exactly once, sign
//! out and find the case data gone. One hub and one app session serve every stage (the order
//! matters: later stages work on what earlier ones left), and the privacy scan runs over the
//! app's whole home after each stage.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::key::Key;
use kyc_e2e::privacy::{assert_clean, files_under};
use kyc_e2e::{App, Hub, Seed};
use kyc_proto::audit::{AuditEventKind, AuditRecordKind};
use kyc_scan::Marker;
use serde_json::json;

const USER: &str = "reviewer1";
/// Cases pulled: kinds rotate, so eight cover all five.
const CASES: usize = 8;
/// The case stored without a consent record (never approvable).
const NO_CONSENT: usize = 1;
const KINDS: [&str; 5] = [
    "individual_id_card",
    "individual_bank_card",
    "individual_other_document",
    "enterprise_certificate",
    "enterprise_account",
];

/// What the scenario did, for the assertions against the hub.
#[derive(Default)]
struct Done {
    /// Case id → the outcome code decided in the app.
    decided: BTreeMap<String, &'static str>,
    /// The case whose field was revealed.
    revealed: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reviewer_path_end_to_end() -> Result<()> {
    let mut hub =
        Hub::start(&Seed { cases: CASES, rng_seed: 7, without_consent: vec![NO_CONSENT] }).await?;
    let markers = hub.markers();
    let url = hub.url();
    let app = App::start_with_env(&[("KYC_DESK_HUB_URL", url.as_str())]).await?;
    let result = reviewer_path(&app, &mut hub, &markers).await;
    if result.is_err() {
        let _ = app.screenshot("reviewer-failure").await;
    }
    app.stop().await?;
    result
}

async fn reviewer_path(app: &App, hub: &mut Hub, markers: &[Marker]) -> Result<()> {
    let mut done = Done::default();
    sign_in(app, hub).await?;
    assert_clean("signed in", app.home(), markers)?;

    let ids = pull(app).await?;
    assert_clean("pulled", app.home(), markers)?;

    for id in &ids {
        every_medium_renders(app, id, markers).await?;
    }
    viewer_zoom_and_rotate(app, &ids).await?;
    media_scheme_refuses_unknown_and_path_like_ids(app).await?;
    assert_clean("viewed every case, video played", app.home(), markers)?;

    reveal_a_field(app, hub, &ids, &mut done).await?;
    approve_without_consent_is_refused(app, hub).await?;
    decide_by_keyboard(app, hub, &ids, &mut done).await?;
    undo_gives_the_case_back(app, &ids, &done).await?;
    screens_in_both_languages(app).await?;
    wait_pushed(app, Duration::from_secs(60)).await?;
    hub_has_exactly(hub, &done).await?;
    reveal_is_on_the_hub(hub, &done).await?;
    assert_clean("decided and pushed", app.home(), markers)?;

    lock_and_unlock(app, hub, markers).await?;
    offline_decision_pushed_once(app, hub, &ids, &mut done).await?;
    assert_clean("offline and back", app.home(), markers)?;

    sign_out_wipes(app, markers).await?;
    Ok(())
}

async fn sign_in(app: &App, hub: &Hub) -> Result<()> {
    app.wait_text("h1", "Sign in").await?;
    kyc_e2e::sign_in(app, hub, USER).await?;
    app.wait_text("[data-testid=session-user]", "reviewer1 · Reviewer").await?;
    app.screenshot("queue-empty-en").await?;
    // One directory per account, named by a hash: never the user name in a path.
    let accounts = app.data_dir().join("accounts");
    let dirs: Vec<_> = std::fs::read_dir(&accounts)
        .with_context(|| format!("{} after sign-in", accounts.display()))?
        .collect::<Result<_, _>>()?;
    ensure!(dirs.len() == 1, "one account directory, found {}", dirs.len());
    let name = dirs[0].file_name().to_string_lossy().into_owned();
    ensure!(name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()), "hashed dir name");
    for path in files_under(app.home())? {
        ensure!(!path.to_string_lossy().contains(USER), "user name in a path: {}", path.display());
    }
    Ok(())
}

/// Pulls every case; returns their ids in queue order.
async fn pull(app: &App) -> Result<Vec<String>> {
    app.fill("[data-testid=pull-count]", &CASES.to_string()).await?;
    app.click("[data-testid=pull-button]").await?;
    let n = app
        .until(
            "every case pulled",
            "const n = document.querySelectorAll('[data-testid=queue-item]').length; \
             return n >= arguments[0] && !document.querySelector('[data-testid=pull-progress]') \
               ? n : 0",
            vec![json!(CASES)],
        )
        .await?;
    ensure!(n == json!(CASES), "queue holds {n} cases, expected {CASES}");
    let items = app
        .js(
            "return [...document.querySelectorAll('[data-testid=queue-item]')].map(e => \
             ({id: e.dataset.caseId, kind: e.dataset.kind, state: e.dataset.state}))",
            vec![],
        )
        .await?;
    let items = items.as_array().context("queue items")?;
    let kinds: BTreeSet<&str> = items.iter().filter_map(|i| i["kind"].as_str()).collect();
    ensure!(kinds == KINDS.into_iter().collect(), "every kind pulled, found {kinds:?}");
    ensure!(items.iter().all(|i| i["state"] == "ready"), "all ready: {items:?}");
    app.screenshot("queue-en").await?;
    Ok(items.iter().map(|i| i["id"].as_str().unwrap_or_default().to_owned()).collect())
}

async fn open_case(app: &App, id: &str) -> Result<()> {
    app.click(&format!("[data-testid=queue-item][data-case-id='{id}']")).await?;
    app.find(&format!("[data-testid=case-view][data-case-id='{id}']")).await?;
    Ok(())
}

/// Opens the case and shows each of its media in turn: every image must have decoded
/// (`naturalWidth > 0`), and the face video must play (`readyState ≥ 2`, time advancing).
async fn every_medium_renders(app: &App, id: &str, markers: &[Marker]) -> Result<()> {
    open_case(app, id).await?;
    let thumbs = app.find_all("[data-testid=case-view] [data-testid=viewer-thumb]").await?;
    ensure!(!thumbs.is_empty(), "case {id} shows no documents");
    app.until(
        &format!("thumbnails of {id} decoded"),
        "const imgs = [...document.querySelectorAll('[data-testid=case-view] [data-testid=viewer-thumb-image]')]; \
         return imgs.every(i => i.complete && i.naturalWidth > 0)",
        vec![],
    )
    .await?;
    for (i, thumb) in thumbs.iter().enumerate() {
        thumb.click().await?;
        let is_video = app
            .until(
                "the stage to show the medium",
                "if (document.querySelector('[data-testid=face-video]')) return 'video'; \
                 const img = document.querySelector('[data-testid=viewer-image]'); \
                 return img && img.complete && img.naturalWidth > 0 ? 'image' : null",
                vec![],
            )
            .await?
            == "video";
        if is_video {
            face_video_plays(app, id).await?;
            static SHOT: std::sync::Once = std::sync::Once::new();
            let mut first = false;
            SHOT.call_once(|| first = true);
            if first {
                app.screenshot("face-video-en").await?;
            }
            // The decrypted video is in the page's memory as a Blob: none of it on disk.
            assert_clean(&format!("video of {id} loaded and played"), app.home(), markers)?;
        }
        let broken = app
            .js(
                "return [...document.querySelectorAll('[data-testid=case-view] img')] \
                 .filter(i => !(i.complete && i.naturalWidth > 0)).length",
                vec![],
            )
            .await?;
        ensure!(broken == json!(0), "case {id}, medium {i}: {broken} images did not render");
    }
    Ok(())
}

async fn face_video_plays(app: &App, id: &str) -> Result<()> {
    app.until(
        &format!("face video of {id} ready"),
        "const v = document.querySelector('[data-testid=face-video]'); \
         return v && v.readyState >= 2 && v.currentSrc.startsWith('blob:')",
        vec![],
    )
    .await?;
    app.click("[data-testid=video-play]").await?;
    let first = app
        .until(
            "the video's time to advance",
            "const v = document.querySelector('[data-testid=face-video]'); \
             return v.currentTime > 0.05 ? v.currentTime : 0",
            vec![],
        )
        .await?;
    // Still advancing (a stalled decoder can report one jump and stop). The synthetic video
    // is short, so it may end: then it played to its end, which is advancing too.
    let later = app
        .until(
            "the video's time to keep advancing",
            "const v = document.querySelector('[data-testid=face-video]'); \
             return v.ended || v.currentTime > arguments[0] ? v.currentTime : 0",
            vec![first.clone()],
        )
        .await?;
    ensure!(later.as_f64() > first.as_f64(), "video time {first} then {later}");
    Ok(())
}

/// Zoom and rotation are separate transforms (rotation on a wrapper) and both change.
async fn viewer_zoom_and_rotate(app: &App, ids: &[String]) -> Result<()> {
    open_case(app, &ids[0]).await?;
    app.find("[data-testid=viewer-thumb]").await?.click().await?;
    app.find("[data-testid=viewer-image]").await?;
    let transforms = "return ['zoom', 'rotor'].map(t => \
        getComputedStyle(document.querySelector(`[data-testid=viewer-${t}]`)).transform)";
    let before = app.js(transforms, vec![]).await?;
    app.keys("++]").await?;
    let after = app
        .until(
            "zoom and rotation to apply",
            &format!(
                "const t = (() => {{ {transforms} }})(); \
                 return t[0] !== arguments[0][0] && t[1] !== arguments[0][1] ? t : null"
            ),
            vec![before.clone()],
        )
        .await?;
    let rotor = after[1].as_str().unwrap_or_default();
    // A quarter turn: matrix(0, 1, -1, 0, …) up to rounding.
    let m: Vec<f64> = rotor
        .trim_start_matches("matrix(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    ensure!(
        m.len() == 6 && m[0].abs() < 1e-6 && (m[1] - 1.0).abs() < 1e-6,
        "rotor is not a quarter turn: {rotor}"
    );
    let scale = app.text("[data-testid=viewer-scale]").await?;
    app.screenshot("viewer-zoomed-rotated-en").await?;
    app.keys("[0").await?;
    ensure!(!scale.is_empty(), "zoom percentage shown");
    Ok(())
}

/// `media://` answers 404 for anything that is not exactly a known id and variant.
async fn media_scheme_refuses_unknown_and_path_like_ids(app: &App) -> Result<()> {
    let statuses = app
        .js_async(
            "const done = arguments[arguments.length - 1]; \
             const urls = ['media://localhost/m_unknown000000000000/display', \
               'media://localhost/..%2F..%2F..%2Fetc%2Fpasswd/display', \
               'media://localhost/%2e%2e/%2e%2e/etc/passwd', \
               'media://localhost/kyc-sync-state.json', \
               'media://localhost/'];\
             Promise.all(urls.map(u => fetch(u).then(r => r.status, e => 'error: ' + e))) \
               .then(done);",
            vec![],
        )
        .await?;
    ensure!(statuses == json!([404, 404, 404, 404, 404]), "media:// answered {statuses}");
    Ok(())
}

async fn reveal_a_field(app: &App, hub: &Hub, ids: &[String], done: &mut Done) -> Result<()> {
    // A case with consent: it is approved later, so the supervisor can read its audit.
    let id = ids.iter().find(|id| hub.case(id).case.consent.is_some()).context("a case")?;
    open_case(app, id).await?;
    let masked = app.text("[data-testid=field] [data-testid=masked-value]").await?;
    app.click("[data-testid=field] [data-testid=reveal-button]").await?;
    app.fill("[data-testid=reveal-reason]", "checking the name against the ID card").await?;
    app.click("[data-testid=reveal-submit]").await?;
    let value = app.text("[data-testid=revealed-value]").await?;
    ensure!(value != masked, "the revealed value differs from the masked one");
    let planted: Vec<Vec<u8>> = hub.case(id).markers().into_iter().map(|(_, v)| v).collect();
    ensure!(planted.contains(&value.as_bytes().to_vec()), "the revealed value is the case's own");
    app.screenshot("field-revealed-en").await?;
    app.click("[data-testid=mask-button]").await?;
    app.gone("[data-testid=revealed-value]").await?;
    done.revealed = Some(id.clone());
    Ok(())
}

async fn approve_without_consent_is_refused(app: &App, hub: &Hub) -> Result<()> {
    let id = hub.cases[NO_CONSENT].case.id.to_string();
    open_case(app, &id).await?;
    app.find("[data-testid=consent-missing]").await?;
    app.keys("a").await?;
    wait_focus(app, "decision-submit").await?;
    app.keys(&Key::Enter.to_string()).await?;
    app.wait_text(
        "[data-testid=decision-error]",
        "Approval refused: the applicant's consent is missing. Reject, request resubmission or \
         escalate.",
    )
    .await?;
    app.screenshot("approve-refused-en").await?;
    let state = app
        .js(
            "return document.querySelector(`[data-testid=queue-item][data-case-id='${arguments[0]}']`).dataset.state",
            vec![id.as_str().into()],
        )
        .await?;
    ensure!(state == "ready", "the refused case is still ready, found {state}");
    Ok(())
}

async fn wait_focus(app: &App, testid: &str) -> Result<()> {
    app.until(
        &format!("focus on {testid}"),
        "return document.activeElement && document.activeElement.dataset.testid === arguments[0]",
        vec![testid.into()],
    )
    .await
    .map(drop)
}

/// Decides one case by keyboard; returns the outcome code the hub will show.
async fn decide(app: &App, id: &str, outcome: &'static str) -> Result<&'static str> {
    open_case(app, id).await?;
    let enter = Key::Enter.to_string();
    match outcome {
        "approve" => {
            app.keys("a").await?;
            wait_focus(app, "decision-submit").await?;
            app.keys(&enter).await?;
        }
        "reject" => {
            app.keys("r").await?;
            wait_focus(app, "decision-reason").await?;
            app.keys(" ").await?;
            app.keys(&enter).await?;
        }
        "request_resubmission" => {
            app.keys("s").await?;
            wait_focus(app, "decision-document").await?;
            app.keys(" ").await?;
            app.keys(&enter).await?;
        }
        "escalate" => {
            app.keys("e").await?;
            wait_focus(app, "decision-submit").await?;
            app.keys(&enter).await?;
        }
        other => bail!("no keyboard path for {other}"),
    }
    // The next ready case opens at once, and the decided one waits out its undo window.
    app.until(
        &format!("{id} decided and another case opened"),
        "const item = document.querySelector(`[data-testid=queue-item][data-case-id='${arguments[0]}']`); \
         const open = document.querySelector('[data-testid=case-view]'); \
         return item && item.dataset.state !== 'ready' && (!open || open.dataset.caseId !== arguments[0])",
        vec![id.into()],
    )
    .await?;
    app.find("[data-testid=undo-toast]").await?;
    Ok(outcome)
}

async fn decide_by_keyboard(app: &App, hub: &Hub, ids: &[String], done: &mut Done) -> Result<()> {
    let revealed = done.revealed.clone().context("a revealed case")?;
    let no_consent = hub.cases[NO_CONSENT].case.id.to_string();
    let rest: Vec<&String> =
        ids.iter().filter(|id| **id != revealed && **id != no_consent).collect();
    ensure!(rest.len() >= 5, "enough cases for every outcome");
    let plan = [
        (&revealed, "approve"),
        (&no_consent, "reject"),
        (rest[0], "request_resubmission"),
        (rest[1], "escalate"),
        (rest[2], "reject"),
    ];
    for (id, outcome) in plan {
        done.decided.insert(id.clone(), decide(app, id, outcome).await?);
    }
    app.screenshot("decided-undo-en").await?;
    Ok(())
}

/// Undo within the window gives the case back as ready; deciding again is what counts.
async fn undo_gives_the_case_back(app: &App, ids: &[String], done: &Done) -> Result<()> {
    let id = ids.iter().find(|id| !done.decided.contains_key(*id)).context("an undecided case")?;
    decide(app, id, "escalate").await?;
    app.click("[data-testid=undo-button]").await?;
    app.find(&format!("[data-testid=case-view][data-case-id='{id}']")).await?;
    app.until(
        "the undone case ready again",
        "const item = document.querySelector(`[data-testid=queue-item][data-case-id='${arguments[0]}']`); \
         return item && item.dataset.state === 'ready'",
        vec![id.as_str().into()],
    )
    .await?;
    Ok(())
}

/// Every screen of the unlocked desk in English and Chinese.
async fn screens_in_both_languages(app: &App) -> Result<()> {
    // A ready case whose ID portrait can be compared with a face.
    let ready = app
        .js(
            "return [...document.querySelectorAll('[data-testid=queue-item][data-state=ready]')] \
             .map(i => i.dataset.caseId)",
            vec![],
        )
        .await?;
    let mut id = None;
    for candidate in ready.as_array().context("ready cases")? {
        let candidate = candidate.as_str().context("a case id")?;
        open_case(app, candidate).await?;
        app.find("[data-testid=viewer-compare]").await?;
        let can = app
            .js("return !document.querySelector('[data-testid=viewer-compare]').disabled", vec![])
            .await?;
        if can == json!(true) {
            id = Some(candidate.to_owned());
            break;
        }
    }
    let id = id.context("a ready case with a portrait and a face to compare")?;
    for (lang, heading) in [("zh-CN", "审核结论"), ("en", "Decision")] {
        app.click(&format!("#lang-{lang}")).await?;
        let suffix = if lang == "en" { "en" } else { "zh" };
        open_case(app, &id).await?;
        app.wait_text("#decision-title", heading).await?;
        app.screenshot(&format!("queue-and-case-{suffix}")).await?;
        app.keys("c").await?;
        app.find("[data-testid=compare-view]").await?;
        app.screenshot(&format!("compare-{suffix}")).await?;
        app.keys("c").await?;
        app.keys("r").await?;
        wait_focus(app, "decision-reason").await?;
        app.screenshot(&format!("reject-reasons-{suffix}")).await?;
        app.keys(&Key::Escape.to_string()).await?;
        app.click("[data-testid=help-button]").await?;
        app.find("[data-testid=help-overlay]").await?;
        app.screenshot(&format!("help-{suffix}")).await?;
        app.keys(&Key::Escape.to_string()).await?;
        app.gone("[data-testid=help-overlay]").await?;
        app.click("[data-testid=signout-button]").await?;
        app.find("[data-testid=signout-dialog]").await?;
        app.screenshot(&format!("signout-dialog-{suffix}")).await?;
        app.keys(&Key::Escape.to_string()).await?;
        app.gone("[data-testid=signout-dialog]").await?;
    }
    Ok(())
}

/// Waits until no decision waits to be pushed and none is held for undo.
async fn wait_pushed(app: &App, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    loop {
        let v = app
            .js(
                "const p = document.querySelector('[data-testid=pending-push]'); \
                 const held = [...document.querySelectorAll('[data-testid=queue-item]')] \
                   .filter(i => i.dataset.state === 'decided' || i.dataset.state === 'waiting_push'); \
                 return [p ? Number(p.dataset.count) : -1, held.length]",
                vec![],
            )
            .await?;
        if v == json!([0, 0]) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("decisions still waiting to push after {within:?}: {v}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The hub's API shows exactly the decisions taken in the app, each once.
async fn hub_has_exactly(hub: &Hub, done: &Done) -> Result<()> {
    let records = hub.decisions().await?;
    let on_hub: Vec<(String, &str)> =
        records.iter().map(|r| (r.case_id.to_string(), r.decision.outcome.code())).collect();
    let mut expected: Vec<(String, &str)> =
        done.decided.iter().map(|(id, o)| (id.clone(), *o)).collect();
    let mut got = on_hub.clone();
    expected.sort();
    got.sort();
    ensure!(got == expected, "hub decisions {got:?}, expected {expected:?}");
    ensure!(records.iter().all(|r| r.reviewer.as_str().starts_with('u')), "opaque reviewer ids");
    Ok(())
}

async fn reveal_is_on_the_hub(hub: &Hub, done: &Done) -> Result<()> {
    let id = done.revealed.as_deref().context("a revealed case")?;
    let history = hub.case_history(id).await?;
    let reveals = history
        .audit
        .iter()
        .filter(|r| {
            matches!(
                &r.kind,
                AuditRecordKind::Client { event: AuditEventKind::FieldRevealed { .. }, .. }
            )
        })
        .count();
    ensure!(reveals == 1, "the hub's trail for the revealed case holds {reveals} reveals");
    // Opened many times in this sign-in (viewing, zooming, revealing, deciding): audited once.
    let opens = history
        .audit
        .iter()
        .filter(|r| {
            matches!(&r.kind, AuditRecordKind::Client { event: AuditEventKind::CaseOpened, .. })
        })
        .count();
    ensure!(opens == 1, "the hub's trail for the revealed case holds {opens} opens");
    Ok(())
}

async fn lock_and_unlock(app: &App, hub: &Hub, markers: &[Marker]) -> Result<()> {
    let ready = app
        .js("return document.querySelector('[data-testid=queue-item][data-state=ready]').dataset.caseId", vec![])
        .await?;
    let ready = ready.as_str().context("a ready case")?;
    // Twice, once in each language: the lock screen has no switch of its own.
    for (lang, shot) in [("zh-CN", "lock-zh"), ("en", "lock-en")] {
        app.click(&format!("#lang-{lang}")).await?;
        open_case(app, ready).await?;
        let shown = app.find("[data-testid=viewer-image]").await?.attr("src").await?;
        let shown = shown.context("the stage image's address")?;
        app.keys(&format!("{}l", Key::Control)).await?;
        app.find("[data-testid=lock-screen]").await?;
        let html = app.page_html().await?;
        let hits = kyc_scan::scan_bytes(html.as_bytes(), markers);
        ensure!(hits.is_empty(), "personal data in the locked DOM: {:?}", labels(&hits));
        let media = app.js("return document.querySelectorAll('img, video').length", vec![]).await?;
        ensure!(media == json!(0), "media elements on the lock screen: {media}");
        // While locked the media scheme answers nothing, even for a medium just shown.
        let status = app
            .js_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch(arguments[0]).then(r => done(r.status), e => done('error: ' + e));",
                vec![shown.as_str().into()],
            )
            .await?;
        ensure!(status == json!(404), "media:// while locked answered {status}");
        app.screenshot(shot).await?;
        // A wrong password is refused; the right one opens the desk again, on the same case.
        app.fill("[data-testid=unlock-password]", "not the password").await?;
        app.click("[data-testid=unlock-submit]").await?;
        app.find("[data-testid=unlock-error]").await?;
        app.fill("[data-testid=unlock-password]", hub.password(USER)).await?;
        app.click("[data-testid=unlock-submit]").await?;
        app.find("[data-testid=queue-list]").await?;
    }
    Ok(())
}

fn labels(hits: &[kyc_scan::Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.marker_label.as_str()).collect()
}

/// The hub goes away; a decision taken meanwhile waits, and reaches the hub exactly once when
/// it is back.
async fn offline_decision_pushed_once(
    app: &App,
    hub: &mut Hub,
    ids: &[String],
    done: &mut Done,
) -> Result<()> {
    hub.stop().await?;
    let id = ids.iter().find(|id| !done.decided.contains_key(*id)).context("an undecided case")?;
    done.decided.insert(id.clone(), decide(app, id, "escalate").await?);
    // Once the undo window is over the push fails: offline, one decision waiting.
    app.until(
        "offline with one decision waiting",
        "const s = document.querySelector('[data-testid=online-status]'); \
         const p = document.querySelector('[data-testid=pending-push]'); \
         return s.dataset.online === 'false' && p.dataset.count === '1'",
        vec![],
    )
    .await?;
    app.screenshot("offline-waiting-en").await?;
    hub.start_again().await?;
    wait_pushed(app, Duration::from_secs(120)).await?;
    hub_has_exactly(hub, done).await?;
    Ok(())
}

async fn sign_out_wipes(app: &App, markers: &[Marker]) -> Result<()> {
    app.click("[data-testid=signout-button]").await?;
    app.click("[data-testid=signout-confirm]").await?;
    app.until(
        "the wiped notice",
        "const n = document.querySelector('[data-testid=login-notice]'); \
         return n && n.dataset.kind === 'wiped'",
        vec![],
    )
    .await?;
    app.screenshot("signed-out-wiped-en").await?;
    app.click("#lang-zh-CN").await?;
    app.screenshot("signed-out-wiped-zh").await?;
    app.click("#lang-en").await?;
    // The language is saved in the background (a temporary file renamed over settings.json):
    // wait for it, or the scan below can catch the temporary file mid-write.
    let settings = app.data_dir().join("settings.json");
    let deadline = std::time::Instant::now() + kyc_e2e::app::WAIT;
    while !std::fs::read_to_string(&settings).is_ok_and(|s| s.contains(r#""lang":"en""#)) {
        ensure!(std::time::Instant::now() < deadline, "the language switch is saved");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let accounts = app.data_dir().join("accounts");
    for entry in std::fs::read_dir(&accounts)? {
        let dir = entry?.path();
        ensure!(!dir.join("vault").exists(), "the vault is still there: {}", dir.display());
    }
    let files = files_under(app.home())?;
    // What is wrong first: CI keeps only the start of a failing test's output.
    let unexpected: Vec<_> = files.iter().filter(|f| !may_remain(f)).collect();
    if !unexpected.is_empty() {
        eprintln!("files left after sign-out that ARCHITECTURE does not list: {unexpected:?}");
    }
    let shader_cache = files.iter().filter(|f| f.starts_with("cache/mesa_shader_cache")).count();
    eprintln!("files left after sign-out (and {shader_cache} in Mesa's shader cache):");
    for f in files.iter().filter(|f| !f.starts_with("cache/mesa_shader_cache")) {
        eprintln!("  {}", f.display());
    }
    ensure!(unexpected.is_empty(), "files left that ARCHITECTURE does not list: {unexpected:?}");
    assert_clean("signed out", app.home(), markers)?;
    // The log is there, has the session's story in it, and (scanned above) no personal data.
    let log = std::fs::read_to_string(app.data_dir().join("logs").join("kyc-desk.log"))
        .context("the app's log file")?;
    for line in ["KYC Desk started", "signed in", "pulled", "locked", "unlocked", "signed out"] {
        ensure!(log.contains(line), "the log says {line:?}");
    }
    ensure!(!log.contains(USER), "the user name is not in the log");
    Ok(())
}

/// What may remain after sign-out (ARCHITECTURE.md, "What a sign-out leaves"): the app's
/// settings (the machine's and the account's), sync state of opaque ids, log files and window
/// geometry, and WebKit's own bookkeeping — salts, the HSTS
/// list, the page's local storage (the UI language) — and the desktop libraries' caches
/// (dconf, the GStreamer plugin registry, Mesa's shader cache). The scan has already read
/// every byte of them; this list proves nothing else (no cache entry, no blob, no database)
/// is left.
fn may_remain(path: &std::path::Path) -> bool {
    let p = path.to_string_lossy();
    if p == "cache/dconf/user"
        || p == format!("config/{}/.window-state.json", kyc_e2e::app::APP_IDENTIFIER)
        || (p.starts_with("cache/gstreamer-1.0/registry.") && p.ends_with(".bin"))
        || p.starts_with("cache/mesa_shader_cache/")
    {
        return true;
    }
    let Some(rest) = p.strip_prefix(&format!("data/{}/", kyc_e2e::app::APP_IDENTIFIER)) else {
        return false;
    };
    let account_file = rest.strip_prefix("accounts/").and_then(|r| r.split_once('/'));
    matches!(account_file, Some((dir, "kyc-sync-state.json" | "settings.json")) if dir.len() == 32)
        || (rest.starts_with("logs/kyc-desk") && rest.ends_with(".log"))
        || [
            "settings.json",
            "hsts-storage.sqlite",
            "CacheStorage/salt",
            "WebKitCache/Version 17/salt",
            "mediakeys/v1/salt",
            "storage/salt",
        ]
        .contains(&rest)
        || rest.starts_with("localstorage/tauri_localhost_0.localstorage")
}
