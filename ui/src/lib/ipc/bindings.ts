// Generated from the Rust IPC types in crates/kyc-app by `cargo xtask bindings`.
// Do not edit by hand: a test fails when this file is stale.

export type ErrorCode = "invalid" | "wrong_password" | "locked" | "offline" | "hub_unreachable" | "insecure_hub" | "revoked" | "in_use" | "pending_decisions" | "conflict" | "integrity" | "not_found" | "online_sign_in_required" | "forbidden" | "wiped" | "cancelled" | "rate_limited" | "internal" | "update_required" | "hub_outdated";

export type AppError = { 
/**
 * What the UI acts on.
 */
code: ErrorCode, 
/**
 * A sentence for the user, without personal data.
 */
message: string, };

export type Platform = "linux" | "windows" | "macos";

export type DemoAccount = { 
/**
 * Account name.
 */
username: string, 
/**
 * Its role.
 */
role: Role, };

export type AppInfo = { 
/**
 * Product name.
 */
name: string, 
/**
 * Version of the app.
 */
version: string, 
/**
 * Hub address to prefill on the login screen (`KYC_DESK_HUB_URL`); only in debug builds
 * and builds with the `demo` feature, never in a release.
 */
defaultHubUrl: string | null, 
/**
 * Demo accounts to list on the login screen (demo builds only; names and roles, no
 * passwords).
 */
demoAccounts: Array<DemoAccount>, 
/**
 * The operating system, for the media URL form and video playback path.
 */
platform: Platform, };

export type LoginRequest = { 
/**
 * Hub address, e.g. `https://hub.example.org` or `http://127.0.0.1:8443`.
 */
hubUrl: string, 
/**
 * Account name.
 */
user: string, 
/**
 * Password: a `Secret`, zeroed on drop and never printed.
 */
password: string, };

export type Role = "reviewer" | "supervisor" | "admin";

export type Session = { 
/**
 * Opaque account id (shown in watermarks).
 */
userId: string, 
/**
 * The account name as typed at sign-in.
 */
username: string, 
/**
 * Role on the hub.
 */
role: Role, };

export type Phase = "signed_out" | "unlocked" | "locked";

export type LockReason = "idle" | "manual" | "os_locked" | "suspend";

export type LockWatch = "logind" | "screensaver" | "windows" | "macos" | "time_jump";

export type SignedOutReason = "signed_out" | "revoked" | "too_many_attempts";

export type PushState = "idle" | "pushing" | "retrying" | "sign_in_required" | "stopped";

export type OfflineWipeNotice = { 
/**
 * Cases removed with all their data.
 */
casesRemoved: number, 
/**
 * Decisions kept (their case data is gone); they are pushed when the hub is reachable.
 */
keptDecisions: number, 
/**
 * The policy's maximum offline time, in hours.
 */
maxOfflineHours: number, };

export type Lang = "en" | "zh-CN";

export type DeskState = { 
/**
 * Session phase.
 */
phase: Phase, 
/**
 * The account, when signed in (also while locked).
 */
session: Session | null, 
/**
 * Whether the hub answered the last call.
 */
online: boolean, 
/**
 * Decisions recorded and not yet accepted by the hub (including those in the undo
 * window).
 */
pendingPush: number, 
/**
 * What the push is doing.
 */
push: PushState, 
/**
 * Idle seconds after which the desk locks itself.
 */
idleLockSecs: number, 
/**
 * Shortest idle-lock timeout the hub's policy allows (`set_idle_lock`).
 */
idleLockMinSecs: number, 
/**
 * Longest idle-lock timeout the hub's policy allows.
 */
idleLockMaxSecs: number, 
/**
 * Set when this session's start or unlock wiped the case data because the vault had not
 * reached the hub for the policy's maximum offline time.
 */
offlineWipe: OfflineWipeNotice | null, 
/**
 * Why it is locked (only when locked).
 */
lockReason: LockReason | null, 
/**
 * What tells the desk the machine locked or slept (`None` until the watch started).
 */
lockWatch: LockWatch | null, 
/**
 * Why it is signed out (only when signed out, and only when the UI must say so).
 */
signedOutReason: SignedOutReason | null, 
/**
 * The explanation and catalogue language.
 */
lang: Lang, };

export type DeskEvent = { "type": "state", 
/**
 * The new state.
 */
state: DeskState, } | { "type": "queue_changed" };

export type PullProgress = { 
/**
 * Cases finished (stored or failed).
 */
done: number, 
/**
 * Cases leased by this pull.
 */
total: number, 
/**
 * Media bytes downloaded.
 */
bytes: number, 
/**
 * Media bytes of all leased cases.
 */
bytesTotal: number, };

export type PullFailed = { 
/**
 * The case.
 */
caseId: string, 
/**
 * Why, as a code (`digest`, `size`, `content_type`, `media`, `lease_lost`,
 * `unavailable`, `vault`).
 */
reason: string, };

export type PullSummary = { 
/**
 * Cases now ready.
 */
pulled: number, 
/**
 * Cases that did not arrive.
 */
failed: Array<PullFailed>, 
/**
 * Whether the pull was cancelled.
 */
cancelled: boolean, };

export type QueueState = "ready" | "decided" | "waiting_push" | "conflict" | "failed";

export type CaseKindCode = "individual_id_card" | "individual_bank_card" | "individual_other_document" | "enterprise_certificate" | "enterprise_account";

export type QueueItem = { 
/**
 * Opaque case id.
 */
caseId: string, 
/**
 * Kind of case.
 */
kind: CaseKindCode, 
/**
 * `normal` or `high`.
 */
priority: string, 
/**
 * Local state.
 */
state: QueueState, 
/**
 * The hub's reason code for a conflict or failure.
 */
stateDetail: string | null, 
/**
 * When the lease ends (Unix ms).
 */
leaseExpiresAt: number, 
/**
 * Until when the decision can be undone (Unix ms), while in the undo window.
 */
undoUntil: number | null, 
/**
 * Number of media objects.
 */
nMedia: number, };

export type FieldView = { 
/**
 * Stable key, also the argument of `reveal` (`applicant.name`, `doc.0.number`, ...).
 */
key: string, 
/**
 * i18n key of the label (`field.name`, `field.id_number`, ...).
 */
label: string, 
/**
 * The masked value.
 */
masked: string, 
/**
 * Whether revealing shows more than the mask.
 */
revealable: boolean, };

export type MediaRole = "image" | "video" | "face";

export type MediaView = { 
/**
 * Opaque media id.
 */
mediaId: string, 
/**
 * MIME type of the variant to show (`image/jpeg` renditions, or the video's type).
 */
contentType: string, 
/**
 * Variants available: `display` and `thumbnail` for images, `original` for video.
 */
variants: Array<string>, 
/**
 * What it is.
 */
role: MediaRole, };

export type DocumentView = { 
/**
 * Position in the case (`doc.<index>.…` field keys use it).
 */
index: number, 
/**
 * Document kind code (`id_card_front`, `face_video`, ...), also its i18n key.
 */
kind: string, 
/**
 * Whose document (`applicant`, `legal_representative`, `authorised_person`).
 */
subject: string, 
/**
 * Its fields, masked.
 */
fields: Array<FieldView>, 
/**
 * Its images or video.
 */
media: Array<MediaView>, };

export type CheckSeverity = "fail" | "warn" | "pass" | "not_applicable";

export type CheckView = { 
/**
 * Check code (`id_number`, `mrz`, ...).
 */
check: string, 
/**
 * Explanation key (`id_number.check_digit`, ...).
 */
key: string, 
/**
 * Outcome.
 */
severity: CheckSeverity, 
/**
 * The sentence, masked.
 */
explanation: string, 
/**
 * `reveal` key that shows the unmasked sentence (`check.<index>`), when masking hid
 * something.
 */
revealKey: string | null, };

export type DecisionView = { 
/**
 * `approve`, `reject`, `request_resubmission`, `escalate`.
 */
outcome: string, 
/**
 * Reason codes.
 */
reasons: Array<string>, 
/**
 * Document kinds asked again.
 */
documents: Array<string>, };

export type CaseView = { 
/**
 * Opaque case id.
 */
caseId: string, 
/**
 * Kind of case.
 */
kind: CaseKindCode, 
/**
 * `normal` or `high`.
 */
priority: string, 
/**
 * Queue state.
 */
state: QueueState, 
/**
 * When the lease ends (Unix ms).
 */
leaseExpiresAt: number, 
/**
 * The applicant's declared fields, masked.
 */
fields: Array<FieldView>, 
/**
 * The evidence.
 */
documents: Array<DocumentView>, 
/**
 * Checks, failures first.
 */
checks: Array<CheckView>, 
/**
 * Whether the consent record permits approval (approve is refused otherwise).
 */
consentGiven: boolean, 
/**
 * Document kinds a resubmission may name (those of this case).
 */
resubmittable: Array<string>, 
/**
 * The decision, once made.
 */
decision: DecisionView | null, 
/**
 * Reviewer id and pull time for the live watermark overlay.
 */
watermark: string, };

export type OutcomeCode = "approve" | "reject" | "resubmit" | "escalate";

export type DecisionInput = { 
/**
 * The case.
 */
caseId: string, 
/**
 * What was decided.
 */
outcome: OutcomeCode, 
/**
 * Reason codes from the catalogue (reject: at least one).
 */
reasons: Array<string>, 
/**
 * Document kind codes (resubmit: at least one).
 */
documents: Array<string>, 
/**
 * A note (required with reason `other`).
 */
note: string | null, 
/**
 * Free text for the applicant (reject and resubmit only; the note never reaches them).
 */
applicantText?: string, };

export type ReasonOption = { 
/**
 * Stable code.
 */
code: string, 
/**
 * Label in the desk's language.
 */
label: string, };

export type SignOutReport = { 
/**
 * The vault directory is gone.
 */
wiped: boolean, 
/**
 * Unpushed decisions discarded (after the typed confirmation).
 */
discarded: number, 
/**
 * Undecided cases handed back to the hub.
 */
released: number, };

export type SupportBundleReport = { 
/**
 * Entries in the zip.
 */
entries: number, 
/**
 * Size of the zip in bytes.
 */
bytes: number, };

export type DecisionFilter = { 
/**
 * `approve`, `reject`, `request_resubmission` or `escalate`.
 */
outcome: string | null, 
/**
 * `true`: only decisions waiting for four-eyes confirmation.
 */
waiting: boolean | null, 
/**
 * `pending`, `agreed` or `overturned`.
 */
verdict: string | null, 
/**
 * Rows to skip.
 */
offset: number | null, 
/**
 * Only this reviewer's decisions (opaque account id).
 */
reviewer: string | null, 
/**
 * Only cases of this kind (kind code).
 */
kind: string | null, 
/**
 * Recorded at or after (RFC 3339).
 */
from: string | null, 
/**
 * Recorded before (RFC 3339).
 */
to: string | null, 
/**
 * `waiting_first` (the default), `newest` or `oldest`.
 */
sort: string | null, };

export type DecisionRow = { 
/**
 * The hub's decision number.
 */
decisionId: number, 
/**
 * The case (opaque id).
 */
caseId: string, 
/**
 * Case kind code.
 */
kind: string, 
/**
 * Who decided (opaque account id).
 */
reviewer: string, 
/**
 * Whether the signed-in supervisor made it (no verdict on one's own decision).
 */
own: boolean, 
/**
 * Outcome code (`approve`, `reject`, `request_resubmission`, `escalate`).
 */
outcome: string, 
/**
 * Reason labels, in the desk's language.
 */
reasons: Array<string>, 
/**
 * `reviewer`, `escalation` or `correction`.
 */
source: string, 
/**
 * The case's state code now.
 */
caseState: string, 
/**
 * Seconds this decision has waited for four-eyes confirmation (hub clock), if it does.
 */
waitingSecs: number | null, 
/**
 * When the hub recorded it (RFC 3339).
 */
recordedAt: string, 
/**
 * Handling time in seconds (hub-clamped active time).
 */
handlingSecs: number | null, 
/**
 * `agree` or `overturn`, once given.
 */
verdict: string | null, 
/**
 * Whether the reviewer wrote a note (shown with the case's evidence, not in the table).
 */
hasNote: boolean, 
/**
 * For a supervisor's correction: the decision it overturned and supersedes.
 */
supersedes: number | null, 
/**
 * The correction that superseded this decision, if any.
 */
supersededBy: number | null, };

export type DecisionsPage = { 
/**
 * The rows, in the hub's order (waiting for confirmation first).
 */
rows: Array<DecisionRow>, 
/**
 * Matching rows in all pages.
 */
total: number, 
/**
 * Offset of the next page.
 */
nextOffset: number | null, };

export type AuditLine = { 
/**
 * Position in the chain.
 */
seq: number, 
/**
 * When the hub recorded it (RFC 3339).
 */
at: string, 
/**
 * Who (opaque account id), if anyone.
 */
actor: string | null, 
/**
 * What: the record's kind code (`case_leased`, `decision_applied`, `client`, …).
 */
what: string, 
/**
 * For a workstation event: its own kind (`case_opened`, `field_revealed`, …).
 */
event: string | null, 
/**
 * For `field_revealed`: which field (a reveal key such as `applicant.name`).
 */
field: string | null, 
/**
 * For `field_revealed`: the reason given (empty once retention purged it).
 */
reason: string | null, };

export type AuditedCase = { 
/**
 * The case.
 */
caseId: string, 
/**
 * Kind code.
 */
kind: string, 
/**
 * State code.
 */
state: string, 
/**
 * Its decisions, oldest first.
 */
decisions: Array<DecisionRow>, 
/**
 * Its audit records, in chain order.
 */
audit: Array<AuditLine>, 
/**
 * What an overturn does now, by the hub's policy for the kind: `correct` (the
 * supervisor's corrected outcome is recorded and supersedes) or `requeue`.
 */
overturnAction: string, 
/**
 * Document kinds a corrected outcome or a supervisor's decision may ask again (those of
 * this case; none once purged).
 */
resubmittable: Array<string>, 
/**
 * Whether the consent record permits approval.
 */
consentGiven: boolean, 
/**
 * The reviewers' and supervisors' notes of its decisions (the case's evidence view only).
 */
notes: Array<DecisionNote>, 
/**
 * The evidence, masked as a reviewer sees it, its media held in memory for this view
 * (`media://`); `None` once retention purged the case.
 */
evidence: CaseView | null, };

export type VerdictInput = { 
/**
 * The decision judged.
 */
decisionId: number, 
/**
 * `true` agrees (and confirms a four-eyes decision); `false` overturns.
 */
agree: boolean, 
/**
 * Required to overturn.
 */
note: string | null, 
/**
 * The supervisor's outcome, for an overturn where the policy says `correct`.
 */
corrected: CorrectionInput | null, };

export type VerdictResult = { 
/**
 * The case's state code after it.
 */
caseState: string, 
/**
 * For an overturn: `correct` or `requeue`.
 */
action: string | null, 
/**
 * For an overturn with a correction: the new decision's number.
 */
correctionId: number | null, };

export type AuditCheck = { 
/**
 * Records checked.
 */
records: number, 
/**
 * Every link holds.
 */
intact: boolean, 
/**
 * Verified from the first record through this one.
 */
verifiedThrough: number, 
/**
 * The first broken record, if any.
 */
firstBrokenSeq: number | null, 
/**
 * The head remembered from the last check (`seq`), if there was one.
 */
previousHeadSeq: number | null, 
/**
 * `extends`, `rewritten` or `truncated` against that head.
 */
againstPrevious: string | null, 
/**
 * The chain's head now, to export: `seq:hash`.
 */
head: string | null, };

export type CorrectionInput = { 
/**
 * The outcome.
 */
outcome: OutcomeCode, 
/**
 * Reason codes from the catalogue (reject: at least one).
 */
reasons: Array<string>, 
/**
 * Document kind codes (resubmit: at least one).
 */
documents: Array<string>, };

export type EscalationRow = { 
/**
 * The case.
 */
caseId: string, 
/**
 * Kind code.
 */
kind: string, 
/**
 * The escalation decision's number (the queue entry).
 */
decisionId: number, 
/**
 * Who escalated (opaque account id).
 */
escalatedBy: string, 
/**
 * When the hub recorded it (RFC 3339).
 */
escalatedAt: string, 
/**
 * Seconds it has waited (hub clock).
 */
waitingSecs: number, };

export type SlotRow = { 
/**
 * 1 or 2.
 */
slot: number, 
/**
 * The decision's number.
 */
decisionId: number, 
/**
 * Who decided the slot (opaque account id).
 */
reviewer: string, 
/**
 * Outcome code.
 */
outcome: string, };

export type DisputeRow = { 
/**
 * The case.
 */
caseId: string, 
/**
 * Kind code.
 */
kind: string, 
/**
 * Both slots, slot 1 first.
 */
slots: Array<SlotRow>, 
/**
 * When the second slot was decided (RFC 3339).
 */
disputedAt: string, 
/**
 * Seconds it has waited (hub clock).
 */
waitingSecs: number, };

export type QueueDecided = { 
/**
 * The decision's number.
 */
decisionId: number, 
/**
 * The case's state after it.
 */
caseState: string, 
/**
 * The hub had it already (a retry of a decision whose answer was lost): nothing new.
 */
duplicate: boolean, };

export type SampleInput = { 
/**
 * A name for people, 1..=100 characters.
 */
name: string, 
/**
 * Share of each reviewer's decisions of each kind, 1..=100.
 */
percent: number, 
/**
 * Window start (RFC 3339).
 */
from: string, 
/**
 * Window end, exclusive (RFC 3339).
 */
to: string, 
/**
 * 1..=64 of `A-Z a-z 0-9 _ -`; absent: the hub draws one.
 */
seed: string | null, };

export type SampleRow = { 
/**
 * The list's id.
 */
sampleId: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Share drawn.
 */
percent: number, 
/**
 * Window start (RFC 3339).
 */
from: string, 
/**
 * Window end, exclusive (RFC 3339).
 */
to: string, 
/**
 * The draw's seed.
 */
seed: string, 
/**
 * Who drew it (opaque account id).
 */
createdBy: string, 
/**
 * When (RFC 3339).
 */
createdAt: string, 
/**
 * Decisions in the list.
 */
size: number, 
/**
 * Of those, with a verdict: the progress.
 */
judged: number, };

export type SampleStratumRow = { 
/**
 * The reviewer (opaque account id).
 */
reviewer: string, 
/**
 * Kind code.
 */
kind: string, 
/**
 * Eligible decisions in the window.
 */
eligible: number, 
/**
 * Drawn.
 */
drawn: number, };

export type SampleMemberRow = { 
/**
 * The decision's number.
 */
decisionId: number, 
/**
 * Its case.
 */
caseId: string, 
/**
 * Kind code.
 */
kind: string, 
/**
 * Who decided (opaque account id).
 */
reviewer: string, 
/**
 * `agree` or `overturn`, once given.
 */
verdict: string | null, };

export type SampleDetail = { 
/**
 * The list and its progress.
 */
summary: SampleRow, 
/**
 * By reviewer and kind.
 */
strata: Array<SampleStratumRow>, 
/**
 * By decision number.
 */
members: Array<SampleMemberRow>, };

export type AccountRole = "reviewer" | "supervisor" | "admin" | "service";

export type AccountRow = { 
/**
 * Opaque account id.
 */
userId: string, 
/**
 * Login handle.
 */
username: string, 
/**
 * Role.
 */
role: AccountRole, 
/**
 * Disabled accounts cannot sign in.
 */
disabled: boolean, 
/**
 * Its password was set by an administrator and not yet replaced by its owner.
 */
passwordChangeRequired: boolean, 
/**
 * When it was created (RFC 3339).
 */
createdAt: string, 
/**
 * The signed-in administrator's own account: its role and its enabled state cannot be
 * changed here.
 */
own: boolean, };

export type NewAccount = { 
/**
 * Login handle: 3 to 64 of `a-z 0-9 . _ -`.
 */
username: string, 
/**
 * Role.
 */
role: AccountRole, };

export type OneTimePassword = { 
/**
 * The account.
 */
account: AccountRow, 
/**
 * The password its owner signs in with once, then replaces.
 */
password: string, };

export type FourEyesRuleForm = { 
/**
 * Case kind code; `null`: every kind.
 */
kind: string | null, 
/**
 * `approve`, `reject` or `request_resubmission`.
 */
outcome: string, 
/**
 * Reason codes, any of which matches; empty: every decision with the outcome.
 */
reasons: Array<string>, };

export type OverturnForm = { 
/**
 * Case kind code.
 */
kind: string, 
/**
 * `correct` or `requeue`.
 */
action: string, };

export type PolicyForm = { 
/**
 * Lease length, seconds.
 */
leaseSecs: number, 
/**
 * Retention after the final decision, days.
 */
retentionDays: number, 
/**
 * Lease length of a pull for offline work, hours.
 */
offlineLeaseHours: number, 
/**
 * Hours without the hub after which a workstation's case data is wiped.
 */
maxOfflineHours: number, 
/**
 * Shortest idle-lock timeout a reviewer may choose, seconds.
 */
idleLockMinSecs: number, 
/**
 * Longest idle-lock timeout a reviewer may choose, seconds.
 */
idleLockMaxSecs: number, 
/**
 * Share of new cases marked for blind double review, percent.
 */
doubleReviewPercent: number, 
/**
 * Four-eyes rules by kind × outcome × reason.
 */
fourEyesRules: Array<FourEyesRuleForm>, 
/**
 * Overturn action per case kind (a kind not listed is requeued).
 */
overturnActions: Array<OverturnForm>, };

export type PolicyFieldBounds = { 
/**
 * The field (`lease_secs`, …, as the hub names it).
 */
field: string, 
/**
 * Lowest allowed.
 */
min: number, 
/**
 * Highest allowed.
 */
max: number, 
/**
 * `seconds`, `hours`, `days` or `percent`.
 */
unit: string, };

export type AdminPolicy = { 
/**
 * The policy as the hub stores it.
 */
policy: PolicyForm, 
/**
 * Each numeric field's bounds and unit.
 */
bounds: Array<PolicyFieldBounds>, };

export type PolicyFieldError = { 
/**
 * The field (`lease_secs`, `four_eyes_rules`, …).
 */
field: string, 
/**
 * `out_of_range`, `offline_below_lease`, `idle_lock_min_above_max`,
 * `escalation_confirmation`, `reasons_without_outcome`, `too_many_rules` or `duplicate`.
 */
rule: string, 
/**
 * For `out_of_range`: the lowest allowed.
 */
min: number | null, 
/**
 * For `out_of_range`: the highest allowed.
 */
max: number | null, 
/**
 * The same in an English sentence (names the field and its bounds, never the value).
 */
message: string, };

export type PolicySave = { "status": "saved", 
/**
 * The policy as stored.
 */
policy: PolicyForm, } | { "status": "refused", 
/**
 * One entry per field that does not pass.
 */
errors: Array<PolicyFieldError>, };

export type AttentionRow = { 
/**
 * The case (opaque id).
 */
caseId: string, 
/**
 * Case kind code.
 */
kind: string, 
/**
 * The media object found unusable (opaque id).
 */
mediaId: string, 
/**
 * What the workstation reported (`corrupt`, `digest_mismatch`, …).
 */
reported: string, 
/**
 * The rule the hub's own check found broken (`media_corrupt`, …).
 */
rule: string, 
/**
 * Who reported it (opaque account id).
 */
reportedBy: string, 
/**
 * When the hub confirmed it (RFC 3339).
 */
confirmedAt: string, };

export type AttentionChoice = "return_to_queue" | "close_unusable";

export type AttentionDone = { 
/**
 * `open` or `closed_unusable`.
 */
caseState: string, };

export type PolicyChangeLine = { 
/**
 * The field.
 */
field: string, 
/**
 * Its value before (compact JSON).
 */
from: string, 
/**
 * Its value after.
 */
to: string, };

export type AdminEventLine = { 
/**
 * Position in the chain.
 */
seq: number, 
/**
 * When the hub recorded it (RFC 3339).
 */
at: string, 
/**
 * Who (opaque account id); none for the hub's command line.
 */
actor: string | null, 
/**
 * The kind: `account_created`, `account_disabled_changed`, `account_role_changed`,
 * `password_reset`, `policy_changed` or `attention_resolved`.
 */
what: string, 
/**
 * The account concerned (opaque id).
 */
target: string | null, 
/**
 * The case concerned (opaque id).
 */
caseId: string | null, 
/**
 * `account_created`: the role; `account_role_changed`: the new role.
 */
role: AccountRole | null, 
/**
 * `account_role_changed`: the role before.
 */
fromRole: AccountRole | null, 
/**
 * `account_disabled_changed`: the new state.
 */
disabled: boolean | null, 
/**
 * `attention_resolved`: `return_to_queue` or `close_unusable`.
 */
action: string | null, 
/**
 * `policy_changed`: each changed field.
 */
changes: Array<PolicyChangeLine>, };

export type DecisionNote = { 
/**
 * The decision.
 */
decisionId: number, 
/**
 * The decider's note (the reviewer's, or a supervisor's on an escalation).
 */
note: string | null, 
/**
 * The supervisor's verdict note, if a verdict was given with one.
 */
verdictNote: string | null, };

export type StatsRange = { 
/**
 * First day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * Last day, `YYYY-MM-DD` (at most 366 days after `from`).
 */
to: string, };

export type DayFigure = { 
/**
 * `YYYY-MM-DD`.
 */
day: string, 
/**
 * Decisions recorded that day.
 */
decisions: number, };

export type StatsFigures = { 
/**
 * Decisions recorded.
 */
decisions: number, 
/**
 * Approvals.
 */
approved: number, 
/**
 * Rejections.
 */
rejected: number, 
/**
 * Resubmission requests.
 */
resubmissionRequested: number, 
/**
 * Escalations.
 */
escalated: number, 
/**
 * Median handling time in seconds (hub-clamped active time).
 */
medianHandlingSecs: number | null, 
/**
 * 90th percentile of the handling time in seconds.
 */
p90HandlingSecs: number | null, 
/**
 * Decisions with a verdict.
 */
verdicts: number, 
/**
 * Of those, overturned.
 */
overturned: number, 
/**
 * `overturned / verdicts`, 0..=1.
 */
overturnRate: number | null, 
/**
 * Decisions waiting for four-eyes confirmation now.
 */
awaitingConfirmation: number, 
/**
 * Decisions per UTC day, days without any left out, oldest first.
 */
perDay: Array<DayFigure>, };

export type ReviewerFigures = { 
/**
 * The reviewer (opaque account id).
 */
reviewer: string, 
/**
 * Their figures.
 */
figures: StatsFigures, };

export type PairFigures = { 
/**
 * One reviewer (the smaller id).
 */
first: string, 
/**
 * The other.
 */
second: string, 
/**
 * Double reviews both decided.
 */
cases: number, 
/**
 * Of those, with the same outcome.
 */
agreed: number, 
/**
 * `agreed / cases`, 0..=1.
 */
agreementRate: number, 
/**
 * Cohen's kappa; `None` when undefined.
 */
kappa: number | null, };

export type StatsView = { 
/**
 * The range asked for (first and last day).
 */
from: string, 
/**
 * Last day.
 */
to: string, 
/**
 * All decisions in the range.
 */
total: StatsFigures, 
/**
 * Each reviewer with decisions in the range, by id.
 */
reviewers: Array<ReviewerFigures>, 
/**
 * Decisions waiting for four-eyes confirmation now, whatever the range.
 */
fourEyesBacklog: number, 
/**
 * The longest of those waits in seconds (hub clock).
 */
oldestWaitSecs: number | null, 
/**
 * Agreement per reviewer pair.
 */
agreement: Array<PairFigures>, };

export type CsvExport = { 
/**
 * The file (its name has the range and the export time, no personal data).
 */
path: string, 
/**
 * Data rows written (the header not counted).
 */
rows: number, };
