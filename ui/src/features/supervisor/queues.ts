// Pure helpers of the supervisor's queues, filters and QA samples.
import type { MessageKey } from "../../lib/i18n/index.svelte";
import type { CorrectionInput, DecisionInput } from "../../lib/ipc";
import { draftProblem, toInput, type Draft } from "../case/decision";

/** The hub's orders of the decisions table. */
export type Sort = "waiting_first" | "newest" | "oldest";

/** The order after a click on the "Recorded" column: newest, oldest, then back to the
 * default (waiting for four-eyes first). */
export function nextSort(sort: Sort): Sort {
  if (sort === "waiting_first") return "newest";
  if (sort === "newest") return "oldest";
  return "waiting_first";
}

/** The `aria-sort` of the "Recorded" column. */
export function ariaSort(sort: Sort): "ascending" | "descending" | "none" {
  if (sort === "newest") return "descending";
  if (sort === "oldest") return "ascending";
  return "none";
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A `datetime-local` (or date) value, read as this computer's local time, as RFC 3339 in
 * UTC; "" is no bound (null); anything else is undefined (not a time). */
export function toRfc3339(local: string): string | null | undefined {
  const text = local.trim();
  if (!text) return null;
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  const date = new Date(y, mo - 1, d, h, mi, s);
  // Date rolls 31 February over into March: such a value is not a date.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return date.toISOString();
}

/** A local time as a `datetime-local` value (minutes). */
export function toLocalInput(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** Why a time range cannot be used, or null. */
export function rangeProblem(from: string, to: string): MessageKey | null {
  const f = toRfc3339(from);
  const t = toRfc3339(to);
  if (f === undefined || t === undefined) return "sup.range.badTime";
  if (f && t && t <= f) return "sup.range.backwards";
  return null;
}

export interface SampleDraft {
  name: string;
  from: string;
  to: string;
  percent: string;
  seed: string;
}

const SEED = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a sample cannot be drawn yet, or null. */
export function sampleProblem(d: SampleDraft): MessageKey | null {
  const name = d.name.trim();
  if (!name || name.length > 100) return "sup.sample.needName";
  const percent = Number(d.percent);
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) return "sup.sample.badPercent";
  if (!d.from.trim() || !d.to.trim()) return "sup.sample.needWindow";
  const range = rangeProblem(d.from, d.to);
  if (range) return range;
  if (d.seed.trim() && !SEED.test(d.seed.trim())) return "sup.sample.badSeed";
  return null;
}

/** Progress through a review list, 0..100 (an empty list is done). */
export function progressPercent(judged: number, size: number): number {
  if (size <= 0) return 100;
  return Math.round((Math.min(judged, size) / size) * 100);
}

/** The queue entry of a dispute: its latest slot decision. */
export function disputeEntry(slots: readonly { decisionId: number }[]): number {
  return slots.reduce((max, s) => Math.max(max, s.decisionId), 0);
}

/** Why a supervisor's outcome (a correction, an escalation or dispute decision) cannot be
 * sent yet, or null: a reviewer's rules, without escalation. */
export function supervisorDraftProblem(draft: Draft): MessageKey | null {
  if (draft.outcome === "escalate") return "decision.pickOutcome";
  return draftProblem(draft);
}

/** A draft as a supervisor's decision on a case. */
export function toSupervisorInput(caseId: string, draft: Draft): DecisionInput {
  return toInput(caseId, draft);
}

/** A draft as the corrected outcome of an overturn (the verdict's note is the note). */
export function toCorrection(draft: Draft): CorrectionInput {
  const input = toInput("", draft);
  return { outcome: input.outcome, reasons: input.reasons, documents: input.documents };
}
