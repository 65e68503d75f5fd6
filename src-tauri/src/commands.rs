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
    // supervisor queues and QA samples
    "audit_head",
    "supervisor_escalations",
    "decide_escalation",
    "supervisor_disputes",
    "resolve_dispute",
    "supervisor_samples",
    "supervisor_sample",
    "create_sample",
    // administrator mode
    "admin_accounts",
    "admin_create_account",
    "admin_set_disabled",
    "admin_set_role",
    "admin_reset_password",
    "admin_policy",
    "admin_save_policy",
    "admin_attention",
    "admin_resolve_attention",
    "admin_events",
];
