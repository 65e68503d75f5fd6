//! The release configuration, checked so it cannot regress quietly: no devtools in any build
//! a reviewer gets, the hub-address prefill off outside demo builds, the CSP and the
//! capability exactly as reviewed, content protection on, a title without data. Changing any
//! of these must change this file too, in the same commit, where a reviewer sees it.

use std::process::Command;

use serde_json::Value;

fn tauri_conf() -> Value {
    serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap()
}

/// The CSP as reviewed: own scripts and styles only, media from the app's own scheme (and
/// the page's own Blob URLs on Linux: the face video, and the next case's prefetched images),
/// IPC, nothing inline, no plugins, no framing.
const REVIEWED_CSP: &[(&str, &str)] = &[
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' media: http://media.localhost blob:"),
    ("media-src", "'self' media: http://media.localhost blob:"),
    ("connect-src", "ipc: http://ipc.localhost media: http://media.localhost"),
    ("font-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    ("frame-ancestors", "'none'"),
];

#[test]
fn the_csp_is_the_reviewed_one() {
    let conf = tauri_conf();
    let csp = conf["app"]["security"]["csp"].as_object().expect("a CSP object");
    let mut got: Vec<(String, String)> =
        csp.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned())).collect();
    let mut want: Vec<(String, String)> =
        REVIEWED_CSP.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the CSP changed: review it and update REVIEWED_CSP");
    for (_, v) in &got {
        assert!(!v.contains("unsafe-"), "no unsafe-* source");
    }
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    assert!(security.get("dangerousDisableAssetCspModification").is_none());
    assert_eq!(conf["app"]["withGlobalTauri"], false);
}

#[test]
fn the_window_has_no_devtools_a_plain_title_and_content_protection() {
    let conf = tauri_conf();
    let windows = conf["app"]["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 1, "one window");
    let main = &windows[0];
    assert_eq!(main["label"], super::MAIN_WINDOW);
    // The title is a constant: nothing the app learns (a case, a user) ever goes into it.
    assert_eq!(main["title"], "KYC Desk");
    assert_eq!(main["contentProtected"], true, "content protection (Windows, macOS)");
    assert_ne!(main.get("devtools"), Some(&Value::Bool(true)), "devtools off");
    let src = include_str!("lib.rs");
    for call in ["set_title(", "open_devtools("] {
        assert!(!src.contains(&format!(".{call}")), "the shell never calls {call}");
    }
}

#[test]
fn no_build_enables_devtools_or_the_demo_by_default() {
    // The features Cargo resolves for the app on this target, exactly as `cargo build
    // --release` would. Offline, and only this target's packages: a fresh machine has not
    // downloaded the other platforms' (an unfiltered query fails there).
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", env!("KYC_DESK_BUILD_TARGET")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    let features_of = |name: &str| -> Vec<String> {
        let package = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("package {name}"));
        let node = nodes.iter().find(|n| n["id"] == package["id"]).unwrap();
        node["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().into()).collect()
    };
    let tauri = features_of("tauri");
    assert!(!tauri.iter().any(|f| f == "devtools"), "tauri's devtools feature is on: {tauri:?}");
    // The root package's default features must not turn the demo (hub prefill) on.
    let root = features_of("kyc-desk");
    assert!(!root.iter().any(|f| f == "demo"), "the demo feature is on by default: {root:?}");
    assert!(!features_of("kyc-app").iter().any(|f| f == "demo"));
}

#[test]
fn the_capability_grants_only_the_apps_own_commands_to_the_main_window() {
    let cap: Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
    assert_eq!(cap["windows"], serde_json::json!([super::MAIN_WINDOW]));
    assert!(cap.get("remote").is_none(), "no remote origin may call commands");
    for p in cap["permissions"].as_array().unwrap() {
        let p = p.as_str().expect("plain permission names");
        assert!(
            p.starts_with("allow-") && !p.contains(':'),
            "{p}: only the app's own commands, no plugin or core permission"
        );
    }
}
