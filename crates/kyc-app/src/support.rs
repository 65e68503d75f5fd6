//! The support bundle: what an IT department needs to see why a desk misbehaves — versions,
//! OS, settings, the log files, counts of cases by state and of decisions waiting, the last
//! errors' codes — and nothing else: never case content, never a token, never a password,
//! never a user name (the account appears as its opaque id and role).
//!
//! It is one zip whose entries are *stored*, not compressed: support can read it with any
//! unzip, and a privacy scan of the zip reads every entry's bytes as they are.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;

use crate::desk::{Desk, blocking, guard};
use crate::error::AppError;
use crate::ipc::{Lang, Phase, PushState, QueueState, SupportBundleReport};

/// How many recent errors the desk remembers for the bundle.
const RECENT_ERRORS: usize = 32;

/// Facts the shell knows and this crate does not (the webview's version, the window system).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ShellFacts {
    /// Name → value, e.g. `("tauri", "2.x")`, `("webview", "WebKitGTK 2.x")`.
    pub entries: Vec<(String, String)>,
}

/// `about.json`.
#[derive(Debug, Serialize)]
pub(crate) struct About<'a> {
    pub app: &'static str,
    pub version: &'static str,
    pub os: &'static str,
    pub os_family: &'static str,
    pub arch: &'static str,
    pub demo_build: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub shell: &'a ShellFacts,
}

/// One recorded error: its code and when it happened.
#[derive(Debug, Clone, Serialize)]
pub struct RecentError {
    /// The command that failed.
    pub command: &'static str,
    /// The `AppError` code, as the UI receives it.
    pub code: String,
    /// When (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// `desk.json`: the desk's state in numbers.
#[derive(Debug, Serialize)]
pub(crate) struct DeskFacts {
    pub phase: Phase,
    /// Opaque user id and role, when signed in.
    pub account: Option<(String, crate::ipc::Role)>,
    pub online: bool,
    pub push: PushState,
    pub pending_push: u32,
    pub idle_lock_secs: u32,
    pub lang: Lang,
    /// Cases on this desk by local state (absent when signed out).
    pub cases_by_state: Option<Vec<(QueueState, u32)>>,
    pub recent_errors: Vec<RecentError>,
}

/// A zip of stored entries, written in one go.
pub(crate) struct StoredZip {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
    dos_time: u16,
    dos_date: u16,
}

impl StoredZip {
    pub fn new(now: OffsetDateTime) -> StoredZip {
        let dos_date = (((now.year().clamp(1980, 2107) - 1980) as u16) << 9)
            | ((u8::from(now.month()) as u16) << 5)
            | now.day() as u16;
        let dos_time =
            ((now.hour() as u16) << 11) | ((now.minute() as u16) << 5) | (now.second() as u16 / 2);
        StoredZip { out: Vec::new(), central: Vec::new(), count: 0, dos_time, dos_date }
    }

    /// Adds an entry. Names are ASCII paths written here, never taken from input.
    pub fn add(&mut self, name: &str, data: &[u8]) -> io::Result<()> {
        let too_big = || io::Error::other("support bundle entry too large");
        let size = u32::try_from(data.len()).map_err(|_| too_big())?;
        let offset = u32::try_from(self.out.len()).map_err(|_| too_big())?;
        let crc = crc32fast::hash(data);
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Local file header: version 2.0, UTF-8 names, method 0 (stored).
        let w = &mut self.out;
        w.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0x0800, 0, self.dos_time, self.dos_date] {
            w.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            w.extend_from_slice(&v.to_le_bytes());
        }
        w.extend_from_slice(&name_len.to_le_bytes());
        w.extend_from_slice(&0u16.to_le_bytes());
        w.extend_from_slice(name.as_bytes());
        w.extend_from_slice(data);
        // Its central directory record.
        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0x0800, 0, self.dos_time, self.dos_date] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        c.extend_from_slice(&0u32.to_le_bytes());
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        self.count = self.count.checked_add(1).ok_or_else(too_big)?;
        Ok(())
    }

    /// The finished archive.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        let offset = u32::try_from(self.out.len())
            .map_err(|_| io::Error::other("support bundle too large"))?;
        let size = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, self.count, self.count] {
            self.out.extend_from_slice(&v.to_le_bytes());
        }
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&offset.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        Ok(self.out)
    }
}

/// Writes `zip` to `path` through a temporary file beside it, so a failed export never
/// leaves half a bundle under the chosen name.
pub(crate) fn write_atomically(path: &Path, zip: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| io::Error::other("no file name"))?;
    let mut tmp_name = name.to_owned();
    tmp_name.push(".partial");
    let tmp: PathBuf = path.with_file_name(tmp_name);
    let mut file = kyc_platform::private_fs::open_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?;
    file.write_all(zip)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

impl Desk {
    /// Runs one command: a panic inside it is caught and answered as `internal` (the panic
    /// hook has logged where, never what), and a failure's code is remembered for the
    /// support bundle. Every Tauri command goes through here.
    pub async fn call<T>(
        &self,
        command: &'static str,
        work: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        use futures_util::FutureExt;
        let result = match std::panic::AssertUnwindSafe(work).catch_unwind().await {
            Ok(result) => result,
            Err(_) => {
                tracing::error!(command, "command panicked");
                Err(AppError::internal("a command panicked"))
            }
        };
        if let Err(e) = &result {
            let code = e.code.name();
            tracing::info!(command, code, "command failed");
            let mut recent = guard(&self.recent_errors);
            if recent.len() == RECENT_ERRORS {
                recent.pop_front();
            }
            recent.push_back(RecentError { command, code, at: OffsetDateTime::now_utc() });
        }
        result
    }

    /// Writes the support bundle to `path` (the shell asks the reviewer where, with the OS
    /// save dialog). Works signed out, locked or unlocked; case counts need a signed-in desk.
    pub async fn export_support_bundle(
        &self,
        path: PathBuf,
        shell: ShellFacts,
    ) -> Result<SupportBundleReport, AppError> {
        let state = self.state();
        let cases_by_state = match state.phase {
            Phase::SignedOut => None,
            _ => {
                let queue = self.queue().await?;
                let mut counts: Vec<(QueueState, u32)> = Vec::new();
                for item in &queue {
                    match counts.iter_mut().find(|(s, _)| *s == item.state) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((item.state, 1)),
                    }
                }
                Some(counts)
            }
        };
        let facts = DeskFacts {
            phase: state.phase,
            account: state.session.as_ref().map(|s| (s.user_id.clone(), s.role)),
            online: state.online,
            push: state.push,
            pending_push: state.pending_push,
            idle_lock_secs: state.idle_lock_secs,
            lang: state.lang,
            cases_by_state,
            recent_errors: guard(&self.recent_errors).iter().cloned().collect(),
        };
        let data_dir = self.config().session.data_dir.clone();
        let log_dir = self.config().log_dir.clone();
        blocking(move || {
            let now = OffsetDateTime::now_utc();
            let about = About {
                app: "KYC Desk",
                version: env!("CARGO_PKG_VERSION"),
                os: std::env::consts::OS,
                os_family: std::env::consts::FAMILY,
                arch: std::env::consts::ARCH,
                demo_build: crate::DEMO_BUILD,
                created_at: now,
                shell: &shell,
            };
            let mut zip = StoredZip::new(now);
            zip.add("about.json", &json(&about))?;
            zip.add("desk.json", &json(&facts))?;
            // The machine's settings as this build reads them (language, last hub address).
            zip.add("settings.json", &json(&crate::settings::Settings::load(&data_dir)))?;
            let mut entries = 3;
            if let Some(dir) = &log_dir {
                for file in crate::logs::log_files(dir) {
                    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("log");
                    zip.add(&format!("logs/{name}"), &std::fs::read(&file)?)?;
                    entries += 1;
                }
            }
            let bytes = zip.finish()?;
            write_atomically(&path, &bytes)?;
            tracing::info!(entries, bytes = bytes.len(), "support bundle written");
            Ok(SupportBundleReport { entries, bytes: bytes.len() as u64 })
        })
        .await
    }
}

fn json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a stored zip back through its central directory, checking every CRC.
    pub fn read_stored_zip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
        let u32_at = |i: usize| u32::from_le_bytes(zip[i..i + 4].try_into().unwrap()) as usize;
        let eocd = zip.len() - 22;
        assert_eq!(u32_at(eocd), 0x0605_4b50, "end of central directory");
        let (count, mut at) = (u16_at(eocd + 10), u32_at(eocd + 16));
        let mut entries = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(at), 0x0201_4b50, "central directory record");
            let (crc, size, name_len) = (u32_at(at + 16), u32_at(at + 24), u16_at(at + 28));
            let local = u32_at(at + 42);
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(local), 0x0403_4b50, "local header of {name}");
            let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let data = zip[data_at..data_at + size].to_vec();
            assert_eq!(crc32fast::hash(&data) as usize, crc, "CRC of {name}");
            entries.push((name, data));
            at += 46 + name_len;
        }
        entries
    }

    #[test]
    fn a_stored_zip_reads_back_entry_for_entry() {
        let mut zip = StoredZip::new(OffsetDateTime::now_utc());
        zip.add("about.json", b"{\"a\":1}").unwrap();
        zip.add("logs/kyc-desk.log", b"line\n").unwrap();
        zip.add("empty", b"").unwrap();
        let bytes = zip.finish().unwrap();
        let entries = read_stored_zip(&bytes);
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["about.json", "logs/kyc-desk.log", "empty"]);
        assert_eq!(entries[1].1, b"line\n");
    }
}
