import { describe, expect, it } from "vitest";
import { moveSelection, verdictLabel } from "./table";

describe("the supervisor's table", () => {
  it("moves the selection one row at a time and stops at both ends", () => {
    expect(moveSelection(0, 3, 1)).toBe(1);
    expect(moveSelection(2, 3, 1)).toBe(2);
    expect(moveSelection(0, 3, -1)).toBe(0);
    expect(moveSelection(5, 3, -1)).toBe(2);
    expect(moveSelection(0, 0, 1)).toBe(0);
  });

  it("labels verdicts, and a missing one as pending", () => {
    expect(verdictLabel("agree")).toBe("sup.verdict.agreed");
    expect(verdictLabel("overturn")).toBe("sup.verdict.overturned");
    expect(verdictLabel(null)).toBe("sup.verdict.pending");
  });
});
