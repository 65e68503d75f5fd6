//! Types that cross IPC between the Rust core and the web UI.
//!
//! Everything here is what the webview may see: opaque ids, codes, counts, times, and personal
//! values only masked (see [`crate::mask`]) — except the one value [`crate::Desk::reveal`]
//! returns. Times are Unix milliseconds (`number` in TypeScript).

use kyc_proto::Secret;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Product name.
    pub name: String,
    /// Version of the app.
    pub version: String,
    /// Hub address to prefill on the login screen (`KYC_DESK_HUB_URL`); only in debug builds
    /// and builds with the `demo` feature, never in a release.
    pub default_hub_url: Option<String>,
    /// Demo accounts to list on the login screen (demo builds only; names and roles, no
    /// passwords).
    pub demo_accounts: Vec<DemoAccount>,
    /// The operating system, for the media URL form and video playback path.
    pub platform: Platform,
}

/// A demo account offered on the login screen of a demo build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoAccount {
    /// Account name.
    pub username: String,
    /// Its role.
    pub role: Role,
}

/// The operating system the app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// Linux (WebKitGTK: videos through `fetch` → Blob).
    Linux,
    /// Windows (WebView2: media at `http://media.localhost/…`).
    Windows,
    /// macOS (WKWebView).
    Macos,
}

impl Platform {
    /// The platform this build runs on.
    pub fn current() -> Platform {
        if cfg!(target_os = "windows") {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::Macos
        } else {
            Platform::Linux
        }
    }
}

/// What the login form sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// Hub address, e.g. `https://hub.example.org` or `http://127.0.0.1:8443`.
    pub hub_url: String,
    /// Account name.
    pub user: String,
    /// Password: a `Secret`, zeroed on drop and never printed.
    #[ts(type = "string")]
    pub password: Secret,
}

/// An account's role on the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Leases, reviews and decides cases.
    Reviewer,
    /// Audits decisions.
    Supervisor,
    /// Manages accounts and policy.
    Admin,
}

/// A signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Opaque account id (shown in watermarks).
    pub user_id: String,
    /// The account name as typed at sign-in.
    pub username: String,
    /// Role on the hub.
    pub role: Role,
}

/// Where the desk is in its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nobody is signed in (the login screen).
    SignedOut,
    /// Signed in and the vault open.
    Unlocked,
    /// Signed in, the vault's key dropped: the lock screen.
    Locked,
}

/// Why the desk is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// No activity for the idle timeout.
    Idle,
    /// The reviewer locked (button, `Ctrl+L`).
    Manual,
    /// The operating system's session locked (logind, the screensaver, Windows, macOS).
    OsLocked,
    /// The machine went to sleep, or resumed from it (seen by the clock-jump fallback).
    Suspend,
}

/// Which OS signal locks the desk when the machine does (the strongest one running).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockWatch {
    /// logind: session lock, lock hint, and sleep (locked before the machine sleeps).
    Logind,
    /// Only the desktop's screensaver: session lock, no warning before sleep.
    Screensaver,
    /// Windows' session and power notifications.
    Windows,
    /// macOS' screen-lock and sleep notifications.
    Macos,
    /// Only the fallback: a jump of the wall clock locks on resume from sleep.
    TimeJump,
}

/// Why the desk is signed out, when the login screen should say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignedOutReason {
    /// The reviewer signed out; the vault was wiped.
    SignedOut,
    /// The account was revoked on the hub; the vault was wiped.
    Revoked,
    /// Too many wrong passwords; the vault wiped itself.
    TooManyAttempts,
}

/// What the background push is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PushState {
    /// Nothing to push, or waiting for the next look.
    Idle,
    /// Pushing now.
    Pushing,
    /// The hub could not be reached; retrying with backoff.
    Retrying,
    /// The hub no longer accepts the session: unlock (sign in) again to push.
    SignInRequired,
    /// Not running (signed out or locked).
    Stopped,
}

/// The whole state the shell of the UI renders from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeskState {
    /// Session phase.
    pub phase: Phase,
    /// The account, when signed in (also while locked).
    pub session: Option<Session>,
    /// Whether the hub answered the last call.
    pub online: bool,
    /// Decisions recorded and not yet accepted by the hub (including those in the undo
    /// window).
    pub pending_push: u32,
    /// What the push is doing.
    pub push: PushState,
    /// Idle seconds after which the desk locks itself.
    pub idle_lock_secs: u32,
    /// Shortest idle-lock timeout the hub's policy allows (`set_idle_lock`).
    pub idle_lock_min_secs: u32,
    /// Longest idle-lock timeout the hub's policy allows.
    pub idle_lock_max_secs: u32,
    /// Set when this session's start or unlock wiped the case data because the vault had not
    /// reached the hub for the policy's maximum offline time.
    pub offline_wipe: Option<OfflineWipeNotice>,
    /// Why it is locked (only when locked).
    pub lock_reason: Option<LockReason>,
    /// What tells the desk the machine locked or slept (`None` until the watch started).
    pub lock_watch: Option<LockWatch>,
    /// Why it is signed out (only when signed out, and only when the UI must say so).
    pub signed_out_reason: Option<SignedOutReason>,
    /// The explanation and catalogue language.
    pub lang: Lang,
}

/// What the maximum-offline rule wiped, for the notice the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OfflineWipeNotice {
    /// Cases removed with all their data.
    pub cases_removed: u32,
    /// Decisions kept (their case data is gone); they are pushed when the hub is reachable.
    pub kept_decisions: u32,
    /// The policy's maximum offline time, in hours.
    pub max_offline_hours: u32,
}

/// UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

/// Something that changed, pushed to the UI through the channel given to `subscribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskEvent {
    /// The desk state changed (phase, online, pending count, push status...).
    State {
        /// The new state.
        state: DeskState,
    },
    /// Cases were added, decided, pushed, renewed or dropped: reload the queue.
    QueueChanged,
}

/// Progress of a pull, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PullProgress {
    /// Cases finished (stored or failed).
    pub done: u32,
    /// Cases leased by this pull.
    pub total: u32,
    /// Media bytes downloaded.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Media bytes of all leased cases.
    #[ts(type = "number")]
    pub bytes_total: u64,
}

/// A case that a pull could not make ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PullFailed {
    /// The case.
    pub case_id: String,
    /// Why, as a code (`digest`, `size`, `content_type`, `media`, `lease_lost`,
    /// `unavailable`, `vault`).
    pub reason: String,
}

/// What a pull did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PullSummary {
    /// Cases now ready.
    pub pulled: u32,
    /// Cases that did not arrive.
    pub failed: Vec<PullFailed>,
    /// Whether the pull was cancelled.
    pub cancelled: bool,
}

/// A case's state as the queue shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    /// Ready to review.
    Ready,
    /// Decided, still in the undo window (not yet in the outbox).
    Decided,
    /// Decided and saved; waiting for the hub's answer.
    WaitingPush,
    /// The hub refused: lease lost or decided elsewhere (`stateDetail` says why).
    Conflict,
    /// The hub found the decision invalid (`stateDetail` names the rule).
    Failed,
}

/// Kind of case (the wire codes of `kyc_model::CaseKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CaseKindCode {
    /// Individual, ID card + face video.
    IndividualIdCard,
    /// Individual, bank card + phone + face image.
    IndividualBankCard,
    /// Individual, passport / foreign licence / Home Visit Permit.
    IndividualOtherDocument,
    /// Enterprise certificate.
    EnterpriseCertificate,
    /// Enterprise bank account.
    EnterpriseAccount,
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    /// Opaque case id.
    pub case_id: String,
    /// Kind of case.
    pub kind: CaseKindCode,
    /// `normal` or `high`.
    pub priority: String,
    /// Local state.
    pub state: QueueState,
    /// The hub's reason code for a conflict or failure.
    pub state_detail: Option<String>,
    /// When the lease ends (Unix ms).
    #[ts(type = "number")]
    pub lease_expires_at: i64,
    /// Until when the decision can be undone (Unix ms), while in the undo window.
    #[ts(type = "number | null")]
    pub undo_until: Option<i64>,
    /// Number of media objects.
    pub n_media: u32,
}

/// One applicant or document field, masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldView {
    /// Stable key, also the argument of `reveal` (`applicant.name`, `doc.0.number`, ...).
    pub key: String,
    /// i18n key of the label (`field.name`, `field.id_number`, ...).
    pub label: String,
    /// The masked value.
    pub masked: String,
    /// Whether revealing shows more than the mask.
    pub revealable: bool,
}

/// What a media object is in the case view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MediaRole {
    /// A document image.
    Image,
    /// The face video.
    Video,
    /// A still face image.
    Face,
}

/// A media object of a document; its bytes come from `media://localhost/<mediaId>/<variant>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MediaView {
    /// Opaque media id.
    pub media_id: String,
    /// MIME type of the variant to show (`image/jpeg` renditions, or the video's type).
    pub content_type: String,
    /// Variants available: `display` and `thumbnail` for images, `original` for video.
    pub variants: Vec<String>,
    /// What it is.
    pub role: MediaRole,
}

/// One document of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    /// Position in the case (`doc.<index>.…` field keys use it).
    pub index: u32,
    /// Document kind code (`id_card_front`, `face_video`, ...), also its i18n key.
    pub kind: String,
    /// Whose document (`applicant`, `legal_representative`, `authorised_person`).
    pub subject: String,
    /// Its fields, masked.
    pub fields: Vec<FieldView>,
    /// Its images or video.
    pub media: Vec<MediaView>,
}

/// Outcome of one automated check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckSeverity {
    /// The rule is broken.
    Fail,
    /// Holds, with a warning (expires soon).
    Warn,
    /// Holds.
    Pass,
    /// Does not apply.
    NotApplicable,
}

/// One automated check, explained in the desk's language with personal parameters masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckView {
    /// Check code (`id_number`, `mrz`, ...).
    pub check: String,
    /// Explanation key (`id_number.check_digit`, ...).
    pub key: String,
    /// Outcome.
    pub severity: CheckSeverity,
    /// The sentence, masked.
    pub explanation: String,
    /// `reveal` key that shows the unmasked sentence (`check.<index>`), when masking hid
    /// something.
    pub reveal_key: Option<String>,
}

/// A decision as the case view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    /// `approve`, `reject`, `request_resubmission`, `escalate`.
    pub outcome: String,
    /// Reason codes.
    pub reasons: Vec<String>,
    /// Document kinds asked again.
    pub documents: Vec<String>,
}

/// The case view: everything personal is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseView {
    /// Opaque case id.
    pub case_id: String,
    /// Kind of case.
    pub kind: CaseKindCode,
    /// `normal` or `high`.
    pub priority: String,
    /// Queue state.
    pub state: QueueState,
    /// When the lease ends (Unix ms).
    #[ts(type = "number")]
    pub lease_expires_at: i64,
    /// The applicant's declared fields, masked.
    pub fields: Vec<FieldView>,
    /// The evidence.
    pub documents: Vec<DocumentView>,
    /// Checks, failures first.
    pub checks: Vec<CheckView>,
    /// Whether the consent record permits approval (approve is refused otherwise).
    pub consent_given: bool,
    /// Document kinds a resubmission may name (those of this case).
    pub resubmittable: Vec<String>,
    /// The decision, once made.
    pub decision: Option<DecisionView>,
    /// Reviewer id and pull time for the live watermark overlay.
    pub watermark: String,
}

/// A decision's outcome as the decision panel sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCode {
    /// Approve.
    Approve,
    /// Reject with reasons.
    Reject,
    /// Ask for documents again.
    Resubmit,
    /// Hand to a senior reviewer.
    Escalate,
}

/// What the decision panel sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionInput {
    /// The case.
    pub case_id: String,
    /// What was decided.
    pub outcome: OutcomeCode,
    /// Reason codes from the catalogue (reject: at least one).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Document kind codes (resubmit: at least one).
    #[serde(default)]
    pub documents: Vec<String>,
    /// A note (required with reason `other`).
    #[serde(default)]
    pub note: Option<String>,
    /// Free text for the applicant (reject and resubmit only; the note never reaches them).
    #[serde(default)]
    #[ts(optional)]
    pub applicant_text: Option<String>,
}

/// One rejection reason of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReasonOption {
    /// Stable code.
    pub code: String,
    /// Label in the desk's language.
    pub label: String,
}

/// What signing out did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignOutReport {
    /// The vault directory is gone.
    pub wiped: bool,
    /// Unpushed decisions discarded (after the typed confirmation).
    pub discarded: u32,
    /// Undecided cases handed back to the hub.
    pub released: u32,
}

/// What went into a support bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SupportBundleReport {
    /// Entries in the zip.
    pub entries: u32,
    /// Size of the zip in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

// ----- supervisor mode -----

/// The supervisor's filters for the decisions table; every field optional. Paged on the hub.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionFilter {
    /// `approve`, `reject`, `request_resubmission` or `escalate`.
    #[serde(default)]
    pub outcome: Option<String>,
    /// `true`: only decisions waiting for four-eyes confirmation.
    #[serde(default)]
    pub waiting: Option<bool>,
    /// `pending`, `agreed` or `overturned`.
    #[serde(default)]
    pub verdict: Option<String>,
    /// Rows to skip.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub offset: Option<u64>,
    /// Only this reviewer's decisions (opaque account id).
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Only cases of this kind (kind code).
    #[serde(default)]
    pub kind: Option<String>,
    /// Recorded at or after (RFC 3339).
    #[serde(default)]
    pub from: Option<String>,
    /// Recorded before (RFC 3339).
    #[serde(default)]
    pub to: Option<String>,
    /// `waiting_first` (the default), `newest` or `oldest`.
    #[serde(default)]
    pub sort: Option<String>,
}

/// One row of the decisions table. No personal data: ids, codes, times; the note only as
/// "there is one".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRow {
    /// The hub's decision number.
    #[ts(type = "number")]
    pub decision_id: i64,
    /// The case (opaque id).
    pub case_id: String,
    /// Case kind code.
    pub kind: String,
    /// Who decided (opaque account id).
    pub reviewer: String,
    /// Whether the signed-in supervisor made it (no verdict on one's own decision).
    pub own: bool,
    /// Outcome code (`approve`, `reject`, `request_resubmission`, `escalate`).
    pub outcome: String,
    /// Reason labels, in the desk's language.
    pub reasons: Vec<String>,
    /// `reviewer`, `escalation` or `correction`.
    pub source: String,
    /// The case's state code now.
    pub case_state: String,
    /// Seconds this decision has waited for four-eyes confirmation (hub clock), if it does.
    #[ts(type = "number | null")]
    pub waiting_secs: Option<i64>,
    /// When the hub recorded it (RFC 3339).
    pub recorded_at: String,
    /// Handling time in seconds (hub-clamped active time).
    #[ts(type = "number | null")]
    pub handling_secs: Option<i64>,
    /// `agree` or `overturn`, once given.
    pub verdict: Option<String>,
    /// Whether the reviewer wrote a note (shown with the case's evidence, not in the table).
    pub has_note: bool,
    /// For a supervisor's correction: the decision it overturned and supersedes.
    #[ts(type = "number | null")]
    pub supersedes: Option<i64>,
    /// The correction that superseded this decision, if any.
    #[ts(type = "number | null")]
    pub superseded_by: Option<i64>,
}

/// One page of the decisions table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionsPage {
    /// The rows, in the hub's order (waiting for confirmation first).
    pub rows: Vec<DecisionRow>,
    /// Matching rows in all pages.
    #[ts(type = "number")]
    pub total: u64,
    /// Offset of the next page.
    #[ts(type = "number | null")]
    pub next_offset: Option<u64>,
}

/// One audit record of a case, as the supervisor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditLine {
    /// Position in the chain.
    #[ts(type = "number")]
    pub seq: i64,
    /// When the hub recorded it (RFC 3339).
    pub at: String,
    /// Who (opaque account id), if anyone.
    pub actor: Option<String>,
    /// What: the record's kind code (`case_leased`, `decision_applied`, `client`, …).
    pub what: String,
    /// For a workstation event: its own kind (`case_opened`, `field_revealed`, …).
    pub event: Option<String>,
    /// For `field_revealed`: which field (a reveal key such as `applicant.name`).
    pub field: Option<String>,
    /// For `field_revealed`: the reason given (empty once retention purged it).
    pub reason: Option<String>,
}

/// A case as a supervisor audits it: its decisions and its audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditedCase {
    /// The case.
    pub case_id: String,
    /// Kind code.
    pub kind: String,
    /// State code.
    pub state: String,
    /// Its decisions, oldest first.
    pub decisions: Vec<DecisionRow>,
    /// Its audit records, in chain order.
    pub audit: Vec<AuditLine>,
    /// What an overturn does now, by the hub's policy for the kind: `correct` (the
    /// supervisor's corrected outcome is recorded and supersedes) or `requeue`.
    pub overturn_action: String,
    /// Document kinds a corrected outcome or a supervisor's decision may ask again (those of
    /// this case; none once purged).
    pub resubmittable: Vec<String>,
    /// Whether the consent record permits approval.
    pub consent_given: bool,
    /// The reviewers' and supervisors' notes of its decisions (the case's evidence view only).
    pub notes: Vec<DecisionNote>,
    /// The evidence, masked as a reviewer sees it, its media held in memory for this view
    /// (`media://`); `None` once retention purged the case.
    pub evidence: Option<CaseView>,
}

/// A supervisor's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerdictInput {
    /// The decision judged.
    #[ts(type = "number")]
    pub decision_id: i64,
    /// `true` agrees (and confirms a four-eyes decision); `false` overturns.
    pub agree: bool,
    /// Required to overturn.
    #[serde(default)]
    pub note: Option<String>,
    /// The supervisor's outcome, for an overturn where the policy says `correct`.
    #[serde(default)]
    pub corrected: Option<CorrectionInput>,
}

/// A supervisor's corrected outcome: approve, reject with reasons, or resubmission of named
/// documents (never an escalation).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrectionInput {
    /// The outcome.
    pub outcome: OutcomeCode,
    /// Reason codes from the catalogue (reject: at least one).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Document kind codes (resubmit: at least one).
    #[serde(default)]
    pub documents: Vec<String>,
}

/// What the hub did with a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerdictResult {
    /// The case's state code after it.
    pub case_state: String,
    /// For an overturn: `correct` or `requeue`.
    pub action: Option<String>,
    /// For an overturn with a correction: the new decision's number.
    #[ts(type = "number | null")]
    pub correction_id: Option<i64>,
}

/// The audit chain as the hub verified it, and whether it still extends the head this
/// account saw last time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditCheck {
    /// Records checked.
    #[ts(type = "number")]
    pub records: i64,
    /// Every link holds.
    pub intact: bool,
    /// Verified from the first record through this one.
    #[ts(type = "number")]
    pub verified_through: i64,
    /// The first broken record, if any.
    #[ts(type = "number | null")]
    pub first_broken_seq: Option<i64>,
    /// The head remembered from the last check (`seq`), if there was one.
    #[ts(type = "number | null")]
    pub previous_head_seq: Option<i64>,
    /// `extends`, `rewritten` or `truncated` against that head.
    pub against_previous: Option<String>,
    /// The chain's head now, to export: `seq:hash`.
    pub head: Option<String>,
}

// ----- supervisor mode: the queues (escalations, disputes) and QA samples -----

/// A case in the supervisors' queue: a reviewer escalated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EscalationRow {
    /// The case.
    pub case_id: String,
    /// Kind code.
    pub kind: String,
    /// The escalation decision's number (the queue entry).
    #[ts(type = "number")]
    pub decision_id: i64,
    /// Who escalated (opaque account id).
    pub escalated_by: String,
    /// When the hub recorded it (RFC 3339).
    pub escalated_at: String,
    /// Seconds it has waited (hub clock).
    #[ts(type = "number")]
    pub waiting_secs: i64,
}

/// One slot's decision of a disputed double review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SlotRow {
    /// 1 or 2.
    pub slot: u8,
    /// The decision's number.
    #[ts(type = "number")]
    pub decision_id: i64,
    /// Who decided the slot (opaque account id).
    pub reviewer: String,
    /// Outcome code.
    pub outcome: String,
}

/// A double review whose two slots disagreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DisputeRow {
    /// The case.
    pub case_id: String,
    /// Kind code.
    pub kind: String,
    /// Both slots, slot 1 first.
    pub slots: Vec<SlotRow>,
    /// When the second slot was decided (RFC 3339).
    pub disputed_at: String,
    /// Seconds it has waited (hub clock).
    #[ts(type = "number")]
    pub waiting_secs: i64,
}

/// What became of a supervisor's decision on an escalated or disputed case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueDecided {
    /// The decision's number.
    #[ts(type = "number")]
    pub decision_id: i64,
    /// The case's state after it.
    pub case_state: String,
    /// The hub had it already (a retry of a decision whose answer was lost): nothing new.
    pub duplicate: bool,
}

/// A new QA review list, as the supervisor asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SampleInput {
    /// A name for people, 1..=100 characters.
    pub name: String,
    /// Share of each reviewer's decisions of each kind, 1..=100.
    pub percent: u32,
    /// Window start (RFC 3339).
    pub from: String,
    /// Window end, exclusive (RFC 3339).
    pub to: String,
    /// 1..=64 of `A-Z a-z 0-9 _ -`; absent: the hub draws one.
    #[serde(default)]
    pub seed: Option<String>,
}

/// A review list without its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SampleRow {
    /// The list's id.
    pub sample_id: String,
    /// Its name.
    pub name: String,
    /// Share drawn.
    pub percent: u32,
    /// Window start (RFC 3339).
    pub from: String,
    /// Window end, exclusive (RFC 3339).
    pub to: String,
    /// The draw's seed.
    pub seed: String,
    /// Who drew it (opaque account id).
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// Decisions in the list.
    #[ts(type = "number")]
    pub size: u64,
    /// Of those, with a verdict: the progress.
    #[ts(type = "number")]
    pub judged: u64,
}

/// One stratum (reviewer × kind) of a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SampleStratumRow {
    /// The reviewer (opaque account id).
    pub reviewer: String,
    /// Kind code.
    pub kind: String,
    /// Eligible decisions in the window.
    #[ts(type = "number")]
    pub eligible: u64,
    /// Drawn.
    #[ts(type = "number")]
    pub drawn: u64,
}

/// One decision of a review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SampleMemberRow {
    /// The decision's number.
    #[ts(type = "number")]
    pub decision_id: i64,
    /// Its case.
    pub case_id: String,
    /// Kind code.
    pub kind: String,
    /// Who decided (opaque account id).
    pub reviewer: String,
    /// `agree` or `overturn`, once given.
    pub verdict: Option<String>,
}

/// A review list with its strata and members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SampleDetail {
    /// The list and its progress.
    pub summary: SampleRow,
    /// By reviewer and kind.
    pub strata: Vec<SampleStratumRow>,
    /// By decision number.
    pub members: Vec<SampleMemberRow>,
}

// ----- administrator mode -----

/// An account's role as the administrator manages it: the desk's roles and `service`, an
/// upstream system that only feeds cases in (it never signs in to the desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// Leases, reviews and decides cases.
    Reviewer,
    /// Audits decisions.
    Supervisor,
    /// Manages accounts and policy.
    Admin,
    /// Feeds cases in.
    Service,
}

/// One account as the administrator's table shows it: ids, name, role and flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountRow {
    /// Opaque account id.
    pub user_id: String,
    /// Login handle.
    pub username: String,
    /// Role.
    pub role: AccountRole,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Its password was set by an administrator and not yet replaced by its owner.
    pub password_change_required: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// The signed-in administrator's own account: its role and its enabled state cannot be
    /// changed here.
    pub own: bool,
}

/// A new account: a name and a role; the hub makes its one-time password.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAccount {
    /// Login handle: 3 to 64 of `a-z 0-9 . _ -`.
    pub username: String,
    /// Role.
    pub role: AccountRole,
}

/// An account with the one-time password the hub just made for it (creation or reset). Shown
/// once by the UI: the desk neither logs nor keeps it, and the hub never sends it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OneTimePassword {
    /// The account.
    pub account: AccountRow,
    /// The password its owner signs in with once, then replaces.
    #[ts(type = "string")]
    pub password: Secret,
}

/// A four-eyes rule as the policy form edits it (hub wire codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FourEyesRuleForm {
    /// Case kind code; `null`: every kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// `approve`, `reject` or `request_resubmission`.
    pub outcome: String,
    /// Reason codes, any of which matches; empty: every decision with the outcome.
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// What an overturn does for one case kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OverturnForm {
    /// Case kind code.
    pub kind: String,
    /// `correct` or `requeue`.
    pub action: String,
}

/// The hub's whole policy as the form edits it; Save sends all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyForm {
    /// Lease length, seconds.
    pub lease_secs: u32,
    /// Retention after the final decision, days.
    pub retention_days: u32,
    /// Lease length of a pull for offline work, hours.
    pub offline_lease_hours: u32,
    /// Hours without the hub after which a workstation's case data is wiped.
    pub max_offline_hours: u32,
    /// Shortest idle-lock timeout a reviewer may choose, seconds.
    pub idle_lock_min_secs: u32,
    /// Longest idle-lock timeout a reviewer may choose, seconds.
    pub idle_lock_max_secs: u32,
    /// Share of new cases marked for blind double review, percent.
    pub double_review_percent: u32,
    /// Four-eyes rules by kind × outcome × reason.
    pub four_eyes_rules: Vec<FourEyesRuleForm>,
    /// Overturn action per case kind (a kind not listed is requeued).
    pub overturn_actions: Vec<OverturnForm>,
}

/// The bounds and unit of one numeric policy field, from the hub's own constants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyFieldBounds {
    /// The field (`lease_secs`, …, as the hub names it).
    pub field: String,
    /// Lowest allowed.
    pub min: u32,
    /// Highest allowed.
    pub max: u32,
    /// `seconds`, `hours`, `days` or `percent`.
    pub unit: String,
}

/// The policy with what the form needs to edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdminPolicy {
    /// The policy as the hub stores it.
    pub policy: PolicyForm,
    /// Each numeric field's bounds and unit.
    pub bounds: Vec<PolicyFieldBounds>,
}

/// A policy field that does not pass, for the form to show next to the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyFieldError {
    /// The field (`lease_secs`, `four_eyes_rules`, …).
    pub field: String,
    /// `out_of_range`, `offline_below_lease`, `idle_lock_min_above_max`,
    /// `escalation_confirmation`, `reasons_without_outcome`, `too_many_rules` or `duplicate`.
    pub rule: String,
    /// For `out_of_range`: the lowest allowed.
    pub min: Option<u32>,
    /// For `out_of_range`: the highest allowed.
    pub max: Option<u32>,
    /// The same in an English sentence (names the field and its bounds, never the value).
    pub message: String,
}

/// What Save did: the policy as stored, or the fields that kept it from being sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PolicySave {
    /// The hub stored it.
    Saved {
        /// The policy as stored.
        policy: PolicyForm,
    },
    /// Nothing was sent: these fields do not pass.
    Refused {
        /// One entry per field that does not pass.
        errors: Vec<PolicyFieldError>,
    },
}

/// A case that needs attention, as the administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttentionRow {
    /// The case (opaque id).
    pub case_id: String,
    /// Case kind code.
    pub kind: String,
    /// The media object found unusable (opaque id).
    pub media_id: String,
    /// What the workstation reported (`corrupt`, `digest_mismatch`, …).
    pub reported: String,
    /// The rule the hub's own check found broken (`media_corrupt`, …).
    pub rule: String,
    /// Who reported it (opaque account id).
    pub reported_by: String,
    /// When the hub confirmed it (RFC 3339).
    pub confirmed_at: String,
}

/// What to do with a case that needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AttentionChoice {
    /// Back into the reviewers' queue.
    ReturnToQueue,
    /// Closed as unusable (final).
    CloseUnusable,
}

/// The case's state after it was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttentionDone {
    /// `open` or `closed_unusable`.
    pub case_state: String,
}

/// One changed policy field in an administrative event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyChangeLine {
    /// The field.
    pub field: String,
    /// Its value before (compact JSON).
    pub from: String,
    /// Its value after.
    pub to: String,
}

/// One administrative audit record: codes, opaque ids and policy values only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdminEventLine {
    /// Position in the chain.
    #[ts(type = "number")]
    pub seq: i64,
    /// When the hub recorded it (RFC 3339).
    pub at: String,
    /// Who (opaque account id); none for the hub's command line.
    pub actor: Option<String>,
    /// The kind: `account_created`, `account_disabled_changed`, `account_role_changed`,
    /// `password_reset`, `policy_changed` or `attention_resolved`.
    pub what: String,
    /// The account concerned (opaque id).
    pub target: Option<String>,
    /// The case concerned (opaque id).
    pub case_id: Option<String>,
    /// `account_created`: the role; `account_role_changed`: the new role.
    pub role: Option<AccountRole>,
    /// `account_role_changed`: the role before.
    pub from_role: Option<AccountRole>,
    /// `account_disabled_changed`: the new state.
    pub disabled: Option<bool>,
    /// `attention_resolved`: `return_to_queue` or `close_unusable`.
    pub action: Option<String>,
    /// `policy_changed`: each changed field.
    pub changes: Vec<PolicyChangeLine>,
}

// ----- supervisor mode: evidence notes and statistics -----

/// The free-text notes of one decision, shown with the case's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionNote {
    /// The decision.
    #[ts(type = "number")]
    pub decision_id: i64,
    /// The decider's note (the reviewer's, or a supervisor's on an escalation).
    pub note: Option<String>,
    /// The supervisor's verdict note, if a verdict was given with one.
    pub verdict_note: Option<String>,
}

/// The statistics' time range: whole UTC days, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatsRange {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (at most 366 days after `from`).
    pub to: String,
}

/// Decisions of one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DayFigure {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Decisions recorded that day.
    pub decisions: u32,
}

/// The figures of a set of decisions (the hub's `Figures`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatsFigures {
    /// Decisions recorded.
    pub decisions: u32,
    /// Approvals.
    pub approved: u32,
    /// Rejections.
    pub rejected: u32,
    /// Resubmission requests.
    pub resubmission_requested: u32,
    /// Escalations.
    pub escalated: u32,
    /// Median handling time in seconds (hub-clamped active time).
    pub median_handling_secs: Option<f64>,
    /// 90th percentile of the handling time in seconds.
    pub p90_handling_secs: Option<f64>,
    /// Decisions with a verdict.
    pub verdicts: u32,
    /// Of those, overturned.
    pub overturned: u32,
    /// `overturned / verdicts`, 0..=1.
    pub overturn_rate: Option<f64>,
    /// Decisions waiting for four-eyes confirmation now.
    pub awaiting_confirmation: u32,
    /// Decisions per UTC day, days without any left out, oldest first.
    pub per_day: Vec<DayFigure>,
}

/// One reviewer's figures.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewerFigures {
    /// The reviewer (opaque account id).
    pub reviewer: String,
    /// Their figures.
    pub figures: StatsFigures,
}

/// Blind double review: how often two reviewers gave the same outcome.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PairFigures {
    /// One reviewer (the smaller id).
    pub first: String,
    /// The other.
    pub second: String,
    /// Double reviews both decided.
    pub cases: u32,
    /// Of those, with the same outcome.
    pub agreed: u32,
    /// `agreed / cases`, 0..=1.
    pub agreement_rate: f64,
    /// Cohen's kappa; `None` when undefined.
    pub kappa: Option<f64>,
}

/// The statistics over a range, per reviewer and in total. Ids, codes and numbers only.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    /// The range asked for (first and last day).
    pub from: String,
    /// Last day.
    pub to: String,
    /// All decisions in the range.
    pub total: StatsFigures,
    /// Each reviewer with decisions in the range, by id.
    pub reviewers: Vec<ReviewerFigures>,
    /// Decisions waiting for four-eyes confirmation now, whatever the range.
    pub four_eyes_backlog: u32,
    /// The longest of those waits in seconds (hub clock).
    #[ts(type = "number | null")]
    pub oldest_wait_secs: Option<i64>,
    /// Agreement per reviewer pair.
    pub agreement: Vec<PairFigures>,
}

/// Where the statistics' CSV was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CsvExport {
    /// The file (its name has the range and the export time, no personal data).
    pub path: String,
    /// Data rows written (the header not counted).
    pub rows: u32,
}
