//! The reviewer's preferences, never case data, in two places:
//!
//! - the machine's `settings.json` in the app's data directory: what the login screen needs
//!   before anyone signs in — the last language and the last hub address;
//! - each account's `settings.json` in its account directory: that reviewer's language and
//!   idle-lock choice, applied at their sign-in (two reviewers sharing a machine keep their
//!   own). Signing out wipes the vault, not these.
//!
//! Window size and position are the window's (tauri-plugin-window-state, per machine). A file
//! that cannot be read or parsed is treated as empty: preferences are never worth refusing a
//! sign-in over.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ipc::Lang;

/// The file name, in the data directory and in each account directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// One settings file. Unknown keys are dropped on the next write.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// UI language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// The idle-lock timeout chosen (seconds; clamped into the hub policy at use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_lock_secs: Option<u32>,
    /// The hub address last signed in to (machine file only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_hub_url: Option<String>,
    /// The audit-chain head a supervisor's last check saw (account file only): the next check
    /// asks the hub whether the chain still extends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<kyc_proto::ChainHead>,
}

impl Settings {
    /// Reads `dir/settings.json`; missing or unreadable is empty.
    pub fn load(dir: &Path) -> Settings {
        std::fs::read(dir.join(SETTINGS_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Applies `change` to `dir/settings.json` and writes it back, private to the user,
    /// through a temporary file so a crash never leaves half a file.
    pub fn update(dir: &Path, change: impl FnOnce(&mut Settings)) -> std::io::Result<Settings> {
        let mut settings = Settings::load(dir);
        change(&mut settings);
        kyc_platform::private_fs::create_dir(dir)?;
        let tmp = dir.join(format!("{SETTINGS_FILE}.tmp"));
        let mut file = kyc_platform::private_fs::open_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        std::io::Write::write_all(&mut file, &serde_json::to_vec(&settings)?)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, dir.join(SETTINGS_FILE))?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_keep_other_keys_and_survive_garbage() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        Settings::update(dir.path(), |s| s.lang = Some(Lang::ZhCn)).unwrap();
        Settings::update(dir.path(), |s| s.idle_lock_secs = Some(600)).unwrap();
        let s = Settings::load(dir.path());
        assert_eq!((s.lang, s.idle_lock_secs), (Some(Lang::ZhCn), Some(600)));
        let text = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
        assert_eq!(text, r#"{"lang":"zh-CN","idle_lock_secs":600}"#, "the same codes as IPC");
        std::fs::write(dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default(), "garbage reads as empty");
    }
}
