// Test data shaped like what kyc-app sends. The values are synthetic, already masked as Rust
// masks them.
import type { CaseView, DeskState, QueueItem, ReasonOption } from "../lib/ipc";

export function caseView(overrides: Partial<CaseView> = {}): CaseView {
  return {
    caseId: "c1",
    kind: "individual_id_card",
    priority: "normal",
    state: "ready",
    leaseExpiresAt: Date.now() + 3_600_000,
    fields: [
      { key: "applicant.name", label: "field.name", masked: "张*", revealable: true },
      { key: "applicant.id_number", label: "field.id_number", masked: "1101**********002X", revealable: true },
    ],
    documents: [
      {
        index: 0,
        kind: "id_card_front",
        subject: "applicant",
        fields: [],
        media: [{ mediaId: "m-front", contentType: "image/jpeg", variants: ["display", "thumbnail"], role: "image" }],
      },
      {
        index: 1,
        kind: "face_video",
        subject: "applicant",
        fields: [],
        media: [{ mediaId: "m-video", contentType: "video/mp4", variants: ["original"], role: "video" }],
      },
    ],
    checks: [
      { check: "id_number", key: "id_number.ok", severity: "pass", explanation: "The ID number is well formed.", revealKey: null },
      { check: "expiry", key: "expiry.expired", severity: "fail", explanation: "The ID card expired on 20**-**-**.", revealKey: "check.1" },
    ],
    consentGiven: true,
    resubmittable: ["id_card_front", "face_video"],
    decision: null,
    watermark: "u-1 2026-12-01",
    ...overrides,
  };
}

export function queueItem(caseId: string, overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    caseId,
    kind: "individual_id_card",
    priority: "normal",
    state: "ready",
    stateDetail: null,
    leaseExpiresAt: Date.now() + 3_600_000,
    undoUntil: null,
    nMedia: 2,
    ...overrides,
  };
}

export const CATALOGUE: ReasonOption[] = [
  { code: "R01", label: "Document image illegible or incomplete" },
  { code: "R02", label: "Document expired" },
];

export function deskState(overrides: Partial<DeskState> = {}): DeskState {
  return {
    phase: "unlocked",
    session: { userId: "u-1", username: "reviewer1", role: "reviewer" },
    online: true,
    pendingPush: 0,
    push: "idle",
    idleLockSecs: 300,
    idleLockMinSecs: 60,
    idleLockMaxSecs: 900,
    offlineWipe: null,
    lockReason: null,
    lockWatch: null,
    signedOutReason: null,
    lang: "en",
    ...overrides,
  };
}
