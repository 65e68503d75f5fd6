//! Starting the app under tauri-driver, with every file it writes in a temporary home, driving
//! its page, and stopping it cleanly.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::Value;

/// The app's identifier (tauri.conf.json): its directories under the XDG ones are named so.
pub const APP_IDENTIFIER: &str = "org.kycdesk.workstation";

/// How long a step waits for the page before failing.
pub const WAIT: Duration = Duration::from_secs(30);

/// A running app and the WebDriver session that drives it.
pub struct App {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    /// The app's home: every file the app and its webview write lands below it (HOME, the XDG
    /// directories and TMPDIR all point inside), which is what the privacy scans read.
    home: Arc<tempfile::TempDir>,
}

/// The environment that puts every file the app writes below `home`.
pub fn home_env(home: &Path) -> Result<Vec<(&'static str, PathBuf)>> {
    Ok(vec![
        ("HOME", home.to_owned()),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_CACHE_HOME", home.join("cache")),
        ("XDG_STATE_HOME", home.join("state")),
        ("TMPDIR", tmp_dir(home)?),
    ])
}

/// The app's temporary directory, inside its home so the scans see what it leaves there.
fn tmp_dir(home: &Path) -> Result<PathBuf> {
    let dir = home.join("tmp");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A free port on loopback.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A path the test run must be given (by `cargo xtask test`).
pub fn required_env(name: &str) -> Result<PathBuf> {
    std::env::var_os(name).map(PathBuf::from).with_context(|| {
        format!(
            "{name} is not set: the end-to-end tests drive a prebuilt app; run them with \
             `cargo xtask test`, which builds the app and sets it"
        )
    })
}

/// Where screenshots go.
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("KYC_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e"))
}

impl App {
    /// Starts tauri-driver on free ports and opens a session on the app.
    pub async fn start() -> Result<App> {
        App::start_with_env(&[]).await
    }

    /// Like [`App::start`], with extra environment variables for the app.
    pub async fn start_with_env(env: &[(&str, &str)]) -> Result<App> {
        App::start_in(Arc::new(tempfile::tempdir()?), env).await
    }

    /// Starts the app in an existing home (two apps on one machine share it).
    pub async fn start_in(home: Arc<tempfile::TempDir>, env: &[(&str, &str)]) -> Result<App> {
        App::start_binary(&required_env("KYC_DESK_BIN")?, home, env).await
    }

    /// Starts a given build of the app (the packaged one, say) in `home`.
    pub async fn start_binary(
        app_path: &Path,
        home: Arc<tempfile::TempDir>,
        env: &[(&str, &str)],
    ) -> Result<App> {
        if !app_path.is_file() {
            bail!("there is no app at {}", app_path.display());
        }
        let driver_path =
            std::env::var_os("TAURI_DRIVER").map(PathBuf::from).unwrap_or("tauri-driver".into());
        let (port, native_port) = (free_port()?, free_port()?);
        let driver = Command::new(&driver_path)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            // The app (a child of WebKitWebDriver) writes only below this temporary home.
            .envs(home_env(home.path())?)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", driver_path.display()))?;
        let mut app = AppGuard { driver: Some(driver) };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on port {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_path.to_string_lossy() }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&url)
            .await
            .context("WebDriver session on the app")?;
        let driver = app.driver.take().expect("driver present");
        Ok(App { client, driver, home })
    }

    /// The temporary home every file of the app is under.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The home, to start another app in it.
    pub fn shared_home(&self) -> Arc<tempfile::TempDir> {
        self.home.clone()
    }

    /// The app's data directory (`app_data_dir()`), where the account vaults live.
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data").join(APP_IDENTIFIER)
    }

    /// Waits for an element.
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("element {css}"))
    }

    /// Every element matching `css` now (no waiting).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        Ok(self.client.find_all(Locator::Css(css)).await?)
    }

    /// Waits for an element and clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await.with_context(|| format!("click {css}"))
    }

    /// Replaces an input's value by typing.
    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let el = self.find(css).await?;
        el.clear().await?;
        el.send_keys(value).await?;
        Ok(())
    }

    /// Types keys into whatever has the focus, as a person at the keyboard does.
    pub async fn keys(&self, keys: &str) -> Result<()> {
        self.client.active_element().await?.send_keys(keys).await?;
        Ok(())
    }

    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Runs an asynchronous script (`arguments[arguments.length - 1]` is its callback).
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute_async(script, args).await?)
    }

    /// Polls `script` until it returns something truthy, and returns that; fails after `WAIT`
    /// with `what` and the last value.
    pub async fn until(&self, what: &str, script: &str, args: Vec<Value>) -> Result<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.js(script, args.clone()).await?;
            let truthy = !matches!(&v, Value::Null | Value::Bool(false))
                && v.as_str() != Some("")
                && v.as_f64() != Some(0.0);
            if truthy {
                return Ok(v);
            }
            if Instant::now() > deadline {
                bail!("timed out waiting for {what}; last value {v}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no element matches `css`.
    pub async fn gone(&self, css: &str) -> Result<()> {
        self.until(
            &format!("{css} to disappear"),
            "return document.querySelector(arguments[0]) === null",
            vec![css.into()],
        )
        .await
        .map(drop)
    }

    /// The whole document as HTML: what a person could see, and what is held in the DOM.
    pub async fn page_html(&self) -> Result<String> {
        Ok(self.client.source().await?)
    }

    /// Waits for an element and returns its text.
    pub async fn text(&self, css: &str) -> Result<String> {
        let el = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("element {css}"))?;
        Ok(el.text().await?)
    }

    /// Waits until the element's text equals `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let got = self.text(css).await?;
            if got == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{css}: expected {expected:?}, found {got:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot of the window as `name.png` in the artifacts directory.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // WebKit hands out the last painted frame: on a loaded machine that can predate the
        // DOM change just asserted. Two animation frames guarantee a paint in between.
        self.client
            .execute_async(
                "const done = arguments[0]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        eprintln!("screenshot: {}", path.display());
        // The X server's view of the screen as well, when ImageMagick is there: it shows what
        // a person would see, compositor and all.
        if std::path::Path::new("/usr/bin/import").is_file()
            && std::env::var_os("DISPLAY").is_some()
        {
            let x11 = dir.join(format!("{name}.x11.png"));
            let _ = Command::new("/usr/bin/import").args(["-window", "root"]).arg(&x11).status();
        }
        Ok(path)
    }

    /// Ends the session and stops tauri-driver.
    pub async fn stop(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        stop_driver(&mut self.driver);
        closed.map_err(Into::into)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop_driver(&mut self.driver);
    }
}

/// Owns tauri-driver while a session is being set up, so a failure there still stops it.
struct AppGuard {
    driver: Option<Child>,
}

impl Drop for AppGuard {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.as_mut() {
            stop_driver(driver);
        }
    }
}

/// SIGTERM, not SIGKILL: killed hard, tauri-driver orphans WebKitWebDriver, which keeps the
/// test's stdout open and hangs the run.
fn stop_driver(driver: &mut Child) {
    if let Ok(Some(_)) = driver.try_wait() {
        return;
    }
    let _ = Command::new("kill").args(["-TERM", &driver.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

impl App {
    /// The app's process id: the `kyc-desk` process whose HOME is this app's home.
    pub fn app_pid(&self) -> Result<u32> {
        let binary = std::fs::canonicalize(required_env("KYC_DESK_BIN")?)?;
        let home = format!("HOME={}", self.home.path().display());
        for entry in std::fs::read_dir("/proc")? {
            let Ok(pid) = entry?.file_name().to_string_lossy().parse::<u32>() else { continue };
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            if exe.as_deref() != Some(binary.as_path()) {
                continue;
            }
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            if environ.split(|b| *b == 0).any(|var| var == home.as_bytes()) {
                return Ok(pid);
            }
        }
        bail!("no kyc-desk process with this app's home")
    }

    /// Sends the app SIGTERM, as a session ending or a shutdown does, and waits until it has
    /// quit. (WebDriver's own session end kills the process outright.)
    pub async fn terminate_app(&self) -> Result<()> {
        let pid = self.app_pid()?;
        let status = Command::new("kill").args(["-TERM", &pid.to_string()]).status()?;
        if !status.success() {
            bail!("kill -TERM {pid} failed");
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::path::Path::new(&format!("/proc/{pid}")).exists() {
            // A zombie (exited, not yet reaped by WebKitWebDriver) has quit too.
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if stat.split_whitespace().nth(2) == Some("Z") {
                break;
            }
            if Instant::now() > deadline {
                bail!("the app did not quit within 20 s of SIGTERM");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }
}
