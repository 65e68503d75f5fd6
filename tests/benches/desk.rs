//! The desk benchmark (`cargo xtask bench desk`): how long a reviewer waits for the next case.
//!
//! In the real app (KYC_DESK_BIN, under tauri-driver) signed in to a real seeded hub on
//! loopback, with the cases pulled into the vault: for each case the bench presses `j` (the
//! "next case" key) into the focused element, as a person does, and measures in the page from
//! the key's `kyc:key:next` performance mark to the last `kyc:image-loaded:<src>` mark of the
//! new case's images — every thumbnail and the main stage image. Face videos are excluded
//! (their thumbnail is a glyph, and a case whose stage shows the video has no stage image).
//!
//! The baseline, in the same run and the same webview: the very rendition bytes the app
//! showed (fetched through `media://` in the app's page) are written to a temporary directory
//! and served by a plain loopback file server in this process; the webview is navigated to
//! its static page, which swaps to the next case's image set on `j` and marks the same way.
//!
//! It prints p50 and p95 of both and their ratio (`KYC_DESK_BENCH_VERBOSE=1`: every press).
//! No timed assertion: it exits non-zero only when it could not measure.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use kyc_e2e::{App, Hub, Seed};

/// Cases seeded and pulled; the first press (from "no case open") is a warm-up, so the
/// figures are over `CASES - 1` presses.
const CASES: usize = 40;

/// The demo account the bench signs in as.
const REVIEWER: &str = "reviewer1";

/// How long the bench stays on a case before pressing `j` again, after its images loaded. A
/// reviewer looks at a case for many seconds; the app uses that time to prefetch the next
/// case (from 150 ms after a case opens), so the bench gives it a short, honest fraction of it.
/// `KYC_DESK_BENCH_DWELL_MS` overrides it (a short one, under 150 ms, measures the app as if
/// it did not prefetch).
const DWELL_MS: u64 = 400;

fn dwell_ms() -> u64 {
    std::env::var("KYC_DESK_BENCH_DWELL_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(DWELL_MS)
}

/// The target the issue sets.
const TARGET_P95_MS: f64 = 100.0;
const TARGET_RATIO: f64 = 1.5;

/// Waits in the page for the next case's images and returns the timings. Arguments: the
/// selector of the element carrying the case's identity, the name of that identity attribute,
/// the identity before the key press, and the selector of the images that count.
///
/// It listens for performance marks instead of polling, so it does not compete with the page
/// for the main thread: the answer is ready at the mark of the last image's load event.
const WAIT_FOR_IMAGES: &str = r#"
const [caseSel, idAttr, before, imgSel, done] = arguments;
const started = performance.now();
let finished = false;
let observer = null;
const finish = (value) => {
  if (finished) return;
  finished = true;
  if (observer) observer.disconnect();
  done(value);
};
const check = () => {
  if (finished) return;
  if (document.querySelector('[data-testid=case-error]')) return finish({ error: 'the case did not open' });
  const view = document.querySelector(caseSel);
  const id = view ? view.getAttribute(idAttr) : null;
  if (view && id !== null && id !== before) {
    const thumbImgs = [...view.querySelectorAll(imgSel.thumbs)];
    const stageImgs = [...view.querySelectorAll(imgSel.stage)];
    const thumbs = thumbImgs.map((i) => i.getAttribute('src'));
    const stage = stageImgs.map((i) => i.getAttribute('src'));
    // The medium's own address: the app shows prefetched images from Blob URLs it revokes later.
    const medium = (i) => i.getAttribute('data-media') || i.getAttribute('src');
    const srcs = [...thumbs, ...stage];
    const key = performance.getEntriesByName('kyc:key:next', 'mark')[0];
    const loads = srcs.map((s) => performance.getEntriesByName('kyc:image-loaded:' + s, 'mark')[0]);
    const broken = [...view.querySelectorAll(imgSel.thumbs + ',' + imgSel.stage)]
      .some((i) => i.complete && i.naturalWidth === 0);
    if (broken) return finish({ error: 'an image failed to load', id });
    // The app marks when a case screen is shown; an image loaded ahead of it (the next case is
    // rendered ahead, hidden) counts as ready then. The baseline page has no such mark.
    const shownMark = performance.getEntriesByName('kyc:case-shown:' + id, 'mark')[0];
    if (key && srcs.length > 0 && loads.every(Boolean) && (shownMark || !imgSel.marksShown)) {
      const shown = performance.getEntriesByName('kyc:case-view:' + id, 'mark')[0];
      const shownAt = shownMark ? shownMark.startTime : key.startTime;
      return finish({
        id,
        thumbs,
        stage,
        thumbMedia: thumbImgs.map(medium),
        stageMedia: stageImgs.map(medium),
        keyAt: key.startTime,
        shownAt: shown ? shown.startTime : null,
        loadedAt: Math.max(shownAt, ...loads.map((l) => l.startTime)),
        loadedAhead: loads.filter((l) => l.startTime < key.startTime).length,
      });
    }
    if (srcs.length === 0 && performance.now() - started > 3000) return finish({ id, thumbs, stage, noImages: true });
  }
  if (performance.now() - started > 20000) return finish({ error: 'timed out', id });
};
observer = new PerformanceObserver(check);
observer.observe({ type: 'mark' });
const slow = setInterval(() => (finished ? clearInterval(slow) : check()), 250);
check();
"#;

/// Fetches one medium the way the app's page can (`media://`, same bytes as the `<img>`) and
/// hands it back as base64 with its content type.
const FETCH_MEDIUM: &str = r#"
const [url, done] = arguments;
fetch(url, { cache: 'no-store' })
  .then(async (r) => {
    if (!r.ok) return done({ error: 'HTTP ' + r.status });
    const bytes = new Uint8Array(await r.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    done({ type: r.headers.get('content-type') || '', b64: btoa(s) });
  })
  .catch((e) => done({ error: String(e) }));
"#;

/// The baseline page: the same layout idea as the desk's viewer (a thumbnail column and one
/// stage image), no framework, no IPC; `j` swaps to the next case's image set.
const BASELINE_HTML: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>desk baseline</title>
<style>
  body { margin: 0; height: 100vh; display: grid; grid-template-columns: 104px 1fr; background: #2a313b; }
  #thumbs img { display: block; width: 100%; height: 64px; object-fit: cover; margin-bottom: 6px; }
  #stage { position: relative; overflow: hidden; }
  #stage img { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); }
</style>
<body data-case="none">
<nav id="thumbs"></nav><main id="stage"></main>
<script src="/baseline.js"></script>
</body>
"#;

const BASELINE_JS: &str = r#"
let cases = null;
let index = -1;
fetch('/manifest.json', { cache: 'no-store' }).then((r) => r.json()).then((m) => {
  cases = m;
  document.body.dataset.ready = 'yes';
});
const image = (src) => {
  const img = new Image();
  img.onload = () => performance.mark('kyc:image-loaded:' + src);
  img.src = src;
  return img;
};
addEventListener('keydown', (event) => {
  if (event.key !== 'j' || !cases || index + 1 >= cases.length) return;
  const at = event.timeStamp > 0 && event.timeStamp <= performance.now() ? event.timeStamp : performance.now();
  performance.mark('kyc:key:next', { startTime: at });
  index += 1;
  const c = cases[index];
  document.getElementById('thumbs').replaceChildren(...c.thumbs.map((s) => {
    const img = image(s);
    img.className = 'thumb';
    return img;
  }));
  document.getElementById('stage').replaceChildren(...c.stage.map((s) => {
    const img = image(s);
    img.className = 'stage';
    return img;
  }));
  document.body.dataset.case = String(index);
});
"#;

/// What [`WAIT_FOR_IMAGES`] answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sample {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    thumbs: Vec<String>,
    #[serde(default)]
    stage: Vec<String>,
    /// The `media://` addresses of `thumbs` and `stage` (their `src` may be Blob URLs).
    #[serde(default)]
    thumb_media: Vec<String>,
    #[serde(default)]
    stage_media: Vec<String>,
    #[serde(default)]
    key_at: f64,
    /// When the case view arrived over IPC (the app only).
    #[serde(default)]
    shown_at: Option<f64>,
    #[serde(default)]
    loaded_at: f64,
    #[serde(default)]
    no_images: bool,
    /// Images that had loaded before the key (the case was rendered ahead, hidden).
    #[serde(default)]
    loaded_ahead: usize,
}

impl Sample {
    fn millis(&self) -> f64 {
        self.loaded_at - self.key_at
    }

    /// Key → the case view over IPC, when the page marks it.
    fn view_millis(&self) -> Option<f64> {
        self.shown_at.map(|t| t - self.key_at)
    }
}

/// Selectors of the images that count, in the app and in the baseline page, and whether the
/// page marks `kyc:case-shown:<id>` when a case is on screen (the app does).
fn image_selectors(thumbs: &str, stage: &str, marks_shown: bool) -> Value {
    json!({ "thumbs": thumbs, "stage": stage, "marksShown": marks_shown })
}

/// Presses `j` `presses` times and measures each; the first press is the warm-up and is
/// returned apart.
async fn measure_presses(
    app: &App,
    case_sel: &str,
    id_attr: &str,
    images: &Value,
    presses: usize,
) -> Result<Vec<Sample>> {
    let dwell = dwell_ms();
    let mut samples = Vec::with_capacity(presses);
    let mut before = app
        .js(
            "const v = document.querySelector(arguments[0]); return v ? v.getAttribute(arguments[1]) : null;",
            vec![case_sel.into(), id_attr.into()],
        )
        .await?;
    for n in 0..presses {
        // A person looks at a case before moving on ([`DWELL_MS`]); the pause also lets the
        // previous case's work (closing it, the watermark's first paint) finish.
        app.js_async(
            // Only the key's mark is cleared: an image's load mark may come before the key
            // (rendered ahead), and every image address is marked once.
            "const [dwell, done] = arguments; performance.clearMarks('kyc:key:next'); \
             requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, dwell)));",
            vec![dwell.into()],
        )
        .await?;
        app.keys("j").await?;
        let got = app
            .js_async(
                WAIT_FOR_IMAGES,
                vec![case_sel.into(), id_attr.into(), before.clone(), images.clone()],
            )
            .await?;
        let sample: Sample = serde_json::from_value(got.clone()).context("the page's timings")?;
        if let Some(error) = &sample.error {
            bail!("press {n}: {error} ({got})");
        }
        if std::env::var_os("KYC_DESK_BENCH_VERBOSE").is_some() {
            let view = sample.view_millis().map(|v| format!(", case view over IPC at {v:.0} ms"));
            eprintln!(
                "  press {n}: {:.0} ms, {} images ({} loaded ahead){}",
                sample.millis(),
                sample.thumbs.len() + sample.stage.len(),
                sample.loaded_ahead,
                view.unwrap_or_default()
            );
        }
        before = sample.id.clone().map(Value::from).unwrap_or(Value::Null);
        samples.push(sample);
    }
    Ok(samples)
}

/// p-th percentile by nearest rank.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

struct Figures {
    n: usize,
    p50: f64,
    p95: f64,
    max: f64,
    images: f64,
    /// p50 and p95 of key → case view (IPC), when the page marks it.
    view: Option<(f64, f64)>,
}

fn figures(samples: &[Sample]) -> Result<Figures> {
    let mut ms: Vec<f64> = samples.iter().filter(|s| !s.no_images).map(Sample::millis).collect();
    if ms.len() < 30 {
        bail!("only {} presses measured, at least 30 needed", ms.len());
    }
    ms.sort_by(f64::total_cmp);
    let counted: Vec<&Sample> = samples.iter().filter(|s| !s.no_images).collect();
    let images = counted.iter().map(|s| (s.thumbs.len() + s.stage.len()) as f64).sum::<f64>()
        / counted.len() as f64;
    let mut view: Vec<f64> = counted.iter().filter_map(|s| s.view_millis()).collect();
    view.sort_by(f64::total_cmp);
    let view =
        (view.len() == counted.len()).then(|| (percentile(&view, 50.0), percentile(&view, 95.0)));
    Ok(Figures {
        view,
        n: ms.len(),
        p50: percentile(&ms, 50.0),
        p95: percentile(&ms, 95.0),
        max: *ms.last().expect("not empty"),
        images,
    })
}

/// Signs in and pulls every seeded case.
async fn sign_in_and_pull(app: &App, hub: &Hub) -> Result<usize> {
    app.find("#hub-url").await?;
    app.fill("#hub-url", &hub.url()).await?;
    app.fill("#user", REVIEWER).await?;
    app.fill("#password", hub.password(REVIEWER)).await?;
    app.click("#sign-in").await?;
    app.find("[data-testid=pull-button]").await?;
    app.fill("[data-testid=pull-count]", &CASES.to_string()).await?;
    app.click("[data-testid=pull-button]").await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    loop {
        let pulled = app
            .js(
                "return document.querySelector('[data-testid=pull-cancel]') === null \
                 ? document.querySelectorAll('[data-testid=queue-item]').length : 0",
                vec![],
            )
            .await?;
        let pulled = pulled.as_u64().unwrap_or(0) as usize;
        if pulled > 0 {
            return Ok(pulled);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the pull did not finish within 300 s");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Writes the media the app showed into `dir` and returns the baseline's manifest (one entry
/// per press, in order: its thumbnails and stage image as the file server's paths).
async fn copy_renditions(app: &App, samples: &[Sample], dir: &Path) -> Result<Value> {
    let mut manifest = Vec::new();
    let mut n = 0;
    let mut copy = async |src: &str| -> Result<String> {
        let got = app.js_async(FETCH_MEDIUM, vec![src.into()]).await?;
        if let Some(e) = got.get("error") {
            bail!("fetching a rendition through media:// failed: {e}");
        }
        let ext = match got["type"].as_str().unwrap_or("") {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            other => bail!("unexpected rendition type {other:?}"),
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(got["b64"].as_str().context("bytes")?)?;
        n += 1;
        let name = format!("{n}.{ext}");
        std::fs::write(dir.join(&name), bytes)?;
        Ok(format!("/m/{name}"))
    };
    for s in samples {
        let mut thumbs = Vec::new();
        for src in &s.thumb_media {
            thumbs.push(copy(src).await?);
        }
        let mut stage = Vec::new();
        for src in &s.stage_media {
            stage.push(copy(src).await?);
        }
        manifest.push(json!({ "thumbs": thumbs, "stage": stage }));
    }
    Ok(Value::Array(manifest))
}

/// A plain HTTP/1.1 file server on loopback (keep-alive, no cache): the page, its script and
/// manifest from memory, `/m/<file>` read from `dir` on every request.
fn serve_files(dir: PathBuf, manifest: Value) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let fixed: Arc<HashMap<&'static str, (&'static str, Vec<u8>)>> = Arc::new(HashMap::from([
        ("/", ("text/html; charset=utf-8", BASELINE_HTML.as_bytes().to_vec())),
        ("/baseline.js", ("text/javascript", BASELINE_JS.as_bytes().to_vec())),
        ("/manifest.json", ("application/json", serde_json::to_vec(&manifest)?)),
    ]));
    let dir = Arc::new(dir);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (fixed, dir) = (fixed.clone(), dir.clone());
            std::thread::spawn(move || {
                let _ = serve_connection(stream, &fixed, &dir);
            });
        }
    });
    Ok(port)
}

fn serve_connection(
    stream: TcpStream,
    fixed: &HashMap<&'static str, (&'static str, Vec<u8>)>,
    dir: &Path,
) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
                break;
            }
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("/");
        let file = path.strip_prefix("/m/").filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
        });
        let answer = match file {
            Some(name) => std::fs::read(dir.join(name)).ok().map(|bytes| {
                let kind = match name.rsplit('.').next() {
                    Some("jpg") => "image/jpeg",
                    Some("png") => "image/png",
                    _ => "image/webp",
                };
                (kind, bytes)
            }),
            None => fixed.get(path).map(|(kind, bytes)| (*kind, bytes.clone())),
        };
        let (status, kind, body) = match answer {
            Some((kind, body)) => ("200 OK", kind, body),
            None => ("404 Not Found", "text/plain", b"not found".to_vec()),
        };
        write!(
            out,
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\n\r\n",
            body.len()
        )?;
        out.write_all(&body)?;
        out.flush()?;
    }
}

async fn run() -> Result<()> {
    eprintln!("desk bench: seeding a hub with {CASES} cases (production Argon2id accounts)…");
    let hub =
        Hub::start(&Seed { cases: CASES, rng_seed: 2026, without_consent: Vec::new() }).await?;
    let app = App::start().await?;
    let result = measure(&app, &hub).await;
    let stopped = app.stop().await;
    let line = result?;
    stopped?;
    println!("{line}");
    Ok(())
}

async fn measure(app: &App, hub: &Hub) -> Result<String> {
    let pulled = sign_in_and_pull(app, hub).await?;
    if pulled < 31 {
        bail!("only {pulled} cases pulled; the bench needs at least 31");
    }
    eprintln!(
        "desk bench: {pulled} cases pulled; pressing j through them, {} ms on each",
        dwell_ms()
    );
    // The key goes to whatever has the focus; nothing that takes text may have it.
    app.js("document.activeElement && document.activeElement.blur()", vec![]).await?;
    let app_images = image_selectors(
        "img[data-testid=viewer-thumb-image]",
        "img[data-testid=viewer-image]",
        true,
    );
    let samples =
        measure_presses(app, "[data-testid=case-view]", "data-case-id", &app_images, pulled)
            .await?;
    let desk = figures(&samples[1..])?;

    let dir = tempfile::tempdir()?;
    let manifest = copy_renditions(app, &samples, dir.path()).await?;
    let port = serve_files(dir.path().to_path_buf(), manifest)?;
    app.client
        .goto(&format!("http://127.0.0.1:{port}/"))
        .await
        .context("navigating the webview to the baseline page")?;
    app.until("the baseline page", "return document.body && document.body.dataset.ready", vec![])
        .await?;
    app.js("document.activeElement && document.activeElement.blur()", vec![]).await?;
    let baseline_images = image_selectors("img.thumb", "img.stage", false);
    let base_samples =
        measure_presses(app, "body", "data-case", &baseline_images, samples.len()).await?;
    let base = figures(&base_samples[1..])?;

    let ratio = desk.p95 / base.p95;
    eprintln!(
        "desk bench: app {} presses (≈{:.1} images each, max {:.1} ms); baseline max {:.1} ms; \
         first press (warm-up, not counted) app {:.1} ms, baseline {:.1} ms",
        desk.n,
        desk.images,
        desk.max,
        base.max,
        samples[0].millis(),
        base_samples[0].millis(),
    );
    let counted = samples[1..].iter().filter(|s| !s.no_images);
    let ahead =
        counted.clone().filter(|s| s.loaded_ahead == s.thumbs.len() + s.stage.len()).count();
    eprintln!(
        "desk bench: {ahead} of {} cases were rendered ahead (every image loaded before the key)",
        counted.count()
    );
    if let Some((p50, p95)) = desk.view {
        eprintln!("desk bench: of which key → case view over IPC: p50 {p50:.1} ms p95 {p95:.1} ms");
    }
    let met = desk.p95 < TARGET_P95_MS && ratio <= TARGET_RATIO;
    Ok(format!(
        "desk next-case→images-loaded: p50 {:.1} ms p95 {:.1} ms | baseline p50 {:.1} ms p95 \
         {:.1} ms | ratio p95 {ratio:.2}× (target p95 < {TARGET_P95_MS:.0} ms and ≤ \
         {TARGET_RATIO}×: {})",
        desk.p50,
        desk.p95,
        base.p50,
        base.p95,
        if met { "met" } else { "MISSED" },
    ))
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("desk bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("desk bench: could not measure: {e:#}");
            ExitCode::FAILURE
        }
    }
}
