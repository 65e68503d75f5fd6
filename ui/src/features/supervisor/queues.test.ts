import { describe, expect, it } from "vitest";
import { emptyDraft } from "../case/decision";
import {
  ariaSort,
  disputeEntry,
  nextSort,
  progressPercent,
  rangeProblem,
  sampleProblem,
  supervisorDraftProblem,
  toCorrection,
  toLocalInput,
  toRfc3339,
} from "./queues";

describe("the decisions table's order", () => {
  it("cycles newest, oldest, then waiting first again", () => {
    expect(nextSort("waiting_first")).toBe("newest");
    expect(nextSort("newest")).toBe("oldest");
    expect(nextSort("oldest")).toBe("waiting_first");
    expect(ariaSort("newest")).toBe("descending");
    expect(ariaSort("oldest")).toBe("ascending");
    expect(ariaSort("waiting_first")).toBe("none");
  });
});

describe("time ranges", () => {
  it("reads a local date and time as an instant, and refuses non-dates", () => {
    const iso = toRfc3339("2026-03-04T05:06");
    expect(iso).toBe(new Date(2026, 2, 4, 5, 6).toISOString());
    expect(toRfc3339("2026-03-04")).toBe(new Date(2026, 2, 4).toISOString());
    expect(toRfc3339("")).toBeNull();
    expect(toRfc3339("2026-02-31T10:00")).toBeUndefined();
    expect(toRfc3339("yesterday")).toBeUndefined();
    expect(toRfc3339("2026-03-04T25:00")).toBeUndefined();
  });

  it("round-trips the input format", () => {
    const d = new Date(2026, 11, 2, 9, 5);
    expect(toLocalInput(d)).toBe("2026-12-02T09:05");
    expect(toRfc3339(toLocalInput(d))).toBe(d.toISOString());
  });

  it("wants the end after the start", () => {
    expect(rangeProblem("", "")).toBeNull();
    expect(rangeProblem("2026-01-02T00:00", "")).toBeNull();
    expect(rangeProblem("2026-01-02T00:00", "2026-01-01T00:00")).toBe("sup.range.backwards");
    expect(rangeProblem("2026-01-02T00:00", "2026-01-02T00:00")).toBe("sup.range.backwards");
    expect(rangeProblem("nope", "")).toBe("sup.range.badTime");
  });
});

describe("QA samples", () => {
  const ok = { name: "weekly QA", from: "2026-01-01T00:00", to: "2026-01-08T00:00", percent: "10", seed: "" };
  it("needs a name, a share of 1 to 100 %, a window and a valid seed", () => {
    expect(sampleProblem(ok)).toBeNull();
    expect(sampleProblem({ ...ok, name: "  " })).toBe("sup.sample.needName");
    expect(sampleProblem({ ...ok, percent: "0" })).toBe("sup.sample.badPercent");
    expect(sampleProblem({ ...ok, percent: "12.5" })).toBe("sup.sample.badPercent");
    expect(sampleProblem({ ...ok, percent: "101" })).toBe("sup.sample.badPercent");
    expect(sampleProblem({ ...ok, to: "" })).toBe("sup.sample.needWindow");
    expect(sampleProblem({ ...ok, to: "2025-12-31T00:00" })).toBe("sup.range.backwards");
    expect(sampleProblem({ ...ok, seed: "has space" })).toBe("sup.sample.badSeed");
    expect(sampleProblem({ ...ok, seed: "qa-2026_w1" })).toBeNull();
  });

  it("shows progress as a share of the list", () => {
    expect(progressPercent(0, 4)).toBe(0);
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(4, 4)).toBe(100);
    expect(progressPercent(0, 0)).toBe(100);
  });
});

describe("supervisors' outcomes", () => {
  it("never escalate, and follow the reviewer's rules otherwise", () => {
    expect(supervisorDraftProblem({ ...emptyDraft(), outcome: "escalate" })).toBe("decision.pickOutcome");
    expect(supervisorDraftProblem({ ...emptyDraft(), outcome: "reject" })).toBe("decision.needReason");
    expect(supervisorDraftProblem({ ...emptyDraft(), outcome: "approve" })).toBeNull();
  });

  it("sends a correction without a note or unused lists", () => {
    expect(toCorrection({ outcome: "approve", reasons: ["R01"], documents: ["passport"], note: "x" })).toEqual({
      outcome: "approve",
      reasons: [],
      documents: [],
    });
    expect(toCorrection({ outcome: "resubmit", reasons: [], documents: ["passport"], note: "" })).toEqual({
      outcome: "resubmit",
      reasons: [],
      documents: ["passport"],
    });
  });

  it("takes a dispute's latest slot decision as its queue entry", () => {
    expect(disputeEntry([{ decisionId: 7 }, { decisionId: 9 }])).toBe(9);
  });
});
