import type { CheckSeverity, CheckView } from "../../lib/ipc";

const ORDER: Record<CheckSeverity, number> = { fail: 0, warn: 1, pass: 2, not_applicable: 3 };

/** Failures first, then warnings, passes, and checks that do not apply; stable within a group. */
export function sortChecks(checks: readonly CheckView[]): CheckView[] {
  return checks
    .map((check, i) => ({ check, i }))
    .sort((a, b) => ORDER[a.check.severity] - ORDER[b.check.severity] || a.i - b.i)
    .map(({ check }) => check);
}
