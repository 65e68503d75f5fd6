import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/svelte";
import AuditTrail from "./AuditTrail.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { REVEALED_EVENT, type AuditLine } from "../../lib/ipc";

const ipc = vi.hoisted(() => ({ supervisorTrail: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

const opened: AuditLine = { seq: 1, at: "2026-12-02T10:00:00Z", actor: "u-r", what: "client", event: "case_opened", field: null, reason: null };
const revealed: AuditLine = {
  seq: 2,
  at: "2026-12-02T10:01:00Z",
  actor: "u-s",
  what: "client",
  event: "field_revealed",
  field: "applicant.id_number",
  reason: "compare with the card",
};

describe("the supervisor's audit trail", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.supervisorTrail.mockReset();
  });

  it("names each revealed field and the reason given", () => {
    render(AuditTrail, { caseId: "c1", lines: [opened, revealed], live: false });
    expect(screen.getByTestId("trail-reveal").textContent).toContain("ID number");
    expect(screen.getByTestId("trail-reason").textContent).toContain("compare with the card");
  });

  it("adds a reveal made in the open case's evidence, and only for that case", async () => {
    ipc.supervisorTrail.mockResolvedValue([opened, revealed]);
    render(AuditTrail, { caseId: "c1", lines: [opened], live: true });
    expect(screen.queryByTestId("trail-reason")).toBeNull();
    window.dispatchEvent(new CustomEvent(REVEALED_EVENT, { detail: { caseId: "other" } }));
    expect(ipc.supervisorTrail).not.toHaveBeenCalled();
    window.dispatchEvent(new CustomEvent(REVEALED_EVENT, { detail: { caseId: "c1" } }));
    await vi.waitFor(() => expect(screen.getByTestId("trail-reason").textContent).toContain("compare with the card"));
    expect(ipc.supervisorTrail).toHaveBeenCalledWith("c1");
  });
});
