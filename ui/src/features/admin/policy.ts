// Pure logic of administrator mode: the policy form's fields and their checks (bounds come
// from Rust, which has them from the hub's constants; Rust and the hub check again), the
// four-eyes and overturn editors, account-name and own-account rules, and how an audit record
// reads. No IPC here, so all of it is tested without the app.
import type {
  AccountRow,
  AdminEventLine,
  FourEyesRuleForm,
  PolicyFieldBounds,
  PolicyFieldError,
  PolicyForm,
} from "../../lib/ipc";

/** The numeric fields in the order the form shows them: form key and the hub's field name. */
export const NUMERIC_FIELDS = [
  { key: "leaseSecs", field: "lease_secs" },
  { key: "offlineLeaseHours", field: "offline_lease_hours" },
  { key: "maxOfflineHours", field: "max_offline_hours" },
  { key: "retentionDays", field: "retention_days" },
  { key: "idleLockMinSecs", field: "idle_lock_min_secs" },
  { key: "idleLockMaxSecs", field: "idle_lock_max_secs" },
  { key: "doubleReviewPercent", field: "double_review_percent" },
] as const;

export type NumericKey = (typeof NUMERIC_FIELDS)[number]["key"];

export const CASE_KINDS = [
  "individual_id_card",
  "individual_bank_card",
  "individual_other_document",
  "enterprise_certificate",
  "enterprise_account",
] as const;

/** Outcomes a four-eyes rule can name (an escalation goes to the supervisors anyway). */
export const RULE_OUTCOMES = ["approve", "reject", "request_resubmission"] as const;

/** Whether a rule's outcome carries reasons (rejections and resubmission requests do). */
export function outcomeHasReasons(outcome: string): boolean {
  return outcome === "reject" || outcome === "request_resubmission";
}

/** One field's problem as the form shows it: a rule code and, for bounds, the bounds. */
export interface FieldIssue {
  rule: string;
  min: number | null;
  max: number | null;
}

/**
 * The checks the form can make before sending: each numeric field a whole number inside its
 * bounds. The rules between fields are Rust's (the hub's own `Policy::validate`).
 */
export function checkNumbers(form: PolicyForm, bounds: PolicyFieldBounds[]): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  for (const { key, field } of NUMERIC_FIELDS) {
    const b = bounds.find((x) => x.field === field);
    const value = form[key];
    if (!b) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < b.min || value > b.max) {
      issues[field] = { rule: "out_of_range", min: b.min, max: b.max };
    }
  }
  return issues;
}

/** The errors Rust answered, keyed by field, for showing next to each. */
export function issuesOf(errors: PolicyFieldError[]): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  for (const e of errors) {
    if (!issues[e.field]) issues[e.field] = { rule: e.rule, min: e.min, max: e.max };
  }
  return issues;
}

/** A new four-eyes rule: every kind, approvals. */
export function newRule(): FourEyesRuleForm {
  return { kind: null, outcome: "approve", reasons: [] };
}

/** The rule with its outcome changed; reasons go when the new outcome has none. */
export function withOutcome(rule: FourEyesRuleForm, outcome: string): FourEyesRuleForm {
  return { ...rule, outcome, reasons: outcomeHasReasons(outcome) ? rule.reasons : [] };
}

/** The rule with `reason` added or taken out. */
export function toggleReason(rule: FourEyesRuleForm, reason: string): FourEyesRuleForm {
  const reasons = rule.reasons.includes(reason)
    ? rule.reasons.filter((r) => r !== reason)
    : [...rule.reasons, reason];
  return { ...rule, reasons };
}

/** What an overturn does for `kind` (a kind not listed is requeued). */
export function overturnOf(form: PolicyForm, kind: string): string {
  return form.overturnActions.find((o) => o.kind === kind)?.action ?? "requeue";
}

/** The form with `kind`'s overturn action set; `requeue`, the default, is listed explicitly. */
export function withOverturn(form: PolicyForm, kind: string, action: string): PolicyForm {
  const others = form.overturnActions.filter((o) => o.kind !== kind);
  return { ...form, overturnActions: [...others, { kind, action }] };
}

/** The hub's rule for account names: 3 to 64 of a-z 0-9 . _ - */
export function validUsername(name: string): boolean {
  return /^[a-z0-9._-]{3,64}$/.test(name);
}

/** Why an action on an account is not offered, as a message key; null when it is. */
export function lockedReason(account: AccountRow): "admin.own" | null {
  return account.own ? "admin.own" : null;
}

/** A stored policy value (compact JSON) as a person reads it: numbers as they are, lists
 * of rules counted. */
export function shortValue(json: string): string {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value)) return `[${value.length}]`;
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return String(value);
    return json;
  } catch {
    return json;
  }
}

/** The name to show for an account id: its user name when the table knows it. */
export function accountName(accounts: AccountRow[], id: string | null): string {
  if (!id) return "–";
  return accounts.find((a) => a.userId === id)?.username ?? id;
}

/** Events whose kind the list knows how to say (anything else shows by its code). */
export const EVENT_KINDS = [
  "account_created",
  "account_disabled_changed",
  "account_role_changed",
  "password_reset",
  "policy_changed",
  "attention_resolved",
] as const;

export function knownEvent(e: AdminEventLine): e is AdminEventLine & { what: (typeof EVENT_KINDS)[number] } {
  return (EVENT_KINDS as readonly string[]).includes(e.what);
}
