import { describe, expect, it } from "vitest";
import { i18n } from "../../lib/i18n/index.svelte";
import { revealedFieldLabel } from "./evidence";

describe("revealed field labels", () => {
  it("names applicant fields, document fields and checks in the UI language", () => {
    i18n.locale = "en";
    expect(revealedFieldLabel("applicant.name")).toBe("Name");
    expect(revealedFieldLabel("doc.0.number")).toBe("Number · document 1");
    expect(revealedFieldLabel("doc.1.mrz.0")).toBe("Machine-readable zone · document 2");
    expect(revealedFieldLabel("check.2")).toBe("check explanation 3");
    i18n.locale = "zh-CN";
    expect(revealedFieldLabel("applicant.name")).toBe("姓名");
    i18n.locale = "en";
  });

  it("shows an unknown key as it is", () => {
    expect(revealedFieldLabel("something.else")).toBe("something.else");
  });
});
