// The only module that talks to the Rust core. Every command is typed, and every failure
// arrives as an `AppError` with a closed set of codes.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  AppError,
  AppInfo,
  AuditCheck,
  AuditedCase,
  AuditLine,
  CaseView,
  CsvExport,
  DecisionFilter,
  DecisionInput,
  DecisionsPage,
  DeskEvent,
  DeskState,
  Lang,
  LoginRequest,
  Platform,
  PullProgress,
  PullSummary,
  QueueItem,
  ReasonOption,
  SignOutReport,
  StatsRange,
  StatsView,
  SupportBundleReport,
  VerdictInput,
  VerdictResult,
  // supervisor queues and QA samples
  DisputeRow,
  EscalationRow,
  QueueDecided,
  SampleDetail,
  SampleInput,
  SampleRow,
} from "./bindings";
import type {
  AccountRole,
  AccountRow,
  AdminEventLine,
  AdminPolicy,
  AttentionChoice,
  AttentionDone,
  AttentionRow,
  NewAccount,
  OneTimePassword,
  PolicyForm,
  PolicySave,
} from "./bindings";

export type * from "./bindings";

function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isAppError(error)) throw error;
    // A failure of the IPC layer itself (not a command's error): never echo its text, it may
    // quote arguments.
    const internal: AppError = { code: "internal", message: "IPC call failed" };
    throw internal;
  }
}

/** Which rendition of a medium to load: images show `display`/`thumbnail`, video `original`. */
export type MediaVariant = "display" | "thumbnail" | "original";

/**
 * The address of a medium in the app's own `media://` scheme. WebView2 (Windows) reaches
 * custom schemes as `http://<scheme>.localhost`, the other webviews as `<scheme>://localhost`.
 */
export function mediaUrl(platform: Platform | undefined, mediaId: string, variant: MediaVariant) {
  const id = encodeURIComponent(mediaId);
  return platform === "windows"
    ? `http://media.localhost/${id}/${variant}`
    : `media://localhost/${id}/${variant}`;
}

/**
 * Fetches a medium into a Blob URL (Linux video: GStreamer cannot read `media://`). The
 * caller revokes it with `URL.revokeObjectURL` when the case closes or the desk locks.
 */
export async function mediaObjectUrl(url: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal, cache: "no-store" });
  if (!response.ok) {
    const error: AppError = { code: "not_found", message: "medium not available" };
    throw error;
  }
  return URL.createObjectURL(await response.blob());
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  signIn: (request: LoginRequest) => call<DeskState>("sign_in", { request }),
  unlock: (password: string) => call<DeskState>("unlock", { password }),
  lock: () => call<DeskState>("lock"),
  deskState: () => call<DeskState>("desk_state"),
  activity: () => call<void>("activity"),
  /** Delivers desk events to `onEvent` until the page goes away. */
  subscribe: (onEvent: (event: DeskEvent) => void) => {
    const events = new Channel<DeskEvent>();
    events.onmessage = onEvent;
    return call<void>("subscribe", { events });
  },
  /** `offline`: leases for offline work (the hub's offline lease hours). */
  pull: (maxCases: number, onProgress: (progress: PullProgress) => void, offline = false) => {
    const progress = new Channel<PullProgress>();
    progress.onmessage = onProgress;
    return call<PullSummary>("pull", { maxCases, offline, progress });
  },
  cancelPull: () => call<void>("cancel_pull"),
  queue: () => call<QueueItem[]>("queue"),
  openCase: (caseId: string) => call<CaseView>("open_case", { caseId }),
  closeCase: (caseId: string) => call<void>("close_case", { caseId }),
  /** The masked view of a ready case without opening it (prefetch); null when not ready. */
  peekCase: (caseId: string) => call<CaseView | null>("peek_case", { caseId }),
  reveal: (caseId: string, field: string, reason: string) =>
    call<string>("reveal", { caseId, field, reason }),
  reasonCatalogue: () => call<ReasonOption[]>("reason_catalogue"),
  decide: (input: DecisionInput) => call<QueueItem>("decide", { input }),
  undoDecision: (caseId: string) => call<QueueItem>("undo_decision", { caseId }),
  /** Acknowledges a conflict or failure (or gives up an undecided case): it leaves the desk. */
  dismissCase: (caseId: string) => call<void>("dismiss_case", { caseId }),
  signOut: (discardConfirmation?: string) =>
    call<SignOutReport>("sign_out", { discardConfirmation: discardConfirmation ?? null }),
  setLanguage: (lang: Lang) => call<void>("set_language", { lang }),
  /** Asks where (OS save dialog) and writes the support bundle; null when cancelled. */
  exportSupportBundle: () => call<SupportBundleReport | null>("export_support_bundle"),
  /** The idle-lock timeout, within the hub policy's bounds (`invalid` outside them). */
  setIdleLock: (secs: number) => call<DeskState>("set_idle_lock", { secs }),
  // Supervisor mode: online only, answered by the hub.
  supervisorDecisions: (filter: DecisionFilter) =>
    call<DecisionsPage>("supervisor_decisions", { filter }),
  supervisorCase: (caseId: string) => call<AuditedCase>("supervisor_case", { caseId }),
  giveVerdict: (input: VerdictInput) => call<VerdictResult>("give_verdict", { input }),
  verifyAudit: () => call<AuditCheck>("verify_audit"),
  // Supervisor queues and QA samples.
  /** The audit-chain head this account remembers (`seq:hash`), to keep elsewhere. */
  auditHead: () => call<string | null>("audit_head"),
  supervisorEscalations: () => call<EscalationRow[]>("supervisor_escalations"),
  /** Decides escalated case of queue entry `entry` (the escalation's decision number). */
  decideEscalation: (entry: number, input: DecisionInput) =>
    call<QueueDecided>("decide_escalation", { entry, input }),
  supervisorDisputes: () => call<DisputeRow[]>("supervisor_disputes"),
  /** Resolves the dispute of queue entry `entry` (its second slot's decision number). */
  resolveDispute: (entry: number, input: DecisionInput) =>
    call<QueueDecided>("resolve_dispute", { entry, input }),
  supervisorSamples: () => call<SampleRow[]>("supervisor_samples"),
  supervisorSample: (sampleId: string) => call<SampleDetail>("supervisor_sample", { sampleId }),
  createSample: (input: SampleInput) => call<SampleDetail>("create_sample", { input }),
  // Administrator mode: online only, answered by the hub. A one-time password arrives once,
  // in the answer that made it.
  adminAccounts: () => call<AccountRow[]>("admin_accounts"),
  adminCreateAccount: (input: NewAccount) => call<OneTimePassword>("admin_create_account", { input }),
  adminSetDisabled: (userId: string, disabled: boolean) =>
    call<AccountRow>("admin_set_disabled", { userId, disabled }),
  adminSetRole: (userId: string, role: AccountRole) => call<AccountRow>("admin_set_role", { userId, role }),
  adminResetPassword: (userId: string) => call<OneTimePassword>("admin_reset_password", { userId }),
  adminPolicy: () => call<AdminPolicy>("admin_policy"),
  adminSavePolicy: (policy: PolicyForm) => call<PolicySave>("admin_save_policy", { policy }),
  adminAttention: () => call<AttentionRow[]>("admin_attention"),
  adminResolveAttention: (caseId: string, choice: AttentionChoice) =>
    call<AttentionDone>("admin_resolve_attention", { caseId, choice }),
  adminEvents: () => call<AdminEventLine[]>("admin_events"),
  // Supervisor mode: the open case's evidence (held in memory by Rust), statistics.
  /** A case with its evidence: media fetched from the hub into Rust's memory for this view. */
  supervisorOpenEvidence: (caseId: string) => call<AuditedCase>("supervisor_open_evidence", { caseId }),
  /** The case pane closed: Rust releases the case's evidence. */
  supervisorCloseCase: (caseId: string) => call<void>("supervisor_close_case", { caseId }),
  /** The open case's masked view again, in the language now (from memory, no hub call). */
  supervisorEvidence: (caseId: string) => call<CaseView>("supervisor_evidence", { caseId }),
  /** The open case's audit trail, with the reveals made in this view. */
  supervisorTrail: (caseId: string) => call<AuditLine[]>("supervisor_trail", { caseId }),
  supervisorStats: (range: StatsRange) => call<StatsView>("supervisor_stats", { range }),
  /** Writes the figures' CSV into the download directory and answers where. */
  exportStatsCsv: (range: StatsRange) => call<CsvExport>("export_stats_csv", { range }),
};

/** Sent on `window` by the reveal UI after a reveal, so a supervisor's trail can refresh. */
export const REVEALED_EVENT = "kyc:revealed";

export { isAppError };
