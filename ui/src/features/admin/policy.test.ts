import { describe, expect, it } from "vitest";
import type { AccountRow, PolicyFieldBounds, PolicyForm } from "../../lib/ipc";
import {
  NUMERIC_FIELDS,
  accountName,
  checkNumbers,
  issuesOf,
  lockedReason,
  overturnOf,
  shortValue,
  toggleReason,
  validUsername,
  withOutcome,
  withOverturn,
} from "./policy";

const BOUNDS: PolicyFieldBounds[] = [
  { field: "lease_secs", min: 10, max: 86400, unit: "seconds" },
  { field: "retention_days", min: 0, max: 3650, unit: "days" },
  { field: "offline_lease_hours", min: 1, max: 72, unit: "hours" },
  { field: "max_offline_hours", min: 1, max: 336, unit: "hours" },
  { field: "idle_lock_min_secs", min: 30, max: 3600, unit: "seconds" },
  { field: "idle_lock_max_secs", min: 30, max: 3600, unit: "seconds" },
  { field: "double_review_percent", min: 0, max: 100, unit: "percent" },
];

function form(): PolicyForm {
  return {
    leaseSecs: 900,
    retentionDays: 30,
    offlineLeaseHours: 12,
    maxOfflineHours: 72,
    idleLockMinSecs: 60,
    idleLockMaxSecs: 900,
    doubleReviewPercent: 0,
    fourEyesRules: [],
    overturnActions: [],
  };
}

function account(own: boolean): AccountRow {
  return {
    userId: own ? "u_me" : "u_other",
    username: own ? "admin" : "ann",
    role: own ? "admin" : "reviewer",
    disabled: false,
    passwordChangeRequired: false,
    createdAt: "2026-12-01T00:00:00Z",
    own,
  };
}

describe("the policy form", () => {
  it("shows every numeric field the bounds name", () => {
    expect(NUMERIC_FIELDS.map((f) => f.field).sort()).toEqual(BOUNDS.map((b) => b.field).sort());
  });

  it("names each number outside its bounds, or not a whole number, with the bounds", () => {
    expect(checkNumbers(form(), BOUNDS)).toEqual({});
    const f = { ...form(), leaseSecs: 5, doubleReviewPercent: 12.5, retentionDays: 3650 };
    expect(checkNumbers(f, BOUNDS)).toEqual({
      lease_secs: { rule: "out_of_range", min: 10, max: 86400 },
      double_review_percent: { rule: "out_of_range", min: 0, max: 100 },
    });
    // An emptied number input binds null.
    const empty = { ...form(), idleLockMaxSecs: null as unknown as number };
    expect(Object.keys(checkNumbers(empty, BOUNDS))).toEqual(["idle_lock_max_secs"]);
  });

  it("keys Rust's answers by field, the first per field", () => {
    const issues = issuesOf([
      { field: "max_offline_hours", rule: "offline_below_lease", min: null, max: null, message: "" },
      { field: "max_offline_hours", rule: "out_of_range", min: 1, max: 336, message: "" },
    ]);
    expect(issues).toEqual({ max_offline_hours: { rule: "offline_below_lease", min: null, max: null } });
  });

  it("drops a rule's reasons when its outcome has none", () => {
    const rule = toggleReason({ kind: null, outcome: "reject", reasons: [] }, "R01");
    expect(rule.reasons).toEqual(["R01"]);
    expect(toggleReason(rule, "R01").reasons).toEqual([]);
    expect(withOutcome(rule, "request_resubmission").reasons).toEqual(["R01"]);
    expect(withOutcome(rule, "approve").reasons).toEqual([]);
  });

  it("sets one overturn action per kind, requeue when unlisted", () => {
    expect(overturnOf(form(), "enterprise_account")).toBe("requeue");
    const once = withOverturn(form(), "enterprise_account", "correct");
    const twice = withOverturn(once, "enterprise_account", "requeue");
    expect(overturnOf(once, "enterprise_account")).toBe("correct");
    expect(twice.overturnActions).toEqual([{ kind: "enterprise_account", action: "requeue" }]);
  });
});

describe("accounts and events", () => {
  it("checks names as the hub does", () => {
    for (const ok of ["ann", "rev-1.a_b", "a".repeat(64)]) expect(validUsername(ok)).toBe(true);
    for (const bad of ["an", "Ann", "a/b", "a b", "a".repeat(65), "名字"]) expect(validUsername(bad)).toBe(false);
  });

  it("never offers changes to one's own account, and says why", () => {
    expect(lockedReason(account(true))).toBe("admin.own");
    expect(lockedReason(account(false))).toBeNull();
  });

  it("shows ids as the names the table knows, and values briefly", () => {
    const accounts = [account(true), account(false)];
    expect(accountName(accounts, "u_other")).toBe("ann");
    expect(accountName(accounts, "u_gone")).toBe("u_gone");
    expect(accountName(accounts, null)).toBe("–");
    expect(shortValue("900")).toBe("900");
    expect(shortValue('[{"kind":null,"outcome":"approve","reasons":[]}]')).toBe("[1]");
    expect(shortValue("not json")).toBe("not json");
  });
});
