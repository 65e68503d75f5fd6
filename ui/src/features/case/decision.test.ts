import { describe, expect, it } from "vitest";
import { draftProblem, emptyDraft, reasonsFor, toInput } from "./decision";
import { sortChecks } from "./checks";

describe("decision draft", () => {
  it("reject needs a reason code, resubmission a document", () => {
    expect(draftProblem(emptyDraft())).toBe("decision.pickOutcome");
    expect(draftProblem({ ...emptyDraft(), outcome: "reject" })).toBe("decision.needReason");
    expect(draftProblem({ ...emptyDraft(), outcome: "reject", reasons: ["R01"] })).toBeNull();
    expect(draftProblem({ ...emptyDraft(), outcome: "resubmit", reasons: ["R01"] })).toBe("decision.needDocument");
    expect(draftProblem({ ...emptyDraft(), outcome: "approve" })).toBeNull();
    expect(draftProblem({ ...emptyDraft(), outcome: "escalate" })).toBeNull();
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

  it("offers the reasons that apply to the outcome", () => {
    const catalogue = [
      { code: "R01", label: "a", appliesTo: ["reject", "resubmit"] },
      { code: "R17", label: "b", appliesTo: ["reject"] },
      { code: "R99", label: "c", appliesTo: [] },
    ];
    expect(reasonsFor(catalogue, "resubmit").map((r) => r.code)).toEqual(["R01", "R99"]);
    expect(reasonsFor(catalogue, "reject").map((r) => r.code)).toEqual(["R01", "R17", "R99"]);
  });

  it("lists failed checks first, then warnings", () => {
    const c = (code: string, severity: "fail" | "warn" | "pass") => ({ code, severity, passed: severity === "pass", explanation: "" });
    expect(sortChecks([c("a", "pass"), c("b", "fail"), c("c", "warn"), c("d", "fail")]).map((x) => x.code)).toEqual(["b", "d", "c", "a"]);
  });
});
