//! The app's log: `tracing` events to a size-rotated file in the app's log directory, and a
//! panic hook that logs where a panic happened but never its message.
//!
//! What is logged is ids, codes, counts and states — never personal data. The crates' errors
//! name fields and rules, never values, so logging their `Display` is safe; a panic message
//! may quote anything (a `Debug` of a value), which is why the hook drops it. The end-to-end
//! suite scans the log files for every planted value.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Environment variable that sets the log filter (`tracing` `EnvFilter` syntax, e.g.
/// `debug` or `kyc_sync=debug,info`). Default [`DEFAULT_FILTER`].
pub const LOG_ENV: &str = "KYC_DESK_LOG";
/// The filter without [`LOG_ENV`].
pub const DEFAULT_FILTER: &str = "info";
/// The current log file's name; older ones are `kyc-desk.1.log` … `kyc-desk.N.log`.
pub const LOG_FILE: &str = "kyc-desk.log";

/// How big a log file may grow and how many old ones are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// A file is rotated when a write would take it past this size.
    pub max_bytes: u64,
    /// Old files kept besides the current one.
    pub keep: u32,
}

impl Default for Rotation {
    /// Five files of 4 MiB: a few days of a busy desk, small enough to mail in a bundle.
    fn default() -> Self {
        Rotation { max_bytes: 4 << 20, keep: 4 }
    }
}

/// A log file that rotates by size: `kyc-desk.log` → `kyc-desk.1.log` → … → dropped.
#[derive(Debug)]
pub struct RotatingFile {
    dir: PathBuf,
    rotation: Rotation,
    file: File,
    len: u64,
}

impl RotatingFile {
    /// Opens (appending) the current log file in `dir`, creating the directory private to
    /// this user.
    pub fn open(dir: &Path, rotation: Rotation) -> io::Result<RotatingFile> {
        kyc_platform::private_fs::create_dir(dir)?;
        let file = open_append(&dir.join(LOG_FILE))?;
        let len = file.metadata()?.len();
        Ok(RotatingFile { dir: dir.to_owned(), rotation, file, len })
    }

    fn numbered(&self, n: u32) -> PathBuf {
        self.dir.join(format!("kyc-desk.{n}.log"))
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let _ = fs::remove_file(self.numbered(self.rotation.keep));
        for n in (1..self.rotation.keep).rev() {
            let from = self.numbered(n);
            if from.exists() {
                fs::rename(&from, self.numbered(n + 1))?;
            }
        }
        let current = self.dir.join(LOG_FILE);
        if self.rotation.keep == 0 {
            fs::remove_file(&current)?;
        } else {
            fs::rename(&current, self.numbered(1))?;
        }
        self.file = open_append(&current)?;
        self.len = 0;
        Ok(())
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    kyc_platform::private_fs::open_options().create(true).append(true).open(path)
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.len > 0 && self.len + buf.len() as u64 > self.rotation.max_bytes {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// A [`RotatingFile`] shared by the subscriber's writers.
#[derive(Debug, Clone)]
pub struct SharedLog(Arc<Mutex<RotatingFile>>);

/// One writer handed out per event; writes go straight to the shared file.
pub struct SharedLogWriter<'a>(&'a SharedLog);

impl Write for SharedLogWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.0.lock().unwrap_or_else(PoisonError::into_inner).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.0.lock().unwrap_or_else(PoisonError::into_inner).flush()
    }
}

impl<'a> MakeWriter<'a> for SharedLog {
    type Writer = SharedLogWriter<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        SharedLogWriter(self)
    }
}

/// The log files in `dir`, current first, then older ones in order.
pub fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![dir.join(LOG_FILE)];
    files.extend((1..=64).map(|n| dir.join(format!("kyc-desk.{n}.log"))));
    files.into_iter().filter(|p| p.is_file()).collect()
}

/// The filter from [`LOG_ENV`], or [`DEFAULT_FILTER`] when it is unset or invalid.
pub fn filter_from_env() -> EnvFilter {
    std::env::var(LOG_ENV)
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER))
}

/// Sends this process's `tracing` events to a rotating file in `dir` and installs the panic
/// hook. Call once at start-up; a second call leaves the first subscriber in place.
pub fn init(dir: &Path, filter: EnvFilter, rotation: Rotation) -> io::Result<()> {
    let log = SharedLog(Arc::new(Mutex::new(RotatingFile::open(dir, rotation)?)));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(log)
        .with_ansi(false)
        .with_target(true)
        .try_init()
        .is_ok();
    if installed {
        install_panic_hook();
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        os = std::env::consts::OS,
        "KYC Desk started"
    );
    Ok(())
}

/// Logs a panic's location and thread, never its message: a message can quote any value
/// (an `expect` on a parsed field, a `Debug` of a case), and the log must stay free of
/// personal data. The default hook, which prints the message to stderr, is not kept.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        let thread = std::thread::current().name().unwrap_or("unnamed").to_owned();
        tracing::error!(location = location.as_deref().unwrap_or("unknown"), thread, "panic");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_log_rotates_and_keeps_only_the_newest_files() {
        let dir = tempfile::tempdir().unwrap();
        let rotation = Rotation { max_bytes: 100, keep: 2 };
        let mut log = RotatingFile::open(dir.path(), rotation).unwrap();
        for i in 0..10 {
            writeln!(log, "line {i:02} {}", "x".repeat(40)).unwrap();
        }
        log.flush().unwrap();
        let files = log_files(dir.path());
        assert_eq!(files.len(), 3, "current + 2 old: {files:?}");
        for f in &files {
            assert!(fs::metadata(f).unwrap().len() <= 100, "{} over the limit", f.display());
        }
        let current = fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert!(current.contains("line 09"), "the newest line is in the current file");
        let oldest = fs::read_to_string(dir.path().join("kyc-desk.2.log")).unwrap();
        assert!(!oldest.contains("line 00"), "the oldest lines were dropped");
        // Reopening appends to the current file.
        drop(log);
        let mut again = RotatingFile::open(dir.path(), rotation).unwrap();
        writeln!(again, "after restart").unwrap();
        assert!(fs::read_to_string(dir.path().join(LOG_FILE)).unwrap().contains("after restart"));
    }
}
