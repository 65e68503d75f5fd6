//! The privacy scan of everything the app and its webview wrote: every file under the app's
//! temporary home (data, config, cache, state, temporary files — WebKit's cache, storage and
//! logs included) searched for every planted personal value in every encoding kyc-scan knows.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use kyc_scan::{Marker, Scanner};

/// Scans `home` and fails, naming markers by label only, on any hit. Returns how many files
/// and bytes were read, so a caller can print that the scan really looked at something.
pub fn assert_clean(stage: &str, home: &Path, markers: &[Marker]) -> Result<(usize, u64)> {
    let report = Scanner::new(markers).scan_dir(home)?;
    eprintln!(
        "privacy scan [{stage}]: {} files, {} bytes, {} hits",
        report.files.len(),
        report.bytes_scanned,
        report.hits.len()
    );
    if !report.is_clean() {
        bail!("privacy scan [{stage}]: personal data on disk:\n{report}");
    }
    Ok((report.files.len(), report.bytes_scanned))
}

/// Every file under `dir`, relative to it, sorted.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir)?.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}
