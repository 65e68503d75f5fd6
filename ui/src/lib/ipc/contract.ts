// The IPC types of the draft contract (IPC-CONTRACT.md) that `bindings.ts` does not carry yet.
// Once the desk side regenerates `bindings.ts` with these types, this file shrinks to the
// re-exports and then goes away; nothing else imports it directly (use `../ipc`).

export type ErrorCode =
  | "invalid"
  | "wrong_password"
  | "unauthorized"
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
  | "unavailable"
  | "internal";

export type AppError = { code: ErrorCode; message: string };

export type Platform = "linux" | "windows" | "macos";
export type Role = "reviewer" | "supervisor" | "admin";

export type DemoAccount = { username: string; role: Role | string };

export type AppInfo = {
  name: string;
  version: string;
  defaultHubUrl: string | null;
  demoAccounts?: DemoAccount[] | null;
  platform?: Platform;
};

export type LoginRequest = { hubUrl: string; user: string; password: string };

export type SessionInfo = { userId: string; username: string; role: Role };

export type Phase = "signed_out" | "unlocked" | "locked";

export type DeskState = {
  phase: Phase;
  session?: SessionInfo | null;
  online: boolean;
  pendingPush: number;
  idleLockSecs: number;
  lockReason?: string | null;
};

export type PushOutcome = {
  caseId: string;
  state: QueueState;
  stateDetail?: string | null;
};

export type DeskEvent =
  | { type: "state"; state: DeskState }
  | { type: "push"; pendingPush: number; lastOutcome?: PushOutcome | null }
  | { type: "online"; online: boolean }
  | { type: "queue_changed" }
  | { type: "locked"; reason: string }
  | { type: "revoked" };

export type PullProgress = { done: number; total: number; bytes: number };
export type PullSummary = { pulled: number; failed: { caseId: string; reason: string }[] };

export type QueueState = "ready" | "decided" | "waiting_push" | "accepted" | "conflict" | "failed";

export type QueueItem = {
  caseId: string;
  kind: string;
  priority: "normal" | "high" | number;
  state: QueueState;
  stateDetail?: string | null;
  /** Unix milliseconds. */
  leaseExpiresAt: number;
};

export type MaskedField = { key: string; label: string; masked: string; revealable: boolean };

export type MediaRole = "image" | "video" | "portrait" | "face";
export type MediaRef = {
  mediaId: string;
  contentType: string;
  width?: number | null;
  height?: number | null;
  role: MediaRole;
};
export type DocumentView = { docId: string; kind: string; label: string; media: MediaRef[] };

export type CheckSeverity = "fail" | "warn" | "pass";
export type CheckView = {
  code: string;
  passed: boolean;
  severity: CheckSeverity;
  explanation: string;
};

export type Outcome = "approve" | "reject" | "resubmit" | "escalate";

export type DecisionView = {
  outcome: Outcome;
  reasons: string[];
  documents: string[];
  note?: string | null;
  state: QueueState;
  stateDetail?: string | null;
};

export type CaseView = {
  caseId: string;
  kind: string;
  priority: "normal" | "high" | number;
  leaseExpiresAt: number;
  fields: MaskedField[];
  documents: DocumentView[];
  checks: CheckView[];
  consentGiven: boolean;
  decision?: DecisionView | null;
};

export type ReasonEntry = { code: string; label: string; appliesTo: string[] | string };

export type DecisionInput = {
  caseId: string;
  outcome: Outcome;
  reasons: string[];
  documents: string[];
  note?: string | null;
};

export type SignOutReport = { wiped: boolean; discarded: number };

export type Language = "en" | "zh-CN";
