// Pure helpers of the supervisor's decisions table.
import type { MessageKey } from "../../lib/i18n/index.svelte";

/** The row `J`/`K` moves to: one step, stopping at the ends (no wrap: a supervisor paging
 * through a sample must notice the end of the page). */
export function moveSelection(current: number, rows: number, step: 1 | -1): number {
  if (rows === 0) return 0;
  return Math.min(Math.max(current + step, 0), rows - 1);
}

/** The label of a row's verdict (`agree`, `overturn`, or none yet). */
export function verdictLabel(verdict: string | null): MessageKey {
  if (verdict === "agree") return "sup.verdict.agreed";
  if (verdict === "overturn") return "sup.verdict.overturned";
  return "sup.verdict.pending";
}
