import { describe, expect, it } from "vitest";
import { en } from "./en";
import { zh } from "./zh";
import { i18n, t } from "./index.svelte";
import type {
  CaseKindCode,
  CheckSeverity,
  ErrorCode,
  LockReason,
  LockWatch,
  OutcomeCode,
  QueueState,
  Role,
} from "../ipc";

// Records keyed by the IPC unions: adding a code in Rust (and the bindings) without adding it
// here fails the type check, and a missing message fails the test.
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid: true,
  wrong_password: true,
  locked: true,
  offline: true,
  hub_unreachable: true,
  insecure_hub: true,
  revoked: true,
  in_use: true,
  pending_decisions: true,
  conflict: true,
  integrity: true,
  not_found: true,
  online_sign_in_required: true,
  forbidden: true,
  wiped: true,
  cancelled: true,
  rate_limited: true,
  internal: true,
  update_required: true,
  hub_outdated: true,
};
const STATES: Record<QueueState, true> = { ready: true, decided: true, waiting_push: true, conflict: true, failed: true };
const OUTCOMES: Record<OutcomeCode, true> = { approve: true, reject: true, resubmit: true, escalate: true };
const KINDS: Record<CaseKindCode, true> = {
  individual_id_card: true,
  individual_bank_card: true,
  individual_other_document: true,
  enterprise_certificate: true,
  enterprise_account: true,
};
const LOCK_REASONS: Record<LockReason, true> = { idle: true, manual: true, os_locked: true, suspend: true };
const LOCK_WATCHES: Record<LockWatch, true> = {
  logind: true,
  screensaver: true,
  windows: true,
  macos: true,
  time_jump: true,
};
const ROLES: Record<Role, true> = { reviewer: true, supervisor: true, admin: true };
const SEVERITIES: Record<CheckSeverity, true> = { fail: true, warn: true, pass: true, not_applicable: true };
const DOCUMENT_KINDS = [
  "id_card_front",
  "id_card_back",
  "bank_card",
  "passport",
  "foreign_driving_licence",
  "home_visit_permit",
  "business_licence",
  "authorisation_letter",
  "face_photo",
  "face_video",
];

describe("i18n", () => {
  it("has exactly the same keys in English and Chinese", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it("has the same placeholders in both languages, and no empty message", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("has a message for every code the Rust side can send", () => {
    const keys = Object.keys(en);
    const expected = [
      ...Object.keys(ERROR_CODES).map((c) => `error.${c}`),
      ...Object.keys(STATES).map((c) => `state.${c}`),
      ...Object.keys(OUTCOMES).map((c) => `outcome.${c}`),
      ...Object.keys(OUTCOMES).map((c) => `decision.send.${c}`),
      ...Object.keys(KINDS).map((c) => `kind.${c}`),
      ...Object.keys(ROLES).map((c) => `role.${c}`),
      ...Object.keys(LOCK_REASONS).map((c) => `lock.${c}`),
      ...Object.keys(LOCK_WATCHES).map((c) => `lock.watch.${c}`),
      ...Object.keys(SEVERITIES).map((c) => `checks.${c}`),
      ...DOCUMENT_KINDS.map((c) => `doc.${c}`),
    ];
    for (const key of expected) expect(keys, key).toContain(key);
  });

  it("switches language and fills placeholders", () => {
    i18n.locale = "en";
    expect(t("login.title")).toBe("Sign in");
    expect(t("field.required", { field: "Password" })).toBe("Password is required.");
    i18n.locale = "zh-CN";
    expect(t("login.title")).toBe("登录");
    expect(t("field.required", { field: "密码" })).toBe("请填写密码。");
    expect(document.documentElement.lang).toBe("zh-CN");
    expect(localStorage.getItem("kyc-desk.locale")).toBe("zh-CN");
    i18n.locale = "en";
  });
});
