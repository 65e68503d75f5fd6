// The app's own commands: the list `build_app` wires, that `build.rs` declares in the app
// manifest (each needs an explicit permission in a capability, so a command missing here
// cannot be called from the webview at all), and that the capability test compares with
// `capabilities/main.json`. One list, included by both.

/// The commands, by name.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "sign_in",
    "unlock",
    "lock",
    "desk_state",
    "activity",
    "subscribe",
    "pull",
    "cancel_pull",
    "queue",
    "open_case",
    "close_case",
    "peek_case",
    "reveal",
    "reason_catalogue",
    "decide",
    "undo_decision",
    "dismiss_case",
    "sign_out",
    "set_language",
    "export_support_bundle",
    "set_idle_lock",
    "supervisor_decisions",
    "supervisor_case",
    "give_verdict",
    "verify_audit",
    // Supervisor mode: the open case's evidence, statistics.
    "supervisor_open_evidence",
    "supervisor_close_case",
    "supervisor_trail",
    "supervisor_evidence",
    "supervisor_stats",
    "export_stats_csv",
];
