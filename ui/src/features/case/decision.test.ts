import { describe, expect, it } from "vitest";
import { draftProblem, emptyDraft, outcomeCode, toInput } from "./decision";
import { sortChecks } from "./checks";

describe("decision draft", () => {
  it("reject needs a reason code, resubmission a document", () => {
    expect(draftProblem(emptyDraft())).toBe("decision.pickOutcome");
    expect(draftProblem({ ...emptyDraft(), outcome: "reject" })).toBe("decision.needReason");
    expect(draftProblem({ ...emptyDraft(), outcome: "reject", reasons: ["R01"] })).toBeNull();
    expect(draftProblem({ ...emptyDraft(), outcome: "resubmit", reasons: ["R01"] })).toBe("decision.needDocument");
    expect(draftProblem({ ...emptyDraft(), outcome: "approve" })).toBeNull();
    expect(draftProblem({ ...emptyDraft(), outcome: "escalate" })).toBeNull();
    expect(draftProblem({ ...emptyDraft(), outcome: "reject", reasons: ["R99"] })).toBe("decision.needNote");
    expect(draftProblem({ ...emptyDraft(), outcome: "reject", reasons: ["R99"], note: "stamp missing" })).toBeNull();
  });

  it("sends only what the outcome uses, and no empty note", () => {
    const draft = { outcome: "approve" as const, reasons: ["R01"], documents: ["d1"], note: "  " };
    expect(toInput("c1", draft)).toEqual({ caseId: "c1", outcome: "approve", reasons: [], documents: [], note: null });
    expect(toInput("c1", { ...draft, outcome: "resubmit", note: " look " })).toEqual({
      caseId: "c1",
      outcome: "resubmit",
      reasons: ["R01"],
      documents: ["d1"],
      note: "look",
    });
  });

  it("reads the hub's outcome words", () => {
    expect(outcomeCode("request_resubmission")).toBe("resubmit");
    expect(outcomeCode("approve")).toBe("approve");
    expect(outcomeCode("bogus")).toBeNull();
  });

  it("lists failed checks first, then warnings", () => {
    const c = (check: string, severity: "fail" | "warn" | "pass" | "not_applicable") => ({ check, key: check, severity, explanation: "", revealKey: null });
    expect(sortChecks([c("n", "not_applicable"), c("a", "pass"), c("b", "fail"), c("c", "warn"), c("d", "fail")]).map((x) => x.check)).toEqual(["b", "d", "c", "a", "n"]);
  });
});
