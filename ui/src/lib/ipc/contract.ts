// The IPC types, mirrored by hand from crates/kyc-app/src/ipc.rs and error.rs while
// `bindings.ts` is still the old generated file. Once `cargo xtask bindings` regenerates it
// with these types, `index.ts` re-exports from `bindings.ts` and this file goes away; nothing
// else imports it directly (use `../ipc`).

export type ErrorCode =
  | "invalid"
  | "wrong_password"
  | "locked"
  | "offline"
  | "hub_unreachable"
  | "insecure_hub"
  | "revoked"
  | "in_use"
  | "pending_decisions"
  | "conflict"
  | "integrity"
  | "not_found"
  | "online_sign_in_required"
  | "forbidden"
  | "wiped"
  | "cancelled"
  | "rate_limited"
  | "internal";

export type AppError = { code: ErrorCode; message: string };

export type Platform = "linux" | "windows" | "macos";
export type Role = "reviewer" | "supervisor" | "admin";
export type DemoAccount = { username: string; role: Role };

export type AppInfo = {
  name: string;
  version: string;
  defaultHubUrl: string | null;
  demoAccounts: DemoAccount[];
  platform: Platform;
};

export type LoginRequest = { hubUrl: string; user: string; password: string };
export type Session = { userId: string; username: string; role: Role };

export type Phase = "signed_out" | "unlocked" | "locked";
export type LockReason = "idle" | "manual";
export type SignedOutReason = "signed_out" | "revoked" | "too_many_attempts";
export type PushState = "idle" | "pushing" | "retrying" | "sign_in_required" | "stopped";
export type Lang = "en" | "zh-CN";

export type DeskState = {
  phase: Phase;
  session: Session | null;
  online: boolean;
  pendingPush: number;
  push: PushState;
  idleLockSecs: number;
  lockReason: LockReason | null;
  signedOutReason: SignedOutReason | null;
  lang: Lang;
};

export type DeskEvent = { type: "state"; state: DeskState } | { type: "queue_changed" };

export type PullProgress = { done: number; total: number; bytes: number; bytesTotal: number };
export type PullFailed = { caseId: string; reason: string };
export type PullSummary = { pulled: number; failed: PullFailed[]; cancelled: boolean };

export type QueueState = "ready" | "decided" | "waiting_push" | "conflict" | "failed";

export type CaseKindCode =
  | "individual_id_card"
  | "individual_bank_card"
  | "individual_other_document"
  | "enterprise_certificate"
  | "enterprise_account";

export type QueueItem = {
  caseId: string;
  kind: CaseKindCode;
  priority: string;
  state: QueueState;
  stateDetail: string | null;
  /** Unix milliseconds. */
  leaseExpiresAt: number;
  /** Until when the decision can be undone (Unix ms), while in the undo window. */
  undoUntil: number | null;
  nMedia: number;
};

export type FieldView = { key: string; label: string; masked: string; revealable: boolean };

export type MediaRole = "image" | "video" | "face";
export type MediaView = { mediaId: string; contentType: string; variants: string[]; role: MediaRole };

export type DocumentView = {
  index: number;
  kind: string;
  subject: string;
  fields: FieldView[];
  media: MediaView[];
};

export type CheckSeverity = "fail" | "warn" | "pass" | "not_applicable";
export type CheckView = {
  check: string;
  key: string;
  severity: CheckSeverity;
  explanation: string;
  revealKey: string | null;
};

export type DecisionView = { outcome: string; reasons: string[]; documents: string[] };

export type CaseView = {
  caseId: string;
  kind: CaseKindCode;
  priority: string;
  state: QueueState;
  leaseExpiresAt: number;
  fields: FieldView[];
  documents: DocumentView[];
  checks: CheckView[];
  consentGiven: boolean;
  resubmittable: string[];
  decision: DecisionView | null;
  watermark: string;
};

export type OutcomeCode = "approve" | "reject" | "resubmit" | "escalate";

export type DecisionInput = {
  caseId: string;
  outcome: OutcomeCode;
  reasons: string[];
  documents: string[];
  note: string | null;
};

export type ReasonOption = { code: string; label: string };

export type SignOutReport = { wiped: boolean; discarded: number; released: number };
