// What a decision needs before it can be sent, checked before the call so the reviewer is told
// at once (Rust checks again and has the last word).
import type { DecisionInput, OutcomeCode as Outcome, ReasonOption } from "../../lib/ipc";
import type { MessageKey } from "../../lib/i18n/index.svelte";

/** The catalogue's "other (see note)" reason: it needs a note. */
export const OTHER_REASON = "R99";

export interface Draft {
  outcome: Outcome | null;
  reasons: string[];
  documents: string[];
  note: string;
}

export function emptyDraft(): Draft {
  return { outcome: null, reasons: [], documents: [], note: "" };
}

/** Why the draft cannot be sent yet, or null. */
export function draftProblem(draft: Draft): MessageKey | null {
  if (!draft.outcome) return "decision.pickOutcome";
  if (draft.outcome === "reject" && draft.reasons.length === 0) return "decision.needReason";
  if (draft.outcome === "resubmit" && draft.documents.length === 0) return "decision.needDocument";
  if (draft.reasons.includes(OTHER_REASON) && !draft.note.trim()) return "decision.needNote";
  if (draft.note.length > 2000) return "decision.noteTooLong";
  return null;
}

export function toInput(caseId: string, draft: Draft): DecisionInput {
  const outcome = draft.outcome ?? "escalate";
  return {
    caseId,
    outcome,
    reasons: outcome === "reject" || outcome === "resubmit" ? draft.reasons : [],
    documents: outcome === "resubmit" ? draft.documents : [],
    note: draft.note.trim() ? draft.note.trim() : null,
  };
}

/** The catalogue entries offered for an outcome: Rust's catalogue is one list for both. */
export function reasonsFor(catalogue: readonly ReasonOption[], _outcome: Outcome): ReasonOption[] {
  return [...catalogue];
}

/** The hub's wording of a decided outcome (`request_resubmission`) as the panel's code. */
export function outcomeCode(outcome: string): Outcome | null {
  if (outcome === "request_resubmission") return "resubmit";
  return outcome === "approve" || outcome === "reject" || outcome === "resubmit" || outcome === "escalate"
    ? outcome
    : null;
}
